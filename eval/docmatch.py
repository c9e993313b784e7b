"""Offset-free (document-level) scoring: names instead of offsets, through an alias table.

Per document, every entity (with or without offsets) becomes an item ``(label, name)`` where
``name`` is the canonical form of its normalised text (``eval.normalize``; aliases from
``configs/aliases.yaml``). Items are a set: mentioning a name twice gives one item. Gold and
predicted items are paired one to one, by name, same-label pairs first, so one predicted name
never answers two gold entities. Counts, nervaluate-like:

    STRICT  same name and label: correct; same name, other label: incorrect; else missed/spurious
    EXACT   same name: correct; else missed/spurious (never incorrect: there are no boundaries)

Per label, both sides keep only that label's items (the CoNLL convention of eval/entities.py).
Events become the TextEE tuples of ``eval.events`` with normalised trigger text in place of
trigger offsets and canonical argument names in place of argument offsets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import yaml

from .counts import Counts, Metrics, Scheme
from .errors import FormatError, Problem, quote
from .events import (
    NO_ITEMS,
    ArgumentItem,
    EventItems,
    ItemsFn,
    TriggerItem,
    counts_by_document,
    entities_by_id,
    pair_documents,
    score_events_with_stats,
    total,
)
from .io import read_yaml
from .model import Document
from .normalize import normalize
from .report import EntityScores, EventScores
from .stats import stats_rows

SCHEMES: tuple[Scheme, ...] = (Scheme.STRICT, Scheme.EXACT)
DEFAULT_ALIASES = Path(__file__).resolve().parents[1] / "configs" / "aliases.yaml"


# ---------------------------------------------------------------------------------------------
# aliases


@dataclass(frozen=True, slots=True)
class AliasTable:
    """Normalised name or alias -> normalised canonical name; unknown names stand for themselves."""

    canonical: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    display: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # as written
    path: str = ""

    def resolve(self, text: str) -> str:
        """The canonical normalised name of ``text``."""
        name = normalize(text)
        return self.canonical.get(name, name)

    def __len__(self) -> int:
        return len(self.display)


NO_ALIASES = AliasTable()


def load_aliases(path: str | Path) -> AliasTable:
    """Read ``canonical name: [alias, ...]`` YAML; raises FormatError naming ``file:line``."""
    p = str(path)
    root = read_yaml(path, what="the alias file")
    if root is None:
        return AliasTable(path=p)
    if not isinstance(root, yaml.MappingNode):
        raise FormatError(f"{p}:{root.start_mark.line + 1}: the alias file must map canonical names to lists")
    canonical: dict[str, str] = {}
    owner: dict[str, str] = {}  # normalised alias -> the canonical name it is listed under, as written
    display: dict[str, str] = {}
    for key, value in root.value:
        line = f"{p}:{key.start_mark.line + 1}"
        name = _scalar(key, line, "a canonical name")
        norm = normalize(name)
        if not norm:
            raise FormatError(f"{line}: canonical name {quote(name)} is empty once normalised; remove it")
        if norm in display:
            raise FormatError(f"{line}: canonical name {quote(name)} is listed twice; merge the two entries")
        display[norm] = name
        for alias, alias_line in [(name, line), *_aliases(value, line, name)]:
            a = normalize(alias)
            if not a:
                raise FormatError(
                    f"{alias_line}: alias {quote(alias)} of {quote(name)} is empty once normalised; remove it"
                )
            if canonical.get(a, norm) != norm:
                raise FormatError(
                    f"{alias_line}: alias {quote(alias)} is listed under both {quote(owner[a])} and {quote(name)}; "
                    "keep it under one canonical name"
                )
            canonical[a] = norm
            owner.setdefault(a, name)
    return AliasTable(MappingProxyType(canonical), MappingProxyType(display), p)


def _scalar(node: yaml.Node, line: str, what: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or node.tag.endswith(":null"):
        raise FormatError(f"{line}: expected {what} as a plain string")
    return str(node.value)


def _aliases(node: yaml.Node, line: str, name: str) -> list[tuple[str, str]]:
    if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"):
        return []
    if not isinstance(node, yaml.SequenceNode):
        raise FormatError(f"{line}: the aliases of {quote(name)} must be a list, e.g. [{name.split()[-1]}]")
    path = line.rsplit(":", 1)[0]
    out = []
    for n in node.value:
        at = f"{path}:{n.start_mark.line + 1}"
        out.append((_scalar(n, at, "an alias"), at))
    return out


# ---------------------------------------------------------------------------------------------
# entities


class OffsetFreeScores(NamedTuple):
    """Entity counts at document level for STRICT and EXACT; unpacks as (micro, labels, documents)."""

    micro: dict[Scheme, Counts]
    labels: dict[str, dict[Scheme, Counts]]
    documents: dict[str, dict[Scheme, Counts]]

    def macro(self) -> dict[Scheme, Metrics]:
        """Unweighted mean over labels present in gold or predictions."""
        return {s: Metrics.mean([c[s].metrics for c in self.labels.values()]) for s in self.micro}

    def doc_stats(self) -> dict[str, npt.NDArray[np.float64]]:
        """``"entities.<scheme>"`` -> (documents, 3) matched, possible, actual (eval/stats.py)."""
        return {f"entities.{s.value}": stats_rows([c[s] for c in self.documents.values()]) for s in self.micro}


NameItem = tuple[str, str]  # (label, canonical normalised name)


def _span_text(doc: Document, start: int | None, end: int | None, given: str | None) -> str | None:
    """The text of a span: the document's own text when the offsets fit it, else the given text."""
    if start is not None and end is not None and 0 <= start < end <= len(doc.text):
        return doc.text[start:end]
    return given


def entity_names(doc: Document, aliases: AliasTable) -> set[NameItem]:
    """A document's entities and offset-free mentions as (label, canonical name) items."""
    items: set[NameItem] = set()
    for e in doc.entities:
        text = _span_text(doc, e.start, e.end, e.text)
        if text is not None:
            items.add((e.label, aliases.resolve(text)))
    items.update((m.label, aliases.resolve(m.text)) for m in doc.mentions)
    return items


def _pair_by_name(gold: set[NameItem], pred: set[NameItem]) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """One-to-one pairs by name, same label first: (gold label, pred label) pairs, unpaired labels."""
    gold_by_name: dict[str, list[str]] = defaultdict(list)
    pred_by_name: dict[str, list[str]] = defaultdict(list)
    for label, name in sorted(gold - pred):
        gold_by_name[name].append(label)
    for label, name in sorted(pred - gold):
        pred_by_name[name].append(label)
    pairs = [(label, label) for label, _ in gold & pred]
    missed: list[str] = []
    spurious: list[str] = []
    for name in gold_by_name.keys() | pred_by_name.keys():
        g, p = gold_by_name.get(name, []), pred_by_name.get(name, [])
        k = min(len(g), len(p))
        pairs += zip(g[:k], p[:k], strict=True)
        missed += g[k:]
        spurious += p[k:]
    return pairs, missed, spurious


def compare_names(gold: set[NameItem], pred: set[NameItem]) -> dict[Scheme, Counts]:
    """STRICT and EXACT counts of one document's items."""
    pairs, missed, spurious = _pair_by_name(gold, pred)
    same = sum(1 for g, p in pairs if g == p)
    return {
        Scheme.STRICT: Counts(correct=same, incorrect=len(pairs) - same, missed=len(missed), spurious=len(spurious)),
        Scheme.EXACT: Counts(correct=len(pairs), missed=len(missed), spurious=len(spurious)),
    }


def _by_label(items: Iterable[NameItem]) -> dict[str, set[NameItem]]:
    out: dict[str, set[NameItem]] = defaultdict(set)
    for item in items:
        out[item[0]].add(item)
    return out


def score_documents_offset_free(
    gold: Sequence[Document],
    pred: Sequence[Document],
    *,
    aliases: AliasTable = NO_ALIASES,
    labels: Collection[str] | None = None,
) -> OffsetFreeScores:
    """Entity scores by names per document (see the module docstring); pairs documents by id.

    ``labels`` keeps only entities with those labels, on both sides.
    """
    micro = {s: Counts() for s in SCHEMES}
    by_label: dict[str, dict[Scheme, Counts]] = {}
    documents: dict[str, dict[Scheme, Counts]] = {}
    for g, p in pair_documents(gold, pred):
        gold_items = entity_names(g, aliases)
        pred_items = entity_names(p, aliases) if p is not None else set()
        if labels is not None:
            gold_items = {i for i in gold_items if i[0] in labels}
            pred_items = {i for i in pred_items if i[0] in labels}
        counts = compare_names(gold_items, pred_items)
        documents[g.id] = counts
        micro = {s: micro[s] + counts[s] for s in SCHEMES}
        gold_labels, pred_labels = _by_label(gold_items), _by_label(pred_items)
        for label in gold_labels.keys() | pred_labels.keys():
            c = compare_names(gold_labels.get(label, set()), pred_labels.get(label, set()))
            into = by_label.setdefault(label, {s: Counts() for s in SCHEMES})
            for s in SCHEMES:
                into[s] = into[s] + c[s]
    return OffsetFreeScores(micro, dict(sorted(by_label.items())), documents)


def resolve_aliases(aliases: AliasTable | str | Path | None) -> AliasTable:
    """A table as given, read from a path, or (None) the shipped configs/aliases.yaml when present."""
    if isinstance(aliases, AliasTable):
        return aliases
    if aliases is None:
        return load_aliases(DEFAULT_ALIASES) if DEFAULT_ALIASES.is_file() else NO_ALIASES
    return load_aliases(aliases)


def score_offset_free(
    gold: Sequence[Document],
    pred: Sequence[Document],
    *,
    aliases: AliasTable | str | Path | None = None,
    labels: Collection[str] | None = None,
) -> tuple[EntityScores, dict[str, npt.NDArray[np.float64]]]:
    """``evaluate --level document`` for entities: the report's scores and per-document statistics."""
    result = score_documents_offset_free(gold, pred, aliases=resolve_aliases(aliases), labels=labels)
    scores = EntityScores(result.micro, result.macro(), result.labels, result.documents)
    return scores, result.doc_stats()


# ---------------------------------------------------------------------------------------------
# events


def event_items(aliases: AliasTable = NO_ALIASES) -> ItemsFn:
    """An ``eval.events`` tuple builder keyed by names: trigger text normalised, arguments canonical."""

    def items(doc: Document, problems: list[Problem]) -> EventItems:
        if not doc.events:
            return NO_ITEMS
        entities = entities_by_id(doc.entities)
        triggers: set[TriggerItem] = set()
        arguments: set[ArgumentItem] = set()
        for i, ev in enumerate(doc.events):
            trigger_text = _span_text(doc, ev.trigger.start, ev.trigger.end, ev.trigger.text)
            if trigger_text is None:
                msg = f"events[{i}].trigger: offsets [{ev.trigger.start}, {ev.trigger.end}) do not fit the text"
                problems.append(Problem(doc.where, msg + " and no trigger text is given; fix the offsets", doc.id))
                continue
            trig = normalize(trigger_text)
            triggers.add((ev.type, trig))
            for j, arg in enumerate(ev.arguments):
                if arg.entity is not None:
                    found = entities.get(arg.entity, [])
                    text = _span_text(doc, found[0].start, found[0].end, found[0].text) if len(found) == 1 else None
                else:
                    text = _span_text(doc, arg.start, arg.end, arg.text)
                if text is None:
                    msg = f"events[{i}].arguments[{j}] has no text here (unknown entity id or offsets outside the text)"
                    problems.append(Problem(doc.where, msg + "; fix the argument", doc.id))
                    continue
                arguments.add((ev.type, trig, arg.role, aliases.resolve(text)))
        return EventItems(frozenset(triggers), frozenset(arguments))

    return items


def score_events_offset_free(
    gold: Sequence[Document], pred: Sequence[Document], *, aliases: AliasTable = NO_ALIASES
) -> EventScores:
    """TextEE-style event scores with names in place of offsets (see docs/events.md)."""
    return total(counts_by_document(gold, pred, event_items(aliases)).values())


def offset_free_events(
    gold: Sequence[Document], pred: Sequence[Document], *, aliases: AliasTable | str | Path | None = None
) -> tuple[EventScores, dict[str, npt.NDArray[np.float64]]]:
    """``evaluate --level document`` for events: scores and ``"events.<metric>"`` statistics."""
    table = resolve_aliases(aliases)
    return score_events_with_stats(gold, pred, items=event_items(table))
