"""Gold-set folders: written atomically with a manifest, read back with the hash checked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import annotate.goldset as goldset
from annotate.convert_pull import export_to_gold
from annotate.goldset import read_gold_set, write_gold_set
from annotate.schema import load_schema
from eval.errors import FormatError, UsageError, ValidationError
from eval.io import current_umask, sha256_file
from eval.model import Argument, Document, Entity, Event, Span

SCHEMA = load_schema()
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "annotate"
TEXT = "Consuls of Nepal met\r\nin Kathmandu 🏔 today."
DOCS = [
    Document(
        "n1",
        TEXT,
        (Entity(11, 16, "GPE", "a", "Nepal"), Entity(25, 34, "GPE", "b", "Kathmandu")),
        (Event("Meet", Span(17, 20, "met"), (Argument("Place", 25, 34, "b", "Kathmandu"),), "t"),),
    ),
    Document("n2", "Nothing here.", ()),
]


def essence(docs: Any) -> list[tuple[Any, ...]]:
    return [(d.id, d.text, d.entities, d.events) for d in docs]


def test_written_gold_set_reads_back_identically_with_its_manifest(tmp_path: Path) -> None:
    folder = write_gold_set(
        tmp_path / "gold" / "v1",
        DOCS,
        schema=SCHEMA,
        manifest_fields={"source": "http://localhost:8080 project 3", "notes": "first pull"},
    )
    gold = read_gold_set(folder)
    assert essence(gold.documents) == essence(DOCS)
    m = gold.manifest
    assert m["format"] == "goldbench.gold/1"
    assert m["documents_sha256"] == sha256_file(folder / "documents.jsonl")
    assert m["document_count"] == 2 and m["counts"] == {"documents": 2, "entities": 2, "events": 1}
    assert m["entity_labels"] == list(SCHEMA.entity_label_names())
    assert m["event_types"] == list(SCHEMA.event_type_names())
    assert m["schema_sha256"] == SCHEMA.sha256()
    assert (m["source"], m["notes"]) == ("http://localhost:8080 project 3", "first pull")
    assert m["created"].endswith("Z")
    assert sorted(p.name for p in folder.iterdir()) == ["documents.jsonl", "manifest.json"]
    assert [p.name for p in folder.parent.iterdir()] == ["v1"]  # no temporary folder left behind


def test_without_schema_the_label_set_comes_from_the_documents(tmp_path: Path) -> None:
    m = read_gold_set(write_gold_set(tmp_path / "g", DOCS)).manifest
    assert (m["entity_labels"], m["event_types"], m["schema_sha256"]) == (["GPE"], ["Meet"], None)


def test_pull_result_fields_go_into_the_manifest(tmp_path: Path) -> None:
    export = json.loads((FIXTURES / "emoji_utf16" / "export.json").read_text(encoding="utf-8"))
    result = export_to_gold(export, SCHEMA)
    folder = write_gold_set(tmp_path / "g", result.documents, schema=SCHEMA, manifest_fields=result.manifest_fields())
    m = read_gold_set(folder).manifest
    assert m["policy"] == "latest"
    assert m["counts"]["repaired"] == len(m["repairs"]) == 4
    assert m["repairs"][0]["before"] != m["repairs"][0]["after"]
    assert m["provenance"][0]["task"] == 22


def test_failure_while_writing_leaves_nothing_and_keeps_the_old_gold_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_gold_set(tmp_path / "g", DOCS[:1])
    before = (folder / "documents.jsonl").read_bytes(), (folder / "manifest.json").read_bytes()

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OSError("disk full")

    monkeypatch.setattr(goldset, "swap_into_place", broken)
    with pytest.raises(OSError, match="disk full"):
        write_gold_set(folder, DOCS, overwrite=True)
    with pytest.raises(OSError, match="disk full"):
        write_gold_set(tmp_path / "new", DOCS)
    assert ((folder / "documents.jsonl").read_bytes(), (folder / "manifest.json").read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g"]


def test_unserialisable_manifest_field_is_a_usage_error_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="plain JSON"):
        write_gold_set(tmp_path / "g", DOCS, manifest_fields={"notes": object()})
    assert list(tmp_path.iterdir()) == []


def test_existing_gold_set_is_replaced_only_when_asked(tmp_path: Path) -> None:
    folder = write_gold_set(tmp_path / "g", DOCS[:1])
    with pytest.raises(UsageError, match="already holds a gold set"):
        write_gold_set(folder, DOCS)
    write_gold_set(folder, DOCS, overwrite=True)
    assert read_gold_set(folder).manifest["document_count"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g"]
    (tmp_path / "empty").mkdir()
    assert read_gold_set(write_gold_set(tmp_path / "empty", DOCS)).manifest["document_count"] == 2


def test_gold_set_written_beside_other_files_keeps_them(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    (folder / "articles").mkdir(parents=True)
    (folder / "articles" / "a.txt").write_text("an article", encoding="utf-8")
    (folder / "README.md").write_text("notes", encoding="utf-8")
    write_gold_set(folder, DOCS)
    assert sorted(p.name for p in folder.iterdir()) == ["README.md", "articles", "documents.jsonl", "manifest.json"]
    assert (folder / "articles" / "a.txt").read_text(encoding="utf-8") == "an article"
    assert read_gold_set(folder).manifest["document_count"] == 2
    mode = (folder / "documents.jsonl").stat().st_mode & 0o777
    assert mode == 0o666 & ~current_umask(), oct(mode)  # not mkstemp's 0600
    with pytest.raises(UsageError, match="already holds a gold set"):
        write_gold_set(folder, DOCS)
    write_gold_set(folder, DOCS[:1], overwrite=True)
    assert read_gold_set(folder).manifest["document_count"] == 1
    assert (folder / "README.md").exists()


def test_reserved_fields_and_bad_documents_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="documents_sha256"):
        write_gold_set(tmp_path / "g", DOCS, manifest_fields={"documents_sha256": "0" * 64})
    with pytest.raises(ValidationError, match="document 'n1': the document id appears twice"):
        write_gold_set(tmp_path / "g", [DOCS[0], DOCS[0]])
    bad = DOCS[0]._replace(entities=(Entity(11, 16, "COUNTRY", "a", "Nepal"),), events=())
    with pytest.raises(ValidationError, match="label 'COUNTRY' is not in the schema"):
        write_gold_set(tmp_path / "g", [bad], schema=SCHEMA)
    assert list(tmp_path.iterdir()) == []


def test_edited_documents_fail_the_hash_check(tmp_path: Path) -> None:
    folder = write_gold_set(tmp_path / "g", DOCS)
    path = folder / "documents.jsonl"
    path.write_bytes(path.read_bytes().replace(b"Nepal", b"Nepol"))
    with pytest.raises(FormatError, match=r"manifest\.json: documents_sha256: .* does not match documents\.jsonl"):
        read_gold_set(folder)
    assert read_gold_set(folder, verify=False).documents[0].entities[0].text == "Nepol"


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda p: None, "not a folder"),
        (lambda p: p.mkdir(), "no documents.jsonl"),
        (lambda p: (p.mkdir(), (p / "documents.jsonl").write_text("")), "no manifest.json"),
        (
            lambda p: (
                p.mkdir(),
                (p / "documents.jsonl").write_text(""),
                (p / "manifest.json").write_text('{"format": "goldbench.gold/9"}'),
            ),
            "format: 'goldbench.gold/9' is not a gold-set format",
        ),
    ],
)
def test_what_is_not_a_gold_set_is_a_format_error(tmp_path: Path, setup: Any, message: str) -> None:
    setup(tmp_path / "g")
    with pytest.raises(FormatError, match=message):
        read_gold_set(tmp_path / "g")


def test_pull_all_annotators_folders_get_the_usual_mode(tmp_path: Path) -> None:
    """Per-annotator gold sets are staged like single ones: not left at mkdtemp's 0700."""
    from annotate.convert_pull import AnnotationPolicy
    from annotate.pull import pull_from_export

    export = Path(__file__).resolve().parents[1] / "fixtures" / "annotate" / "annotators" / "export.json"
    summary = pull_from_export(export, out=tmp_path / "all", schema=SCHEMA, policy=AnnotationPolicy.ALL)
    assert len(summary.folders) == 2
    usual = 0o777 & ~current_umask()
    for folder in (tmp_path / "all", *summary.folders):
        assert folder.stat().st_mode & 0o777 == usual, folder
