"""The reference extractor: valid canonical output on every demo article, the same from each entry point.

Also the rules it is built from, on sentences written for these tests, and that everything it
emits is named by ``configs/schema.yaml``.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from eval.events import validate_events
from eval.extractor import run_command, run_function
from eval.model import Document
from eval.table import Table
from eval.validate import check_table

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SCHEMA_PATH = ROOT / "configs" / "schema.yaml"
ARTICLES = sorted((ROOT / "gold" / "news-demo" / "articles").glob("*.txt"))
SPEC = "reference_extractor.extract:extract"

sys.path.insert(0, str(EXAMPLES))  # the example is a package beside the project, not installed

from reference_extractor.extract import Extractor, extract  # noqa: E402
from reference_extractor.resources import HERE, ResourceError, load_lexicon, load_schema  # noqa: E402

SCHEMA = yaml.safe_load(SCHEMA_PATH.read_text(encoding="utf-8"))
LABELS = {e["name"] for e in SCHEMA["entity_labels"]}
ROLES = {t["name"]: {r["name"]: set(r["entity_labels"]) for r in t["roles"]} for t in SCHEMA["event_types"]}


def article(path: Path) -> Document:
    return Document(path.stem, path.read_bytes().decode("utf-8"))  # CRLF kept: offsets count it


def labelled(text: str) -> list[tuple[str, str]]:
    return [(e["text"], e["label"]) for e in extract(text)["entities"]]


def test_there_are_demo_articles():
    assert len(ARTICLES) >= 10


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_output_on_each_article_is_valid_canonical_jsonl_within_the_schema(path: Path):
    doc = article(path)
    (pred,) = run_function(SPEC, [doc]).documents
    assert pred.entities and pred.events  # a baseline that finds something on every article
    table = Table.from_documents([pred], path=str(path), format="jsonl", sha256="")
    assert check_table(table) == []
    assert validate_events(pred, event_types=set(ROLES), roles={t: set(r) for t, r in ROLES.items()}) == []
    spans = sorted((e.start, e.end) for e in pred.entities)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:], strict=False)), "overlap"
    by_id = {e.id: e for e in pred.entities}
    for e in pred.entities:
        assert e.label in LABELS and doc.text[e.start : e.end] == e.text and e.text == e.text.strip()
    for ev in pred.events:
        trigger = doc.text[ev.trigger.start : ev.trigger.end]
        assert trigger == ev.trigger.text and " " not in trigger
        assert not any(e.start < ev.trigger.end and ev.trigger.start < e.end for e in pred.entities)
        for arg in ev.arguments:
            assert arg.entity is not None and by_id[arg.entity].label in ROLES[ev.type][arg.role]


def test_offsets_count_code_points_past_emoji_and_crlf():
    for path in ARTICLES:
        doc = article(path)
        if "\r\n" in doc.text or any(ord(c) > 0xFFFF for c in doc.text):
            late = [e for e in extract(doc.text)["entities"] if e["start"] > len(doc.text) // 2]
            assert late and all(doc.text[e["start"] : e["end"]] == e["text"] for e in late)


def test_the_command_both_ways_and_the_function_agree(monkeypatch: pytest.MonkeyPatch):
    docs = [article(p) for p in ARTICLES]
    as_function = run_function(SPEC, docs).documents
    main = EXAMPLES / "reference_extractor" / "__main__.py"
    as_file = run_command(f"{shlex.quote(sys.executable)} {shlex.quote(str(main))}", docs, timeout=120)
    monkeypatch.setenv("PYTHONPATH", str(EXAMPLES))
    as_module = run_command(f"{shlex.quote(sys.executable)} -m reference_extractor", docs, timeout=120)
    for run in (as_file.documents, as_module.documents):
        assert [(d.id, d.entities, d.events) for d in run] == [(d.id, d.entities, d.events) for d in as_function]


def cli(*args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(EXAMPLES)}
    return subprocess.run(
        [sys.executable, "-m", "reference_extractor", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_the_command_rejects_a_bad_input_line_in_one_line():
    done = cli(stdin='{"id": "a", "text": "Ann flew to Oslo."}\nnot json\n')
    assert done.returncode == 2
    assert json.loads(done.stdout.splitlines()[0])["id"] == "a"
    assert done.stderr.count("\n") == 1 and "stdin:2:" in done.stderr


def test_the_command_reports_a_missing_schema_in_one_line(tmp_path: Path):
    done = cli("--schema", str(tmp_path / "none.yaml"), stdin="")
    assert done.returncode == 2 and "no such schema file" in done.stderr and "Traceback" not in done.stderr


def test_labels_come_from_the_schema(tmp_path: Path):
    reduced = dict(SCHEMA, entity_labels=[e for e in SCHEMA["entity_labels"] if e["name"] not in {"DATE", "MONEY"}])
    path = tmp_path / "schema.yaml"
    path.write_text(yaml.safe_dump(reduced), encoding="utf-8")
    text = "Sales rose 5% to $2 billion in March 2023."
    full = {label for _, label in labelled(text)}
    assert {"DATE", "MONEY", "PERCENT"} <= full
    narrow = Extractor(path)(text)
    assert {e["label"] for e in narrow["entities"]} == full - {"DATE", "MONEY"}


def test_a_lexicon_naming_a_type_missing_from_the_schema_is_refused(tmp_path: Path):
    reduced = dict(SCHEMA, event_types=[t for t in SCHEMA["event_types"] if t["name"] != "Conflict"])
    path = tmp_path / "schema.yaml"
    path.write_text(yaml.safe_dump(reduced), encoding="utf-8")
    with pytest.raises(ResourceError, match=r"triggers\.yaml: 'Conflict' is not an event type"):
        load_lexicon(HERE / "triggers.yaml", load_schema(path))


def test_every_word_the_schema_quotes_as_a_trigger_is_a_trigger_word():
    lexicon = load_lexicon(HERE / "triggers.yaml", load_schema(SCHEMA_PATH))
    words = {spec.type: set().union(*(r.words for r in spec.rules)) for spec in lexicon.events}
    for event_type in SCHEMA["event_types"]:
        quoted = [w for w in event_type["trigger"].split('"')[1::2] if " " not in w]
        assert quoted and {w.lower() for w in quoted} <= words[event_type["name"]]
    assert [spec.type for spec in lexicon.events][:3] == ["Summit", "Meet", "Travel"]  # guidelines E6


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The fair opened on Oct. 6, 2023 and closed in May.", [("Oct. 6, 2023", "DATE"), ("May", "DATE")]),
        ("They may sign it on Tuesday morning.", [("Tuesday morning", "DATE")]),
        ("Output fell from June to August of last year.", [("June to August of last year", "DATE")]),
        (
            "Exports rose 12 percent, or 4.5%, over the past two years.",
            [("12 percent", "PERCENT"), ("4.5%", "PERCENT"), ("past two years", "DATE")],
        ),
        (
            "The line costs 1.5 billion rubles or $700 million.",
            [("1.5 billion rubles", "MONEY"), ("$700 million", "MONEY")],
        ),
        (
            "A pipeline will carry 2 billion cubic metres over 1,000 km.",
            [("pipeline", "FAC"), ("2 billion cubic metres", "QUANTITY"), ("1,000 km", "QUANTITY")],
        ),
        ("Nine turbines and 40 engineers arrived.", []),  # plain counts are not quantities
    ],
)
def test_value_patterns(text: str, expected: list[tuple[str, str]]):
    assert labelled(text) == expected


def test_a_capital_is_a_place_after_a_preposition_and_an_actor_before_a_verb():
    got = labelled("Envoys met in Baku. Baku says the talks failed, and relations between Minsk and Kyiv cooled.")
    assert got == [("Baku", "GPE"), ("Baku", "ORG"), ("Minsk", "ORG"), ("Kyiv", "ORG")]


def test_a_name_after_a_title_is_a_person_and_so_is_the_surname_later():
    got = labelled("Foreign Minister Ana Duarte landed in Astana. Later, Duarte praised Kazakh hosts.")
    assert ("Ana Duarte", "PERSON") in got and ("Duarte", "PERSON") in got
    assert ("Astana", "GPE") in got and ("Kazakh", "NORP") in got


def test_longest_name_wins_and_prefixed_names_are_not_names():
    got = labelled("A post-Soviet deal with the Eurasian Economic Union (EAEU) and the Soviet Union.")
    assert got == [("Eurasian Economic Union", "ORG"), ("EAEU", "ORG"), ("Soviet Union", "GPE")]


def test_events_take_arguments_from_their_own_sentence_by_role_rules():
    text = "Lukashenko flew to Beijing on Friday. Xi Jinping met him there."
    out = extract(text)
    names = {e["id"]: e["text"] for e in out["entities"]}
    events = [
        (ev["type"], ev["trigger"]["text"], {(a["role"], names[a["entity"]]) for a in ev["arguments"]})
        for ev in out["events"]
    ]
    assert events == [
        ("Travel", "flew", {("Agent", "Lukashenko"), ("Destination", "Beijing"), ("Time", "Friday")}),
        ("Meet", "met", {("Participant", "Xi Jinping")}),
    ]


def test_two_way_trade_makes_each_party_seller_and_buyer():
    text = "Trade between Georgia and Armenia reached $900 million in 2023."
    out = extract(text)
    names = {e["id"]: e["text"] for e in out["entities"]}
    (event,) = out["events"]
    assert event["type"] == "Trade"
    assert sorted((a["role"], names[a["entity"]]) for a in event["arguments"]) == [
        ("Buyer", "Armenia"),
        ("Buyer", "Georgia"),
        ("Money", "$900 million"),
        ("Seller", "Armenia"),
        ("Seller", "Georgia"),
        ("Time", "2023"),
    ]


def test_context_words_decide_conditional_triggers():
    security = extract("Both armies agreed on closer cooperation against terrorism.")["events"]
    culture = extract("Both ministries agreed on closer cooperation in cinema.")["events"]
    assert [e["type"] for e in security] == ["Security-Cooperation"] and culture == []
    summit = extract("The meeting of CIS leaders opened.")["events"]
    bilateral = extract("The meeting of the two ministers ended.")["events"]
    assert summit[0]["type"] == "Summit" and bilateral[0]["type"] == "Meet"
