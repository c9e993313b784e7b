"""Documents as columns: what validation and scoring read.

A ``Table`` holds one corpus: per document its id, text and source line; per entity span its
document index, start, end and label code (parallel numpy arrays, labels named in
``label_names``), and — sparse — the ``text`` and ``score`` an entity carried. Canonical JSONL is read
straight into a table (``eval.readers.jsonl.read_table``) without one object per span; any
other format's documents are converted with ``Table.from_documents``. Documents that carry
events, offset-free mentions or entity ids are also kept whole in ``documents``.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any

import msgspec
import numpy as np
import numpy.typing as npt

from .errors import quote
from .limits import INT64_MAX, INT64_MIN
from .model import EMPTY, Document, Entity, Mention
from .texts import concat as concat_texts

if TYPE_CHECKING:
    from .event_columns import EventColumns

IntArray = npt.NDArray[np.int64]

CHUNK = 1 << 16

_START = operator.attrgetter("start")
_END = operator.attrgetter("end")
_LABEL = operator.attrgetter("label")
_TEXT = operator.attrgetter("text")
_SCORE = operator.attrgetter("score")
_ID = operator.attrgetter("id")
_DOC_TEXT = operator.attrgetter("text")
_SCORE = operator.attrgetter("score")
_ENTITIES = operator.attrgetter("entities")
EVENTS_OF = operator.attrgetter("events")
_META = operator.attrgetter("meta")
_decode = msgspec.json.decode


class LabelCodes(dict[str, int]):
    """Label -> code, a new label getting the next code on first lookup."""

    def __missing__(self, label: str) -> int:
        code = self[label] = len(self)
        return code


Offset = Annotated[int, msgspec.Meta(ge=INT64_MIN, le=INT64_MAX)]  # what an int64 column holds


class PlainEntity(msgspec.Struct, gc=False):
    """An entity with offsets, as the fast path decodes it (other fields are ignored)."""

    start: Offset
    end: Offset
    label: str
    text: str | None = None
    score: Annotated[float, msgspec.Meta(ge=0.0, le=1.0)] | None = None


class PlainDocument(msgspec.Struct, gc=False, forbid_unknown_fields=True):
    """A record the fast path can take whole: no events, every entity with offsets, no other
    fields than ``meta`` (kept raw). A record with any other field goes to the exact parser,
    which keeps it in ``Document.extra``.

    ``text`` may be left out of predictions: the gold document's text is used (see ``TableBuilder``).
    """

    id: str
    text: str | None = None
    entities: list[PlainEntity] = []
    events: msgspec.Raw | None = None  # present (non-null) events fail decoding: the exact path takes them
    meta: msgspec.Raw = msgspec.Raw()  # empty when absent


# Typed decoding: ints must be JSON integers (not "3", not true), labels strings. Anything it
# refuses is parsed again by the exact record parser, which names the line and the problem.
PLAIN_DECODER = msgspec.json.Decoder(PlainDocument)


def needs_record(d: Document) -> bool:
    """Whether a table keeps ``d`` whole: what its columns cannot hold (events, mentions, entity ids)."""
    return bool(d.events or d.mentions or any(e.id is not None for e in d.entities))


@dataclass(frozen=True, slots=False)
class Table:
    path: str
    format: str
    sha256: str
    ids: list[str]
    texts: Sequence[str]  # a list, or ``eval.texts.Texts`` (Arrow arrays) from the Arrow reader
    lines: list[int]
    counts: IntArray  # entities per document
    start: IntArray
    end: IntArray
    label_codes: IntArray
    label_names: tuple[str, ...]
    entity_texts: dict[int, str] = field(default_factory=dict)  # entity row -> the text it carried
    documents: dict[int, Document] = field(default_factory=dict)  # docs with events/mentions/ids
    entity_scores: dict[int, float] = field(default_factory=dict)  # entity row -> its score
    extras: dict[int, Mapping[str, Any]] = field(default_factory=dict)  # doc -> fields the model does not know
    notes: tuple[str, ...] = ()  # what the reader wants the report to mention
    # Events read column-wise (eval/readers/arrow.py, scoring at mention level without details):
    # their documents are not in ``documents``, and ``document(i)`` gives them without events.
    events: EventColumns | None = None

    def __len__(self) -> int:
        return len(self.ids)

    @cached_property
    def doc(self) -> IntArray:
        """Document index of each entity row."""
        return np.repeat(np.arange(self.counts.shape[0], dtype=np.int64), self.counts)

    @cached_property
    def entity_rows(self) -> IntArray:
        """First entity row of each document (cumulative offsets, length n_docs + 1)."""
        out = np.zeros(len(self.counts) + 1, dtype=np.int64)
        np.cumsum(self.counts, out=out[1:])
        return out

    @cached_property
    def row_of(self) -> dict[str, int]:
        """Document id -> row (the last row of an id given twice)."""
        return {d: i for i, d in enumerate(self.ids)}

    def rows_in(self, other: Table) -> IntArray:
        """The row in ``other`` of each document of this table, -1 where ``other`` has none;
        remembered for the last ``other`` (validation and scoring both ask for it)."""
        memo = self.__dict__.get("_rows_in")
        if memo is not None and memo[0] is other:
            return memo[1]  # type: ignore[no-any-return]
        index = other.row_of
        rows = np.fromiter((index.get(d, -1) for d in self.ids), dtype=np.int64, count=len(self.ids))
        self.__dict__["_rows_in"] = (other, rows)
        return rows

    def label(self, row: int) -> str:
        return self.label_names[int(self.label_codes[row])]

    def label_counts(self) -> dict[str, int]:
        counts = np.bincount(self.label_codes, minlength=len(self.label_names))
        return {name: int(n) for name, n in zip(self.label_names, counts, strict=True) if n}

    def where(self, i: int) -> str:
        line = self.lines[i]
        return f"{self.path}:{line}" if line else self.path

    def has_events(self) -> bool:
        return (self.events is not None and self.events.trigger_doc.size > 0) or any(
            d.events for d in self.documents.values()
        )

    def event_columns(self) -> EventColumns:
        """Every event of the table as columns: those read column-wise and those of the documents
        kept whole (``ValidationError`` when one cannot be resolved to offsets)."""
        from .event_columns import from_documents, join

        kept = [(i, d) for i, d in sorted(self.documents.items()) if d.events]
        parts = [(self.events, 0)] if self.events is not None else []
        if kept:
            positions = np.asarray([i for i, _ in kept], dtype=np.int64)
            parts.append((from_documents([d for _, d in kept]).renumber(positions), 0))
        return join(parts)

    def mentions(self) -> list[tuple[int, Mention]]:
        return [(i, m) for i, d in self.documents.items() for m in d.mentions]

    def document(self, i: int) -> Document:
        """Document ``i`` as a record (entities materialised); for small-data paths."""
        kept = self.documents.get(i)
        if kept is not None:
            return kept
        lo, hi = int(self.entity_rows[i]), int(self.entity_rows[i + 1])
        ents = tuple(
            Entity(
                int(self.start[r]),
                int(self.end[r]),
                self.label(r),
                None,
                self.entity_texts.get(r),
                self.entity_scores.get(r),
            )
            for r in range(lo, hi)
        )
        extra = self.extras.get(i, EMPTY)
        return Document(self.ids[i], self.texts[i], ents, extra=extra, path=self.path, line=self.lines[i])

    def to_documents(self) -> list[Document]:
        return [self.document(i) for i in range(len(self))]

    def slice(self, lo: int, hi: int) -> Table:
        """Documents ``[lo, hi)`` as a table of their own (rows and document keys renumbered)."""
        r0, r1 = int(self.entity_rows[lo]), int(self.entity_rows[hi])
        return Table(
            self.path,
            self.format,
            self.sha256,
            self.ids[lo:hi],
            self.texts[lo:hi],
            self.lines[lo:hi],
            self.counts[lo:hi],
            self.start[r0:r1],
            self.end[r0:r1],
            self.label_codes[r0:r1],
            self.label_names,
            _shifted(self.entity_texts, r0, r1),
            _shifted(self.documents, lo, hi),
            _shifted(self.entity_scores, r0, r1),
            _shifted(self.extras, lo, hi),
            self.notes,
            self.events.window(lo, hi) if self.events is not None else None,
        )

    @classmethod
    def concat(cls, tables: Sequence[Table], *, path: str, format: str, sha256: str) -> Table:
        """One table of ``tables`` in order; label codes are merged by name."""
        codes = LabelCodes()
        recoded = []
        for t in tables:
            recode = np.asarray([codes[n] for n in t.label_names] or [0], dtype=np.int64)
            recoded.append(recode[t.label_codes])
        docs = rows = 0
        entity_texts: dict[int, str] = {}
        documents: dict[int, Document] = {}
        entity_scores: dict[int, float] = {}
        extras: dict[int, Mapping[str, Any]] = {}
        for t in tables:
            entity_texts.update((rows + k, v) for k, v in t.entity_texts.items())
            entity_scores.update((rows + k, v) for k, v in t.entity_scores.items())
            documents.update((docs + k, v) for k, v in t.documents.items())
            extras.update((docs + k, v) for k, v in t.extras.items())
            docs, rows = docs + len(t), rows + int(t.start.shape[0])

        def joined(column: str) -> IntArray:
            parts = [getattr(t, column) for t in tables]
            return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

        return cls(
            path,
            format,
            sha256,
            [x for t in tables for x in t.ids],
            concat_texts([t.texts for t in tables]),
            [x for t in tables for x in t.lines],
            joined("counts"),
            joined("start"),
            joined("end"),
            np.concatenate(recoded) if recoded else np.zeros(0, dtype=np.int64),
            tuple(codes),
            entity_texts,
            documents,
            entity_scores,
            extras,
            tuple(dict.fromkeys(n for t in tables for n in t.notes)),
            _joined_events(tables),
        )

    @classmethod
    def from_documents(cls, docs: Sequence[Document], *, path: str, format: str, sha256: str) -> Table:
        builder = TableBuilder()
        for d in docs:
            builder.add(
                d.id,
                d.text,
                d.line,
                [(e.start, e.end, e.label) for e in d.entities],
                [e.text for e in d.entities],
                d if needs_record(d) else None,
                d.extra,
                scores=[e.score for e in d.entities],
            )
        return builder.build(path=path, format=format, sha256=sha256)


def _joined_events(tables: Sequence[Table]) -> EventColumns | None:
    from .event_columns import join

    firsts = np.cumsum([0] + [len(t) for t in tables])
    parts = [(t.events, int(f)) for t, f in zip(tables, firsts, strict=False) if t.events is not None]
    return join(parts) if parts else None


def _shifted(rows: Mapping[int, Any], lo: int, hi: int) -> dict[int, Any]:
    """The entries of a sparse row -> value map with keys in ``[lo, hi)``, renumbered from 0."""
    return {k - lo: v for k, v in rows.items() if lo <= k < hi}


class TableBuilder:
    """Accumulates documents and flushes their spans to numpy in chunks (bounded memory).

    With ``reference`` (document id -> gold text), a record without ``text`` takes the gold
    text, and an equal text shares the gold's string instead of a copy.
    """

    def __init__(self, reference: Mapping[str, str] | None = None, *, path: str = "") -> None:
        self.ids: list[str] = []
        self.texts: list[str] = []
        self.lines: list[int] = []
        self.counts: list[int] = []
        self.entity_texts: dict[int, str] = {}
        self.entity_scores: dict[int, float] = {}
        self.path = path
        self.documents: dict[int, Document] = {}
        self.extras: dict[int, Mapping[str, Any]] = {}
        self.codes: LabelCodes = LabelCodes()
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._labels: list[str] = []
        self._chunks: list[tuple[IntArray, IntArray, IntArray]] = []
        self._rows = 0
        self.reference = reference  # doc id -> gold text: an equal text shares the gold's string

    def add_block(self, docs: Sequence[PlainDocument], first_line: int) -> None:
        """Add consecutive plain records (one per line from ``first_line``) column-wise.

        One C-level pass per field over the whole block: no Python work per span or record.
        """
        self._flush()
        ents = list(itertools.chain.from_iterable(map(_ENTITIES, docs)))
        n = len(ents)
        base = self._rows
        if n:
            codes = np.fromiter(map(self.codes.__getitem__, map(_LABEL, ents)), dtype=np.int64, count=n)
            starts = np.fromiter(map(_START, ents), dtype=np.int64, count=n)
            ends = np.fromiter(map(_END, ents), dtype=np.int64, count=n)
            self._chunks.append((starts, ends, codes))
            self._rows += n
            texts = list(map(_TEXT, ents))
            if texts.count(None) != n:
                self.entity_texts.update((base + k, t) for k, t in enumerate(texts) if t is not None)
            scores = list(map(_SCORE, ents))
            if scores.count(None) != n:
                self.entity_scores.update((base + k, float(x)) for k, x in enumerate(scores) if x is not None)
        ids = list(map(_ID, docs))
        metas = list(map(_META, docs))
        if any(metas):
            first = len(self.ids)
            self.extras.update((first + k, {"meta": _decode(m)}) for k, m in enumerate(metas) if m)
        doc_texts = list(map(_DOC_TEXT, docs))
        if self.reference is None and None not in doc_texts:
            self.texts.extend(doc_texts)
        else:
            lines = range(first_line, first_line + len(docs))
            self.texts.extend(map(self._shared, ids, doc_texts, lines))
        self.ids.extend(ids)
        self.lines.extend(range(first_line, first_line + len(docs)))
        self.counts.extend(map(len, map(_ENTITIES, docs)))

    def _shared(self, doc_id: str, text: str | None, line: int) -> str:
        same = self.reference.get(doc_id) if self.reference is not None else None
        if text is None:
            if same is None:
                raise missing_text(self.path, line, doc_id, gold=self.reference is None)
            return same
        return same if same is not None and same == text else text

    def add(
        self,
        doc_id: str,
        text: str,
        line: int,
        spans: Sequence[tuple[int, int, str]],
        texts: Sequence[str | None],
        whole: Document | None = None,
        extra: Mapping[str, Any] = EMPTY,
        *,
        scores: Sequence[float | None] = (),
    ) -> None:
        """Add one document given its spans as (start, end, label) tuples (the exact path).

        ``whole`` keeps the record itself (events, mentions, entity ids); ``extra`` its unknown fields.
        """
        if whole is not None:
            self.documents[len(self.ids)] = whole
        if extra:
            self.extras[len(self.ids)] = extra
        self.ids.append(doc_id)
        self.texts.append(self._shared(doc_id, text, line))
        self.lines.append(line)
        n = len(spans)
        self.counts.append(n)
        if n:
            starts, ends, labels = zip(*spans, strict=True)
            self._starts.extend(starts)
            self._ends.extend(ends)
            self._labels.extend(labels)
            if list(texts).count(None) != n:
                base = self._rows + len(self._starts) - n
                self.entity_texts.update((base + k, t) for k, t in enumerate(texts) if t is not None)
            if scores and list(scores).count(None) != n:
                base = self._rows + len(self._starts) - n
                self.entity_scores.update((base + k, float(x)) for k, x in enumerate(scores) if x is not None)
            if len(self._starts) >= CHUNK:
                self._flush()

    def _flush(self) -> None:
        if not self._starts:
            return
        # Both ways in guarantee exact types (msgspec's typed decoding; parse_record's checks),
        # which matters: numpy would quietly turn "3" or True into an integer offset.
        n = len(self._starts)
        codes = np.fromiter(map(self.codes.__getitem__, self._labels), dtype=np.int64, count=n)
        starts = np.fromiter(self._starts, dtype=np.int64, count=n)
        ends = np.fromiter(self._ends, dtype=np.int64, count=n)
        self._chunks.append((starts, ends, codes))
        self._rows += n
        self._starts, self._ends, self._labels = [], [], []

    def build(self, *, path: str, format: str, sha256: str) -> Table:
        self._flush()
        cols = [np.concatenate(c) if c else np.zeros(0, dtype=np.int64) for c in zip(*self._chunks, strict=True)]
        start, end, codes = cols if cols else (np.zeros(0, dtype=np.int64),) * 3
        return Table(
            path,
            format,
            sha256,
            self.ids,
            self.texts,
            self.lines,
            np.asarray(self.counts, dtype=np.int64),
            start,
            end,
            codes,
            tuple(self.codes),
            self.entity_texts,
            self.documents,
            self.entity_scores,
            self.extras,
        )


def missing_text(path: str, line: int, doc_id: str, *, gold: bool) -> Exception:
    """The error for a record without ``text`` whose text cannot be taken from the gold set."""
    from .errors import FormatError

    where = f"{path}:{line}" if line else path or "<memory>"
    if gold:
        return FormatError(f"{where}: document {quote(doc_id)}: text is missing; a gold document needs its text")
    return FormatError(
        f"{where}: document {quote(doc_id)} has no text and is not in the gold set, so its text cannot be "
        "taken from there; give its text or remove it"
    )
