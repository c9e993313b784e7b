"""How long `evaluate --help` and `annotate --help` take (best of N runs), next to a bare
`python -c pass`, so that the lazy-import target (< 0.5 s) is checked where speed belongs; and
how long `annotate push` takes to say that no server listens (target < 2 s).

    python bench/cli_startup.py --runs 5
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from annotate.server import free_port


def best_of(cmd: list[str], runs: int, *, env: dict[str, str] | None = None, code: int = 0) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, env=env)
        times.append(time.perf_counter() - t0)
        if done.returncode != code:
            raise SystemExit(f"{' '.join(cmd)}: exit {done.returncode}, expected {code}: {done.stderr.decode()}")
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
    with tempfile.TemporaryDirectory() as tmp:
        article = Path(tmp) / "a1.txt"
        article.write_text("Putin met Mirziyoyev in Tashkent.", encoding="utf-8")
        env = {**os.environ, "LABEL_STUDIO_API_KEY": "not-used", "GOLDBENCH_STATE_DIR": tmp}
        push = [str(bindir / "annotate"), "push", str(article), "--project", "p", "--url", f"http://127.0.0.1:{free_port()}"]
        seconds = best_of(push, args.runs, env=env, code=2)
        print(f"| `annotate push` with no server (exit 2) | {seconds:.3f} | < 2 s |")


if __name__ == "__main__":
    main()
