"""Bench: goldbench's event columns against a plain-Python TextEE scorer on the same files.

Generates event-dense documents (bench/events_synth.py) under bench/out/, then runs each scorer
end to end (reading included) in its own process, wall time and peak RSS from ``os.wait4``
(bench/run.py's ``measure``). With ``--evaluate`` a row for ``evaluate GOLD PRED --format json``
is added. Prints a Markdown table and whether every row's six micro counts equal the plain ones.

    python bench/events.py --docs 100000 [--evaluate]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from events_synth import generate  # noqa: E402
from run import measure  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--evaluate", action="store_true", help="also time `evaluate` end to end")
    args = ap.parse_args()
    folder = args.out / f"events-{args.docs}-{args.seed}"
    gold, pred = folder / "gold.jsonl", folder / "pred.jsonl"
    if not (gold.exists() and pred.exists()):
        generate(folder, docs=args.docs, seed=args.seed)
    py = sys.executable
    env_path = os.pathsep.join([str(HERE.parent), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    os.environ["PYTHONPATH"] = env_path  # the columns script imports this checkout's eval package
    plain_s, plain_mb, plain_out = measure([py, str(HERE / "events_textee.py"), str(gold), str(pred)])
    plain = json.loads(plain_out)
    rows = [("plain Python (orjson, tuple sets)", plain_s, plain_mb, True)]
    s, mb, out = measure([py, str(HERE / "events_textee.py"), str(gold), str(pred), "--no-gc"])
    rows.append(("plain Python, gc disabled", s, mb, json.loads(out) == plain))
    no_gc_s = s
    cols_s, cols_mb, cols_out = measure([py, str(HERE / "events_columns.py"), str(gold), str(pred)])
    cols = json.loads(cols_out)
    rows.append(("goldbench columns (pyarrow.json, score_columns)", cols_s, cols_mb, cols["micro"] == plain))
    if args.evaluate:
        report = folder / "report.json"
        cmd = [str(Path(py).with_name("evaluate")), str(gold), str(pred), "--format", "json", "--out", str(report)]
        s, mb, _ = measure(cmd)
        micro = json.loads(report.read_text())["events"]["micro"]
        rows.append(
            ("evaluate (end to end)", s, mb, {m: [c["tp"], c["fp"], c["fn"]] for m, c in micro.items()} == plain)
        )
    print(f"{args.docs:,} documents, {cols['events']:,} events, {cols['arguments']:,} argument tuples (gold+pred)\n")
    print(
        "| scorer | documents | events | argument tuples | seconds | peak MB | speed-up "
        "| speed-up vs gc disabled | micro counts equal |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|:---:|")
    for name, s, mb, equal in rows:
        print(
            f"| {name} | {args.docs:,} | {cols['events']:,} | {cols['arguments']:,} | {s:.2f} | {mb:.0f} "
            f"| {plain_s / s:.1f}x | {no_gc_s / s:.1f}x | {'yes' if equal else 'NO'} |"
        )
    print("\ncolumns process, in seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in cols["phases"].items()))
    if not all(r[3] for r in rows):
        raise SystemExit("micro counts differ")


if __name__ == "__main__":
    main()
