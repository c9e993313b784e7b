"""CoNLL / BIO token files, aligned back to character offsets in the gold text.

One token per line in whitespace-separated columns: the token first, the tag last. A blank line
ends a sentence; ``-DOCSTART- <doc_id>`` or ``# doc_id = <doc_id>`` starts a document; other
``#`` lines before a sentence are comments. Tokens carry no offsets, so each one is found in
``reference[doc_id].text``: skip whitespace, the token must come next (PTB bracket and quote
rewrites are undone, nothing fuzzy). Tags are decoded by conlleval's chunk rule, which is also
seqeval's default (lenient) mode, for every scheme; the scheme only says which tag prefixes are
legal. ``BioMode.STRICT`` decodes as seqeval 1.2.2's ``mode="strict"`` instead: the scheme's
start/inside/end patterns (ported from ``seqeval/scheme.py`` as tables), and a chunk that
does not end as the scheme says is dropped. Tags may be typeless (``B``) and written in
suffix style (``PER-B``). The rules, with examples, are in docs/formats-readers.md.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from ..errors import FormatError, quote
from ..model import Document, Entity
from . import BioMode, BioStyle, ReaderSpec, ReadFn, Reading, ReadOptions, Reference, register


class TagScheme(enum.Enum):
    """How a token file marks entity boundaries; AUTO accepts every prefix."""

    AUTO = "auto"
    IOB1 = "iob1"  # I- begins unless it continues the same type; B- separates same-type neighbours
    IOB2 = "iob2"  # B- begins, I- continues
    IOE2 = "ioe2"  # E- ends, I- continues
    IOBES = "iobes"  # B- I- E- S-
    BILOU = "bilou"  # B- I- L- U- (leniently also the BIOES spelling B- I- E- S-)


class Chunk(NamedTuple):
    """An entity over tokens: half-open token indices ``[start, end)`` and its type."""

    start: int
    end: int
    label: str


# The tag letters each scheme may use; "O" stands for the bare tag "O".
_LEGAL = {
    TagScheme.AUTO: frozenset("OBILUES"),
    TagScheme.IOB1: frozenset("OBI"),
    TagScheme.IOB2: frozenset("OBI"),
    TagScheme.IOE2: frozenset("OIE"),
    TagScheme.IOBES: frozenset("OBIES"),
    TagScheme.BILOU: frozenset("OBILUES"),
}
# In strict mode a scheme allows exactly seqeval's ``allowed_prefix``.
_STRICT_LEGAL = {**_LEGAL, TagScheme.BILOU: frozenset("OBILU")}
TYPELESS = "_"  # the type of a typeless tag (``B``, ``I``), as seqeval names it
_LETTERS = frozenset("BILUES")
# BILOU's L/U are BIOES's E/S; the decoder knows only B I E S O.
_CANONICAL = {"B": "B", "I": "I", "L": "E", "E": "E", "U": "S", "S": "S"}
# Tokenizer rewrites that are undone when the token itself is not in the text.
_PTB = {
    "-LRB-": ("(",),
    "-RRB-": (")",),
    "-LSB-": ("[",),
    "-RSB-": ("]",),
    "-LCB-": ("{",),
    "-RCB-": ("}",),
    "``": ('"', "\u201c", "\u201d"),
    "''": ('"', "\u201d", "\u201c"),
}
_SPACE = re.compile(r"\s*")
# Zero-width characters some tokenizers drop; skipped only when the token is not found before them.
_SPACE_OR_INVISIBLE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]*")
_DOC_ID = re.compile(r"#\s*doc_id\s*=(.*)$")
_SNIPPET = 20
_EXTENSIONS = frozenset({".conll", ".bio", ".iob", ".iob1", ".iob2", ".bilou", ".bioes", ".iobes"})


@lru_cache(maxsize=1 << 16)
def _parse_raw(tag: str, style: BioStyle = BioStyle.PREFIX) -> tuple[str, str] | None:
    """``(letter, type)`` with the letter as written (B I L U E S O), or None when not a tag.

    A lone letter is a typeless tag (type ``TYPELESS``); otherwise the type is everything on the
    other side of the first (prefix style) or last (suffix style) ``-``.
    """
    if tag == "O":
        return ("O", "")
    if tag in _LETTERS:
        return (tag, TYPELESS)
    if style is BioStyle.PREFIX:
        letter, dash, label = tag.partition("-")
    else:
        label, dash, letter = tag.rpartition("-")
    if not dash or not label or letter not in _LETTERS:
        return None
    return (letter, label)


def _parse_tag(tag: str, style: BioStyle = BioStyle.PREFIX) -> tuple[str, str] | None:
    """``(letter, type)`` with the letter in B I E S O (BILOU's L/U read as E/S), or None."""
    parsed = _parse_raw(tag, style)
    return (_CANONICAL.get(parsed[0], "O"), parsed[1]) if parsed is not None else None


def _chunks(letters: Sequence[str], labels: Sequence[str]) -> list[Chunk]:
    """conlleval's rule (seqeval's ``end_of_chunk``/``start_of_chunk``) over one sentence."""
    out: list[Chunk] = []
    prev, prev_label, begin = "O", "", 0
    n = len(letters)
    for i in range(n + 1):
        letter, label = (letters[i], labels[i]) if i < n else ("O", "")
        if prev != "O" and (
            prev in ("E", "S") or (prev in ("B", "I") and letter in ("B", "S", "O")) or label != prev_label
        ):
            out.append(Chunk(begin, i, prev_label))
        if letter != "O" and (letter in ("B", "S") or prev in ("E", "S", "O") or label != prev_label):
            begin = i
        prev, prev_label = letter, label
    return out


def decode_tags(
    tags: Sequence[str],
    *,
    mode: BioMode = BioMode.LENIENT,
    scheme: TagScheme = TagScheme.AUTO,
    style: BioStyle = BioStyle.PREFIX,
) -> list[Chunk]:
    """The entities of one sentence's tags, decoded as conlleval does (or as seqeval strict).

    Strict decoding with ``TagScheme.AUTO`` picks the scheme by ``strict_scheme``. Raises
    ValueError on a string that is not a tag, or (strict) on a letter the scheme does not allow.
    """
    parsed = [_parse_raw(tag, style) for tag in tags]
    for tag, p in zip(tags, parsed, strict=True):
        if p is None:
            raise ValueError(f"not a tag: {quote(tag)}")
    letters = [p[0] for p in parsed if p is not None]
    labels = [p[1] for p in parsed if p is not None]
    if mode is BioMode.STRICT:
        if scheme is TagScheme.AUTO:
            scheme = strict_scheme(letters) or TagScheme.AUTO
        if scheme not in _RULES:
            raise ValueError(f"strict decoding cannot tell the scheme of {quote(list(tags))}")
        for tag, letter in zip(tags, letters, strict=True):
            if letter not in _STRICT_LEGAL[scheme]:
                raise ValueError(f"tag {quote(tag)} is not legal in {scheme.value.upper()}")
        return _strict_chunks(letters, labels, _RULES[scheme])
    return _chunks([_CANONICAL.get(x, "O") for x in letters], labels)


# --- seqeval 1.2.2's strict mode ------------------------------------------------------------------
# ``seqeval/scheme.py`` describes each scheme by three sets of (previous prefixes, current
# prefixes, same/different/any type) patterns; ``Tokens.entities`` walks them. The same
# patterns, expanded into lookup tables over (previous letter, letter, same type).

_ANY = "OBIELUS"
_Pattern = tuple[str, str, str]  # previous letters, current letters, "same" | "diff" | "any"
_PATTERNS: dict[TagScheme, tuple[tuple[_Pattern, ...], tuple[_Pattern, ...], tuple[_Pattern, ...]]] = {
    TagScheme.IOB1: (
        (("O", "I", "any"), ("I", "I", "diff"), ("B", "I", "any"), ("I", "B", "same"), ("B", "B", "same")),
        (("B", "I", "same"), ("I", "I", "same")),
        (
            ("I", "I", "diff"),
            ("I", "O", "any"),
            ("I", "B", "any"),
            ("B", "O", "any"),
            ("B", "I", "diff"),
            ("B", "B", "same"),
        ),
    ),
    TagScheme.IOB2: (
        ((_ANY, "B", "any"),),
        (("B", "I", "same"), ("I", "I", "same")),
        (
            ("I", "O", "any"),
            ("I", "I", "diff"),
            ("I", "B", "any"),
            ("B", "O", "any"),
            ("B", "I", "diff"),
            ("B", "B", "any"),
        ),
    ),
    TagScheme.IOE2: (
        (
            ("O", "I", "any"),
            ("O", "E", "any"),
            ("E", "I", "any"),
            ("E", "E", "any"),
            ("I", "I", "diff"),
            ("I", "E", "diff"),
        ),
        (("I", "E", "same"), ("I", "I", "same")),
        (("E", _ANY, "any"),),
    ),
    TagScheme.IOBES: (
        ((_ANY, "B", "any"), (_ANY, "S", "any")),
        (("B", "I", "same"), ("B", "E", "same"), ("I", "I", "same"), ("I", "E", "same")),
        (("S", _ANY, "any"), ("E", _ANY, "any")),
    ),
    TagScheme.BILOU: (
        ((_ANY, "B", "any"), (_ANY, "U", "any")),
        (("B", "I", "same"), ("B", "L", "same"), ("I", "I", "same"), ("I", "L", "same")),
        (("U", _ANY, "any"), ("L", _ANY, "any")),
    ),
}

_Table = frozenset[tuple[str, str, bool]]


def _expand(patterns: tuple[_Pattern, ...]) -> _Table:
    return frozenset(
        (p, c, same)
        for prev, cur, cond in patterns
        for p in prev
        for c in cur
        for same in (True, False)
        if cond == "any" or (cond == "same") == same
    )


class _Rules(NamedTuple):
    start: _Table
    inside: _Table
    end: _Table


_RULES = {scheme: _Rules(*map(_expand, patterns)) for scheme, patterns in _PATTERNS.items()}
STRICT_SCHEMES = tuple(_RULES)


def _strict_chunks(letters: Sequence[str], labels: Sequence[str], rules: _Rules) -> list[Chunk]:
    """``seqeval.scheme.Tokens.entities`` over one sentence: a chunk starts by ``start``, grows
    while ``inside`` holds, and is kept only when the token after it satisfies ``end``."""
    n = len(letters)
    lt = [*letters, "O"]
    lb = [*labels, ""]
    out: list[Chunk] = []
    i, prev = 0, -1  # -1: the outside token before the sentence
    while i <= n:
        p_letter, p_label = (lt[prev], lb[prev]) if prev >= 0 else ("O", "")
        if (p_letter, lt[i], p_label == lb[i]) in rules.start:
            end = i + 1
            while (lt[end - 1], lt[end], lb[end - 1] == lb[end]) in rules.inside:
                end += 1  # never past n: "O" is inside nothing
            if (lt[end - 1], lt[end], lb[end - 1] == lb[end]) in rules.end:
                out.append(Chunk(i, end, lb[i]))
            i = end
        else:
            i += 1
        prev = i - 1
    return out


# seqeval's ``auto_detect``: the set of letters used picks the scheme.
_AUTO_DETECT: tuple[tuple[TagScheme, tuple[str, ...]], ...] = (
    (TagScheme.IOB2, ("IOB", "IB", "BO", "B")),
    (TagScheme.IOE2, ("IOE", "IE", "EO", "E")),
    (TagScheme.IOBES, ("IOBES", "IBES", "IOBE", "OBES", "IBE", "BES", "OBE", "BE", "S")),
    (TagScheme.BILOU, ("IOBLU", "IBLU", "IOBL", "OBLU", "IBL", "BLU", "OBL", "BL", "U")),
)


def strict_scheme(letters: Iterable[str]) -> TagScheme | None:
    """The scheme seqeval's ``auto_detect`` picks for tags with these letters, or None."""
    used = frozenset(letters)
    for scheme, sets in _AUTO_DETECT:
        if used in {frozenset(x) for x in sets}:
            return scheme
    return None


def detect_scheme(sentences: Iterable[Sequence[str]]) -> TagScheme:
    """Which scheme wrote these tags: BILOU if any L-/U-/E-/S- tag is used; else IOB1 if some
    entity begins with I- and no B- begins an entity except right after one of the same type;
    else IOB2 (also for all-O and for mixed files). Decoding does not depend on the answer.
    """
    i_begins = b_begins = False
    for tags in sentences:
        prev, prev_label = "O", ""
        for tag in tags:
            parsed = _parse_tag(tag)
            if parsed is None:
                raise ValueError(f"not a tag: {quote(tag)}")
            letter, label = parsed
            if letter in ("E", "S"):
                return TagScheme.BILOU
            begins = prev == "O" or label != prev_label
            i_begins = i_begins or (letter == "I" and begins)
            b_begins = b_begins or (letter == "B" and begins)
            prev, prev_label = letter, label
    return TagScheme.IOB1 if i_begins and not b_begins else TagScheme.IOB2


class _Kind(enum.Enum):
    DOC = "doc"
    TOKEN = "token"
    BREAK = "break"


class _Line(NamedTuple):
    kind: _Kind
    line: int
    first: str  # the document id (DOC) or the token (TOKEN)
    tag: str = ""


def _lines(path: Path, style: BioStyle = BioStyle.PREFIX) -> Iterator[_Line]:
    """Classify the lines of a token file; comments are dropped, blank lines become BREAKs."""
    name = str(path)
    in_sentence = False
    with open(path, "rb") as f:
        for line_no, raw in enumerate(f, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise FormatError(f"{name}:{line_no}: not UTF-8 text; save the token file as UTF-8") from None
            if line_no == 1:
                line = line.removeprefix("\ufeff")
            cols = line.split()
            if not cols:
                in_sentence = False
                yield _Line(_Kind.BREAK, line_no, "")
                continue
            first = cols[0]
            if first == "-DOCSTART-":
                if len(cols) < 2:
                    msg = f"{name}:{line_no}: -DOCSTART- without a document id; write '-DOCSTART- <doc_id>'"
                    raise FormatError(msg)
                in_sentence = False
                yield _Line(_Kind.DOC, line_no, cols[1])
                continue
            if first.startswith("#"):
                header = _DOC_ID.match(line.strip())
                if header:
                    doc_id = header.group(1).strip()
                    if not doc_id:
                        msg = f"{name}:{line_no}: '# doc_id =' without an id; write the id after '='"
                        raise FormatError(msg)
                    in_sentence = False
                    yield _Line(_Kind.DOC, line_no, doc_id)
                    continue
                looks_like_token = first != "#" and len(cols) >= 2 and _parse_raw(cols[-1], style) is not None
                if not in_sentence and not looks_like_token:
                    continue  # a comment
            if len(cols) < 2:
                msg = f"{name}:{line_no}: one column {quote(first)}; write the token, whitespace, then its tag"
                raise FormatError(msg)
            in_sentence = True
            yield _Line(_Kind.TOKEN, line_no, first, cols[-1])


def scheme_of(path: Path) -> TagScheme:
    """The tag scheme of a token file, by ``detect_scheme``'s rule (for display)."""
    sentences: list[list[str]] = [[]]
    for item in _lines(path):
        if item.kind is not _Kind.TOKEN:
            if sentences[-1]:
                sentences.append([])
        elif _parse_tag(item.tag) is None:
            raise FormatError(f"{path}:{item.line}: {_bad_tag(item.tag)}")
        else:
            sentences[-1].append(item.tag)
    return detect_scheme(sentences)


def _strict_scheme_of(path: Path, style: BioStyle) -> TagScheme:
    """The scheme strict decoding uses for a file read as plain ``conll``: seqeval's rule."""
    letters: set[str] = set()
    for item in _lines(path, style):
        if item.kind is _Kind.TOKEN:
            parsed = _parse_raw(item.tag, style)
            if parsed is None:
                raise FormatError(f"{path}:{item.line}: {_bad_tag(item.tag, style)}")
            letters.add(parsed[0])
    scheme = strict_scheme(letters)
    if scheme is None:
        used = ", ".join(sorted(letters))
        names = ", ".join(f"conll-{s.value}" for s in STRICT_SCHEMES)
        raise FormatError(
            f"{path}: --bio-mode strict cannot tell the tag scheme from the letters used ({used}; seqeval's "
            f"auto_detect rule); pass --pred-format, one of {names}"
        )
    return scheme


def _bad_tag(tag: str, style: BioStyle = BioStyle.PREFIX) -> str:
    if style is BioStyle.SUFFIX:
        expected = "'O', a lone B, I, L, U, E or S, or a type followed by -B, -I, -L, -U, -E or -S (as in 'PER-B')"
        return f"tag {quote(tag)} is not {expected}; fix the last column (or drop --bio-style suffix)"
    expected = "'O' or B-, I-, L-, U-, E- or S- followed by a type (as in 'B-PER')"
    return f"tag {quote(tag)} is not {expected}; fix the last column"


class _Decoding:
    """How one file's tags become entities: the mode, the scheme, the tag style."""

    def __init__(self, mode: BioMode, scheme: TagScheme, style: BioStyle) -> None:
        self.mode, self.scheme, self.style = mode, scheme, style
        self.strict = mode is BioMode.STRICT
        self.legal = _STRICT_LEGAL[scheme] if self.strict else _LEGAL[scheme]
        self.tags: dict[str, tuple[str, str]] = {}  # tags already checked, shared by the documents
        self.use = _SchemeUse()  # lenient BILOU/IOB files must not mix the two
        self.checks_mixing = not self.strict and scheme not in (TagScheme.IOB1, TagScheme.IOB2)

    def chunks(self, letters: Sequence[str], labels: Sequence[str]) -> list[Chunk]:
        return _strict_chunks(letters, labels, _RULES[self.scheme]) if self.strict else _chunks(letters, labels)

    def check(self, tag: str) -> tuple[str, str]:
        """``(letter, type)`` as the decoder wants it; ValueError says what is wrong with ``tag``."""
        parsed = _parse_raw(tag, self.style)
        if parsed is None:
            raise ValueError(_bad_tag(tag, self.style))
        if parsed[0] not in self.legal:
            mode = " strict" if self.strict else ""
            raise ValueError(f"tag {quote(tag)} is not legal in{mode} {self.scheme.value.upper()}; {self._hint()}")
        checked = parsed if self.strict else (_CANONICAL.get(parsed[0], "O"), parsed[1])
        self.tags[tag] = checked
        return checked

    def _hint(self) -> str:
        if self.strict:
            return "pass the --pred-format of the scheme that wrote the file (conll-iob2, conll-ioe2, ...)"
        return "read the file as conll-bilou, or as conll to detect the scheme"


class _SchemeUse:
    """Where a file first uses each tagging habit, to refuse (in lenient mode) files that mix schemes.

    BILOU marks a one-token entity U- (S-) and ends a longer one with L- (E-); IOB ends an
    entity on its B- or I- tag. A file that does both (``U-PER`` here, ``B-PER`` alone there)
    is refused: which entities it means cannot be told. (BILOU and BIOES spellings may mix.)
    """

    def __init__(self) -> None:
        self.first: dict[str, tuple[int, str]] = {}  # habit -> (line, tag)

    def note(self, habit: str, line: int, tag: str) -> None:
        self.first.setdefault(habit, (line, tag))

    def check(self, name: str) -> None:
        if "bilou" in self.first and "iob" in self.first:
            (la, ta), (lb, tb) = sorted((self.first["bilou"], self.first["iob"]))
            raise FormatError(
                f"{name}:{lb}: tag {quote(tb)} does not fit the scheme of tag {quote(ta)} at line {la}: the file "
                "mixes BILOU (U-/L- or S-/E- tags) and IOB (an entity ending on its B- or I- tag); "
                "tag the whole file in one scheme"
            )


class _Doc:
    """The document being read: where the text has been matched up to, and its open sentence."""

    def __init__(self, name: str, doc_id: str, line: int, text: str, decoding: _Decoding) -> None:
        self.name, self.id, self.line, self.text = name, doc_id, line, text
        self.decoding = decoding
        self.tags = decoding.tags
        self.pos = 0
        self.entities: list[Entity] = []
        self.letters: list[str] = []
        self.labels: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.lines: list[int] = []
        self.raw: list[str] = []

    def _fail(self, line: int, message: str) -> FormatError:
        return FormatError(f"{self.name}:{line}: document {quote(self.id)}: {message}")

    def add(self, token: str, tag: str, line: int) -> None:
        parsed = self.tags.get(tag) or self._check_tag(tag, line)
        text = self.text
        at = _skip(_SPACE, text, self.pos)
        if text.startswith(token, at):
            end = at + len(token)
        else:
            at, end = self._rewritten_or_later(token, at, line)
        self.pos = end
        self.letters.append(parsed[0])
        self.labels.append(parsed[1])
        self.starts.append(at)
        self.ends.append(end)
        self.lines.append(line)
        self.raw.append(tag)

    def _check_tag(self, tag: str, line: int) -> tuple[str, str]:
        try:
            parsed = self.decoding.check(tag)
        except ValueError as exc:
            raise self._fail(line, str(exc)) from None
        if parsed[0] in "LUES":  # lenient letters are canonical (E, S); strict ones raw
            self.decoding.use.note("bilou", line, tag)
        return parsed

    def _rewritten_or_later(self, token: str, at: int, line: int) -> tuple[int, int]:
        """Where ``token`` is when it is a PTB rewrite or follows zero-width characters."""
        text = self.text
        for start in (at, _skip(_SPACE_OR_INVISIBLE, text, at)):
            end = _match(text, start, token)
            if end >= 0:
                return start, end
        there = text[at : at + _SNIPPET]
        raise self._fail(
            line,
            f"token {quote(token)} not found in the gold text at offset {at} (text there: {quote(there)}); "
            "the token file must tokenise the same text",
        )

    def end_sentence(self) -> None:
        letters, labels, use = self.letters, self.labels, self.decoding.use
        if self.decoding.checks_mixing and "iob" not in use.first:
            for i, letter in enumerate(letters):  # an entity ending on its B- or I-: the IOB habit
                nxt = i + 1
                if letter in ("B", "I") and (
                    nxt == len(letters) or letters[nxt] not in ("I", "E") or labels[nxt] != labels[i]
                ):
                    use.note("iob", self.lines[i], self.raw[i])
                    break
        for chunk in self.decoding.chunks(letters, labels):
            start, end = self.starts[chunk.start], self.ends[chunk.end - 1]
            self.entities.append(Entity(start, end, chunk.label, None, self.text[start:end]))
        self.letters, self.labels, self.starts, self.ends, self.lines, self.raw = [], [], [], [], [], []

    def uncovered(self) -> int:
        """Characters of the text after the last token, up to its last non-whitespace one."""
        return max(0, len(self.text.rstrip()) - _skip(_SPACE, self.text, self.pos))

    def finish(self) -> Document:
        self.end_sentence()
        return Document(self.id, self.text, tuple(self.entities), path=self.name, line=self.line)


def _skip(pattern: re.Pattern[str], text: str, pos: int) -> int:
    found = pattern.match(text, pos)
    return found.end() if found else pos


def _match(text: str, at: int, token: str) -> int:
    """The end of ``token`` (or of the text a PTB rewrite stands for) found at ``at``, else -1."""
    if text.startswith(token, at):
        return at + len(token)
    for original in _PTB.get(token, ()):
        if text.startswith(original, at):
            return at + len(original)
    return -1


def read_conll(
    path: Path,
    reference: Reference | None = None,
    *,
    scheme: TagScheme = TagScheme.AUTO,
    mode: BioMode = BioMode.LENIENT,
    style: BioStyle = BioStyle.PREFIX,
) -> list[Document]:
    """Documents with entities at character offsets of the gold text ``reference[doc_id].text``."""
    return list(_read(path, reference, scheme, mode, style).documents)


_SHOWN = 5  # documents named in the note about token files that stop early


def _read(path: Path, reference: Reference | None, scheme: TagScheme, mode: BioMode, style: BioStyle) -> Reading:
    name = str(path)
    if reference is None:
        raise FormatError(
            f"{name}: CoNLL tokens carry no character offsets; reading them needs the gold set "
            "(as reference) to align tokens to the gold text"
        )
    if mode is BioMode.STRICT and scheme is TagScheme.AUTO:
        scheme = _strict_scheme_of(path, style)
    decoding = _Decoding(mode, scheme, style)
    docs: list[Document] = []
    short: list[tuple[str, int, int]] = []  # documents whose tokens stop early: id, uncovered, length
    first_seen: dict[str, int] = {}
    doc: _Doc | None = None

    def close(d: _Doc) -> None:
        docs.append(d.finish())
        missing = d.uncovered()
        if missing:
            short.append((d.id, missing, len(d.text)))

    for item in _lines(path, style):
        if item.kind is _Kind.TOKEN:
            if doc is None:
                raise FormatError(
                    f"{name}:{item.line}: token line before any document start; begin each document "
                    "with '-DOCSTART- <doc_id>' or '# doc_id = <doc_id>'"
                )
            doc.add(item.first, item.tag, item.line)
        elif item.kind is _Kind.BREAK:
            if doc is not None:
                doc.end_sentence()
        else:
            doc_id = item.first
            if doc_id in first_seen:
                raise FormatError(
                    f"{name}:{item.line}: document {quote(doc_id)} appears again (first at line "
                    f"{first_seen[doc_id]}); write each document once"
                )
            gold = reference.get(doc_id)
            if gold is None:
                raise FormatError(
                    f"{name}:{item.line}: document {quote(doc_id)} is not in the gold set; the id after "
                    "-DOCSTART- or in '# doc_id = ...' must be a gold document id"
                )
            first_seen[doc_id] = item.line
            if doc is not None:
                close(doc)
            doc = _Doc(name, doc_id, item.line, gold.text, decoding)
    if doc is not None:
        close(doc)
    decoding.use.check(name)
    return Reading(docs, _short_note(name, short))


def _short_note(name: str, short: list[tuple[str, int, int]]) -> tuple[str, ...]:
    """One note on the documents whose token file stops before their text ends."""
    if not short:
        return ()
    total = sum(missing for _, missing, _ in short)
    shown = ", ".join(f"{quote(doc_id)} ({missing} of {length})" for doc_id, missing, length in short[:_SHOWN])
    more = f" and {len(short) - _SHOWN} more" if len(short) > _SHOWN else ""
    return (
        f"{name}: the tokens of {len(short)} document(s) stop before the text ends, leaving {total} "
        f"characters without tokens (and so without predictions): {shown}{more}",
    )


def _looks_like_tokens(head: bytes) -> bool:
    """A document start and nothing but token-tag lines (comments aside) in the first bytes."""
    lines = head.decode("utf-8", errors="replace").split("\n")
    if not head.endswith(b"\n"):
        lines = lines[:-1]  # cut off by the 4 KiB head
    has_doc = has_token = False
    for line in lines:
        cols = line.split()
        if not cols:
            continue
        if cols[0] == "-DOCSTART-" or _DOC_ID.match(line.strip()):
            has_doc = True
        elif cols[0].startswith("#"):
            continue
        elif len(cols) >= 2 and (_parse_raw(cols[-1]) or _parse_raw(cols[-1], BioStyle.SUFFIX)) is not None:
            has_token = True
        else:
            return False
    return has_doc and has_token


def _detect(path: Path, head: bytes) -> bool:
    suffix = path.suffix.lower()
    return suffix in _EXTENSIONS or (suffix in {".tsv", ".txt"} and _looks_like_tokens(head))


def _never(path: Path, head: bytes) -> bool:
    return False


def _reader(scheme: TagScheme) -> ReadFn:
    def read(path: Path, reference: Reference | None, options: ReadOptions) -> Reading:
        return _read(path, reference, scheme, options.bio_mode, options.bio_style)

    return read


register(ReaderSpec("conll", _reader(TagScheme.AUTO), _detect, "CoNLL/BIO tokens, tag scheme detected"))
for _scheme in (TagScheme.IOB1, TagScheme.IOB2, TagScheme.IOE2, TagScheme.IOBES, TagScheme.BILOU):
    register(
        ReaderSpec(
            f"conll-{_scheme.value}",
            _reader(_scheme),
            _never,
            f"CoNLL/BIO tokens tagged {_scheme.value.upper()}",
        )
    )
