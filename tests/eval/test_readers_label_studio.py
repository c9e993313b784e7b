"""--pred-format label-studio: the predictions stored in a Label Studio JSON export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from eval.cli import app
from eval.counts import Scheme
from eval.errors import FormatError, UsageError
from eval.labelstudio import prediction_record, resolve_offsets
from eval.pipeline import Options, evaluate
from eval.readers import ReadOptions, detect, read_corpus

CASE = Path(__file__).parents[1] / "fixtures" / "readers" / "label_studio"
GOLD, EXPORT = CASE / "gold.jsonl", CASE / "export.json"


def options(version: str | None = "ref-v2") -> Options:
    return Options(pred_format="label-studio", read=ReadOptions(model_version=version))


def test_an_export_is_detected_by_its_leading_bracket() -> None:
    assert detect(EXPORT).name == "label-studio"


def test_predictions_of_one_version_become_documents_with_events_and_repaired_offsets() -> None:
    corpus = read_corpus(EXPORT, fmt="label-studio", options=ReadOptions(model_version="ref-v2"))
    docs = {d.id: d for d in corpus.documents}
    assert sorted(docs) == ["ls1", "ls2"]  # ls3 has no prediction
    assert [(e.label, e.text) for e in docs["ls1"].entities] == [("PERSON", "Putin"), ("GPE", "Tashkent")]
    assert [e.score for e in docs["ls1"].entities] == [0.97, 0.88]  # the regions' scores
    (travel,) = docs["ls1"].events
    assert (travel.type, travel.trigger.text) == ("Travel", "visited")
    assert [(a.role, a.entity) for a in travel.arguments] == [("Agent", "p1"), ("Destination", "p2")]
    text = docs["ls2"].text
    assert [text[e.start : e.end] for e in docs["ls2"].entities] == ["Mirziyoyev", "Modi", "Samarkand"]
    assert corpus.notes == (
        f"{EXPORT}: 1 task(s) have no prediction of model version 'ref-v2'; not scored",
        f"{EXPORT}: 2 predicted region(s) had UTF-16 offsets, read as code points",
    )


def test_an_older_model_version_is_scored_on_its_own() -> None:
    corpus = read_corpus(EXPORT, fmt="label-studio", options=ReadOptions(model_version="ref-v1"))
    assert [(d.id, [(e.label, e.text) for e in d.entities]) for d in corpus.documents] == [("ls1", [("GPE", "Putin")])]


def test_scores_of_the_export_equal_the_scores_of_the_same_predictions_as_jsonl(tmp_path: Path) -> None:
    corpus = read_corpus(EXPORT, fmt="label-studio", options=ReadOptions(model_version="ref-v2"))
    as_jsonl = tmp_path / "pred.jsonl"
    rows = []
    for d in corpus.documents:
        ents = [{"id": e.id, "start": e.start, "end": e.end, "label": e.label} for e in d.entities]
        events = [
            {
                "type": ev.type,
                "trigger": {"start": ev.trigger.start, "end": ev.trigger.end},
                "arguments": [{"role": a.role, "entity": a.entity} for a in ev.arguments],
            }
            for ev in d.events
        ]
        rows.append(json.dumps({"id": d.id, "text": d.text, "entities": ents, "events": events}, ensure_ascii=False))
    as_jsonl.write_text("\n".join(rows) + "\n", encoding="utf-8")
    a = evaluate(GOLD, EXPORT, options=options()).report
    b = evaluate(GOLD, as_jsonl).report
    assert a.entities == b.entities and a.events == b.events
    strict = a.entities.micro[Scheme.STRICT]
    assert (strict.correct, strict.incorrect, strict.missed) == (4, 1, 1)
    assert a.events is not None and a.events.micro["argument_classification_attached"].tp == 2


def test_cli_needs_a_version_when_the_export_has_several() -> None:
    result = CliRunner().invoke(app, [str(GOLD), str(EXPORT), "--pred-format", "label-studio"])
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert "2 model versions ('ref-v1' (1 tasks), 'ref-v2' (2 tasks)); pick one with --model-version" in line
    ok = CliRunner().invoke(app, [str(GOLD), str(EXPORT), "--model-version", "ref-v2", "--format", "json"])
    assert ok.exit_code == 0, ok.stderr
    assert json.loads(ok.stdout)["entities"]["micro"]["strict"]["correct"] == 4


def test_model_version_with_another_format_is_a_usage_error() -> None:
    bad = CliRunner().invoke(app, [str(GOLD), str(GOLD), "--pred-format", "jsonl", "--model-version", "x"])
    assert bad.exit_code == 2 and "--model-version picks predictions in a Label Studio export" in bad.stderr


def _task(result: Any, **data: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": 7,
            "data": {"text": "Putin met Modi.", "doc_id": "ls1", **data},
            "predictions": [{"id": 70, "model_version": "m", "result": result}],
        }
    ]


REGION = {
    "id": "a",
    "from_name": "entity",
    "to_name": "text",
    "type": "labels",
    "value": {"start": 0, "end": 5, "text": "Putin", "labels": ["PERSON"]},
}
BAD: dict[str, tuple[Any, str]] = {
    "not_json": (b"[{", r"export\.json: not valid JSON"),
    "not_a_list": ({"id": 1}, r"export\.json: a Label Studio JSON export is a list of tasks, got dict"),
    "two_labels": (
        _task([{**REGION, "value": {**REGION["value"], "labels": ["PERSON", "GPE"]}}]),
        r"export\.json: task 7 \(document 'ls1'\), prediction 70 of model version 'm': region 'a' needs exactly",
    ),
    "offsets_off": (
        _task([{**REGION, "value": {**REGION["value"], "start": 3, "end": 40}}]),
        r"task 7 \(document 'ls1'\).*region 'a': offsets 3-40 are past the end of the text",
    ),
    "relation_to_nothing": (
        _task([REGION, {"type": "relation", "from_id": "a", "to_id": "zz", "labels": ["Agent"]}]),
        r"task 7 \(document 'ls1'\).*relation a->zz points to a region that is not in the result",
    ),
    "ids_only": (
        [{"id": 7, "data": {"text": "x"}, "predictions": [70, 71]}],
        r"export\.json: task 7: the export lists predictions by id only; export them whole",
    ),
    "no_text": (_task([REGION], text=None), r"export\.json: task 7: data\.text is missing or not a string"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_export_is_one_line_naming_the_file_and_task_exit_2(case: str, tmp_path: Path) -> None:
    content, pattern = BAD[case]
    path = tmp_path / "export.json"
    path.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode())
    with pytest.raises(FormatError, match=pattern):
        read_corpus(path, fmt="label-studio")
    result = CliRunner().invoke(app, [str(GOLD), str(path), "--pred-format", "label-studio"])
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert str(path) in line


def test_an_unknown_model_version_lists_the_ones_there() -> None:
    with pytest.raises(UsageError, match=r"no prediction has model version 'v9'; the export has 'ref-v1' \(1 tasks\)"):
        read_corpus(EXPORT, fmt="label-studio", options=ReadOptions(model_version="v9"))


def test_one_labels_group_for_both_kinds_uses_the_gold_event_types() -> None:
    result = [
        {
            "id": "t",
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "value": {"start": 6, "end": 9, "text": "met", "labels": ["Meet"]},
        },
        {
            "id": "p",
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "value": {"start": 0, "end": 5, "text": "Putin", "labels": ["PERSON"]},
        },
    ]
    record, repaired = prediction_record("d", "Putin met Modi.", result, event_types={"Meet"})
    assert [e["label"] for e in record["entities"]] == ["PERSON"] and record["events"][0]["type"] == "Meet"
    assert repaired == 0


def test_resolve_offsets_reads_an_annotation_all_as_utf16_when_all_fit_so() -> None:
    text = "a 🇺🇿 b c"
    # "a" fits both ways; "b" and "c" only as UTF-16 units: all are read as UTF-16
    spans = [(0, 1, "a"), (7, 8, "b"), (9, 10, "c")]
    resolved = resolve_offsets(text, spans)
    assert [(r.start, r.end) for r in resolved if r is not None] == [(0, 1), (5, 6), (7, 8)]
    assert [r.before for r in resolved if r is not None] == [None, (7, 8), (9, 10)]
    assert resolve_offsets(text, [(0, 3, "zz")]) == [None]
