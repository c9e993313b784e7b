"""Inter-annotator agreement over the documents two annotators both annotated.

For every pair of annotators (in the order given; the first plays gold):

- span F1, STRICT and PARTIAL, micro and per label, with the matching rules of eval/matching.py
  (tier 1: same boundaries [and label for STRICT]; tier 2: any overlap among the rest, counted
  ``incorrect`` for STRICT and ``partial`` (half credit) for PARTIAL; one to one, greedy left to
  right). Per label, both sides keep only that label's spans. F1 = 2·matched / (|A| + |B|).
- event trigger agreement: tp/fp/fn of TextEE trigger classification tuples (eval/events.py).
- token-level Cohen's kappa (scikit-learn ``cohen_kappa_score``) over whitespace tokens, each
  labelled with the label of the first entity overlapping it, or ``O``. None when undefined
  (no tokens, or both annotators used one and the same label throughout).

For all annotators at once: Krippendorff's alpha (nominal, the ``krippendorff`` package) over
the same token labels, a document one annotator did not annotate being missing data; and per
document the mean pairwise strict span F1 and alpha (``document_agreement``).

Renderings (rich table, Markdown, JSON) are made here from the one ``Agreement`` object.
"""

from __future__ import annotations

import itertools
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from rich.table import Table

from .counts import PRF, Counts, Scheme
from .entities import score_entities
from .errors import Problem, UsageError, ValidationError, quote
from .events import pair_documents, score_events
from .model import Document, Entity
from .table import Table as SpanTable

SCHEMES: tuple[Scheme, ...] = (Scheme.STRICT, Scheme.PARTIAL)
OUTSIDE = "O"
SCHEMA = "goldbench.agreement/1"
_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class PairAgreement:
    """Agreement of annotator ``second`` with annotator ``first`` on their shared documents."""

    first: str
    second: str
    documents: int
    spans: dict[Scheme, Counts]
    labels: dict[str, dict[Scheme, Counts]]
    triggers: PRF | None  # None when neither annotated any event
    kappa: float | None  # None when undefined
    tokens: int

    def f1(self, scheme: Scheme, label: str | None = None) -> float | None:
        """Span F1 of one scheme, micro or for one label (None when the label is absent)."""
        if label is None:
            return self.spans[scheme].metrics.f1
        counts = self.labels.get(label)
        return counts[scheme].metrics.f1 if counts is not None else None


@dataclass(frozen=True, slots=True)
class Agreement:
    """Pairwise agreement of every annotator pair."""

    annotators: tuple[str, ...]
    pairs: tuple[PairAgreement, ...]
    labels: tuple[str, ...]

    def pair(self, a: str, b: str) -> PairAgreement:
        for p in self.pairs:
            if {p.first, p.second} == {a, b}:
                return p
        raise UsageError(f"no annotator pair {quote(a)}/{quote(b)}; annotators are: {', '.join(self.annotators)}")

    def matrix(self, scheme: Scheme, label: str | None = None) -> tuple[tuple[float | None, ...], ...]:
        """Symmetric annotator × annotator span F1; None on the diagonal and where undefined."""
        return tuple(
            tuple(None if a == b else self.pair(a, b).f1(scheme, label) for b in self.annotators)
            for a in self.annotators
        )


# ---------------------------------------------------------------------------------------------
# computing


def agreement(annotations: Mapping[str, Sequence[Document]]) -> Agreement:
    """Pairwise agreement of annotators (name -> their documents), documents paired by id."""
    names = tuple(annotations)
    if len(names) < 2:
        raise UsageError(f"agreement needs at least two annotators; got {len(names)}: {', '.join(names) or '(none)'}")
    pairs = tuple(_pair(a, b, annotations[a], annotations[b]) for a, b in itertools.combinations(names, 2))
    labels = sorted({label for p in pairs for label in p.labels})
    return Agreement(names, pairs, tuple(labels))


def _pair(first: str, second: str, docs_a: Sequence[Document], docs_b: Sequence[Document]) -> PairAgreement:
    shared = [(a, b) for a, b in pair_documents(docs_a, docs_b) if b is not None]
    problems = [
        Problem(
            b.where,
            f"its text differs between annotators {quote(first)} and {quote(second)}; annotate the same text",
            b.id,
        )
        for a, b in shared
        if a.text != b.text
    ]
    if problems:
        raise ValidationError(problems)
    spans, by_label = span_agreement([a for a, _ in shared], [b for _, b in shared])
    tokens_a = [t for a, _ in shared for t in token_labels(a.text, a.entities)]
    tokens_b = [t for _, b in shared for t in token_labels(b.text, b.entities)]
    triggers = None
    if any(a.events or b.events for a, b in shared):
        triggers = score_events([a for a, _ in shared], [b for _, b in shared]).micro["trigger_classification"]
    return PairAgreement(
        first,
        second,
        len(shared),
        spans,
        dict(sorted(by_label.items())),
        triggers,
        _kappa(tokens_a, tokens_b),
        len(tokens_a),
    )


def span_agreement(
    first: Sequence[Document], second: Sequence[Document]
) -> tuple[dict[Scheme, Counts], dict[str, dict[Scheme, Counts]]]:
    """STRICT and PARTIAL counts of ``second`` against ``first`` (the same documents), micro and
    per label: exactly the entity scores of ``evaluate`` with ``first`` as gold."""

    scores = score_entities(_span_table(first), _span_table(second), schemes=SCHEMES).scores
    return scores.micro, scores.labels


def token_labels(text: str, entities: Sequence[Entity]) -> list[str]:
    """The label of each whitespace token: of the first entity (by start) overlapping it, else O."""
    ordered = sorted(entities, key=lambda e: (e.start, -e.end, e.label))
    out: list[str] = []
    for m in _TOKEN.finditer(text):
        start, end = m.span()
        out.append(next((e.label for e in ordered if e.start < end and start < e.end), OUTSIDE))
    return out


def token_alpha(annotations: Mapping[str, Sequence[Document]]) -> tuple[float | None, int]:
    """Krippendorff's alpha (nominal) over the token labels of every annotator at once, and the
    number of pairable tokens (labelled by at least two annotators). A document an annotator
    did not annotate is missing data for them. None when undefined (fewer than two pairable
    tokens, or one label throughout)."""
    texts: dict[str, str] = {}
    for docs in annotations.values():
        for d in docs:
            texts.setdefault(d.id, d.text)
    offsets: dict[str, int] = {}
    n = 0
    for doc_id, text in texts.items():
        offsets[doc_id] = n
        n += len(_TOKEN.findall(text))
    codes: dict[str, int] = {}
    data = np.full((len(annotations), n), np.nan)
    for row, docs in enumerate(annotations.values()):
        for d in docs:
            labels = token_labels(d.text, d.entities)
            start = offsets[d.id]
            data[row, start : start + len(labels)] = [codes.setdefault(x, len(codes)) for x in labels]
    pairable = int((np.sum(~np.isnan(data), axis=0) >= 2).sum())
    if pairable < 1 or len(codes) < 2:
        return None, pairable
    import krippendorff

    value = float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    return (value if value == value else None), pairable  # NaN: no disagreement possible


def document_agreement(annotations: Mapping[str, Sequence[Document]]) -> list[tuple[str, int, float, float | None]]:
    """Per document that two or more annotators annotated: (id, annotators, mean pairwise strict
    span F1, token alpha). A pair where neither marked a span agrees fully (F1 1.0)."""
    f1s: dict[str, list[float]] = {}
    for a, b in itertools.combinations(annotations, 2):
        shared = [(x, y) for x, y in pair_documents(annotations[a], annotations[b]) if y is not None]
        if not shared:
            continue
        scores = score_entities(
            _span_table([x for x, _ in shared]),
            _span_table([y for _, y in shared]),
            schemes=(Scheme.STRICT,),
            per_document=True,
        ).scores.documents
        for doc_id, by_scheme in (scores or {}).items():
            m = by_scheme[Scheme.STRICT].metrics
            f1s.setdefault(doc_id, []).append(1.0 if "f1" in m.undefined else m.f1)
    by_id = {name: {d.id: d for d in docs} for name, docs in annotations.items()}
    out = []
    for doc_id, values in f1s.items():
        having = {name: [docs[doc_id]] for name, docs in by_id.items() if doc_id in docs}
        alpha, _ = token_alpha(having)
        out.append((doc_id, len(having), sum(values) / len(values), alpha))
    return out


def _span_table(docs: Sequence[Document]) -> SpanTable:
    return SpanTable.from_documents(docs, path="<annotator>", format="jsonl", sha256="")


def _kappa(a: Sequence[str], b: Sequence[str]) -> float | None:
    if not a or len(set(a) | set(b)) < 2:
        return None
    from sklearn.metrics import cohen_kappa_score

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        value = float(cohen_kappa_score(a, b))
    return value if value == value else None  # NaN: chance agreement of 1


# ---------------------------------------------------------------------------------------------
# renderings


def _fmt(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def _row(p: PairAgreement) -> list[str]:
    triggers = p.triggers.metrics.f1 if p.triggers is not None else None
    return [
        f"{p.first} / {p.second}",
        str(p.documents),
        _fmt(p.f1(Scheme.STRICT)),
        _fmt(p.f1(Scheme.PARTIAL)),
        _fmt(triggers),
        _fmt(p.kappa),
    ]


HEADERS = ("pair", "documents", "strict F1", "partial F1", "trigger F1", "kappa")


def agreement_table(a: Agreement) -> Table:
    """A rich table: one row per annotator pair, then the strict F1 of each label."""
    table = Table(title="Inter-annotator agreement")
    for i, h in enumerate(HEADERS):
        table.add_column(h, justify="left" if i == 0 else "right")
    for label in a.labels:
        table.add_column(f"{label} strict F1", justify="right")
    for p in a.pairs:
        table.add_row(*_row(p), *(_fmt(p.f1(Scheme.STRICT, label)) for label in a.labels))
    return table


def _md_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    return lines + ["| " + " | ".join(r) + " |" for r in rows]


def agreement_markdown(a: Agreement) -> str:
    """Markdown: pairs, per-label span F1, and the annotator × annotator strict F1 matrix."""
    out = ["## Inter-annotator agreement", ""]
    out += _md_table(HEADERS, [_row(p) for p in a.pairs])
    if a.labels:
        out += ["", "### Span F1 per label (strict / partial)", ""]
        rows = [
            [f"{p.first} / {p.second}"]
            + [f"{_fmt(p.f1(Scheme.STRICT, lab))} / {_fmt(p.f1(Scheme.PARTIAL, lab))}" for lab in a.labels]
            for p in a.pairs
        ]
        out += _md_table(["pair", *a.labels], rows)
    out += ["", "### Strict span F1 matrix", ""]
    matrix = a.matrix(Scheme.STRICT)
    out += _md_table(["", *a.annotators], [[n, *map(_fmt, row)] for n, row in zip(a.annotators, matrix, strict=True)])
    return "\n".join(out) + "\n"


def agreement_json(a: Agreement) -> dict[str, Any]:
    """A JSON-ready dict of everything in ``a`` (counts with their derived P/R/F1)."""
    return {
        "schema": SCHEMA,
        "annotators": list(a.annotators),
        "labels": list(a.labels),
        "pairs": [
            {
                "first": p.first,
                "second": p.second,
                "documents": p.documents,
                "spans": {s.value: c.as_dict() for s, c in p.spans.items()},
                "labels": {lab: {s.value: c.as_dict() for s, c in cs.items()} for lab, cs in p.labels.items()},
                "triggers": p.triggers.as_dict() if p.triggers is not None else None,
                "kappa": p.kappa,
                "tokens": p.tokens,
            }
            for p in a.pairs
        ],
        "matrices": {s.value: [list(row) for row in a.matrix(s)] for s in SCHEMES},
    }
