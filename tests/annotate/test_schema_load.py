"""configs/schema.yaml loads into a typed schema; a broken schema file is one FormatError naming
file:line and key."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from annotate.schema import DEFAULT_SCHEMA_PATH, EventType, Role, Schema, load_schema
from eval.errors import FormatError

REQUIRED_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "DATE", "MONEY", "PERCENT", "QUANTITY"}

GOOD = """\
entity_labels:
  - name: PERSON
    color: "#ff0000"
    description: A person.
  - name: GPE
    color: blue
    description: >
      A country
      or a city.
event_types:
  - name: Meet
    description: A meeting.
    trigger: met
    roles:
      - name: Participant
        entity_labels: [PERSON, GPE]
      - name: Place
        entity_labels: [GPE]
"""


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "schema.yaml"
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def test_default_schema_has_the_required_labels_and_consistent_roles() -> None:
    schema = load_schema()
    assert set(schema.entity_label_names()) >= REQUIRED_LABELS
    assert len(schema.event_types) >= 5
    labels = set(schema.entity_label_names())
    for ev in schema.event_types:
        assert ev.description and ev.trigger and ev.roles, ev.name
        for role in ev.roles:
            assert role.entity_labels and set(role.entity_labels) <= labels, (ev.name, role.name)
    assert load_schema(DEFAULT_SCHEMA_PATH) == schema


def test_small_schema_is_read_into_typed_objects(tmp_path: Path) -> None:
    schema = load_schema(write(tmp_path, GOOD))
    assert schema.entity_label_names() == ("PERSON", "GPE")
    assert schema.entity_labels[1].description == "A country or a city."  # folded, whitespace collapsed
    assert schema.event_types == (
        EventType(
            "Meet",
            "A meeting.",
            "met",
            (Role("Participant", ("PERSON", "GPE")), Role("Place", ("GPE",))),
            schema.event_types[0].color,
        ),
    )
    assert schema.event_types[0].color  # a colour is filled in when the file has none
    assert schema.allowed_roles("Meet") == ("Participant", "Place")
    assert schema.allowed_roles("Nope") == ()
    assert schema.role_names() == ("Participant", "Place")


def test_role_names_are_listed_once_in_order_of_first_appearance() -> None:
    a = EventType("A", "a", "a", (Role("Agent", ("X",)), Role("Time", ("X",))))
    b = EventType("B", "b", "b", (Role("Place", ("X",)), Role("Agent", ("X",))))
    assert Schema((), (a, b)).role_names() == ("Agent", "Time", "Place")


def test_hash_is_stable_and_follows_every_edit(tmp_path: Path) -> None:
    one = load_schema(write(tmp_path, GOOD))
    assert one.sha256() == load_schema(write(tmp_path, GOOD)).sha256()
    edited = load_schema(write(tmp_path, GOOD.replace("A meeting.", "A meeting of two.")))
    assert edited.sha256() != one.sha256()
    assert len(one.sha256()) == 64


BROKEN = [
    ("bad yaml", GOOD.replace("  - name: GPE\n", "  - name: [GPE\n"), r"schema\.yaml:\d+: not valid YAML"),
    (
        "duplicate label",
        GOOD.replace("name: GPE", "name: PERSON"),
        r":5: entity_labels\[1\]\.name: duplicate entity label",
    ),
    (
        "unknown label in a role",
        GOOD.replace("[GPE]", "[GEP]"),
        r":18: event_types\[0\]\.roles\[1\]\.entity_labels\[0\]: unknown entity label 'GEP'",
    ),
    ("unknown key", GOOD.replace("    trigger: met\n", "    triger: met\n"), r"event_types\[0\]\.triger: unknown key"),
    ("missing key", GOOD.replace("    trigger: met\n", ""), r"event_types\[0\]: missing key 'trigger'"),
    ("duplicate role", GOOD.replace("name: Place", "name: Participant"), r"roles\[1\]\.name: duplicate role"),
    ("bad colour", GOOD.replace('"#ff0000"', '"#ff00"'), r"entity_labels\[0\]\.color: '#ff00' is not a valid colour"),
    ("event named like a label", GOOD.replace("name: Meet", "name: GPE"), r"'GPE' is also an entity label"),
    ("not a mapping", "- just\n- a list\n", r"\(top level\): must be a mapping"),
    ("no labels", "entity_labels: []\n", r"entity_labels: must be a non-empty list"),
]


@pytest.mark.parametrize(("text", "pattern"), [pytest.param(t, p, id=i) for i, t, p in BROKEN])
def test_broken_schema_is_one_format_error_naming_file_line_and_key(tmp_path: Path, text: str, pattern: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(FormatError, match=pattern) as info:
        load_schema(path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert "\n" not in message


def test_missing_schema_file_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="no such schema file"):
        load_schema(tmp_path / "nope.yaml")


def test_docs_table_lists_every_event_type_with_its_roles() -> None:
    docs = (DEFAULT_SCHEMA_PATH.parents[1] / "docs" / "schema.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(" `"): line for line in docs.splitlines() if line.startswith("| `")}
    for ev in load_schema().event_types:
        assert ev.name in rows, f"docs/schema.md has no row for event type {ev.name}"
        missing = [r.name for r in ev.roles if not re.search(rf"\b{re.escape(r.name)}\b", rows[ev.name])]
        assert missing == [], f"docs/schema.md: {ev.name} row lacks roles {missing}"
