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

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

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


def ints(values: pa.Array) -> npt.NDArray[np.int64]:
    """An integer or boolean Arrow array as int64 numpy, read from its buffer (a view when it
    is int64 already). ``Array.to_numpy`` and ``pa.scalar`` would import pandas (~0.4 s), which
    scoring must not (tests/eval/test_init_public_api.py).

    Null slots hold whatever the buffer has: callers mask them with the validity they check.
    """
    if pa.types.is_boolean(values.type):
        values = pc.cast(values, pa.int8())
    width = values.type.bit_width // 8
    data = values.buffers()[1]
    if data is None:
        return np.zeros(len(values), dtype=np.int64)
    view = np.frombuffer(data, dtype=f"<i{width}", count=len(values), offset=values.offset * width)
    return view.astype(np.int64, copy=False)
