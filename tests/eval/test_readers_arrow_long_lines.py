"""A line longer than pyarrow's 1 MB parsing piece is read by Arrow too, and equals the exact
reader; the process exits cleanly (pyarrow aborts at exit after a "straddling object" error,
so the reader must not provoke one).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

import eval.readers.arrow as arrow
import eval.readers.jsonl as jsonl


def write(path: Path) -> Path:
    docs = [
        {"id": "short", "text": "Putin met Tokayev.", "entities": [{"start": 0, "end": 5, "label": "PER"}]},
        {"id": "long", "text": "word " * 600_000, "entities": [{"start": 5, "end": 9, "label": "X"}]},
        {"id": "last", "text": "Astana", "entities": []},
    ]
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    return path


def test_readers_arrow_long_line_read_by_arrow(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path / "g.jsonl")
    exact = []
    original = arrow._read_lines
    monkeypatch.setattr(arrow, "_read_lines", lambda *a: exact.append(1) or original(*a))
    got, expected = arrow.read_table(path), jsonl.read_table(path)
    assert not exact
    assert got.ids == expected.ids and got.texts == expected.texts and got.lines == expected.lines
    assert np.array_equal(got.start, expected.start) and got.sha256 == expected.sha256


def test_readers_arrow_long_line_process_exits_cleanly(tmp_path: Path) -> None:
    path = write(tmp_path / "g.jsonl")
    code = f"from pathlib import Path\nimport eval.readers.arrow as a\nprint(len(a.read_table(Path({str(path)!r}))))\n"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout.strip() == "3", run.stderr
