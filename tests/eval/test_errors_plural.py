"""Counts in messages and reports agree with their nouns: "(1 document", "(2 documents"."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from eval.cli import app
from eval.errors import plural


def test_plural_of_one_and_many() -> None:
    got = [plural(n, "document") for n in (0, 1, 2, 1000)]
    assert got == ["0 documents", "1 document", "2 documents", "1,000 documents"]
    assert plural(1, "entity", "entities") == "1 entity" and plural(3, "entity", "entities") == "3 entities"


def test_one_document_is_singular_in_every_rendering(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "d1", "text": "Putin.", "entities": []}) + "\n", encoding="utf-8")
    for fmt in ("table", "markdown", "html"):
        result = CliRunner().invoke(app, [str(gold), str(gold), "--format", fmt])
        assert result.exit_code == 0, result.output
        assert "1 document," in result.stdout and "1 documents" not in result.stdout, fmt
