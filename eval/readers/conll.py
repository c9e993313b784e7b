"""CoNLL / BIO token files, aligned back to character offsets in the gold text.

One token per line in whitespace-separated columns: the token first, the tag last. A blank line
ends a sentence; ``-DOCSTART- <doc_id>`` or ``# doc_id = <doc_id>`` starts a document; other
``#`` lines before a sentence are comments. Tokens carry no offsets, so each one is found in
``reference[doc_id].text``: skip whitespace, the token must come next (PTB bracket and quote
rewrites are undone, nothing fuzzy). Tags are decoded by conlleval's chunk rule, which is also
seqeval's default (lenient) mode, for every scheme; the scheme only says which tag prefixes are
legal. The rules, with examples, are in docs/formats-readers.md.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from ..errors import FormatError
from ..model import Document, Entity
from . import ReaderSpec, ReadFn, Reference, register


class TagScheme(enum.Enum):
    """How a token file marks entity boundaries; AUTO accepts every prefix."""

    AUTO = "auto"
    IOB1 = "iob1"  # I- begins unless it continues the same type; B- separates same-type neighbours
    IOB2 = "iob2"  # B- begins, I- continues
    BILOU = "bilou"  # B- I- L- U- (or the BIOES spelling B- I- E- S-)


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
    TagScheme.BILOU: frozenset("OBILUES"),
}
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
def _parse_tag(tag: str) -> tuple[str, str] | None:
    """``(letter, type)`` with the letter in B I E S O, or None when ``tag`` is not a tag."""
    if tag == "O":
        return ("O", "")
    letter, dash, label = tag.partition("-")
    if not dash or not label or letter not in _CANONICAL:
        return None
    return (_CANONICAL[letter], label)


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


def decode_tags(tags: Sequence[str]) -> list[Chunk]:
    """The entities of one sentence's tags (any scheme), decoded as conlleval does.

    Raises ValueError on a string that is not ``O`` or ``<B|I|L|U|E|S>-<type>``.
    """
    letters: list[str] = []
    labels: list[str] = []
    for tag in tags:
        parsed = _parse_tag(tag)
        if parsed is None:
            raise ValueError(f"not a tag: {tag!r}")
        letters.append(parsed[0])
        labels.append(parsed[1])
    return _chunks(letters, labels)


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
                raise ValueError(f"not a tag: {tag!r}")
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


def _lines(path: Path) -> Iterator[_Line]:
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
                looks_like_token = first != "#" and len(cols) >= 2 and _parse_tag(cols[-1]) is not None
                if not in_sentence and not looks_like_token:
                    continue  # a comment
            if len(cols) < 2:
                msg = f"{name}:{line_no}: one column {first!r}; write the token, whitespace, then its tag"
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


def _bad_tag(tag: str) -> str:
    expected = "'O' or B-, I-, L-, U-, E- or S- followed by a type (as in 'B-PER')"
    return f"tag {tag!r} is not {expected}; fix the last column"


class _Doc:
    """The document being read: where the text has been matched up to, and its open sentence."""

    def __init__(
        self,
        name: str,
        doc_id: str,
        line: int,
        text: str,
        scheme: TagScheme,
        tags: dict[str, tuple[str, str]],
    ) -> None:
        self.name, self.id, self.line, self.text, self.scheme = name, doc_id, line, text, scheme
        self.tags = tags  # tags already checked, shared by the documents of one file
        self.pos = 0
        self.entities: list[Entity] = []
        self.letters: list[str] = []
        self.labels: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def _fail(self, line: int, message: str) -> FormatError:
        return FormatError(f"{self.name}:{line}: document {self.id!r}: {message}")

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

    def _check_tag(self, tag: str, line: int) -> tuple[str, str]:
        parsed = _parse_tag(tag)
        if parsed is None:
            raise self._fail(line, _bad_tag(tag))
        if tag[0] not in _LEGAL[self.scheme]:
            raise self._fail(
                line,
                f"tag {tag!r} is not legal in {self.scheme.value.upper()}; "
                "read the file as conll-bilou, or as conll to detect the scheme",
            )
        self.tags[tag] = parsed
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
            f"token {token!r} not found in the gold text at offset {at} (text there: {there!r}); "
            "the token file must tokenise the same text",
        )

    def end_sentence(self) -> None:
        for chunk in _chunks(self.letters, self.labels):
            start, end = self.starts[chunk.start], self.ends[chunk.end - 1]
            self.entities.append(Entity(start, end, chunk.label, None, self.text[start:end]))
        self.letters, self.labels, self.starts, self.ends = [], [], [], []

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
    path: Path, reference: Reference | None = None, *, scheme: TagScheme = TagScheme.AUTO
) -> list[Document]:
    """Documents with entities at character offsets of the gold text ``reference[doc_id].text``."""
    name = str(path)
    if reference is None:
        raise FormatError(
            f"{name}: CoNLL tokens carry no character offsets; reading them needs the gold set "
            "(as reference) to align tokens to the gold text"
        )
    tags: dict[str, tuple[str, str]] = {}
    docs: list[Document] = []
    first_seen: dict[str, int] = {}
    doc: _Doc | None = None
    for item in _lines(path):
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
                    f"{name}:{item.line}: document {doc_id!r} appears again (first at line "
                    f"{first_seen[doc_id]}); write each document once"
                )
            gold = reference.get(doc_id)
            if gold is None:
                raise FormatError(
                    f"{name}:{item.line}: document {doc_id!r} is not in the gold set; the id after "
                    "-DOCSTART- or in '# doc_id = ...' must be a gold document id"
                )
            first_seen[doc_id] = item.line
            if doc is not None:
                docs.append(doc.finish())
            doc = _Doc(name, doc_id, item.line, gold.text, scheme, tags)
    if doc is not None:
        docs.append(doc.finish())
    return docs


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
        elif len(cols) >= 2 and _parse_tag(cols[-1]) is not None:
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
    def read(path: Path, reference: Reference | None) -> list[Document]:
        return read_conll(path, reference, scheme=scheme)

    return read


register(ReaderSpec("conll", _reader(TagScheme.AUTO), _detect, "CoNLL/BIO tokens, tag scheme detected"))
for _scheme in (TagScheme.IOB1, TagScheme.IOB2, TagScheme.BILOU):
    register(
        ReaderSpec(
            f"conll-{_scheme.value}",
            _reader(_scheme),
            _never,
            f"CoNLL/BIO tokens tagged {_scheme.value.upper()}",
        )
    )
