"""Rebuild the news-demo gold set (``documents.jsonl`` + ``manifest.json``) from the adjudicated markup.

Usage: ``python gold/news-demo/rebuild.py`` (``make news-demo``). Builds
``annotations/adjudicated`` with ``build.py`` (texts checked against ``articles/``, ``meta`` from
``meta.json``) and writes the gold set with ``annotate.goldset.write_gold_set``, checked against
``configs/schema.yaml``; the manifest's ``source`` and ``notes`` are kept.
"""

from __future__ import annotations

import importlib.util
import sys
import tempfile
from pathlib import Path

import orjson

from annotate.goldset import write_gold_set
from annotate.schema import load_schema
from eval.errors import GoldbenchError
from eval.readers.jsonl import read_jsonl

HERE = Path(__file__).resolve().parent


def _build_module():  # build.py is a script, not a package module
    spec = importlib.util.spec_from_file_location("newsdemo_build", HERE / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main() -> int:
    build = _build_module()
    old = orjson.loads((HERE / "manifest.json").read_bytes())
    try:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "adjudicated.jsonl"
            build.build(HERE / "annotations" / "adjudicated", out, meta=build.META)
            docs = read_jsonl(out)
        fields = {"source": old["source"], "notes": old["notes"]}
        write_gold_set(HERE, docs, manifest_fields=fields, schema=load_schema(), overwrite=True)
    except GoldbenchError as exc:
        for line in exc.lines():
            print(f"error: {line}", file=sys.stderr)
        return exc.exit_code
    print(f"wrote {HERE / 'documents.jsonl'} and manifest.json: {len(docs)} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
