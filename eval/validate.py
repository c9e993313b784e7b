"""Checks on gold and predictions before anything is scored.

Each check returns ``Problem``s (errors: nothing is scored or written) or notes (reported in
the report, scoring goes on). Offsets are checked column-wise; an entity's ``text`` is compared
with the slice it names only where it was given.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np

from .errors import Problem, plural, quote
from .ids import SeenIds
from .table import IntArray, Table
from .texts import differ, spans_differ
from .texts import lengths as text_lengths

MAX_LISTED = 5


@dataclass(frozen=True, slots=True)
class Findings:
    problems: list[Problem]
    notes: list[str]


def utf16_fits(text: str, start: int, end: int, expected: str) -> bool:
    """Whether ``[start, end)`` read as UTF-16 code units names ``expected`` in ``text``."""
    data = text.encode("utf-16-le")
    if not 0 <= start < end <= len(data) // 2:
        return False
    return data[2 * start : 2 * end].decode("utf-16-le", errors="replace") == expected


def _entity_where(t: Table, row: int, doc: int) -> str:
    return f"{t.where(doc)}: entities[{row - int(t.entity_rows[doc])}]"


def check_table(t: Table, *, offsets_required: bool = True, gold: bool = False) -> list[Problem]:
    """Problems inside one corpus: duplicate ids, offsets, entity texts, offset-free entities,
    blank or padded labels, and (in a gold set, where a copy would count as missed) duplicate
    entities."""
    return [p for kind in table_problems(t, offsets_required=offsets_required, gold=gold) for p in kind]


def table_problems(
    t: Table,
    *,
    offsets_required: bool = True,
    gold: bool = False,
    first_line: dict[str, int] | SeenIds | None = None,
) -> list[list[Problem]]:
    """``check_table``'s problems by kind, in its order; a table in chunks concatenates each kind
    over the chunks. ``first_line`` (id -> line of its first use: a dict, or the compact
    ``SeenIds``) carries the ids of earlier chunks and gets this table's new ids."""
    labels = _label_problems(t)
    copies = _duplicate_entities(t) if gold else []
    duplicates: list[Problem] = []
    for i, line in _repeats(t, first_line):
        msg = f"duplicate document id (first at line {line}); give every document a unique id"
        duplicates.append(Problem(t.where(i), msg, t.ids[i]))
    offsets: list[Problem] = []
    texts: list[Problem] = []
    scores: list[Problem] = []
    mentions: list[Problem] = []
    if t.start.size:
        doc = t.doc
        lengths = text_lengths(t.texts)[doc]
        bad = np.flatnonzero((t.start < 0) | (t.end > lengths) | (t.start >= t.end))
        for row in bad.tolist():
            d = int(doc[row])
            s, e, n = int(t.start[row]), int(t.end[row]), int(lengths[row])
            if s >= e:
                what = f"start {s} is not before end {e}; offsets are half-open [start, end)"
            else:
                what = f"offsets {s}-{e} are outside the text (length {n}); offsets count Python code points"
            offsets.append(Problem(_entity_where(t, row, d), f"{t.label(row)} {what}", t.ids[d]))
        stated = np.setdiff1d(np.fromiter(t.entity_texts, dtype=np.int64, count=len(t.entity_texts)), bad)
        given = [t.entity_texts[row] for row in stated.tolist()]
        for row in stated[spans_differ(t.texts, doc[stated], t.start[stated], t.end[stated], given)].tolist():
            d = int(doc[row])
            s, e = int(t.start[row]), int(t.end[row])
            expected, text = t.entity_texts[row], t.texts[d]
            hint = (
                "; these offsets fit as UTF-16 code units — convert them to code points"
                if expected is not None and utf16_fits(text, s, e, expected)
                else "; fix the offsets or the text"
            )
            msg = f"entity text {quote(expected)} does not match text[{s}:{e}] = {quote(text[s:e])}{hint}"
            texts.append(Problem(_entity_where(t, row, d), msg, t.ids[d]))
    for row, score in t.entity_scores.items():
        if not 0.0 <= score <= 1.0:  # NaN fails too
            d = int(t.doc[row])
            msg = f"score {quote(score)} is not a number between 0 and 1; give scores as probabilities"
            scores.append(Problem(_entity_where(t, row, d), msg, t.ids[d]))
    if offsets_required:
        for i, m in t.mentions():
            msg = (
                f"entity {quote(m.text)} ({m.label}) has no offsets; ground it with --ground first|all, "
                "or score names per document with --level document"
            )
            mentions.append(Problem(t.where(i), msg, t.ids[i]))
    return [labels, copies, duplicates, offsets, texts, scores, mentions]


def _repeats(t: Table, first_line: dict[str, int] | SeenIds | None) -> list[tuple[int, int]]:
    """``(row, line of first use)`` of each row of ``t`` whose id an earlier row or chunk used."""
    if isinstance(first_line, SeenIds):
        return first_line.add(t.ids, t.lines)
    seen = first_line if first_line is not None else {}
    repeats: list[tuple[int, int]] = []
    for i, doc_id in enumerate(t.ids):
        if doc_id in seen:
            repeats.append((i, seen[doc_id]))
        else:
            seen[doc_id] = t.lines[i]
    return repeats


def _label_problems(t: Table) -> list[Problem]:
    """A label that is empty, or has spaces around it ("", " ORG "): one problem per use."""
    bad = {code: name for code, name in enumerate(t.label_names) if not name.strip() or name != name.strip()}
    problems: list[Problem] = []
    if not bad:
        return problems
    doc = t.doc
    for row in np.flatnonzero(np.isin(t.label_codes, list(bad))).tolist():
        name = bad[int(t.label_codes[row])]
        what = "is blank" if not name.strip() else f"has spaces around it; write {quote(name.strip())}"
        d = int(doc[row])
        problems.append(Problem(_entity_where(t, row, d), f"label {quote(name)} {what}", t.ids[d]))
    return problems


def _duplicate_entities(t: Table) -> list[Problem]:
    """Gold entities given twice (same document, offsets and label)."""
    if t.start.size < 2:
        return []
    doc = t.doc
    order = _candidate_rows(doc, t.start, t.end)
    order = order[np.lexsort((t.label_codes[order], t.end[order], t.start[order], doc[order]))]
    keys = np.stack([doc[order], t.start[order], t.end[order], t.label_codes[order]])
    same = np.flatnonzero((keys[:, 1:] == keys[:, :-1]).all(axis=0))
    problems: list[Problem] = []
    for k in same.tolist():
        first, copy = sorted((int(order[k]), int(order[k + 1])))
        d = int(doc[copy])
        s, e = int(t.start[copy]), int(t.end[copy])
        index = first - int(t.entity_rows[d])
        msg = f"{t.label(copy)} {s}-{e} is given twice (also entities[{index}]); remove the copy"
        problems.append(Problem(_entity_where(t, copy, d), msg, t.ids[d]))
    return problems


def _candidate_rows(doc: IntArray, start: IntArray, end: IntArray) -> IntArray:
    """Rows that may repeat another row: all rows, or — when the spans are already in
    (document, start, end) order, as readers and writers usually leave them — only the rows
    next to one with the same span, so that only those few need sorting."""
    d, s, e = doc[1:] == doc[:-1], start[1:] == start[:-1], end[1:] == end[:-1]
    ascending = (doc[1:] > doc[:-1]) | (d & ((start[1:] > start[:-1]) | (s & (end[1:] >= end[:-1]))))
    if not ascending.all():
        return np.arange(doc.shape[0])
    twin = d & s & e
    return np.flatnonzero(np.concatenate([[False], twin]) | np.concatenate([twin, [False]]))


def check_pair(gold: Table, pred: Table, *, allow_extra: bool, label_set: Collection[str] | None = None) -> Findings:
    """Problems and notes between gold and predictions: ids, texts and labels."""
    extras, texts, counts = pair_parts(gold, pred, allow_extra=allow_extra)
    known = set(label_set) if label_set is not None else set(gold.label_names)
    return Findings(extras + texts, pair_notes(counts, allow_extra=allow_extra, known=known))


@dataclass(slots=True)
class PairCounts:
    """What ``check_pair``'s notes are made of; those of document chunks add up (``add``)."""

    extra: int = 0
    extra_ids: list[str] = field(default_factory=list)  # the first MAX_LISTED
    missing: int = 0
    missing_ids: list[str] = field(default_factory=list)
    labels: Counter[str] = field(default_factory=Counter)  # predicted labels, entities and mentions

    def add(self, other: PairCounts) -> None:
        self.extra += other.extra
        self.extra_ids = (self.extra_ids + other.extra_ids)[:MAX_LISTED]
        self.missing += other.missing
        self.missing_ids = (self.missing_ids + other.missing_ids)[:MAX_LISTED]
        self.labels.update(other.labels)


def pair_parts(gold: Table, pred: Table, *, allow_extra: bool) -> tuple[list[Problem], list[Problem], PairCounts]:
    """``check_pair``'s problems by kind (extra documents, texts that differ) and its counts."""
    extras: list[Problem] = []
    texts: list[Problem] = []
    in_gold = pred.rows_in(gold)
    extra = np.flatnonzero(in_gold < 0).tolist()
    if extra and not allow_extra:
        for i in extra:
            msg = "not in the gold set; remove it or pass --allow-extra to ignore such documents"
            extras.append(Problem(pred.where(i), msg, pred.ids[i]))
    matched = np.flatnonzero(in_gold >= 0)
    if len(gold.row_of) == len(gold):
        predicted = np.zeros(len(gold), dtype=bool)
        predicted[in_gold[matched]] = True
        missing = np.flatnonzero(~predicted).tolist()
    else:  # an id given twice (a gold problem reported on its own): each of its rows is predicted
        pred_ids = set(pred.ids)
        missing = [i for i, d in enumerate(gold.ids) if d not in pred_ids]
    for i in matched[differ(pred.texts, matched, gold.texts, in_gold[matched])].tolist():
        d, g = pred.ids[i], int(in_gold[i])
        at = _first_difference(gold.texts[g], pred.texts[i])
        msg = f"text differs from the gold text at offset {at}; predict on the gold document's exact text"
        texts.append(Problem(pred.where(i), msg, d))
    labels = Counter(pred.label_counts())
    labels.update(m.label for _, m in pred.mentions())
    counts = PairCounts(
        len(extra),
        [pred.ids[i] for i in extra[:MAX_LISTED]],
        len(missing),
        [gold.ids[i] for i in missing[:MAX_LISTED]],
        labels,
    )
    return extras, texts, counts


def pair_notes(counts: PairCounts, *, allow_extra: bool, known: Collection[str]) -> list[str]:
    """The notes of ``check_pair``: extra documents ignored, gold documents without predictions,
    predicted labels outside the gold label set ``known``."""
    notes: list[str] = []
    n = counts.extra
    if n and allow_extra:
        notes.append(
            f"{plural(n, 'predicted document')} {'is' if n == 1 else 'are'} not in the gold set "
            f"and {'was' if n == 1 else 'were'} ignored: {_few(counts.extra_ids, n)}"
        )
    n = counts.missing
    if n:
        notes.append(
            f"{plural(n, 'gold document')} {'has' if n == 1 else 'have'} no predictions and "
            f"{'is' if n == 1 else 'are'} scored as all missed: {_few(counts.missing_ids, n)}"
        )
    outside = {k: v for k, v in counts.labels.items() if k not in known}
    if outside:
        listed = ", ".join(f"{k} ({v})" for k, v in sorted(outside.items()))
        notes.append(f"predicted labels outside the gold label set (scored as errors): {listed}")
    return notes


def _few(shown_ids: list[str], n: int) -> str:
    shown = ", ".join(shown_ids[:MAX_LISTED])
    return shown + (f", … ({n - MAX_LISTED} more)" if n > MAX_LISTED else "")


def _first_difference(a: str, b: str) -> int:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return i
    return min(len(a), len(b))
