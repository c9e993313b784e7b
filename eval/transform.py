"""Transformations of a predictions table before scoring: ``--min-score``, ``--label-map``,
``--drop-unknown-labels``. Each returns a new ``Table`` (columns and the kept whole documents
changed together) and the notes it has for the report; the original is left alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from .labelmap import LabelMap
from .model import Mention
from .table import LabelCodes, Table

BoolArray = npt.NDArray[np.bool_]


def rebuild(
    t: Table,
    keep: BoolArray,
    names: Sequence[str | None],
    keep_mention: Callable[[Mention], Mention | None] = lambda m: m,
) -> Table:
    """``t`` with only the entity rows in ``keep``, labels renamed by ``names`` (old code ->
    new name) and every offset-free mention passed through ``keep_mention`` (None drops it)."""
    codes = LabelCodes()
    recode = np.asarray([codes[n] if n is not None else -1 for n in names] or [0], dtype=np.int64)
    rows = np.flatnonzero(keep)
    new_row = np.full(keep.shape[0], -1, dtype=np.int64)
    new_row[rows] = np.arange(rows.size, dtype=np.int64)
    documents = {}
    for i, d in t.documents.items():
        lo = int(t.entity_rows[i])
        entities = tuple(
            e._replace(label=str(names[int(t.label_codes[lo + k])])) for k, e in enumerate(d.entities) if keep[lo + k]
        )
        mentions = tuple(m for m in map(keep_mention, d.mentions) if m is not None)
        documents[i] = d._replace(entities=entities, mentions=mentions)
    return Table(
        t.path,
        t.format,
        t.sha256,
        t.ids,
        t.texts,
        t.lines,
        np.bincount(t.doc[rows], minlength=len(t)).astype(np.int64),
        t.start[rows],
        t.end[rows],
        recode[t.label_codes[rows]],
        tuple(codes),
        {int(new_row[r]): v for r, v in t.entity_texts.items() if keep[r]},
        documents,
        {int(new_row[r]): v for r, v in t.entity_scores.items() if keep[r]},
        extras=t.extras,
    )


def _named(t: Table, names: Sequence[str | None]) -> BoolArray:
    """Rows whose new label name is not None."""
    has_name = np.asarray([n is not None for n in names] or [True], dtype=bool)
    return has_name[t.label_codes]


def scores_column(t: Table) -> npt.NDArray[np.float64]:
    """Every row's score, NaN where the entity had none."""
    out = np.full(t.start.shape[0], np.nan)
    if t.entity_scores:
        out[np.fromiter(t.entity_scores, dtype=np.int64)] = np.fromiter(t.entity_scores.values(), dtype=np.float64)
    return out


def min_score(t: Table, threshold: float) -> tuple[Table, int]:
    """Drop predictions whose score is below ``threshold`` (those without a score stay); how many."""
    scores = scores_column(t)
    keep = ~(scores < threshold)
    below_mentions = sum(1 for _, m in t.mentions() if m.score is not None and m.score < threshold)
    dropped = int((~keep).sum()) + below_mentions
    if not dropped:
        return t, 0
    table = rebuild(t, keep, t.label_names, lambda m: None if m.score is not None and m.score < threshold else m)
    return table, dropped


def map_labels(t: Table, label_map: LabelMap) -> tuple[Table, Counter[str]]:
    """Rename predicted labels by ``label_map``; labels mapped to None are dropped (counted per label)."""
    names = [label_map.target(n) for n in t.label_names]
    keep = _named(t, names)
    dropped: Counter[str] = Counter(t.label_names[c] for c in t.label_codes[~keep].tolist())

    def mention(m: Mention) -> Mention | None:
        target = label_map.target(m.label)
        if target is None:
            dropped[m.label] += 1
            return None
        return m._replace(label=target)

    return rebuild(t, keep, names, mention), dropped


def drop_unknown(t: Table, known: Collection[str]) -> tuple[Table, Counter[str]]:
    """Drop predictions whose label is not in ``known`` (the gold label set), counted per label."""
    names = [n if n in known else None for n in t.label_names]
    keep = _named(t, names)
    dropped: Counter[str] = Counter(t.label_names[c] for c in t.label_codes[~keep].tolist())
    dropped.update(m.label for _, m in t.mentions() if m.label not in known)
    if not dropped:
        return t, dropped
    return rebuild(t, keep, names, lambda m: m if m.label in known else None), dropped


@dataclass(slots=True)
class Dropped:
    """What the transformations dropped; the counts of document chunks add up (``add``)."""

    below_score: int = 0
    mapped_to_null: Counter[str] = field(default_factory=Counter)
    unknown: Counter[str] = field(default_factory=Counter)

    def add(self, other: Dropped) -> None:
        self.below_score += other.below_score
        self.mapped_to_null.update(other.mapped_to_null)
        self.unknown.update(other.unknown)

    def notes(self, threshold: float | None) -> list[str]:
        """The report's notes, in the order the transformations run."""
        out = []
        if self.below_score:
            out.append(f"--min-score {threshold:g} dropped {self.below_score} predictions with a lower score")
        if self.mapped_to_null:
            out.append(
                f"--label-map dropped {sum(self.mapped_to_null.values())} predictions mapped to null: "
                f"{_listed(self.mapped_to_null)}"
            )
        if self.unknown:
            out.append(
                f"--drop-unknown-labels dropped {sum(self.unknown.values())} predictions with labels outside the "
                f"gold label set: {_listed(self.unknown)}"
            )
        return out


def _listed(counts: Counter[str]) -> str:
    return ", ".join(f"{k} ({v})" for k, v in sorted(counts.items()))
