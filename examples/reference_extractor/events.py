"""Events by rule: a trigger word from the lexicon, arguments from the entities of its sentence.

Sentences end at a line break or after ``.``, ``!``, ``?`` before a capital; a dateline
(``TASHKENT, May 27, 2024 —``) is a sentence of its own whose entities are never arguments
(docs/guidelines.md, E4). Arguments refer to entities by id.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .resources import EventSpec, Lexicon, Role, RoleRule, TriggerRule

MAX_DISTANCE = 150  # characters between a trigger and an argument
_TOKEN = re.compile(r"[^\W\d_]+")
_SENTENCE_END = re.compile(r"[.!?][\"”’)]*\s+(?=[\"“‘(]?[A-Z])|\n+")
_DATELINE = re.compile(r"^[A-Z][A-Z .'-]+(?:,[^—\n]{1,25})?\s+—\s+", re.MULTILINE)
_SKIP_BEFORE = frozenset({"the", "a", "an", "its", "their", "his", "her", "both"})
_COORDINATION = re.compile(r"\s*(?:,\s*and|,|and|&|-|–)\s*")
_ADJACENT = re.compile(r"[\s\-–—]*")
# An argument and its trigger are never on two sides of one of these (two clauses).
_CLAUSE_BREAK = re.compile(r";|:|, (?:and|but|while|whereas|which|where|who)\b| — ")


@dataclass(frozen=True, slots=True)
class Mention:
    """An entity of the document, as events see it."""

    id: str
    start: int
    end: int
    label: str


@dataclass(frozen=True, slots=True)
class _Sentence:
    start: int
    end: int
    lower: str
    mentions: tuple[Mention, ...]  # usable as arguments, in text order


class EventFinder:
    def __init__(self, lexicon: Lexicon, *, titles: Sequence[str]) -> None:
        self.lexicon = lexicon
        self.title_words = frozenset(w.lower().strip(",") for t in titles for w in t.split())

    def find(self, text: str, mentions: Sequence[Mention]) -> list[dict[str, Any]]:
        """Canonical event dicts for ``text`` whose entities are ``mentions`` (sorted by start)."""
        sentences = _sentences(text, mentions)
        starts = [s.start for s in sentences]
        inside = _covered(mentions)
        tokens = list(_TOKEN.finditer(text))
        events: list[dict[str, Any]] = []
        for i, tok in enumerate(tokens):
            if inside(tok.start(), tok.end()):
                continue  # a trigger is never part of an entity
            sentence = sentences[bisect_right(starts, tok.start()) - 1]
            previous = tokens[i - 1].group().lower() if i else ""
            spec = self._event_type(tok.group().lower(), previous, text[tok.end() :], sentence)
            if spec is None:
                continue
            arguments = self._arguments(spec, tok.start(), tok.end(), sentence, text)
            events.append(
                {
                    "id": f"v{len(events) + 1}",
                    "type": spec.type,
                    "trigger": {"start": tok.start(), "end": tok.end(), "text": tok.group()},
                    "arguments": arguments,
                }
            )
        return events

    def _event_type(self, word: str, previous: str, rest: str, sentence: _Sentence) -> EventSpec | None:
        for spec in self.lexicon.events:
            if any(word in rule.words and _context_fits(rule, previous, rest, sentence) for rule in spec.rules):
                return spec
        return None

    def _arguments(self, spec: EventSpec, start: int, end: int, sentence: _Sentence, text: str) -> list[dict[str, str]]:
        used: set[str] = set()
        found: list[tuple[Mention, str]] = []
        for role, rules in spec.roles:
            for rule in rules:
                if rule.triggers and text[start:end].lower() not in rule.triggers:
                    continue
                picks = self._fill(role, rule, start, end, sentence, text, used)
                if picks:
                    for m in picks:
                        used.add(m.id)
                        found.append((m, role.name))
                        found.extend((m, other) for other in rule.also)
                    break
        found.sort(key=lambda x: (x[0].start, x[1]))
        return [{"role": name, "entity": m.id} for m, name in found]

    def _fill(
        self, role: Role, rule: RoleRule, start: int, end: int, sentence: _Sentence, text: str, used: set[str]
    ) -> list[Mention]:
        allowed = [m for m in sentence.mentions if m.label in role.labels and m.id not in used]
        candidates = [
            m
            for m in allowed
            if _distance(m, start, end) <= MAX_DISTANCE and not _CLAUSE_BREAK.search(_gap(m, start, end, text))
        ]
        if rule.preceded_by:
            candidates = [m for m in candidates if self._word_before(m, sentence, text) in rule.preceded_by]
        if rule.adjacent:
            candidates = [m for m in candidates if _ADJACENT.fullmatch(_gap(m, start, end, text))]
        before = [m for m in candidates if m.end <= start]
        after = [m for m in candidates if m.start >= end]
        groups = {"before": [before], "after": [after], "both": [before, after], "any": [candidates]}[rule.side]
        picks: list[Mention] = []
        for group in groups:
            if group:
                best = min(group, key=lambda m: (_rank(m.label, rule.prefer), _distance(m, start, end)))
                picks.append(best)
                if rule.many:
                    picks.extend(self._coordinated(best, start, allowed, sentence, text))
        return picks

    def _word_before(self, m: Mention, sentence: _Sentence, text: str) -> str:
        """The word before a mention, skipping determiners, titles and nationality adjectives."""
        norp = [(n.start, n.end) for n in sentence.mentions if n.label == "NORP"]
        for tok in reversed(list(_TOKEN.finditer(text, sentence.start, m.start))):
            word = tok.group().lower()
            if word in _SKIP_BEFORE or word in self.title_words or any(a <= tok.start() < b for a, b in norp):
                continue
            return word
        return ""

    def _coordinated(
        self, first: Mention, trigger_start: int, allowed: Sequence[Mention], sentence: _Sentence, text: str
    ) -> list[Mention]:
        """Mentions joined to ``first`` by "and", commas or hyphens, walking away from the trigger."""
        ordered = sorted(allowed, key=lambda m: m.start)
        step = -1 if first.end <= trigger_start else 1
        i = ordered.index(first)
        out: list[Mention] = []
        current = first
        while 0 <= i + step < len(ordered):
            nxt = ordered[i + step]
            left, right = (nxt, current) if step < 0 else (current, nxt)
            if not _COORDINATION.fullmatch(self._clean_gap(left, right, sentence, text)):
                break
            out.append(nxt)
            current, i = nxt, i + step
        return out

    def _clean_gap(self, left: Mention, right: Mention, sentence: _Sentence, text: str) -> str:
        """The text between two mentions without nationality adjectives, titles and "the"."""
        gap = text[left.end : right.start]
        for n in sentence.mentions:
            if n.label == "NORP" and left.end <= n.start and n.end <= right.start:
                a, b = n.start - left.end, n.end - left.end
                gap = gap[:a] + " " * (b - a) + gap[b:]
        words = [w for w in re.split(r"(\s+)", gap) if w.strip().lower() not in self.title_words | {"the"}]
        return "".join(words)


def _context_fits(rule: TriggerRule, previous: str, rest: str, sentence: _Sentence) -> bool:
    if rule.requires and not any(_has_phrase(sentence.lower, p) for p in rule.requires):
        return False
    if any(_has_phrase(sentence.lower, p) for p in rule.excludes):
        return False
    if rule.followed_by and not any(re.match(rf"\s*{re.escape(p)}\b", rest, re.IGNORECASE) for p in rule.followed_by):
        return False
    return previous not in rule.not_preceded_by


def _has_phrase(lower: str, phrase: str) -> bool:
    return re.search(rf"\b{re.escape(phrase)}\b", lower) is not None


def _distance(m: Mention, start: int, end: int) -> int:
    return start - m.end if m.end <= start else m.start - end


def _gap(m: Mention, start: int, end: int, text: str) -> str:
    return text[m.end : start] if m.end <= start else text[end : m.start]


def _rank(label: str, prefer: Sequence[str]) -> int:
    return prefer.index(label) if label in prefer else len(prefer)


def _covered(mentions: Sequence[Mention]) -> Callable[[int, int], bool]:
    """A test whether ``[start, end)`` overlaps any mention."""
    spans = sorted((m.start, m.end) for m in mentions)
    starts = [s for s, _ in spans]

    def inside(start: int, end: int) -> bool:
        i = bisect_right(starts, start) - 1
        return i >= 0 and spans[i][1] > start or (i + 1 < len(spans) and spans[i + 1][0] < end)

    return inside


def _sentences(text: str, mentions: Sequence[Mention]) -> list[_Sentence]:
    """Sentence spans with the mentions that may be arguments in each (none from a dateline)."""
    cuts = {0, len(text)}
    datelines = [(m.start(), m.end()) for m in _DATELINE.finditer(text)]
    for a, b in datelines:
        cuts.update((a, b))
    cuts.update(m.end() for m in _SENTENCE_END.finditer(text))
    bounds = sorted(cuts)
    out = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        usable = tuple(
            m for m in mentions if a <= m.start and m.end <= b and not any(x <= m.start < y for x, y in datelines)
        )
        out.append(_Sentence(a, b, text[a:b].lower(), usable))
    return out
