"""Documents as columns: what validation and scoring read.

A ``Table`` holds one corpus: per document its id, text and source line; per entity span its
document index, start, end and label (parallel arrays), and — sparse — the ``text`` and
``id`` an entity carried. Canonical JSONL is read straight into a table (``eval.readers.
jsonl.read_table``) without making one object per span; any other format's documents are
converted with ``Table.from_documents``. Events and offset-free mentions stay as records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

from .model import Document, Entity, Mention

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Table:
    path: str
    format: str
    sha256: str
    ids: list[str]
    texts: list[str]
    lines: list[int]
    counts: IntArray  # entities per document
    start: IntArray
    end: IntArray
    labels: list[str]
    entity_texts: list[str | None]  # None where the entity carried no text
    documents: dict[int, Document] = field(default_factory=dict)  # docs with events/mentions

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def doc(self) -> IntArray:
        return _doc_index(self.counts)

    def where(self, i: int) -> str:
        line = self.lines[i]
        return f"{self.path}:{line}" if line else self.path

    @cached_property
    def entity_rows(self) -> IntArray:
        """First entity row of each document (cumulative offsets, length n_docs + 1)."""
        out = np.zeros(len(self.counts) + 1, dtype=np.int64)
        np.cumsum(self.counts, out=out[1:])
        return out

    def mentions(self) -> list[tuple[int, Mention]]:
        return [(i, m) for i, d in self.documents.items() for m in d.mentions]

    def document(self, i: int) -> Document:
        """Document ``i`` as a record (entities materialised); for small-data paths."""
        kept = self.documents.get(i)
        if kept is not None:
            return kept
        lo, hi = int(self.entity_rows[i]), int(self.entity_rows[i + 1])
        ents = tuple(
            Entity(int(s), int(e), lab, None, t)
            for s, e, lab, t in zip(
                self.start[lo:hi].tolist(), self.end[lo:hi].tolist(), self.labels[lo:hi], self.entity_texts[lo:hi],
                strict=True,
            )
        )
        return Document(self.ids[i], self.texts[i], ents, path=self.path, line=self.lines[i])

    def to_documents(self) -> list[Document]:
        return [self.document(i) for i in range(len(self))]

    @classmethod
    def from_documents(
        cls, docs: Sequence[Document], *, path: str, format: str, sha256: str
    ) -> Table:
        starts: list[int] = []
        ends: list[int] = []
        labels: list[str] = []
        texts: list[str | None] = []
        keep: dict[int, Document] = {}
        for i, d in enumerate(docs):
            for e in d.entities:
                starts.append(e.start)
                ends.append(e.end)
                labels.append(e.label)
                texts.append(e.text)
            if d.events or d.mentions or any(e.id is not None for e in d.entities):
                keep[i] = d
        return cls(
            path,
            format,
            sha256,
            [d.id for d in docs],
            [d.text for d in docs],
            [d.line for d in docs],
            np.asarray([len(d.entities) for d in docs], dtype=np.int64),
            np.asarray(starts, dtype=np.int64),
            np.asarray(ends, dtype=np.int64),
            labels,
            texts,
            keep,
        )


def _doc_index(counts: IntArray) -> IntArray:
    return np.repeat(np.arange(counts.shape[0], dtype=np.int64), counts)
