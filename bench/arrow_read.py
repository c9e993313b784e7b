"""The floor: ``pyarrow.json.read_json`` of both files against the layout, nothing else.

Run by bench/run.py in its own process; ``evaluate`` should take at most 2x this (issue 11).
"""

from __future__ import annotations

import sys

import pyarrow as pa
import pyarrow.json as pj

DOCUMENT = pa.schema(
    [
        ("id", pa.string()),
        ("text", pa.string()),
        ("entities", pa.list_(pa.struct([("start", pa.int64()), ("end", pa.int64()), ("label", pa.string())]))),
    ]
)

if __name__ == "__main__":
    options = pj.ParseOptions(explicit_schema=DOCUMENT, unexpected_field_behavior="ignore")
    for path in sys.argv[1:]:
        # one table at a time, as evaluate holds one chunk at a time
        rows = pj.read_json(path, parse_options=options).num_rows
        print(rows)
