"""Bench: ``evaluate`` against nervaluate on the same synthetic files, in the same run.

Each tool runs end to end (reading included) in its own process; wall time and peak RSS are
taken from that process (``os.wait4``). Per corpus: ``evaluate`` on JSONL, the floor (Arrow
reading both files and nothing else, bench/arrow_read.py), ``evaluate`` on the same corpus as
Parquet (converted once with ``evaluate convert``, not timed; up to ``--parquet-max`` documents),
and nervaluate (up to ``--nervaluate-max`` documents: at
1M it would need ~36 GB). Prints a Markdown table: seconds, peak MB, ratios, and whether the
micro counts of all four schemes are equal (JSONL, Parquet and nervaluate).

    python bench/run.py --docs 1000 10000 100000 1000000
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


def micro_counts(report: Path) -> dict[str, list[int]]:
    micro = json.loads(report.read_text())["entities"]["micro"]
    return {s: [micro[s][k] for k in ("correct", "incorrect", "partial", "missed", "spurious")] for s in SCHEMES}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--entities", type=int, default=25)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--nervaluate-max", type=int, default=100_000, help="run nervaluate only up to this many documents")
    ap.add_argument(
        "--parquet-max", type=int, default=1_000_000, help="convert to Parquet and time it up to this many documents"
    )
    args = ap.parse_args()
    evaluate = str(Path(sys.executable).with_name("evaluate"))
    rows = []
    for n in args.docs:
        folder = args.out / f"synth-{n}-{args.entities}-{args.seed}"
        gold, pred = folder / "gold.jsonl", folder / "pred.jsonl"
        if not (gold.exists() and pred.exists()):
            generate(folder, docs=n, entities=args.entities, seed=args.seed)
        report = folder / "report.json"
        arrow_s, arrow_mb, _ = measure([sys.executable, str(HERE / "arrow_read.py"), str(gold), str(pred)])
        ours_s, ours_mb, _ = measure([evaluate, str(gold), str(pred), "--format", "json", "--out", str(report)])
        ours = micro_counts(report)
        parquet = None
        if n <= args.parquet_max:
            files = [folder / "gold.parquet", folder / "pred.parquet"]
            for src, dst in zip((gold, pred), files, strict=True):
                if not dst.exists():  # converting is not timed: it is done once per corpus
                    subprocess.run([evaluate, "convert", str(src), str(dst)], check=True, stdout=subprocess.DEVNULL)
            pq_report = folder / "report-parquet.json"
            pq_s, pq_mb, _ = measure([evaluate, *map(str, files), "--format", "json", "--out", str(pq_report)])
            parquet = (pq_s, pq_mb, micro_counts(pq_report) == ours)
        theirs = None
        if n <= args.nervaluate_max:
            theirs_s, theirs_mb, theirs_out = measure(
                [sys.executable, str(HERE / "nervaluate_run.py"), str(gold), str(pred)]
            )
            theirs = (theirs_s, theirs_mb, ours == json.loads(theirs_out))
        rows.append((n, spans(gold) + spans(pred), ours_s, ours_mb, arrow_s, parquet, theirs))
        print(f"done {n} documents", file=sys.stderr)
    print(
        "| documents | spans (gold+pred) | goldbench s | peak MB | Arrow read s | goldbench / read "
        "| from Parquet s | Parquet peak MB | nervaluate s | nervaluate peak MB | speed-up | memory ratio "
        "| micro counts equal |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|")
    for n, sp, s1, m1, arrow_s, parquet, theirs in rows:
        pq = f"{parquet[0]:.2f} | {parquet[1]:.0f}" if parquet else "– | –"
        if theirs:
            s2, m2, eq = theirs
            vs = f"{s2:.2f} | {m2:.0f} | {s2 / s1:.1f}x | {m1 / m2:.2f}"
        else:
            vs, eq = "– | – | – | –", None
        if parquet is not None:
            eq = parquet[2] if eq is None else eq and parquet[2]
        print(
            f"| {n:,} | {sp:,} | {s1:.2f} | {m1:.0f} | {arrow_s:.2f} | {s1 / arrow_s:.2f} | {pq} | {vs} | "
            f"{'–' if eq is None else 'yes' if eq else 'NO'} |"
        )


if __name__ == "__main__":
    main()
