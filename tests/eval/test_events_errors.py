"""Event error cases (missed/spurious triggers, wrong types, missed/spurious arguments, wrong
roles) with context, their link to the TextEE counts, and their HTML/JSON rendering."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eval.cli import app
from eval.events import event_error_cases, score_events
from eval.pipeline import Options, evaluate
from eval.readers.jsonl import read_jsonl
from eval.render.html import render_html
from eval.render.json import report_to_dict

FIXTURES = Path(__file__).parents[1] / "fixtures" / "events"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "expected.json").is_file())


def _cases(case: str):  # type: ignore[no-untyped-def]
    gold, pred = read_jsonl(FIXTURES / case / "gold.jsonl"), read_jsonl(FIXTURES / case / "pred.jsonl")
    return gold, pred, event_error_cases(gold, pred, limit=1000)


@pytest.mark.parametrize("case", CASES)
def test_error_cases_account_for_the_classification_counts(case: str) -> None:
    gold, pred, errors = _cases(case)
    kinds = Counter(e.kind for e in errors)
    micro = score_events(gold, pred).micro
    trig, args = micro["trigger_classification"], micro["argument_classification_attached"]
    assert kinds["missed trigger"] + kinds["wrong type"] == trig.fn
    assert kinds["spurious trigger"] + kinds["wrong type"] <= trig.fp
    assert kinds["missed argument"] + kinds["wrong role"] == args.fn
    assert kinds["spurious argument"] + kinds["wrong role"] <= args.fp
    for e in errors:
        doc = next(d for d in gold if d.id == e.doc_id)
        assert e.span == doc.text[e.start : e.end] and doc.text[: e.start].endswith(e.left)
        assert (e.role is None) == (e.trigger is None) == e.kind.endswith(("trigger", "type"))


def test_swapped_roles_are_two_wrong_roles() -> None:
    _, _, errors = _cases("right_trigger_wrong_role")
    assert [(e.kind, e.role, e.other, e.span, e.trigger) for e in errors] == [
        ("wrong role", "Seller", "Buyer", "company", "sold"),
        ("wrong role", "Buyer", "Seller", "state bank", "sold"),
    ]


def test_a_wrong_type_on_the_right_span() -> None:
    gold, _, errors = _cases("right_span_wrong_type")
    wrong = [e for e in errors if e.kind == "wrong type"]
    assert [(e.event_type, e.other, e.span) for e in wrong] == [(gold[0].events[0].type, "Meet", "visited")]


def test_spurious_event_gives_a_spurious_trigger_and_its_arguments() -> None:
    _, _, errors = _cases("spurious_event")
    spurious = [(e.kind, e.event_type, e.role, e.span) for e in errors if e.event_type == "Attack"]
    assert spurious == [
        ("spurious argument", "Attack", "Attacker", "soldiers"),
        ("spurious trigger", "Attack", None, "fired"),
        ("spurious argument", "Attack", "Target", "crowd"),
    ]


def test_limit_caps_the_cases() -> None:
    gold, pred, errors = _cases("right_trigger_wrong_role")
    assert event_error_cases(gold, pred, limit=1) == errors[:1]


def test_html_and_json_list_event_errors_only_with_details() -> None:
    case = FIXTURES / "right_trigger_wrong_role"
    plain = evaluate(case / "gold.jsonl", case / "pred.jsonl").report
    assert plain.event_errors == () and "event_errors" not in report_to_dict(plain)
    report = evaluate(case / "gold.jsonl", case / "pred.jsonl", options=Options(details=True)).report
    page = render_html(report)
    assert '<section id="event-errors"><h2>Event errors (2 wrong role)</h2>' in page
    assert '<mark class="wrong">state bank</mark>' in page and "<td>Seller</td><td>Buyer</td>" in page
    rows = report_to_dict(report)["event_errors"]
    assert rows[0] == {
        "doc_id": "d1",
        "kind": "wrong role",
        "event_type": "Transfer",
        "role": "Seller",
        "other": "Buyer",
        "trigger": "sold",
        "start": 4,
        "end": 11,
        "left": "The ",
        "span": "company",
        "right": " sold the plant to a state bank.",
    }


def test_cli_html_report_has_the_event_error_section(tmp_path: Path) -> None:
    case = FIXTURES / "missed_trigger_with_arguments"
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, [str(case / "gold.jsonl"), str(case / "pred.jsonl"), "--html", str(out)])
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert 'id="event-errors"' in page and "missed trigger" in page and "missed argument" in page


def test_confusion_caption_says_none_also_holds_boundary_mismatches() -> None:
    gold = Path(__file__).parents[2] / "examples" / "quickstart" / "gold.jsonl"
    pred = gold.with_name("pred.jsonl")
    page = render_html(evaluate(gold, pred, options=Options(details=True)).report)
    assert "predicted with other boundaries" in page and "boundary mismatches" in page
    assert json.dumps("(none)") in json.dumps(
        report_to_dict(evaluate(gold, pred, options=Options(details=True)).report)
    )
