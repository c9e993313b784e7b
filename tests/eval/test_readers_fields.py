"""--pred-fields: any JSONL shape through dotted paths, read as canonical records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eval.cli import app
from eval.errors import FormatError, UsageError
from eval.model import Document, Mention
from eval.readers import ReadOptions, read_corpus
from eval.readers.fields import parse_fields
from eval.readers.jsonl import read_jsonl

CASE = Path(__file__).parents[1] / "fixtures" / "readers" / "fields"
OFFSETS = "id=doc.key,entities=output.entities,label=type,start=begin,end=finish,score=conf"


def reference() -> dict[str, Document]:
    return {d.id: d for d in read_jsonl(CASE / "gold.jsonl")}


def test_parse_fields_names_document_and_entity_fields() -> None:
    assert parse_fields(" entities=output.entities, label=type ,text=span,doc.text=input.body") == {
        "entities": "output.entities",
        "label": "type",
        "text": "span",
        "doc.text": "input.body",
    }


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("entities", r"'entities' is not FIELD=dotted.path"),
        ("entities=a..b", r"'entities=a..b' is not FIELD=dotted.path"),
        ("colour=x", r"unknown field 'colour'; map one of id, doc.text, entities, start, end, label, text, score"),
        ("label=a,label=b", r"'label' is mapped twice"),
        (",", r"--pred-fields is empty"),
    ],
)
def test_parse_fields_refuses_a_bad_map(spec: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_fields(spec)


def test_records_with_offsets_are_read_through_the_map() -> None:
    options = ReadOptions(fields=parse_fields(OFFSETS))
    docs = read_corpus(CASE / "pred.jsonl", fmt="fields", reference=reference(), options=options).documents
    assert [d.id for d in docs] == ["f1", "f2"]
    assert [(e.start, e.end, e.label) for e in docs[0].entities] == [
        (0, 5, "PERSON"),
        (10, 17, "PERSON"),
        (21, 27, "LOC"),
    ]
    assert docs[0].text == reference()["f1"].text
    assert [e.score for e in docs[0].entities] == [0.9, 0.8, 0.4]  # score=conf


def test_offset_free_llm_output_becomes_mentions() -> None:
    options = ReadOptions(fields=parse_fields("entities=choices.0.message.entities,label=type,text=span"))
    docs = read_corpus(CASE / "llm.jsonl", fmt="fields", reference=reference(), options=options).documents
    assert docs[0].mentions == (Mention("PERSON", "Putin"), Mention("GPE", "Astana"))


def test_cli_pred_fields_alone_picks_the_format_and_scores() -> None:
    result = CliRunner().invoke(
        app, [str(CASE / "gold.jsonl"), str(CASE / "pred.jsonl"), "--pred-fields", OFFSETS, "--format", "json"]
    )
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    strict = report["entities"]["micro"]["strict"]
    assert (strict["correct"], strict["incorrect"], strict["possible"]) == (2, 1, 3)
    assert report["settings"]["pred_fields"] == OFFSETS


def test_cli_offset_free_output_scores_at_document_level() -> None:
    args = [str(CASE / "gold.jsonl"), str(CASE / "llm.jsonl"), "--format", "json", "--level", "document"]
    result = CliRunner().invoke(
        app, [*args, "--pred-fields", "entities=choices.0.message.entities,label=type,text=span"]
    )
    assert result.exit_code == 0, result.stderr
    strict = json.loads(result.stdout)["entities"]["micro"]["strict"]
    assert (strict["correct"], strict["missed"], strict["spurious"]) == (2, 1, 0)


BAD = {
    "not_json": ("{", r"bad\.jsonl:1: not valid JSON"),
    "no_id": (
        '{"output": {"entities": []}}',
        r"bad\.jsonl:1: no 'doc\.key' \(the document id, from --pred-fields id=doc\.key\)",
    ),
    "no_entities": (
        '{"doc": {"key": "f1"}}',
        r"bad\.jsonl:1: no 'output\.entities' \(the entity list, from --pred-fields",
    ),
    "entities_not_list": (
        '{"doc": {"key": "f1"}, "output": {"entities": 3}}',
        r"bad\.jsonl:1: 'output\.entities' must be a list",
    ),
    "no_label": (
        '{"doc": {"key": "f1"}, "output": {"entities": [{"begin": 0, "finish": 5}]}}',
        r"bad\.jsonl:1: entities\[0\] has no 'type' \(its label, from --pred-fields label=type\)",
    ),
    "offset_not_int": (
        '{"doc": {"key": "f1"}, "output": {"entities": [{"type": "PERSON", "begin": "0", "finish": 5}]}}',
        r"bad\.jsonl:1: document 'f1': entities\[0\]\.start must be an integer",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_is_one_line_naming_file_and_line_exit_2(case: str, tmp_path: Path) -> None:
    body, pattern = BAD[case]
    path = tmp_path / "bad.jsonl"
    path.write_text(body + "\n", encoding="utf-8")
    with pytest.raises(FormatError, match=pattern):
        read_corpus(path, fmt="fields", reference=reference(), options=ReadOptions(fields=parse_fields(OFFSETS)))
    result = CliRunner().invoke(app, [str(CASE / "gold.jsonl"), str(path), "--pred-fields", OFFSETS])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{path}:1:" in lines[0]


def test_cli_refuses_pred_fields_with_another_format() -> None:
    args = [str(CASE / "gold.jsonl"), str(CASE / "pred.jsonl"), "--pred-fields", OFFSETS, "--pred-format", "brat"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and "cannot be used with --pred-format brat" in result.stderr


def test_fields_format_without_a_map_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="needs --pred-fields"):
        read_corpus(CASE / "pred.jsonl", fmt="fields", reference=reference())
