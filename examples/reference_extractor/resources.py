"""The extractor's knowledge, loaded once: the schema, the gazetteer and the trigger lexicon.

Labels, event types and roles (with the labels each role accepts) come from
``configs/schema.yaml``; the words quoted in each event type's ``trigger:`` description are
trigger words. ``triggers.yaml`` beside this file adds inflections, words that need context,
and where each role's filler usually stands. ``gazetteer.yaml`` lists names by label.
Every name in the two data files is checked against the schema when loaded.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
SCHEMA_ENV = "GOLDBENCH_SCHEMA"
SCHEMA_RELATIVE = Path("configs") / "schema.yaml"


class ResourceError(Exception):
    """A data file is missing or does not fit the schema (one line: file, what, what to do)."""


@dataclass(frozen=True, slots=True)
class Role:
    name: str
    labels: frozenset[str]


@dataclass(frozen=True, slots=True)
class Schema:
    labels: tuple[str, ...]
    roles: Mapping[str, tuple[Role, ...]]  # event type -> roles, in schema order
    trigger_examples: Mapping[str, frozenset[str]]  # event type -> single words quoted in `trigger:`
    path: str


@dataclass(frozen=True, slots=True)
class TriggerRule:
    """Words that trigger an event type, and the context they need in their sentence."""

    words: frozenset[str]
    requires: tuple[str, ...] = ()  # one of these must occur in the sentence
    excludes: tuple[str, ...] = ()  # none of these may occur in the sentence
    followed_by: tuple[str, ...] = ()  # the text after the word must start with one of these
    not_preceded_by: frozenset[str] = frozenset()  # the word before may not be one of these


@dataclass(frozen=True, slots=True)
class RoleRule:
    """Where a role's filler stands relative to the trigger; the first rule that finds one wins."""

    side: str = "any"  # before | after | both (the nearest on each side) | any (the nearest)
    preceded_by: frozenset[str] = frozenset()  # the word before the filler (a preposition)
    adjacent: bool = False  # nothing but spaces, hyphens or dashes between filler and trigger
    many: bool = False  # coordinated fillers ("X and Y", "X, Y and Z") all fill the role
    also: tuple[str, ...] = ()  # further roles the same filler fills (two-way trade)
    prefer: tuple[str, ...] = ()  # labels tried first, in order
    triggers: frozenset[str] = frozenset()  # only for these trigger words (all when empty)


@dataclass(frozen=True, slots=True)
class EventSpec:
    type: str
    rules: tuple[TriggerRule, ...]
    roles: tuple[tuple[Role, tuple[RoleRule, ...]], ...]  # in the order they are filled


@dataclass(frozen=True, slots=True)
class Lexicon:
    events: tuple[EventSpec, ...]  # in priority order: a word fitting two types takes the first


@dataclass(frozen=True, slots=True)
class Gazetteer:
    names: Mapping[str, str]  # surface form -> label
    capitals: frozenset[str]  # GPE names read as ORG when they act (metonymy)
    actor_verbs: frozenset[str]  # words after a capital that make it an actor ("Moscow says")
    titles: tuple[str, ...]  # words before a person's name ("President", "Defence Minister")
    org_heads: tuple[str, ...]  # last words of organisation names ("University", "Ministry")
    facility_heads: tuple[str, ...]  # head nouns of specific facilities ("pipeline", "power plant")
    facility_modifiers: frozenset[str]  # words allowed before a facility head ("nuclear", "small")
    named_facility_heads: tuple[str, ...]  # last words of named facilities ("park", "Airport")
    never_names: frozenset[str]  # capitalised words that start no name ("The", "President")


def find_schema(explicit: str | Path | None = None) -> Path:
    """``explicit``, else $GOLDBENCH_SCHEMA, else ``configs/schema.yaml`` above the cwd or this file."""
    if explicit is not None:
        return _existing(Path(explicit), "--schema")
    if os.environ.get(SCHEMA_ENV):
        return _existing(Path(os.environ[SCHEMA_ENV]), f"${SCHEMA_ENV}")
    for start in (Path.cwd(), HERE):
        for folder in (start, *start.parents):
            if (folder / SCHEMA_RELATIVE).is_file():
                return folder / SCHEMA_RELATIVE
    raise ResourceError(
        f"cannot find {SCHEMA_RELATIVE} above {Path.cwd()} or {HERE}; pass --schema PATH or set ${SCHEMA_ENV}"
    )


def _existing(path: Path, how: str) -> Path:
    if not path.is_file():
        raise ResourceError(f"{path}: no such schema file (from {how}); give the path of configs/schema.yaml")
    return path


def _yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ResourceError(f"{path}: cannot read ({exc.strerror}); check the path") from None
    except yaml.YAMLError as exc:
        raise ResourceError(f"{path}: not valid YAML ({' '.join(str(exc).split())})") from None


def load_schema(path: Path) -> Schema:
    data = _yaml(path)
    try:
        labels = tuple(str(e["name"]) for e in data["entity_labels"])
        roles: dict[str, tuple[Role, ...]] = {}
        examples: dict[str, frozenset[str]] = {}
        for ev in data["event_types"]:
            name = str(ev["name"])
            roles[name] = tuple(Role(str(r["name"]), frozenset(map(str, r["entity_labels"]))) for r in ev["roles"])
            quoted = re.findall(r'"([^"]+)"', str(ev.get("trigger", "")))
            examples[name] = frozenset(q.lower() for q in quoted if " " not in q)
    except (KeyError, TypeError) as exc:
        msg = f"{path}: not a goldbench schema (missing or malformed {exc}); see docs/schema.md"
        raise ResourceError(msg) from None
    return Schema(labels, roles, examples, str(path))


def _words(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def load_lexicon(path: Path, schema: Schema) -> Lexicon:
    """``triggers.yaml``: ``priority`` (event types) and, per type, ``words``/``conditional``/``roles``."""
    data = _yaml(path)
    where = str(path)
    priority = _words(data.get("priority"))
    unknown = [t for t in (*priority, *(k for k in data if k != "priority")) if t not in schema.roles]
    if unknown:
        raise ResourceError(f"{where}: {unknown[0]!r} is not an event type of {schema.path}; use the schema's names")
    missing = [t for t in schema.roles if t not in priority]
    if missing:
        raise ResourceError(f"{where}: priority does not list {missing[0]!r}; list every event type of the schema")
    specs = []
    for name in priority:
        entry = data.get(name) or {}
        conditional = [
            TriggerRule(
                frozenset(w.lower() for w in _words(c.get("words"))),
                requires=tuple(w.lower() for w in _words(c.get("requires"))),
                excludes=tuple(w.lower() for w in _words(c.get("excludes"))),
                followed_by=tuple(w.lower() for w in _words(c.get("followed_by"))),
                not_preceded_by=frozenset(w.lower() for w in _words(c.get("not_preceded_by"))),
            )
            for c in entry.get("conditional") or ()
        ]
        guarded = {w for rule in conditional for w in rule.words}
        plain = {w.lower() for w in _words(entry.get("words"))} | schema.trigger_examples[name]
        rules = (TriggerRule(frozenset(plain - guarded)), *conditional)
        specs.append(EventSpec(name, rules, _role_rules(entry.get("roles") or {}, name, schema, where)))
    return Lexicon(tuple(specs))


def _role_rules(
    data: Mapping[str, Any], event_type: str, schema: Schema, where: str
) -> tuple[tuple[Role, tuple[RoleRule, ...]], ...]:
    by_name = {r.name: r for r in schema.roles[event_type]}
    for role in data:
        if role not in by_name:
            raise ResourceError(f"{where}: {event_type} has no role {role!r} in {schema.path}; use the schema's roles")
    out = []
    for role in (*data, *(r for r in by_name if r not in data)):  # the lexicon's order, then the rest
        raw = data.get(role) or [{}]
        rules = tuple(
            RoleRule(
                side=str(r.get("side", "any")),
                preceded_by=frozenset(w.lower() for w in _words(r.get("preceded_by"))),
                adjacent=bool(r.get("adjacent", False)),
                many=bool(r.get("many", False)),
                also=_words(r.get("also")),
                prefer=_words(r.get("prefer")),
                triggers=frozenset(w.lower() for w in _words(r.get("triggers"))),
            )
            for r in raw
        )
        for rule in rules:
            bad = [x for x in (*rule.also, *rule.prefer) if x not in by_name and x not in schema.labels]
            if bad or rule.side not in ("before", "after", "both", "any"):
                raise ResourceError(f"{where}: {event_type}.{role}: unknown role, label or side {bad or rule.side!r}")
        out.append((by_name[role], rules))
    return tuple(out)


def load_gazetteer(path: Path, schema: Schema) -> Gazetteer:
    """``gazetteer.yaml``: ``names`` (label -> list of names) and the word lists of the rules."""
    data = _yaml(path)
    names: dict[str, str] = {}
    for label, entries in (data.get("names") or {}).items():
        if label not in schema.labels:
            raise ResourceError(f"{path}: {label!r} is not an entity label of {schema.path}; use the schema's labels")
        for name in _words(entries):
            names[name] = label
    for needed in ("GPE", "ORG", "FAC"):
        if needed not in schema.labels:
            raise ResourceError(f"{schema.path}: the reference extractor needs the label {needed}")
    return Gazetteer(
        names=names,
        capitals=frozenset(_words(data.get("capitals"))),
        actor_verbs=frozenset(_words(data.get("actor_verbs"))),
        titles=tuple(sorted(_words(data.get("titles")), key=len, reverse=True)),
        org_heads=_words(data.get("org_heads")),
        facility_heads=tuple(sorted(_words(data.get("facility_heads")), key=len, reverse=True)),
        facility_modifiers=frozenset(_words(data.get("facility_modifiers"))),
        named_facility_heads=_words(data.get("named_facility_heads")),
        never_names=frozenset(_words(data.get("never_names"))),
    )
