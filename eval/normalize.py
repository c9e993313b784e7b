"""Name normalisation for offset-free (document-level) scoring.

Two strings name the same thing when their normal forms are equal. ``normalize`` applies, in
order: Unicode NFKC (full-width and compatibility forms), removal of invisible format
characters (zero-width space, soft hyphen: category Cf), case folding, whitespace collapsed to
single spaces, punctuation stripped at both ends, and one leading English article ("the", "a",
"an") dropped when something follows it. Punctuation inside a name is kept ("U.S" stays
"u.s"). See docs/events.md, "Offset-free scoring".
"""

from __future__ import annotations

import unicodedata

ARTICLES: frozenset[str] = frozenset({"the", "a", "an"})


def normalize(text: str) -> str:
    """The normal form of a name: equal normal forms count as the same name."""
    s = unicodedata.normalize("NFKC", text)
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Cf")
    s = unicodedata.normalize("NFKC", s.casefold())
    s = _strip_punctuation(" ".join(s.split()))
    first, _, rest = s.partition(" ")
    if first in ARTICLES and rest:
        s = _strip_punctuation(rest)
    return s


def _strip_punctuation(s: str) -> str:
    start, end = 0, len(s)
    while start < end and _edge(s[start]):
        start += 1
    while end > start and _edge(s[end - 1]):
        end -= 1
    return s[start:end]


def _edge(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch).startswith("P")
