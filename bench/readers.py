"""Bench: JSONL readers into span columns, each in its own process, on one bench file.

Rows: pyarrow (``pyarrow.json.read_json`` against the layout, then flattened into start/end/
label/document columns), polars (``read_ndjson`` with a schema, exploded the same way; polars
is not a dependency: pass ``--polars-path`` to a folder it was installed into with
``pip install --target``), goldbench's msgspec block reader (``eval.readers.jsonl.read_table``,
before issue 11) and its Arrow reader (``eval.readers.arrow.read_table``). Prints seconds, peak
MB, the import time of the library and its installed size.

    python bench/readers.py bench/out/synth-100000-25-7/gold.jsonl --polars-path /tmp/polars
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import measure  # noqa: E402

PYARROW = """
import time, sys
t = time.perf_counter()
import pyarrow as pa, pyarrow.compute as pc, pyarrow.json as pj
imported = time.perf_counter() - t
ent = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("label", pa.string())])
schema = pa.schema([("id", pa.string()), ("text", pa.string()), ("entities", pa.list_(ent))])
table = pj.read_json(sys.argv[1], parse_options=pj.ParseOptions(explicit_schema=schema))
ents = table.column("entities").combine_chunks()
flat = pc.list_flatten(ents)
cols = (flat.field("start"), flat.field("end"), pc.dictionary_encode(flat.field("label")), pc.list_parent_indices(ents))
lengths = pc.utf8_length(table.column("text"))
print(imported, len(cols[0]))
"""

POLARS = """
import time, sys
sys.path.insert(0, sys.argv[2])
t = time.perf_counter()
import polars as pl
imported = time.perf_counter() - t
ent = pl.Struct({"start": pl.Int64, "end": pl.Int64, "label": pl.String})
df = pl.read_ndjson(sys.argv[1], schema={"id": pl.String, "text": pl.String, "entities": pl.List(ent)})
lengths = df.select(pl.col("text").str.len_chars())
flat = df.with_row_index("doc").select("doc", "entities").explode("entities").unnest("entities")
flat = flat.with_columns(pl.col("label").cast(pl.Categorical))
print(imported, flat.height)
"""

GOLDBENCH = """
import time, sys
from pathlib import Path
t = time.perf_counter()
from eval.readers import {module}
imported = time.perf_counter() - t
table = {module}.read_table(Path(sys.argv[1]))
print(imported, table.start.size)
"""


def size_mb(package: str, path: str | None = None) -> float:
    code = (
        f"import sys; sys.path.insert(0, {path!r}) if {path!r} else None; import {package}; print({package}.__file__)"
    )
    where = Path(
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    )
    return sum(f.stat().st_size for f in where.parent.rglob("*") if f.is_file()) / 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--polars-path", help="a folder polars was installed into (pip install --target)")
    args = ap.parse_args()
    rows = []
    py = sys.executable
    s, mb, out = measure([py, "-c", PYARROW, str(args.file)])
    rows.append(("pyarrow.json + flatten", s, mb, *json.loads(f"[{out.split()[0]}]"), size_mb("pyarrow")))
    if args.polars_path:
        s, mb, out = measure([py, "-c", POLARS, str(args.file), args.polars_path])
        installed = size_mb("polars", args.polars_path) + size_mb("_polars_runtime_32", args.polars_path)
        rows.append(("polars.read_ndjson + explode", s, mb, float(out.split()[0]), installed))
    for module, name in (("jsonl", "goldbench msgspec block reader"), ("arrow", "goldbench Arrow reader")):
        s, mb, out = measure([py, "-c", GOLDBENCH.format(module=module), str(args.file)])
        rows.append((name, s, mb, float(out.split()[0]), None))
    print("| reader | seconds | peak MB | import s | installed MB |")
    print("|---|---:|---:|---:|---:|")
    for name, s, mb, imported, installed in rows:
        size = f"{installed:.0f}" if installed is not None else "–"
        print(f"| {name} | {s:.2f} | {mb:.0f} | {imported:.2f} | {size} |")


if __name__ == "__main__":
    main()
