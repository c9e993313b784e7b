"""The Arrow layout of canonical documents: what the Arrow reader asks of a JSONL line and
what a Parquet gold or prediction file holds (docs/formats.md, "Parquet").

One row per document. ``entities`` is a list of structs with the canonical JSONL field names;
``events`` is optional. Fields outside this layout (``meta``, anything unknown) are not in it:
a JSONL file that has them is read by the exact reader, which keeps them (``Document.extra``).

Only ``eval/readers/arrow.py``, ``eval/convert.py``, ``eval/readers/parquet.py`` (inside its
functions) and the event columns import this module: importing pyarrow costs ~0.25 s, which
``evaluate --help`` must not pay.
"""

from __future__ import annotations

import pyarrow as pa

ENTITY = pa.struct(
    [
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("label", pa.string()),
        ("id", pa.string()),
        ("text", pa.string()),
        ("score", pa.float64()),
    ]
)
TRIGGER = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("text", pa.string())])
ARGUMENT = pa.struct(
    [
        ("role", pa.string()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("entity", pa.string()),
        ("text", pa.string()),
    ]
)
EVENT = pa.struct(
    [
        ("type", pa.string()),
        ("id", pa.string()),
        ("trigger", TRIGGER),
        ("arguments", pa.list_(ARGUMENT)),
    ]
)

ENTITIES = pa.field("entities", pa.list_(ENTITY))
EVENTS = pa.field("events", pa.list_(EVENT))

# What a JSONL line may hold for the Arrow reader; ``events`` is asked for only when present.
DOCUMENT = pa.schema([("id", pa.string()), ("text", pa.string()), ENTITIES])
DOCUMENT_WITH_EVENTS = pa.schema([("id", pa.string()), ("text", pa.string()), ENTITIES, EVENTS])
