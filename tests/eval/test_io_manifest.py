"""Gold-set manifests are verified on every read of a gold folder (``eval.io.verify_manifest``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eval.cli import app
from eval.errors import FormatError
from eval.io import sha256_file, verify_manifest
from eval.readers.jsonl import read_gold_documents

NEWS_DEMO = Path(__file__).resolve().parents[2] / "gold" / "news-demo"


def test_a_manifest_that_agrees_is_accepted_by_evaluate(tmp_path: Path) -> None:
    docs = NEWS_DEMO / "documents.jsonl"
    result = CliRunner().invoke(app, [str(NEWS_DEMO), str(docs), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["gold"]["sha256"] == sha256_file(docs)
    assert report["entities"]["micro"]["strict"]["f1"] == 1.0


def test_the_demo_manifest_agrees_with_its_documents() -> None:
    manifest = json.loads((NEWS_DEMO / "manifest.json").read_text(encoding="utf-8"))
    docs = read_gold_documents(NEWS_DEMO)
    assert len(docs) == manifest["document_count"]
    assert verify_manifest(NEWS_DEMO, sha256=sha256_file(NEWS_DEMO / "documents.jsonl"), count=len(docs)) == manifest


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("documents_sha256", "0" * 64),
        ("document_count", 999),
        ("document_count", "3"),
        ("format", "goldbench.gold/99"),
        ("format", None),
        ("entity_labels", "PERSON"),
        ("entity_labels", ["PERSON", " ORG "]),
        ("event_types", [""]),
        ("event_types", {"a": 1}),
    ],
)
def test_each_disagreeing_field_is_named(tmp_path: Path, field: str, value: object) -> None:
    folder = tmp_path / "gold"
    shutil.copytree(NEWS_DEMO, folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest[field] = value
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(FormatError) as info:
        read_gold_documents(folder)
    assert info.value.lines() == [line for line in info.value.lines() if line.startswith(f"{folder}/manifest.json: ")]
    assert [line.split(": ")[1] for line in info.value.lines()] == [field]
    result = CliRunner().invoke(app, [str(folder), str(folder / "documents.jsonl")])
    assert result.exit_code == 2
    assert f"manifest.json: {field}: " in result.stderr


def test_a_plain_file_or_a_folder_without_manifest_has_none(tmp_path: Path) -> None:
    (tmp_path / "documents.jsonl").write_text("", encoding="utf-8")
    assert verify_manifest(tmp_path, sha256="x", count=0) is None
    assert verify_manifest(tmp_path / "documents.jsonl", sha256="x", count=0) is None
