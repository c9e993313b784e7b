"""goldbench's columnar event scorer on canonical JSONL (reading included), printing micro counts.

Both files are read by ``pyarrow.json`` in the Arrow layout of ``eval/arrow_schema.py``;
predictions are renumbered in gold document order by id, then ``score_columns``. Run by
bench/events.py in its own process.
"""

from __future__ import annotations

import sys

import orjson
from pyarrow import json as pa_json

from eval.arrow_schema import DOCUMENT_WITH_EVENTS
from eval.event_columns import EventColumns, from_arrow, gold_order, score_columns


def read(path: str) -> tuple[object, EventColumns]:
    table = pa_json.read_json(path, parse_options=pa_json.ParseOptions(explicit_schema=DOCUMENT_WITH_EVENTS))
    cols = from_arrow(table.column("events"), table.column("entities"))
    if cols is None:
        raise SystemExit(f"{path}: events need the exact reader")
    return table.column("id"), cols


def main() -> None:
    gold_ids, gold = read(sys.argv[1])
    pred_ids, pred = read(sys.argv[2])
    doc_map = gold_order(gold_ids, pred_ids)
    if doc_map is None:
        raise SystemExit("document ids are null or not unique")
    scores, _ = score_columns(gold, pred.renumber(doc_map), len(gold_ids))
    counts = {m: [c.tp, c.fp, c.fn] for m, c in scores.micro.items()}
    rows = {"events": len(gold.trigger_doc) + len(pred.trigger_doc)}
    rows["arguments"] = len(gold.argument_doc) + len(pred.argument_doc)
    sys.stdout.write(orjson.dumps({"micro": counts, **rows}).decode())


if __name__ == "__main__":
    main()
