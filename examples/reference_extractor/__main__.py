"""Command line: read ``{"id", "text"}`` JSON lines on stdin, write predictions on stdout.

Each output line is ``{"id", "entities", "events"}`` (the text is left out: the caller has it).
Errors go to stderr as one line; the exit code is 2 for bad input or a bad data file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

if not __package__:  # run as a file: python examples/reference_extractor/__main__.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reference_extractor.extract import Extractor  # noqa: E402
from reference_extractor.resources import ResourceError  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="reference_extractor", description="Rule-based entities and events, JSONL in, JSONL out."
    )
    parser.add_argument("--schema", help="configs/schema.yaml to use (default: found above the current folder)")
    args = parser.parse_args(argv)
    try:
        extractor = Extractor(args.schema)
    except ResourceError as exc:
        print(f"reference_extractor: error: {exc}", file=sys.stderr)
        return 2
    out = sys.stdout
    for number, raw in enumerate(sys.stdin.buffer, 1):
        if not raw.strip():
            continue
        try:
            doc = json.loads(raw)
            doc_id, text = doc["id"], doc["text"]
            if not isinstance(text, str):
                raise TypeError("text is not a string")
        except (ValueError, KeyError, TypeError) as exc:
            msg = f"stdin:{number}: each line must be a JSON object with an id and a text ({exc})"
            print(f"reference_extractor: error: {msg}", file=sys.stderr)
            return 2
        out.write(json.dumps({"id": doc_id, **extractor(text)}) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
