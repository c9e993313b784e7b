"""How long `evaluate --help` and `annotate --help` take (best of N runs), next to a bare
`python -c pass`, so that the lazy-import target (< 0.5 s) is checked where speed belongs.

    python bench/cli_startup.py --runs 5
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path


def best_of(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    bindir = Path(sys.executable).parent
    rows = [
        ("python -c pass", [sys.executable, "-c", "pass"]),
        ("evaluate --help", [str(bindir / "evaluate"), "--help"]),
        ("annotate --help", [str(bindir / "annotate"), "--help"]),
    ]
    print(f"| command | best of {args.runs} (s) | target |")
    print("|---|---:|---|")
    for name, cmd in rows:
        target = "< 0.5 s" if "help" in name else ""
        print(f"| `{name}` | {best_of(cmd, args.runs):.3f} | {target} |")


if __name__ == "__main__":
    main()
