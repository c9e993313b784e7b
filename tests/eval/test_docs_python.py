"""docs/python.md's walk-through runs: every ``python`` block, in order, in one namespace, from
the repository root; what a block prints equals the ``text`` block that follows it.

Blocks marked ``python notest`` (they need a Label Studio server) are compiled, not run.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "python.md"
FENCE = re.compile(r"^```([a-z]*)( notest)?\n(.*?)^```$", re.S | re.M)


def blocks() -> list[tuple[str, bool, str]]:
    return [(m.group(1), bool(m.group(2)), m.group(3)) for m in FENCE.finditer(DOC.read_text(encoding="utf-8"))]


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip("\n").splitlines()]


def test_walkthrough_blocks_run_and_print_what_the_doc_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    found = blocks()
    namespace: dict[str, object] = {"__name__": "walkthrough"}
    ran = 0
    for i, (lang, notest, code) in enumerate(found):
        if lang != "python":
            continue
        compiled = compile(code, f"{DOC}:block {i}", "exec")
        if notest:
            continue
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compiled, namespace)
        ran += 1
        following = found[i + 1] if i + 1 < len(found) else None
        if following is not None and following[0] == "text":
            assert _lines(out.getvalue()) == _lines(following[2]), f"block {i}:\n{code}"
        else:
            assert out.getvalue() == "", f"block {i} prints but the doc shows no output"
    assert ran >= 6
    assert os.getcwd() == str(ROOT)


def test_walkthrough_covers_the_acceptance_steps() -> None:
    code = "\n".join(c for lang, notest, c in blocks() if lang == "python" and not notest)
    assert 'evaluate(\n    "examples/quickstart/gold.jsonl"' in code  # scores the quickstart
    assert 'to_frame("labels")' in code  # the per-label DataFrame
    assert "errors.gold_label ==" in code  # the errors of one label
    assert 'slice_by=("meta.source",)' in code and 'to_frame("slices")' in code  # slices by source
