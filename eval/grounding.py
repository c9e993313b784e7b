"""``--ground first|all``: locate offset-free mentions in their document's text.

Only the document text is searched, never the gold spans. A mention's text is looked for at
three levels, in order: ``exact`` (substring), ``normalized`` (NFKC compatibility forms, case
folded, invisible format characters removed, runs of whitespace read as one space; found
spans are mapped back to the original offsets), and ``fuzzy`` (only with ``--ground-fuzzy
RATIO``: the best-scoring window of rapidfuzz's ``partial_ratio_alignment`` at or above
``100 * RATIO``, over the normalised text, trimmed of spaces and widened to whole words). A
mention found at no allowed level is *ungrounded*: a hallucination, scored as a spurious
prediction in every scheme.

``first``: each listed mention takes one occurrence. Mentions are taken in a canonical order
(text, then label, then score descending), so the result does not depend on their order in the
file: identical mentions take successive occurrences left to right, and when two labels name
the same text, the label that sorts first (code point order) takes the earlier occurrence.
Mentions whose normalised texts are equal share one pool of occurrences. A mention listed more
often than its text occurs is ungrounded for the surplus. ``all``: a mention stands for every
occurrence of its text at the first level where it has any (a mention listed twice with the
same label gives those spans once). See docs/metrics.md, "Grounding".
"""

from __future__ import annotations

import enum
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .model import Document, Entity, Mention
from .report import Grounding, GroundingCounts


class Policy(enum.Enum):
    FIRST = "first"
    ALL = "all"


class MatchLevel(enum.Enum):
    EXACT = "exact"
    NORMALIZED = "normalized"
    FUZZY = "fuzzy"
    UNGROUNDED = "ungrounded"


@dataclass(frozen=True, slots=True)
class Ungrounded:
    """A mention found nowhere in its document; scored at a placeholder span past the text's end."""

    doc_id: str
    label: str
    text: str
    start: int  # placeholder: len(text) + k, overlapping no gold span


@dataclass(frozen=True, slots=True)
class GroundResult:
    documents: list[Document]  # mentions replaced by entities (ungrounded ones at placeholders)
    grounding: Grounding
    ungrounded: tuple[Ungrounded, ...]


class NormalText:
    """A text in normal form, with the original offset of every normal-form character."""

    __slots__ = ("text", "origin")

    def __init__(self, text: str) -> None:
        chars: list[str] = []
        origin: list[int] = []
        space = False
        for i, ch in enumerate(text):
            if unicodedata.category(ch) == "Cf":
                continue
            mapped = fold(ch)
            if not mapped:
                continue
            if mapped.isspace():
                if not space:
                    chars.append(" ")
                    origin.append(i)
                space = True
                continue
            space = False
            chars.extend(mapped)
            origin.extend([i] * len(mapped))
        self.text = "".join(chars)
        self.origin = origin

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` of normal-form ``[start, end)`` (whole characters)."""
        return self.origin[start], self.origin[end - 1] + 1


def fold(s: str) -> str:
    """NFKC compatibility mapping and case folding, compared in decomposed form so that a
    composed and a decomposed accent agree; applied per character so offsets map back."""
    return unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", s).casefold())


def normal_form(text: str) -> str:
    """The normal form of a mention: as ``NormalText``, without leading or trailing space."""
    return NormalText(text).text.strip(" ")


def _occurrences(haystack: str, needle: str) -> Iterator[tuple[int, int]]:
    """Non-overlapping occurrences of ``needle``, left to right."""
    if not needle:
        return
    at = haystack.find(needle)
    while at >= 0:
        yield at, at + len(needle)
        at = haystack.find(needle, at + len(needle))


class _Document:
    """One document's text at each level, and the spans already taken (per pool)."""

    def __init__(self, text: str, fuzzy: float | None) -> None:
        self.text = text
        self.normal = NormalText(text)
        self.fuzzy = fuzzy

    def exact(self, mention: str) -> list[tuple[int, int]]:
        return list(_occurrences(self.text, mention))

    def normalized(self, key: str) -> list[tuple[int, int]]:
        return [self.normal.span(s, e) for s, e in _occurrences(self.normal.text, key)]

    def best_fuzzy(self, key: str, taken: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
        """The best window at or above the ratio outside ``taken`` (original offsets), or None."""
        if self.fuzzy is None or not key:
            return None
        from rapidfuzz import fuzz

        chars = list(self.normal.text)
        for k, o in enumerate(self.normal.origin):
            if any(s <= o < e for s, e in taken):
                chars[k] = "\x00"
        found = fuzz.partial_ratio_alignment(key, "".join(chars), score_cutoff=self.fuzzy * 100.0)
        if found is None or found.dest_end <= found.dest_start:
            return None
        span = _whole_words(self.text, *self.normal.span(found.dest_start, found.dest_end))
        return span if span[0] < span[1] and not _overlaps(span, taken) else None


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """A fuzzy window without surrounding spaces, widened to whole words (a window may cut one)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while 0 < start < end and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while start < end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
        end += 1
    return start, end


def _overlaps(span: tuple[int, int], taken: Sequence[tuple[int, int]]) -> bool:
    return any(s < span[1] and span[0] < e for s, e in taken)


def _order(m: Mention) -> tuple[str, str, float]:
    return (m.text, m.label, -(m.score if m.score is not None else -1.0))


def ground_first(
    doc: _Document, mentions: Sequence[Mention]
) -> list[tuple[Mention, MatchLevel, tuple[int, int] | None]]:
    """Policy ``first``: one occurrence per listed mention (module docstring)."""
    pools: dict[str, list[Mention]] = defaultdict(list)
    for m in sorted(mentions, key=_order):
        pools[normal_form(m.text)].append(m)
    out: list[tuple[Mention, MatchLevel, tuple[int, int] | None]] = []
    for key, pool in sorted(pools.items()):
        taken: list[tuple[int, int]] = []
        left: list[Mention] = []
        for m in pool:  # exact: each text's own occurrences, left to right, not yet taken
            span = next((sp for sp in doc.exact(m.text) if not _overlaps(sp, taken)), None)
            if span is None:
                left.append(m)
            else:
                taken.append(span)
                out.append((m, MatchLevel.EXACT, span))
        rest: list[Mention] = []
        spans = doc.normalized(key)
        for m in left:
            span = next((sp for sp in spans if not _overlaps(sp, taken)), None)
            if span is None:
                rest.append(m)
            else:
                taken.append(span)
                out.append((m, MatchLevel.NORMALIZED, span))
        for m in rest:
            span = doc.best_fuzzy(key, taken)
            if span is None:
                out.append((m, MatchLevel.UNGROUNDED, None))
            else:
                taken.append(span)
                out.append((m, MatchLevel.FUZZY, span))
    return out


def ground_all(doc: _Document, mentions: Sequence[Mention]) -> list[tuple[Mention, MatchLevel, list[tuple[int, int]]]]:
    """Policy ``all``: every occurrence of the mention's text at its first level with any."""
    out: list[tuple[Mention, MatchLevel, list[tuple[int, int]]]] = []
    for m in sorted(mentions, key=_order):
        key = normal_form(m.text)
        spans = doc.exact(m.text)
        level = MatchLevel.EXACT
        if not spans:
            spans, level = doc.normalized(key), MatchLevel.NORMALIZED
        if not spans:
            level = MatchLevel.FUZZY
            while (span := doc.best_fuzzy(key, spans)) is not None:
                spans.append(span)
            spans.sort()
        out.append((m, level if spans else MatchLevel.UNGROUNDED, spans))
    return out


def _tally(counts: dict[str, dict[MatchLevel, int]], label: str, level: MatchLevel) -> None:
    counts[label][level] += 1


def ground(documents: Sequence[Document], *, policy: Policy, fuzzy: float | None = None) -> GroundResult:
    """Every document with its mentions turned into entities, and the grounding counts."""
    counts: dict[str, dict[MatchLevel, int]] = defaultdict(lambda: dict.fromkeys(MatchLevel, 0))
    out_docs: list[Document] = []
    ungrounded: list[Ungrounded] = []
    for d in documents:
        if not d.mentions:
            out_docs.append(d)
            continue
        doc = _Document(d.text, fuzzy)
        found: list[Entity] = []
        missing: list[Mention] = []
        if policy is Policy.FIRST:
            for m, level, span in ground_first(doc, d.mentions):
                _tally(counts, m.label, level)
                if span is None:
                    missing.append(m)
                else:
                    found.append(Entity(span[0], span[1], m.label, None, None, m.score))
        else:
            seen: set[tuple[str, str]] = set()
            for m, level, spans in ground_all(doc, d.mentions):
                _tally(counts, m.label, level)
                if not spans:
                    missing.append(m)
                elif (m.label, m.text) not in seen:
                    seen.add((m.label, m.text))
                    found += [Entity(s, e, m.label, None, None, m.score) for s, e in spans]
        end = len(d.text)
        holders = [Entity(end + k, end + k + 1, m.label, None, None, m.score) for k, m in enumerate(missing)]
        ungrounded += [Ungrounded(d.id, m.label, m.text, end + k) for k, m in enumerate(missing)]
        out_docs.append(d._replace(entities=(*d.entities, *sorted(found), *holders), mentions=()))
    by_label = {label: _counts(c) for label, c in counts.items()}
    total = sum(by_label.values(), GroundingCounts())
    return GroundResult(out_docs, Grounding(policy.value, total, by_label), tuple(ungrounded))


def _counts(c: dict[MatchLevel, int]) -> GroundingCounts:
    return GroundingCounts(
        sum(c.values()), c[MatchLevel.EXACT], c[MatchLevel.NORMALIZED], c[MatchLevel.FUZZY], c[MatchLevel.UNGROUNDED]
    )
