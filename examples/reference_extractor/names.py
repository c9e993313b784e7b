"""Named entities by rule: gazetteer look-up, title + name, organisation and facility heads.

Each rule proposes spans; ``resolve`` keeps a set without overlaps (longest first, then the
more reliable rule). Capitals are GPE as places and ORG as actors (the schema's metonymy rule).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from .resources import Gazetteer

# Rule ranks: on equal length the lower rank wins.
GAZETTEER, VALUE, TITLE, HEAD, FACILITY = 0, 1, 2, 3, 4

_WORD = r"[A-Z][\w]*(?:[-'][A-Z]\w*)?"  # a capitalised word, "Kassym-Jomart" included, "Russia's" not
_PLACE_PREPOSITIONS = frozenset({"in", "to", "into", "at", "from", "near", "across", "inside", "outside", "via"})
_PREFIX_BEFORE_HYPHEN = re.compile(r"(?<![A-Za-z])[a-z]+-$")  # "post-" in "post-Soviet"


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    label: str
    rank: int


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True)
class NameRules:
    """Compiled patterns over one gazetteer."""

    gazetteer: Gazetteer

    @cached_property
    def lookup(self) -> dict[str, str]:
        """Every surface form -> label: names, capitals of GPEs, capitalised commodities, surnames."""
        out: dict[str, str] = {}
        for name, label in self.gazetteer.names.items():
            out[name] = label
            if label == "GPE":
                out.setdefault(name.upper(), label)
            if name[:1].islower():
                out.setdefault(name[:1].upper() + name[1:], label)
        for name, label in self.gazetteer.names.items():
            if label == "PERSON" and " " in name:
                out.setdefault(name.rsplit(" ", 1)[1], label)
        return out

    @cached_property
    def names(self) -> re.Pattern[str]:
        return re.compile(rf"(?<![\w]){'(?:' + _alternation(self.lookup) + ')'}(?![\w])")

    @cached_property
    def titled(self) -> re.Pattern[str]:
        return re.compile(rf"\b(?:{_alternation(self.gazetteer.titles)})\s+((?:{_WORD}\s+){{0,2}}{_WORD})\b")

    @cached_property
    def org_head(self) -> re.Pattern[str]:
        heads = _alternation(self.gazetteer.org_heads)
        return re.compile(rf"\b(?:{_WORD}\s+(?:of\s+(?:the\s+)?|and\s+)?)+(?:{heads})\b")

    @cached_property
    def named_facility(self) -> re.Pattern[str]:
        heads = _alternation(self.gazetteer.named_facility_heads)
        return re.compile(rf"\b(?:{_WORD}\s+)+(?:{heads})\b")

    @cached_property
    def facility(self) -> re.Pattern[str]:
        mods = _alternation(self.gazetteer.facility_modifiers)
        heads = _alternation(self.gazetteer.facility_heads)
        determiner = r"(?:\b(?i:the|a|an|its|their|this|first|new)|'s)\s+"
        return re.compile(rf"{determiner}((?:(?:{mods})\s+){{0,3}}(?:{heads}))\b(?!-)")

    def find(self, text: str) -> Iterator[Span]:
        """Spans proposed by every name rule (overlapping)."""
        for m in self.names.finditer(text):
            if _PREFIX_BEFORE_HYPHEN.search(text, max(0, m.start() - 12), m.start()):
                continue  # "post-Soviet": a fixed prefix makes it no name
            label = self.lookup[m.group()]
            if m.group() in self.gazetteer.capitals and _acts(text, m.start(), m.end(), self.gazetteer.actor_verbs):
                label = "ORG"
            yield Span(m.start(), m.end(), label, GAZETTEER)
        for m in self.titled.finditer(text):
            yield from self._trimmed(m.start(1), m.end(1), text, "PERSON", TITLE)
        for m in self.org_head.finditer(text):
            yield from self._trimmed(m.start(), m.end(), text, "ORG", HEAD)
        for m in self.named_facility.finditer(text):
            yield from self._trimmed(m.start(), m.end(), text, "FAC", HEAD)
        for m in self.facility.finditer(text):
            yield Span(m.start(1), m.end(1), "FAC", FACILITY)

    def _trimmed(self, start: int, end: int, text: str, label: str, rank: int) -> Iterator[Span]:
        """The span without leading words that never start a name; nothing if nothing is left."""
        words = list(re.finditer(r"\S+", text[start:end]))
        while words and words[0].group() in self.gazetteer.never_names:
            words.pop(0)
        if len(words) >= 2 or (words and label == "PERSON"):
            yield Span(start + words[0].start(), end, label, rank)


def _acts(text: str, start: int, end: int, actor_verbs: frozenset[str]) -> bool:
    """Whether a capital at ``text[start:end]`` is an actor (ORG) rather than a place (GPE)."""
    if text[start:end].isupper():  # a dateline
        return False
    before = re.findall(r"[A-Za-z]+", text[max(0, start - 20) : start])
    previous = before[-1].lower() if before else ""
    after = text[end : end + 30]
    if previous in _PLACE_PREPOSITIONS:
        return False
    if previous in {"between", "and", "both"} or (previous == "for" and after.startswith(",")):
        return True  # "relations between Moscow and Baku", "For Moscow, ..."
    if re.match(r"'s\b|\s+and\s+[A-Z]", after):
        return True  # "Moscow's grip", "Moscow and Tashkent share ..."
    verb = re.match(r"\s+([a-z]+)\b", after)
    return verb is not None and (verb.group(1) in actor_verbs or verb.group(1).endswith("ed"))


def resolve(spans: Iterable[Span]) -> list[Span]:
    """Non-overlapping spans: longest first, then the lower rank, then the earlier start."""
    taken: list[tuple[int, int]] = []
    kept: list[Span] = []
    for s in sorted(set(spans), key=lambda s: (s.start - s.end, s.rank, s.start)):
        if s.start >= s.end or any(s.start < e and b < s.end for b, e in taken):
            continue
        taken.append((s.start, s.end))
        kept.append(s)
    return sorted(kept, key=lambda s: s.start)
