"""Pure conversion of canonical documents into Label Studio tasks and results (the push side).

No SDK, no network: ``document_to_task`` and ``document_to_results`` (checked first with
``document_problems``); ``convert_pull`` reads them back. The mapping is in docs/schema.md.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any, NamedTuple

from eval.errors import Problem, ValidationError
from eval.labelstudio import span_problem
from eval.model import Argument, Document, Entity
from eval.words import counted

from .schema import LABEL_CONTROL, META, TEXT_NAME, Schema


def document_to_task(doc: Document) -> dict[str, Any]:
    """The Label Studio task of a document. The id lives in ``data.doc_id`` so that tasks can be
    filtered on it (``meta.*`` filters fail on this server). The document's ``meta`` object is
    the task's ``meta`` (Label Studio keeps and exports it); other unknown fields ride in
    ``data.extra``."""
    data: dict[str, Any] = {TEXT_NAME: doc.text, "doc_id": doc.id}
    meta = doc.extra.get(META)
    rest = {k: v for k, v in doc.extra.items() if k != META or not isinstance(v, Mapping)}
    if rest:
        data["extra"] = rest
    task: dict[str, Any] = {"data": data}
    if isinstance(meta, Mapping) and meta:
        task[META] = dict(meta)
    return task


def _bad_id(rid: str) -> str | None:
    if not rid or rid != rid.strip():
        return "is empty or has spaces around it"
    if "#" in rid:
        return "contains '#', which Label Studio cuts region ids at"
    return None


class _Plan(NamedTuple):
    """A checked document: region ids, and each event's arguments as (role, entity region id)."""

    entity_ids: list[str]
    trigger_ids: list[str]
    arguments: list[list[tuple[str, str]]]
    problems: list[Problem]


def _plan(doc: Document, schema: Schema) -> _Plan:
    problems: list[Problem] = []

    def problem(message: str) -> None:
        problems.append(Problem(doc.where, message, doc.id))

    if doc.mentions:
        n = len(doc.mentions)
        have = "has" if n == 1 else "have"
        problem(f"{counted(n, 'entity', 'entities')} {have} no offsets; Label Studio regions need start and end")
    explicit = [e.id for e in doc.entities if e.id is not None] + [ev.id for ev in doc.events if ev.id is not None]
    used = set(explicit)
    for rid in sorted(r for r, n in Counter(explicit).items() if n > 1):
        problem(f"id {rid!r} is used more than once; entity and event ids must be unique in a document")

    def fresh(prefix: str, i: int) -> str:
        candidate, n = f"{prefix}{i}", 0
        while candidate in used:
            n += 1
            candidate = f"{prefix}{i}-{n}"
        used.add(candidate)
        return candidate

    labels = set(schema.entity_label_names())
    entity_ids: list[str] = []
    by_id: dict[str, Entity] = {}
    by_span: dict[tuple[int, int], list[tuple[str, Entity]]] = {}
    for i, e in enumerate(doc.entities):
        rid = e.id if e.id is not None else fresh("e", i)
        entity_ids.append(rid)
        what = f"entity {rid!r} ({e.label} at {e.start}-{e.end})"
        if (bad := _bad_id(rid)) is not None:
            problem(f"{what}: the id {bad}")
        if e.label not in labels:
            problem(f"{what}: label {e.label!r} is not in the schema ({', '.join(sorted(labels))})")
        if (bad := span_problem(doc.text, e.start, e.end, e.text)) is not None:
            problem(f"{what}: {bad}")
        if e.id is not None:
            by_id.setdefault(e.id, e)
        by_span.setdefault((e.start, e.end), []).append((rid, e))

    trigger_ids: list[str] = []
    arguments: list[list[tuple[str, str]]] = []
    for i, ev in enumerate(doc.events):
        tid = ev.id if ev.id is not None else fresh("t", i)
        trigger_ids.append(tid)
        what = f"event {tid!r} ({ev.type})"
        if (bad := _bad_id(tid)) is not None:
            problem(f"{what}: the id {bad}")
        etype = schema.event_type(ev.type)
        if etype is None:
            problem(f"{what}: event type {ev.type!r} is not in the schema ({', '.join(schema.event_type_names())})")
        t = ev.trigger
        if t.start < 0 or t.end < 0:
            problem(f"{what}: the trigger has no offsets; Label Studio needs start and end")
        elif (bad := span_problem(doc.text, t.start, t.end, t.text)) is not None:
            problem(f"{what}: trigger {bad}")
        resolved: list[tuple[str, str]] = []
        for j, arg in enumerate(ev.arguments):
            target = _argument_target(arg, by_id, by_span, etype.role(arg.role) if etype else None)
            awhat = f"{what} argument {j} ({arg.role})"
            if isinstance(target, str):
                problem(f"{awhat}: {target}")
                continue
            rid, entity = target
            if etype is not None:
                role = etype.role(arg.role)
                if role is None:
                    allowed = ", ".join(schema.allowed_roles(ev.type)) or "none"
                    problem(f"{awhat}: role {arg.role!r} is not allowed for {ev.type!r} (allowed: {allowed})")
                elif entity.label not in role.entity_labels:
                    allowed = ", ".join(role.entity_labels)
                    problem(f"{awhat}: entity {rid!r} is {entity.label}, which cannot fill {arg.role!r} ({allowed})")
            if (arg.role, rid) in resolved:
                problem(f"{awhat}: the same role and entity appear twice in this event")
                continue
            resolved.append((arg.role, rid))
        arguments.append(resolved)
    return _Plan(entity_ids, trigger_ids, arguments, problems)


def _argument_target(
    arg: Argument,
    by_id: Mapping[str, Entity],
    by_span: Mapping[tuple[int, int], list[tuple[str, Entity]]],
    role: Any,
) -> tuple[str, Entity] | str:
    """The entity region an argument points at, or a message saying why there is none."""
    if arg.entity is not None:
        entity = by_id.get(arg.entity)
        if entity is None:
            return f"entity {arg.entity!r} is not an entity of this document"
        if arg.start is not None and (arg.start, arg.end) != (entity.start, entity.end):
            theirs = f"{entity.start}-{entity.end}"
            return f"offsets {arg.start}-{arg.end} differ from those of entity {arg.entity!r} ({theirs})"
        return arg.entity, entity
    if arg.start is None or arg.end is None:
        return "has neither offsets nor an entity id; link it to an entity"
    candidates = by_span.get((arg.start, arg.end), [])
    if not candidates:
        return (
            f"offsets {arg.start}-{arg.end} match no entity; an argument in Label Studio is a relation to an "
            "entity region, so add the entity (or link the argument to one by id)"
        )
    fitting = [c for c in candidates if role is not None and c[1].label in role.entity_labels]
    return (fitting or candidates)[0]


def document_problems(doc: Document, schema: Schema) -> list[Problem]:
    """Everything that keeps ``doc`` from becoming Label Studio results (empty when it can)."""
    return _plan(doc, schema).problems


def _region(rid: str, control: str, start: int, end: int, text: str, label: str) -> dict[str, Any]:
    return {
        "id": rid,
        "from_name": control,
        "to_name": TEXT_NAME,
        "type": "labels",
        "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]},
    }


def document_to_results(doc: Document, schema: Schema) -> list[dict[str, Any]]:
    """A document's entities and events as the result items the Label Studio editor stores.

    Entities and event triggers are regions of the one ``label`` control; each event is its
    trigger region plus one relation per argument entity, from the trigger to the entity,
    labelled with the role(s). Region ids are
    the entity/event ids, or ``e<i>``/``t<i>`` when a record has none. An argument given by
    offsets is linked to the entity with those offsets; with no such entity the document is
    refused (``ValidationError`` naming document and event), since a relation needs a region.
    """
    results, problems = document_results(doc, schema)
    if problems:
        raise ValidationError(problems)
    return results


def document_results(doc: Document, schema: Schema) -> tuple[list[dict[str, Any]], list[Problem]]:
    """``document_to_results`` that returns the problems instead of raising (no results then):
    one check per document when many are converted and every problem is reported at once."""
    plan = _plan(doc, schema)
    if plan.problems:
        return [], plan.problems
    return _results(doc, plan), []


def _results(doc: Document, plan: _Plan) -> list[dict[str, Any]]:
    text = doc.text
    out = [
        _region(rid, LABEL_CONTROL, e.start, e.end, text, e.label)
        for rid, e in zip(plan.entity_ids, doc.entities, strict=True)
    ]
    for ev, tid, args in zip(doc.events, plan.trigger_ids, plan.arguments, strict=True):
        out.append(_region(tid, LABEL_CONTROL, ev.trigger.start, ev.trigger.end, text, ev.type))
        # Label Studio keeps one relation per pair of regions: an entity with two roles in one
        # event is one relation with two labels.
        roles: dict[str, list[str]] = {}
        for role, rid in args:
            roles.setdefault(rid, []).append(role)
        out += [
            {"from_id": tid, "to_id": rid, "type": "relation", "direction": "right", "labels": labels}
            for rid, labels in roles.items()
        ]
    return out
