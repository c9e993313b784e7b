"""Bench: ``evaluate`` against nervaluate on the same synthetic files, in the same run.

Each tool runs end to end (reading included) in its own process; wall time and peak RSS are
taken from that process (``os.wait4``). Prints a Markdown table: documents, spans, seconds,
peak MB, speed and memory ratios, and whether the micro counts of all four schemes are equal.

    python bench/run.py --docs 1000 10000 100000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synth import generate  # noqa: E402

SCHEMES = ("strict", "exact", "partial", "type")


def measure(cmd: list[str]) -> tuple[float, float, str]:
    """Run ``cmd``; return (seconds, peak MB of that process, stdout)."""
    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read().decode() if proc.stderr else ""
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err}")
        out.seek(0)
        return seconds, usage.ru_maxrss / 1024, out.read().decode()


def spans(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(line.count(b'"label"') for line in f)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--entities", type=int, default=25)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=HERE / "out")
    args = ap.parse_args()
    evaluate = str(Path(sys.executable).with_name("evaluate"))
    rows = []
    for n in args.docs:
        folder = args.out / f"synth-{n}-{args.entities}-{args.seed}"
        gold, pred = folder / "gold.jsonl", folder / "pred.jsonl"
        if not (gold.exists() and pred.exists()):
            generate(folder, docs=n, entities=args.entities, seed=args.seed)
        report = folder / "report.json"
        ours_s, ours_mb, _ = measure([evaluate, str(gold), str(pred), "--format", "json", "--out", str(report)])
        theirs_s, theirs_mb, theirs_out = measure(
            [sys.executable, str(HERE / "nervaluate_run.py"), str(gold), str(pred)]
        )
        micro = json.loads(report.read_text())["entities"]["micro"]
        ours = {s: [micro[s][k] for k in ("correct", "incorrect", "partial", "missed", "spurious")] for s in SCHEMES}
        equal = ours == json.loads(theirs_out)
        rows.append((n, spans(gold) + spans(pred), ours_s, ours_mb, theirs_s, theirs_mb, equal))
        print(f"done {n} documents", file=sys.stderr)
    print(
        "| documents | spans (gold+pred) | goldbench s | nervaluate s | speed-up | goldbench peak MB "
        "| nervaluate peak MB | memory ratio | micro counts equal |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|:---:|")
    for n, sp, s1, m1, s2, m2, eq in rows:
        print(
            f"| {n:,} | {sp:,} | {s1:.2f} | {s2:.2f} | {s2 / s1:.1f}x | {m1:.0f} | {m2:.0f} | {m1 / m2:.2f} | "
            f"{'yes' if eq else 'NO'} |"
        )


if __name__ == "__main__":
    main()
