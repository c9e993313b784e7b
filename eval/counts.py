"""Counts you can add, and the one zero-division policy.

``Counts`` holds the five SemEval-2013 outcome counts of one scheme; ``PRF`` holds tp/fp/fn
(event scores). Both derive precision, recall and F1. Zero-division policy (as scikit-learn's
``zero_division=0``): a ratio whose denominator is 0 is reported as 0.0 and named in
``undefined``. F1 is ``2·m / (possible + actual)``, undefined only when both are 0.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

K = TypeVar("K")
V = TypeVar("V", "Counts", "PRF")


class Scheme(enum.Enum):
    """The four matching schemes of SemEval-2013 task 9.1 (nervaluate's names in comments)."""

    STRICT = "strict"  # same boundaries and label
    EXACT = "exact"  # same boundaries
    PARTIAL = "partial"  # overlap; a partial pairing counts 0.5
    TYPE = "type"  # overlap and same label ("ent_type")

    @property
    def half_credit(self) -> bool:
        """Whether partial pairings count 0.5 towards precision and recall."""
        return self in (Scheme.PARTIAL, Scheme.TYPE)


SCHEMES: tuple[Scheme, ...] = tuple(Scheme)


def ratio(num: float, den: float) -> tuple[float, bool]:
    """``num/den`` and whether it was defined; 0.0 when ``den`` is 0 (the policy)."""
    return (num / den, True) if den else (0.0, False)


@dataclass(frozen=True, slots=True)
class Metrics:
    """Precision, recall and F1 with the names of those that were undefined (0/0)."""

    precision: float
    recall: float
    f1: float
    undefined: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"precision": self.precision, "recall": self.recall, "f1": self.f1}
        if self.undefined:
            out["undefined"] = list(self.undefined)
        return out

    @classmethod
    def from_matched(cls, matched: float, possible: int, actual: int) -> Metrics:
        precision, p_ok = ratio(matched, actual)
        recall, r_ok = ratio(matched, possible)
        f1, f_ok = ratio(2 * matched, possible + actual)
        undefined = tuple(n for n, ok in (("precision", p_ok), ("recall", r_ok), ("f1", f_ok)) if not ok)
        return cls(precision, recall, f1, undefined)

    @classmethod
    def mean(cls, items: list[Metrics]) -> Metrics:
        """Unweighted mean (macro average); undefined when there is nothing to average."""
        if not items:
            return cls(0.0, 0.0, 0.0, ("precision", "recall", "f1"))
        n = len(items)
        return cls(
            sum(m.precision for m in items) / n,
            sum(m.recall for m in items) / n,
            sum(m.f1 for m in items) / n,
        )


@dataclass(frozen=True, slots=True)
class Counts:
    """Outcome counts of one scheme; ``possible`` = gold spans, ``actual`` = predicted spans."""

    correct: int = 0
    incorrect: int = 0
    partial: int = 0
    missed: int = 0
    spurious: int = 0
    half_credit: bool = field(default=False, compare=False)

    @property
    def possible(self) -> int:
        return self.correct + self.incorrect + self.partial + self.missed

    @property
    def actual(self) -> int:
        return self.correct + self.incorrect + self.partial + self.spurious

    @property
    def matched(self) -> float:
        """The credit that precision and recall are computed from."""
        return self.correct + (0.5 * self.partial if self.half_credit else 0.0)

    @property
    def metrics(self) -> Metrics:
        return Metrics.from_matched(self.matched, self.possible, self.actual)

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.correct + other.correct,
            self.incorrect + other.incorrect,
            self.partial + other.partial,
            self.missed + other.missed,
            self.spurious + other.spurious,
            self.half_credit,
        )

    def as_dict(self) -> dict[str, Any]:
        m = self.metrics
        out: dict[str, Any] = {
            "correct": self.correct,
            "incorrect": self.incorrect,
            "partial": self.partial,
            "missed": self.missed,
            "spurious": self.spurious,
            "possible": self.possible,
            "actual": self.actual,
        }
        out.update(m.as_dict())
        return out


@dataclass(frozen=True, slots=True)
class PRF:
    """True positives, false positives, false negatives (event scores)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    # The same sufficient statistics as ``Counts``: what precision/recall/F1 are made of.
    @property
    def matched(self) -> int:
        return self.tp

    @property
    def possible(self) -> int:
        return self.tp + self.fn

    @property
    def actual(self) -> int:
        return self.tp + self.fp

    @property
    def metrics(self) -> Metrics:
        return Metrics.from_matched(self.matched, self.possible, self.actual)

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"tp": self.tp, "fp": self.fp, "fn": self.fn}
        out.update(self.metrics.as_dict())
        return out


def add_by_key(a: Mapping[K, V], b: Mapping[K, V]) -> dict[K, V]:
    """Two maps of counts added key by key; a key on one side only keeps its counts (sums of
    document chunks: labels, slices, event metrics)."""
    out = dict(a)
    for k, v in b.items():
        out[k] = out[k] + v if k in out else v
    return out
