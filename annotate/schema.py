"""The annotation schema (``configs/schema.yaml``) as typed objects, and the Label Studio
labeling config made from it.

The YAML file is the one source of truth a person edits; ``configs/labeling.xml`` is
``labeling_config(load_schema())`` and a test keeps the two equal. Regenerate it with
``python -m annotate.schema > configs/labeling.xml``. The format is in docs/schema.md.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import yaml

from eval.errors import FormatError
from eval.limits import parse_yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCHEMA_PATH = REPO_ROOT / "configs" / "schema.yaml"
DEFAULT_LABELING_CONFIG_PATH = REPO_ROOT / "configs" / "labeling.xml"

# The names the labeling config gives its tags; results from Label Studio carry them as
# ``from_name`` / ``to_name``. Entity labels and event triggers are one ``<Labels>`` group,
# ``LABEL_CONTROL``, so that a region carries one label only. Configs made before had a group
# per kind, named ``ENTITY_CONTROL`` and ``TRIGGER_CONTROL``; pull still reads their results,
# and the code names a region's kind with those two names.
TEXT_NAME = "text"
LABEL_CONTROL = "label"
META = "meta"  # the document field that is the Label Studio task's own ``meta`` (not in the config)
ENTITY_CONTROL = "entity"
TRIGGER_CONTROL = "trigger"

# Event types may leave out ``color``; they then get one of these, by position.
_PALETTE = ("#e63946", "#6a4c93", "#1d3557", "#606c38", "#bc6c25", "#780000", "#283618", "#9d0208")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.:-]*\Z")
_COLOR = re.compile(r"(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[a-zA-Z]+)\Z")


@dataclass(frozen=True, slots=True)
class EntityLabel:
    """A label an entity span can carry (PERSON, ORG, ...)."""

    name: str
    description: str
    color: str


@dataclass(frozen=True, slots=True)
class Role:
    """An event argument role and the entity labels that may fill it."""

    name: str
    entity_labels: tuple[str, ...]
    description: str = ""


@dataclass(frozen=True, slots=True)
class EventType:
    """An event type: what it means, what counts as its trigger, and its roles."""

    name: str
    description: str
    trigger: str
    roles: tuple[Role, ...]
    color: str = ""

    def role(self, name: str) -> Role | None:
        return next((r for r in self.roles if r.name == name), None)


@dataclass(frozen=True, slots=True)
class Schema:
    """Entity labels and event types, in the order of the schema file."""

    entity_labels: tuple[EntityLabel, ...]
    event_types: tuple[EventType, ...]
    version: int = 1

    def entity_label_names(self) -> tuple[str, ...]:
        return tuple(label.name for label in self.entity_labels)

    def event_type_names(self) -> tuple[str, ...]:
        return tuple(ev.name for ev in self.event_types)

    def role_names(self) -> tuple[str, ...]:
        """Every role name of every event type, once each, in order of first appearance."""
        return tuple(dict.fromkeys(r.name for ev in self.event_types for r in ev.roles))

    def event_type(self, name: str) -> EventType | None:
        return next((ev for ev in self.event_types if ev.name == name), None)

    def allowed_roles(self, event_type: str) -> tuple[str, ...]:
        """The role names of ``event_type``; empty when the schema has no such type."""
        ev = self.event_type(event_type)
        return tuple(r.name for r in ev.roles) if ev else ()

    def to_dict(self) -> dict[str, Any]:
        """Plain data (lists, not tuples) in file order: the canonical form that is hashed."""
        return json.loads(json.dumps(asdict(self)))  # type: ignore[no-any-return]

    def sha256(self) -> str:
        """A hash of the whole schema (names, roles, descriptions, colours), key order fixed."""
        canonical = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- loading -------------------------------------------------------------------------------

Key = tuple[str | int, ...]


def _key_text(key: Key) -> str:
    out = ""
    for part in key:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(top level)"


def _lines(node: yaml.Node, key: Key = ()) -> Iterator[tuple[Key, int]]:
    """The 1-based line of every key path in a composed YAML document."""
    yield key, node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            sub = key + (str(k.value),)
            yield from _lines(v, sub)
            yield sub, k.start_mark.line + 1  # the key's line, not the value's (later wins)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            yield from _lines(v, key + (i,))


class _Reader:
    """Turns the parsed YAML into a ``Schema``; every complaint names file:line and the key."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        node, self.data = parse_yaml(text, path)  # one parse: the node tree (for line numbers) and the data
        self.lines = dict(_lines(node)) if node is not None else {}

    def fail(self, key: Key, message: str) -> FormatError:
        line = next((self.lines[key[:n]] for n in range(len(key), -1, -1) if key[:n] in self.lines), 0)
        where = f"{self.path}:{line}" if line else str(self.path)
        return FormatError(f"{where}: {_key_text(key)}: {message}; fix {self.path.name} (see docs/schema.md)")

    def mapping(self, value: Any, key: Key, required: tuple[str, ...], optional: tuple[str, ...]) -> dict:
        if not isinstance(value, dict):
            raise self.fail(key, f"must be a mapping with keys {', '.join(required)}")
        for k in value:
            if k not in required and k not in optional:
                known = ", ".join(required + optional)
                raise self.fail(key + (str(k),), f"unknown key {k!r} (known keys: {known})")
        for k in required:
            if k not in value:
                raise self.fail(key, f"missing key {k!r}")
        return value

    def text(self, value: Any, key: Key, *, pattern: re.Pattern[str] | None = None, what: str = "") -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be a non-empty string")
        if pattern is not None and not pattern.match(value):
            raise self.fail(key, f"{value!r} is not a valid {what}")
        return " ".join(value.split()) if pattern is None else value

    def sequence(self, value: Any, key: Key, *, allow_empty: bool = False) -> list:
        if not isinstance(value, list) or (not value and not allow_empty):
            raise self.fail(key, "must be a non-empty list" if not allow_empty else "must be a list")
        return value

    def read(self) -> Schema:
        top = self.mapping(self.data, (), ("entity_labels",), ("event_types", "version"))
        version = top.get("version", 1)
        if version != 1:
            raise self.fail(("version",), f"version {version!r} is not supported (this goldbench reads 1)")
        labels = tuple(
            self.entity_label(v, ("entity_labels", i))
            for i, v in enumerate(self.sequence(top["entity_labels"], ("entity_labels",)))
        )
        self.unique([label.name for label in labels], ("entity_labels",), "entity label")
        raw_events = self.sequence(top.get("event_types", []), ("event_types",), allow_empty=True)
        events = tuple(self.event_type(v, ("event_types", i), i, labels) for i, v in enumerate(raw_events))
        self.unique([ev.name for ev in events], ("event_types",), "event type")
        names = {label.name for label in labels}
        for i, ev in enumerate(events):
            if ev.name in names:
                raise self.fail(("event_types", i, "name"), f"{ev.name!r} is also an entity label; rename one")
        return Schema(labels, events, version)

    def unique(self, names: list[str], key: Key, what: str) -> None:
        seen: set[str] = set()
        for i, name in enumerate(names):
            if name in seen:
                raise self.fail(key + (i, "name"), f"duplicate {what} {name!r}; names must be unique")
            seen.add(name)

    def entity_label(self, value: Any, key: Key) -> EntityLabel:
        m = self.mapping(value, key, ("name", "color", "description"), ())
        return EntityLabel(
            self.text(m["name"], key + ("name",), pattern=_NAME, what="label name"),
            self.text(m["description"], key + ("description",)),
            self.text(m["color"], key + ("color",), pattern=_COLOR, what="colour (#rrggbb or a CSS name)"),
        )

    def event_type(self, value: Any, key: Key, index: int, labels: tuple[EntityLabel, ...]) -> EventType:
        m = self.mapping(value, key, ("name", "description", "trigger", "roles"), ("color",))
        color = m.get("color") or _PALETTE[index % len(_PALETTE)]
        roles = tuple(
            self.role(v, key + ("roles", j), labels)
            for j, v in enumerate(self.sequence(m["roles"], key + ("roles",), allow_empty=True))
        )
        self.unique([r.name for r in roles], key + ("roles",), "role")
        return EventType(
            self.text(m["name"], key + ("name",), pattern=_NAME, what="event type name"),
            self.text(m["description"], key + ("description",)),
            self.text(m["trigger"], key + ("trigger",)),
            roles,
            self.text(color, key + ("color",), pattern=_COLOR, what="colour (#rrggbb or a CSS name)"),
        )

    def role(self, value: Any, key: Key, labels: tuple[EntityLabel, ...]) -> Role:
        m = self.mapping(value, key, ("name", "entity_labels"), ("description",))
        known = [label.name for label in labels]
        allowed = self.sequence(m["entity_labels"], key + ("entity_labels",))
        for j, label in enumerate(allowed):
            if label not in known:
                raise self.fail(
                    key + ("entity_labels", j),
                    f"unknown entity label {label!r} (entity_labels are: {', '.join(known)})",
                )
        if len(set(allowed)) != len(allowed):
            raise self.fail(key + ("entity_labels",), "lists a label twice")
        description = m.get("description")
        return Role(
            self.text(m["name"], key + ("name",), pattern=_NAME, what="role name"),
            tuple(allowed),
            self.text(description, key + ("description",)) if description is not None else "",
        )


def load_schema(path: str | Path = DEFAULT_SCHEMA_PATH) -> Schema:
    """Read and check a schema file; any problem is a ``FormatError`` naming file:line and key."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FormatError(f"{p}: no such schema file; pass the path of a schema.yaml") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FormatError(f"{p}: cannot read the schema ({exc})") from None
    return _Reader(p, text).read()


# --- the labeling config ------------------------------------------------------------------


def _attr(value: str) -> str:
    return '"' + escape(" ".join(value.split()), {'"': "&quot;"}) + '"'


def _event_hint(ev: EventType) -> str:
    roles = "; ".join(f"{r.name} ({', '.join(r.entity_labels)})" for r in ev.roles)
    return f"{ev.description} Trigger: {ev.trigger}" + (f" Roles: {roles}." if roles else "")


def labeling_config(schema: Schema) -> str:
    """The Label Studio labeling config of ``schema``; the same schema gives the same string.

    Entity labels and event types are the labels of one ``<Labels>`` group (``choice="single"``),
    so that choosing another label for a selected region replaces its label instead of adding a
    second one: a region is an entity or a trigger, never both. Trigger labels are drawn apart
    (bold, after a flag, in the event colours). Event arguments are relations from a trigger to
    an entity labelled with the role (``choice="multiple"``: one entity may fill two roles).
    """
    out = ["<View>", '  <Relations choice="multiple">']
    out += [f"    <Relation value={_attr(name)}/>" for name in schema.role_names()]
    out += ["  </Relations>", f'  <Labels name="{LABEL_CONTROL}" toName="{TEXT_NAME}" choice="single">']
    out += [
        f"    <Label value={_attr(label.name)} background={_attr(label.color)} hint={_attr(label.description)}/>"
        for label in schema.entity_labels
    ]
    out += [
        f"    <Label value={_attr(ev.name)} background={_attr(ev.color or _PALETTE[i % len(_PALETTE)])}"
        f" hint={_attr(_event_hint(ev))} html={_attr(_trigger_html(ev.name))}/>"
        for i, ev in enumerate(schema.event_types)
    ]
    out += ["  </Labels>", f'  <Text name="{TEXT_NAME}" value="${TEXT_NAME}"/>', "</View>"]
    return "\n".join(out) + "\n"


def _trigger_html(name: str) -> str:
    """How a trigger label's button reads in the editor: bold, after a flag, marked as an event."""
    return f"<b>&#9873; {escape(name)}</b> <small>event</small>"


def _difference(a: ET.Element, b: ET.Element, where: str) -> str | None:
    here = f"{where}/{a.tag}"
    if a.tag != b.tag:
        return f"{where}: <{a.tag}> where the other has <{b.tag}>"
    if a.attrib != b.attrib:
        keys = sorted(set(a.attrib) | set(b.attrib))
        k = next(k for k in keys if a.attrib.get(k) != b.attrib.get(k))
        return f"{here}: attribute {k}={a.attrib.get(k)!r} where the other has {b.attrib.get(k)!r}"
    if (a.text or "").strip() != (b.text or "").strip():
        return f"{here}: text {(a.text or '').strip()!r} where the other has {(b.text or '').strip()!r}"
    if len(a) != len(b):
        return f"{here}: {len(a)} child elements where the other has {len(b)}"
    for x, y in zip(a, b, strict=True):
        diff = _difference(x, y, here)
        if diff is not None:
            return diff
        if (x.tail or "").strip() != (y.tail or "").strip():
            return f"{here}/{x.tag}: trailing text differs"
    return None


def config_difference(a_xml: str, b_xml: str) -> str | None:
    """The first difference between two labeling configs, or None when they are equal.

    Whitespace between elements, attribute order, quoting and comments do not count.
    A config that is not well-formed XML differs from everything.
    """
    try:
        a, b = ET.fromstring(a_xml), ET.fromstring(b_xml)
    except ET.ParseError as exc:
        return f"not well-formed XML ({exc})"
    return _difference(a, b, "")


def configs_equal(a_xml: str, b_xml: str) -> bool:
    """Whether two labeling configs are the same, ignoring whitespace and attribute order."""
    return config_difference(a_xml, b_xml) is None


def main(argv: list[str] | None = None) -> int:
    """``python -m annotate.schema [SCHEMA]``: print the labeling config of a schema file."""
    args = sys.argv[1:] if argv is None else argv
    try:
        schema = load_schema(args[0]) if args else load_schema()
    except FormatError as exc:
        print(exc, file=sys.stderr)
        return exc.exit_code
    sys.stdout.write(labeling_config(schema))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
