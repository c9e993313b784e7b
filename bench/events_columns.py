"""goldbench's columnar event scorer on canonical JSONL (reading included), printing micro counts.

Both files are read by ``pyarrow.json`` in the Arrow layout of ``eval/arrow_schema.py``;
predictions are renumbered in gold document order by id, then ``score_columns``. Run by
bench/events.py in its own process.
"""

from __future__ import annotations

import sys
import time

import orjson
import pyarrow as pa
from pyarrow import json as pa_json

from eval.arrow_schema import DOCUMENT_WITH_EVENTS
from eval.event_columns import EventColumns, from_arrow, gold_order, score_columns


def read(path: str) -> pa.Table:
    return pa_json.read_json(path, parse_options=pa_json.ParseOptions(explicit_schema=DOCUMENT_WITH_EVENTS))


def columns(table: pa.Table, path: str) -> EventColumns:
    cols = from_arrow(table.column("events"), table.column("entities"))
    if cols is None:
        raise SystemExit(f"{path}: events need the exact reader")
    return cols


def main() -> None:
    t0 = time.perf_counter()
    gold_table, pred_table = read(sys.argv[1]), read(sys.argv[2])
    t1 = time.perf_counter()
    gold, pred = columns(gold_table, sys.argv[1]), columns(pred_table, sys.argv[2])
    t2 = time.perf_counter()
    doc_map = gold_order(gold_table.column("id"), pred_table.column("id"))
    if doc_map is None:
        raise SystemExit("document ids are null or not unique")
    scores, _ = score_columns(gold, pred.renumber(doc_map), len(gold_table))
    phases = {"read_json": t1 - t0, "from_arrow": t2 - t1, "gold_order and score_columns": time.perf_counter() - t2}
    counts = {m: [c.tp, c.fp, c.fn] for m, c in scores.micro.items()}
    rows = {"events": len(gold.trigger_doc) + len(pred.trigger_doc)}
    rows["arguments"] = len(gold.argument_doc) + len(pred.argument_doc)
    sys.stdout.write(orjson.dumps({"micro": counts, **rows, "phases": phases}).decode())


if __name__ == "__main__":
    main()
