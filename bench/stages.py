"""Bench: where ``evaluate``'s time goes, in one process (idle machine; ±10 % between runs).

Stages: imports; reading and pairing both files chunk by chunk (``eval.stream.Stream``, no
scoring); the whole ``evaluate`` (reading, checks, scoring, merging); and, for scale, the floor
of ``pyarrow.json.read_json`` on both files.

    python bench/stages.py bench/out/synth-100000-25-7
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def main() -> None:
    folder = Path(sys.argv[1])
    gold, pred = folder / "gold.jsonl", folder / "pred.jsonl"
    t = time.perf_counter()
    import pyarrow.json as pj

    from eval import pipeline
    from eval.readers import arrow
    from eval.stream import Stream

    rows = [("imports (eval.pipeline, pyarrow)", time.perf_counter() - t)]
    t = time.perf_counter()
    for _ in Stream(gold, pred):
        pass
    rows.append(("read + pair both files in chunks (no scoring)", time.perf_counter() - t))
    t = time.perf_counter()
    pipeline.evaluate(gold, pred)
    rows.append(("evaluate() in process: read, check, score, merge", time.perf_counter() - t))
    t = time.perf_counter()
    for path in (gold, pred):
        pj.read_json(path, parse_options=arrow._PARSE)
    rows.append(("floor: pyarrow.json.read_json of both files", time.perf_counter() - t))
    print("| stage | seconds |\n| --- | ---: |")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.2f} |")


if __name__ == "__main__":
    main()
