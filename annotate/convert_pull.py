"""Pure conversion of Label Studio annotations into canonical documents (the pull side).

No SDK, no network: ``client.py`` fetches, this module converts. ``results_to_document`` for
one annotation, ``export_to_gold`` for a full JSON export; ``export_to_gold(tasks whose
annotations are convert_push.document_to_results(doc))`` gives back ``doc``. The mapping, the
pull policies and the validation/repair rules are in docs/schema.md.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from eval.errors import FormatError, Problem, UsageError, ValidationError
from eval.labelstudio import resolve_offsets, span_problem
from eval.model import EMPTY, Argument, Document, Entity, Event, Span
from eval.quality import Annotation, Prediction, Work

from .errors import ItemKind, RegionError, RegionIssue
from .schema import ENTITY_CONTROL, LABEL_CONTROL, META, TEXT_NAME, TRIGGER_CONTROL, Schema

TaskId = int | str


class AnnotationPolicy(enum.Enum):
    """Which annotations of a task make the gold set."""

    LATEST = "latest"  # the most recently updated non-cancelled annotation
    GROUND_TRUTH = "ground_truth"  # the one marked ground truth; tasks without one are left out
    ALL = "all"  # every annotator's latest annotation, one document set per annotator


class RepairKind(enum.Enum):
    UTF16_OFFSETS = "utf16_offsets"  # offsets were UTF-16 code units; converted to code points


class Repair(NamedTuple):
    """A region whose offsets were repaired on pull."""

    task_id: TaskId
    region_id: str
    before: tuple[int, int]
    after: tuple[int, int]
    kind: RepairKind = RepairKind.UTF16_OFFSETS
    annotation_id: int | None = None

    def __str__(self) -> str:
        (b0, b1), (a0, a1) = self.before, self.after
        return f"task {self.task_id} region {self.region_id!r}: UTF-16 offsets {b0}-{b1} read as code points {a0}-{a1}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "task": self.task_id,
            "annotation": self.annotation_id,
            "region": self.region_id,
            "kind": self.kind.value,
            "before": list(self.before),
            "after": list(self.after),
        }


class ConvertedDocument(NamedTuple):
    """One annotation turned into a document, with where it came from and what was fixed."""

    document: Document
    task_id: TaskId
    annotation_id: int | None = None
    annotator: str | None = None
    repairs: tuple[Repair, ...] = ()
    dropped: tuple[RegionIssue, ...] = ()


class PullCounts(NamedTuple):
    """``tasks`` in the export; ``annotated`` gave a document, ``unannotated`` had no usable
    annotation, ``no_ground_truth`` had annotations but none marked ground truth (that policy
    only); ``cancelled`` counts skipped annotations; the rest count what was pulled."""

    tasks: int = 0
    annotated: int = 0
    unannotated: int = 0
    cancelled: int = 0
    no_ground_truth: int = 0
    entities: int = 0
    events: int = 0
    repaired: int = 0
    dropped: int = 0


@dataclass(frozen=True, slots=True)
class PullResult:
    """What ``export_to_gold`` made of an export: documents with their provenance and counts."""

    policy: AnnotationPolicy
    converted: tuple[ConvertedDocument, ...]
    counts: PullCounts

    @property
    def documents(self) -> tuple[Document, ...]:
        """The gold documents, in export order (policies ``latest`` and ``ground_truth``)."""
        if self.policy is AnnotationPolicy.ALL:
            raise UsageError("policy 'all' gives one document set per annotator; use by_annotator")
        return tuple(c.document for c in self.converted)

    @property
    def by_annotator(self) -> dict[str, tuple[Document, ...]]:
        """Documents per annotator (``completed_by`` user id as a string), for agreement."""
        groups: dict[str, list[Document]] = {}
        for c in self.converted:
            groups.setdefault(c.annotator or "unknown", []).append(c.document)
        return {k: tuple(v) for k, v in groups.items()}

    @property
    def repairs(self) -> tuple[Repair, ...]:
        return tuple(r for c in self.converted for r in c.repairs)

    @property
    def dropped(self) -> tuple[RegionIssue, ...]:
        return tuple(d for c in self.converted for d in c.dropped)

    def manifest_fields(self) -> dict[str, Any]:
        """The pull's part of a gold-set manifest (see ``annotate.goldset.write_gold_set``)."""
        return {
            "policy": self.policy.value,
            "counts": self.counts._asdict(),
            "repairs": [r.as_dict() for r in self.repairs],
            "dropped": [d.as_dict() for d in self.dropped],
            "provenance": [
                {"doc": c.document.id, "task": c.task_id, "annotation": c.annotation_id, "annotator": c.annotator}
                for c in self.converted
            ],
        }


# --- offsets of one span ---------------------------------------------------------------------


QUOTE_CHARS = 80  # longest quoted value in a message
MAX_ID_CHARS = 200  # longest task or region id taken from an export


def _shown(value: Any) -> str:
    """``repr`` of a value read from an export, cut to about ``QUOTE_CHARS`` characters."""
    text = repr(value[: QUOTE_CHARS + 1] if isinstance(value, str | list) else value)
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1] + "…"


# --- pull: results -> documents -----------------------------------------------------------------


class _Raw(NamedTuple):
    """A region whose shape and label are fine; its offsets are not checked yet."""

    id: str
    control: str
    label: str
    start: Any
    end: Any
    text: Any


class _Region(NamedTuple):
    id: str
    control: str
    label: str
    start: int
    end: int
    text: str


def _task_extra(task_id: TaskId, data: Mapping[str, Any], meta: Any) -> Mapping[str, Any]:
    """The document's unknown fields: ``data.extra``, and the task's ``meta`` as its ``meta``."""
    extra = data.get("extra")
    if extra is not None and not isinstance(extra, dict):
        raise FormatError(f"task {task_id}: data.extra must be an object, got {type(extra).__name__}")
    if meta is not None and not isinstance(meta, dict):
        raise FormatError(f"task {task_id}: the task's meta must be an object, got {type(meta).__name__}")
    if meta:
        return {**(extra or {}), META: meta}
    return extra or EMPTY


def _task_text(task_id: TaskId, data: Any) -> tuple[str, str]:
    if not isinstance(data, dict):
        raise FormatError(f"task {task_id}: 'data' must be an object holding the text")
    text = data.get(TEXT_NAME)
    if not isinstance(text, str):
        raise FormatError(
            f"task {task_id}: data.{TEXT_NAME} is missing or not a string; pull from a project made by annotate push"
        )
    doc_id = data.get("doc_id", task_id)
    if isinstance(doc_id, bool) or not isinstance(doc_id, str | int):
        raise FormatError(f"task {task_id}: data.doc_id must be a string, got {_shown(doc_id)}")
    return text, str(doc_id)


class _Annotation:
    """Turns the result list of one annotation into a document, collecting issues."""

    def __init__(self, task_id: TaskId, text: str, schema: Schema, annotation_id: int | None) -> None:
        self.task_id, self.text, self.schema, self.annotation_id = task_id, text, schema, annotation_id
        self.issues: list[RegionIssue] = []
        self.repairs: list[Repair] = []
        self.labels = {
            ENTITY_CONTROL: set(schema.entity_label_names()),
            TRIGGER_CONTROL: set(schema.event_type_names()),
        }
        self.labels[LABEL_CONTROL] = self.labels[ENTITY_CONTROL] | self.labels[TRIGGER_CONTROL]
        self.controls: dict[str, str] = {}  # region id -> from_name, to name a double label

    def issue(self, item: str | None, message: str, kind: ItemKind = ItemKind.REGION) -> None:
        self.issues.append(RegionIssue(self.task_id, item, message, kind, self.annotation_id))

    def raw_region(self, i: int, item: dict[str, Any], seen: set[str]) -> _Raw | None:
        """Shape and label checks of one region; offsets are checked later, all together."""
        rid = item.get("id")
        if not isinstance(rid, str) or not rid:
            self.issue(None, f"result item {i} has no region id (a string), got {_shown(rid)}")
            return None
        if len(rid) > MAX_ID_CHARS:
            self.issue(None, f"result item {i}: region id {_shown(rid)} is longer than {MAX_ID_CHARS} characters")
            return None
        rtype, control = item.get("type"), item.get("from_name")
        if rtype != "labels" or not isinstance(control, str) or control not in self.labels:
            self.issue(
                rid, f"a {_shown(rtype)} result from {_shown(control)} is not part of the goldbench labeling config"
            )
            return None
        if item.get("to_name") != TEXT_NAME:
            self.issue(rid, f"to_name is {_shown(item.get('to_name'))}, not {TEXT_NAME!r}")
            return None
        if rid in seen:
            if {self.controls.get(rid), control} == {ENTITY_CONTROL, TRIGGER_CONTROL}:
                self.issue(
                    rid,
                    "carries both an entity label and an event trigger label (a labeling config made before "
                    "goldbench's one-label-group config allows that); keep one of the two in Label Studio",
                )
            else:
                self.issue(rid, "the region id appears twice in the annotation")
            return None
        seen.add(rid)
        self.controls[rid] = str(control)
        value = item.get("value")
        labels = value.get("labels") if isinstance(value, dict) else None
        if not isinstance(value, dict):
            self.issue(rid, f"value must be an object with start, end, text and labels, got {_shown(value)}")
            return None
        if not isinstance(labels, list) or len(labels) != 1:
            self.issue(rid, f"needs exactly one label, has {_shown(labels)}")
            return None
        label = labels[0]
        if not isinstance(label, str):
            self.issue(rid, f"value.labels must hold one label name (a string), got {_shown(labels)}")
            return None
        if label not in self.labels[control]:
            kind = {ENTITY_CONTROL: "entity label", TRIGGER_CONTROL: "event type"}.get(control, "label")
            known = ", ".join(sorted(self.labels[control]))
            self.issue(rid, f"{kind} {_shown(label)} is not in the schema ({known})")
            return None
        if control == LABEL_CONTROL:  # one group for both kinds: the label says which
            control = ENTITY_CONTROL if label in self.labels[ENTITY_CONTROL] else TRIGGER_CONTROL
        return _Raw(rid, str(control), label, value.get("start"), value.get("end"), value.get("text"))

    def offsets(self, raws: list[_Raw]) -> list[_Region]:
        """Checks every region's offsets against its text; repairs UTF-16 offsets.

        When every region fits as code points, they are code points. When some do not but all
        fit as UTF-16 code units, the whole annotation is read as UTF-16 (so that regions before
        the first emoji, which fit both ways, are not told apart wrongly). Otherwise each region
        is read as code points if it fits, else as UTF-16 if that fits, else it is an issue.
        """
        text = self.text
        checked: list[_Region] = []
        for rid, control, label, start, end, given in raws:
            if type(start) is not int or type(end) is not int:
                self.issue(rid, f"value.start/value.end must be integers, got {_shown(start)}/{_shown(end)}")
                continue
            if not isinstance(given, str):
                self.issue(rid, "value.text is missing; its offsets cannot be checked")
                continue
            checked.append(_Region(rid, control, label, start, end, given))
        out: list[_Region] = []
        for region, resolved in zip(checked, resolve_offsets(text, [r[3:] for r in checked]), strict=True):
            if resolved is None:
                self.issue(region.id, span_problem(text, region.start, region.end, region.text) or "bad offsets")
                continue
            if resolved.before is not None:
                after = (resolved.start, resolved.end)
                self.repairs.append(
                    Repair(self.task_id, region.id, resolved.before, after, annotation_id=self.annotation_id)
                )
            out.append(region._replace(start=resolved.start, end=resolved.end))
        return out

    def relations(
        self, items: list[dict[str, Any]], regions: Mapping[str, _Region], known: set[str]
    ) -> dict[str, list[Argument]]:
        """Arguments per trigger region id, from the relations that are valid."""
        args: dict[str, list[Argument]] = {}
        for item in items:
            src, dst = item.get("from_id"), item.get("to_id")
            name = "->".join(x if isinstance(x, str) and len(x) <= MAX_ID_CHARS else _shown(x) for x in (src, dst))

            def bad(message: str, name: str = name) -> None:
                self.issue(name, message, ItemKind.RELATION)

            if not isinstance(src, str) or not isinstance(dst, str):
                bad(f"from_id and to_id must be region ids (strings), got {_shown(src)} and {_shown(dst)}")
                continue
            missing = [x for x in (src, dst) if x not in regions]
            if missing:
                why = "was dropped" if missing[0] in known else "is not in the annotation"
                bad(f"points to region {_shown(missing[0])}, which {why}")
                continue
            a, b = regions[src], regions[dst]
            if a.control == TRIGGER_CONTROL and b.control == ENTITY_CONTROL:
                trigger, entity = a, b
            elif a.control == ENTITY_CONTROL and b.control == TRIGGER_CONTROL:
                trigger, entity = b, a
            else:
                bad(f"joins two {a.control} regions; a relation must join an event trigger and an entity")
                continue
            etype = self.schema.event_type(trigger.label)
            allowed = ", ".join(self.schema.allowed_roles(trigger.label)) or "none"
            roles = item.get("labels") or []
            if not isinstance(roles, list) or not roles:
                bad(f"has no role; give it one of the roles of {trigger.label!r} ({allowed})")
                continue
            for role_name in roles:
                role = etype.role(role_name) if etype is not None and isinstance(role_name, str) else None
                if role is None:
                    shown = _shown(role_name)
                    bad(f"role {shown} is not allowed for event type {trigger.label!r} (allowed: {allowed})")
                elif entity.label not in role.entity_labels:
                    fits = ", ".join(role.entity_labels)
                    bad(f"entity {entity.id!r} is {entity.label}, which cannot fill role {role_name!r} ({fits})")
                else:
                    arg = Argument(role_name, entity.start, entity.end, entity.id, entity.text)
                    if arg not in args.setdefault(trigger.id, []):
                        args[trigger.id].append(arg)
        return args


def _convert(
    task_id: TaskId,
    data: Any,
    results: Any,
    schema: Schema,
    *,
    annotation_id: int | None = None,
    annotator: str | None = None,
    name_annotation: bool = False,
    meta: Any = None,
) -> ConvertedDocument:
    text, doc_id = _task_text(task_id, data)
    extra = _task_extra(task_id, data, meta)
    if results is None:
        results = []
    if not isinstance(results, list):
        raise FormatError(f"task {task_id}: an annotation's result must be a list, got {type(results).__name__}")
    ann = _Annotation(task_id, text, schema, annotation_id if name_annotation else None)
    raws: list[_Raw] = []
    relation_items: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, item in enumerate(results):
        if not isinstance(item, dict):
            ann.issue(None, f"result item {i} is not an object")
        elif item.get("type") == "relation":
            relation_items.append(item)
        elif (raw := ann.raw_region(i, item, seen)) is not None:
            raws.append(raw)
    regions = {r.id: r for r in ann.offsets(raws)}
    known = {item["id"] for item in results if isinstance(item, dict) and isinstance(item.get("id"), str)}
    args = ann.relations(relation_items, regions, known)
    entities = tuple(
        Entity(r.start, r.end, r.label, r.id, r.text) for r in regions.values() if r.control == ENTITY_CONTROL
    )
    events = tuple(
        Event(r.label, Span(r.start, r.end, r.text), tuple(args.get(r.id, ())), r.id)
        for r in regions.values()
        if r.control == TRIGGER_CONTROL
    )
    doc = Document(doc_id, text, entities, events, extra=extra)
    return ConvertedDocument(doc, task_id, annotation_id, annotator, tuple(ann.repairs), tuple(ann.issues))


def results_to_document(
    task_id: TaskId,
    data: Mapping[str, Any],
    results: Sequence[Mapping[str, Any]] | None,
    schema: Schema,
    *,
    lenient: bool = False,
    annotation_id: int | None = None,
    annotator: str | None = None,
    meta: Mapping[str, Any] | None = None,
) -> ConvertedDocument:
    """One annotation's result list -> a document. Every region and relation is checked (see
    docs/schema.md); a bad one raises ``RegionError`` naming the task and region, or with
    ``lenient`` is left out and listed in ``dropped``. UTF-16 offsets are repaired and listed.
    ``meta`` is the task's ``meta``; it becomes the document's."""
    conv = _convert(task_id, data, results, schema, annotation_id=annotation_id, annotator=annotator, meta=meta)
    if conv.dropped and not lenient:
        raise RegionError(list(conv.dropped))
    return conv


# --- pull: a full JSON export -> gold documents --------------------------------------------------

_OLDEST = datetime.min.replace(tzinfo=UTC)


def _time(value: Any, task_id: TaskId, annotation_id: Any, key: str) -> datetime:
    if value is None:
        return _OLDEST
    try:
        t = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise FormatError(
            f"task {task_id} annotation {annotation_id}: {key} {_shown(value)} is not an ISO 8601 time"
        ) from None
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


def _annotator(ann: Mapping[str, Any]) -> str:
    who = ann.get("completed_by")
    if isinstance(who, dict):  # exported with annotations__completed_by expanded
        who = who.get("id", who.get("email"))
    return "unknown" if who is None else str(who)


class _Task(NamedTuple):
    id: TaskId
    data: Any
    annotations: list[dict[str, Any]]
    meta: Any = None


def _task(task: Any, index: int, source: str) -> _Task:
    if not isinstance(task, dict):
        raise FormatError(f"{source}: task #{index} is not an object; pass Label Studio's JSON export")
    if "data" not in task and "annotations" not in task:
        raise FormatError(
            f"{source}: task #{index} has neither 'data' nor 'annotations'; this looks like a JSON_MIN or "
            "CSV export: export with the JSON format"
        )
    task_id = task.get("id")
    if isinstance(task_id, bool) or not isinstance(task_id, int | str):
        raise FormatError(f"{source}: task #{index} has no id; pass Label Studio's JSON export")
    if isinstance(task_id, str) and len(task_id) > MAX_ID_CHARS:
        raise FormatError(f"{source}: task #{index}: id {_shown(task_id)} is longer than {MAX_ID_CHARS} characters")
    annotations = task.get("annotations") or []
    if not isinstance(annotations, list) or not all(isinstance(a, dict) for a in annotations):
        raise FormatError(f"{source}: task {task_id}: 'annotations' must be a list of objects")
    for a in annotations:
        _check_annotation(a, task_id, source)
    return _Task(task_id, task.get("data"), annotations, task.get(META))


# An annotator's name becomes a folder name (``annotator-<name>``): no path separators, no dot first.
_ANNOTATOR = re.compile(r"[\w@+-][\w.@+-]{0,99}")


def _check_annotation(a: Mapping[str, Any], task_id: TaskId, source: str) -> None:
    """The fields of one annotation that pull reads, each of the type Label Studio writes."""
    aid = a.get("id")
    where = f"{source}: task {task_id} annotation {_shown(aid)}"
    if aid is not None and (isinstance(aid, bool) or not isinstance(aid, int)):
        raise FormatError(f"{where}: the id must be an integer")
    for key in ("was_cancelled", "ground_truth"):
        if a.get(key) is not None and not isinstance(a.get(key), bool):
            raise FormatError(f"{where}: {key} must be true or false, got {_shown(a.get(key))}")
    who = a.get("completed_by")
    name = who.get("id", who.get("email")) if isinstance(who, dict) else who
    if name is not None and (isinstance(name, bool) or not isinstance(name, int | str)):
        raise FormatError(f"{where}: completed_by must be a user id or an email, got {_shown(who)}")
    if isinstance(name, str) and not _ANNOTATOR.fullmatch(name):
        raise FormatError(
            f"{where}: completed_by {_shown(name)} cannot name an annotator folder (letters, digits, . _ @ + - only)"
        )


def _choose(task: _Task, usable: list[dict[str, Any]], policy: AnnotationPolicy) -> list[dict[str, Any]]:
    def recency(a: Mapping[str, Any]) -> tuple[datetime, datetime, int]:
        aid = a.get("id")
        return (
            _time(a.get("updated_at"), task.id, aid, "updated_at"),
            _time(a.get("created_at"), task.id, aid, "created_at"),
            aid if isinstance(aid, int) else -1,
        )

    if policy is AnnotationPolicy.LATEST:
        return [max(usable, key=recency)] if usable else []
    if policy is AnnotationPolicy.GROUND_TRUTH:
        marked = [a for a in usable if a.get("ground_truth") is True]
        return [max(marked, key=recency)] if marked else []
    per_annotator: dict[str, dict[str, Any]] = {}
    for a in usable:
        key = _annotator(a)
        if key not in per_annotator or recency(a) > recency(per_annotator[key]):
            per_annotator[key] = a
    return list(per_annotator.values())


def _duplicates(converted: Iterable[ConvertedDocument], policy: AnnotationPolicy) -> list[Problem]:
    first: dict[tuple[str, str], TaskId] = {}
    problems = []
    for c in converted:
        who = (c.annotator or "") if policy is AnnotationPolicy.ALL else ""
        key = (who, c.document.id)
        if key in first:
            problems.append(
                Problem(
                    f"task {c.task_id}",
                    f"holds document {c.document.id!r}, as does task {first[key]}; delete one of the two tasks",
                )
            )
        else:
            first[key] = c.task_id
    return problems


def export_to_gold(
    export: Sequence[Any],
    schema: Schema,
    *,
    policy: AnnotationPolicy = AnnotationPolicy.LATEST,
    lenient: bool = False,
    source: str = "export",
) -> PullResult:
    """Label Studio's full JSON export (a list of tasks) -> gold documents.

    Cancelled (skipped) annotations are ignored; a task without a usable annotation is counted
    and left out. ``policy`` picks the annotation(s) of each task. Every region and relation is
    checked; problems raise one ``RegionError`` listing them all, or with ``lenient`` are
    dropped and listed. ``source`` names the export in messages (e.g. its path).
    """
    if not isinstance(export, list):
        raise FormatError(f"{source}: a Label Studio JSON export is a list of tasks, got {type(export).__name__}")
    converted: list[ConvertedDocument] = []
    annotated = unannotated = cancelled = no_gt = 0
    for index, raw in enumerate(export):
        task = _task(raw, index, source)
        usable = [a for a in task.annotations if a.get("was_cancelled") is not True]
        cancelled += len(task.annotations) - len(usable)
        chosen = _choose(task, usable, policy)
        if not usable:
            unannotated += 1
            continue
        if not chosen:
            no_gt += 1
            continue
        annotated += 1
        for a in chosen:
            aid = a.get("id")
            converted.append(
                _convert(
                    task.id,
                    task.data,
                    a.get("result"),
                    schema,
                    annotation_id=aid if isinstance(aid, int) else None,
                    annotator=_annotator(a),
                    name_annotation=policy is AnnotationPolicy.ALL,
                    meta=task.meta,
                )
            )
    issues = [d for c in converted for d in c.dropped]
    if issues and not lenient:
        raise RegionError(issues)
    duplicates = _duplicates(converted, policy)
    if duplicates:
        raise ValidationError(duplicates)
    counts = PullCounts(
        tasks=len(export),
        annotated=annotated,
        unannotated=unannotated,
        cancelled=cancelled,
        no_ground_truth=no_gt,
        entities=sum(len(c.document.entities) for c in converted),
        events=sum(len(c.document.events) for c in converted),
        repaired=sum(len(c.repairs) for c in converted),
        dropped=len(issues),
    )
    return PullResult(policy, tuple(converted), counts)


# --- quality: a full JSON export -> every annotation and prediction ----------------------------


def _email(ann: Mapping[str, Any]) -> str | None:
    who = ann.get("completed_by")
    email = who.get("email") if isinstance(who, dict) else None
    return email if isinstance(email, str) and email else None


def _lead_time(value: Any, task_id: TaskId, annotation_id: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise FormatError(f"task {task_id} annotation {annotation_id}: lead_time {value!r} is not a number of seconds")
    return float(value)


def export_to_work(export: Sequence[Any], schema: Schema, *, lenient: bool = False, source: str = "export") -> Work:
    """Every annotation (cancelled ones too) and every prediction of a full JSON export, each
    converted and checked as ``export_to_gold`` does (``RegionError`` listing every bad region,
    or with ``lenient`` those are left out). What ``eval.quality.quality`` reads."""
    if not isinstance(export, list):
        raise FormatError(f"{source}: a Label Studio JSON export is a list of tasks, got {type(export).__name__}")
    annotations: list[Annotation] = []
    predictions: list[Prediction] = []
    issues: list[RegionIssue] = []
    ids_only = False
    for index, raw in enumerate(export):
        task = _task(raw, index, source)
        for a in task.annotations:
            aid = a.get("id")
            cancelled = a.get("was_cancelled") is True
            conv = _convert(
                task.id,
                task.data,
                a.get("result"),
                schema,
                annotation_id=aid if isinstance(aid, int) else None,
                name_annotation=True,
            )
            issues += conv.dropped
            annotations.append(
                Annotation(
                    task=task.id,
                    id=aid if isinstance(aid, int) else None,
                    annotator=_annotator(a),
                    document=conv.document,
                    email=_email(a),
                    cancelled=cancelled,
                    ground_truth=a.get("ground_truth") is True,
                    lead_time=_lead_time(a.get("lead_time"), task.id, aid),
                    updated=_time(a.get("updated_at"), task.id, aid, "updated_at").isoformat(),
                )
            )
        raw_predictions = raw.get("predictions") or []
        if not isinstance(raw_predictions, list):
            raise FormatError(f"{source}: task {task.id}: 'predictions' must be a list")
        if all(isinstance(p, int) and not isinstance(p, bool) for p in raw_predictions):
            ids_only = ids_only or bool(raw_predictions)
            continue
        if not all(isinstance(p, dict) for p in raw_predictions):
            raise FormatError(f"{source}: task {task.id}: 'predictions' must be a list of objects (or of ids)")
        for p in raw_predictions:
            version = p.get("model_version")
            conv = _convert(task.id, task.data, p.get("result"), schema, annotation_id=None)
            issues += conv.dropped
            predictions.append(
                Prediction(
                    task=task.id,
                    model_version=str(version) if version not in (None, "") else "(none)",
                    document=conv.document,
                    created=_time(p.get("created_at"), task.id, p.get("id"), "created_at").isoformat(),
                )
            )
    if issues and not lenient:
        raise RegionError(issues)
    notes: tuple[str, ...] = ()
    if ids_only:
        notes = (
            f"{source}: the predictions are ids only (an export without them); pre-annotation quality needs an "
            "export with the predictions in it, as annotate quality --project makes",
        )
    return Work(tuple(annotations), tuple(predictions), notes)
