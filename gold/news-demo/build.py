"""Turn inline-annotated articles into the canonical JSONL gold set.

Usage: ``python gold/news-demo/build.py ANNOTATION_DIR OUT.jsonl [--articles DIR] [--meta FILE] [--partial]``

An annotated copy of ``articles/<name>.txt`` is the same text with markup added
(full description in ``docs/guidelines.md``, section "Markup")::

    [Vladimir Putin](PERSON#e1) {arrived}(Travel#v1 Agent=e1 Destination=e2) in [Tashkent](GPE#e2)

* ``[TEXT](LABEL)`` or ``[TEXT](LABEL#ID)`` is an entity;
* ``{TEXT}(TYPE#ID ROLE=ENTITY_ID ...)`` is an event trigger whose arguments name entity ids of
  the same article (a role may repeat; the event id may be left out);
* ``\\[ \\] \\{ \\} \\\\`` stand for the literal characters; spans do not nest or cross lines.

Removing the markup must give back exactly ``articles/<name>.txt`` (line ends and emoji
included); otherwise the build stops at the first difference, naming file:line:column.
The document id is the file stem. Entities without an id get ``e<n>``, events ``v<n>``.
Each document's ``meta`` (its news source and date) comes from ``meta.json`` (file stem ->
object); an article missing from it, or an entry naming no article, stops the build.
Errors are ``eval.errors`` exceptions; ``main`` prints them as one line each and exits 2.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from eval.errors import FormatError, GoldbenchError, Problem, UsageError, ValidationError
from eval.io import write_documents
from eval.model import Argument, Document, Entity, Event, Span

ARTICLES = Path(__file__).resolve().parent / "articles"
META = Path(__file__).resolve().parent / "meta.json"

_ESCAPABLE = frozenset("[]{}\\")
_CLOSE = {"[": "]", "{": "}"}
_LABEL = re.compile(r"[A-Z][A-Z0-9_]*\Z")
_TYPE = re.compile(r"[A-Za-z][A-Za-z0-9_.:-]*\Z")
_ID = re.compile(r"[A-Za-z0-9_.-]+\Z")
_ARG = re.compile(r"([A-Za-z][A-Za-z0-9_-]*)=([A-Za-z0-9_.-]+)\Z")


@dataclass(frozen=True, slots=True)
class Mark:
    """One bracketed span as written: its kind (``[`` entity, ``{`` trigger) and its spec."""

    kind: str
    start: int
    end: int
    spec: str
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Markup:
    """An annotated file with its markup removed.

    ``origin[i]`` is the index in the annotated source of ``text[i]`` (and ``origin[len(text)]``
    the end of the source), so a difference in the text can be reported at its source line.
    """

    text: str
    marks: tuple[Mark, ...]
    origin: tuple[int, ...]
    source: str
    path: str

    def where(self, index: int) -> str:
        """``path:line:column`` of source index ``index``."""
        line, col = _line_col(self.source, index)
        return f"{self.path}:{line}:{col}"


def _line_col(source: str, index: int) -> tuple[int, int]:
    line = source.count("\n", 0, index) + 1
    return line, index - (source.rfind("\n", 0, index) + 1) + 1


def strip_markup(source: str, *, path: str = "<memory>") -> Markup:
    """Remove the inline markup from ``source``; raise FormatError at the first syntax error."""

    def fail(index: int, message: str) -> FormatError:
        line, col = _line_col(source, index)
        return FormatError(f"{path}:{line}:{col}: {message}")

    out: list[str] = []
    origin: list[int] = []
    marks: list[Mark] = []
    opened: tuple[str, int, int] | None = None  # (bracket, source index, text start)
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch == "\\" and i + 1 < n and source[i + 1] in _ESCAPABLE:
            out.append(source[i + 1])
            origin.append(i)
            i += 2
            continue
        if ch in "[{":
            if opened is not None:
                raise fail(
                    i,
                    f"{ch!r} inside a span opened at column {_line_col(source, opened[1])[1]}; "
                    "spans do not nest (write \\[ or \\{ for a literal bracket)",
                )
            opened = (ch, i, len(out))
            i += 1
            continue
        if ch in "]}":
            if opened is None or _CLOSE[opened[0]] != ch:
                raise fail(
                    i,
                    f"unmatched {ch!r}; close the span with the bracket that opened it "
                    f"or write \\{ch} for a literal bracket",
                )
            bracket, at, start = opened
            if not source.startswith("(", i + 1):
                raise fail(i + 1, f"{bracket}...{ch} must be followed at once by (LABEL) or (TYPE ...)")
            close = source.find(")", i + 2)
            newline = source.find("\n", i + 2)
            if close < 0 or 0 <= newline < close:
                raise fail(i + 1, "'(' is not closed on the same line; add the missing ')'")
            line, col = _line_col(source, at)
            marks.append(Mark(bracket, start, len(out), source[i + 2 : close], line, col))
            opened = None
            i = close + 1
            continue
        if ch == "\n" and opened is not None:
            raise fail(opened[1], f"{opened[0]!r} is not closed on its line; spans cannot cross lines")
        out.append(ch)
        origin.append(i)
        i += 1
    if opened is not None:
        raise fail(opened[1], f"{opened[0]!r} is never closed")
    origin.append(n)
    return Markup("".join(out), tuple(marks), tuple(origin), source, path)


def _entity(mark: Mark, text: str, where: str) -> Entity:
    label, _, ident = mark.spec.strip().partition("#")
    if not _LABEL.match(label):
        raise FormatError(f"{where}: entity label {label!r} must be an upper-case label such as PERSON")
    if "#" in mark.spec and not _ID.match(ident):
        raise FormatError(f"{where}: entity id {ident!r} must be letters, digits, '_', '.' or '-'")
    return Entity(mark.start, mark.end, label, ident or None, text[mark.start : mark.end])


def _event(mark: Mark, text: str, where: str) -> Event:
    head, *rest = mark.spec.split() or [""]
    etype, _, ident = head.partition("#")
    if not _TYPE.match(etype):
        raise FormatError(f"{where}: event type {etype!r} is not a name; write {{trigger}}(Type#v1 Role=e1)")
    if "#" in head and not _ID.match(ident):
        raise FormatError(f"{where}: event id {ident!r} must be letters, digits, '_', '.' or '-'")
    args = []
    for token in rest:
        m = _ARG.match(token)
        if m is None:
            raise FormatError(f"{where}: argument {token!r} must be ROLE=ENTITY_ID with no spaces")
        args.append(Argument(m.group(1), entity=m.group(2)))
    trigger = Span(mark.start, mark.end, text[mark.start : mark.end])
    return Event(etype, trigger, tuple(args), ident or None)


def _fresh(prefix: str, taken: set[str]) -> str:
    k = 1
    while f"{prefix}{k}" in taken:
        k += 1
    taken.add(f"{prefix}{k}")
    return f"{prefix}{k}"


def parse_markup(source: str, *, doc_id: str, path: str = "<memory>") -> Document:
    """Annotated text -> canonical Document (ids filled in, arguments resolved to entity offsets)."""
    return to_document(strip_markup(source, path=path), doc_id=doc_id)


def to_document(markup: Markup, *, doc_id: str) -> Document:
    """Stripped markup -> Document; checks spans, id uniqueness and argument references."""
    path, text = markup.path, markup.text
    entities: list[tuple[Entity, str]] = []
    events: list[tuple[Event, str]] = []
    for mark in markup.marks:
        where = f"{path}:{mark.line}:{mark.column}"
        span = text[mark.start : mark.end]
        if not span.strip():
            raise FormatError(f"{where}: empty span; put the annotated words between the brackets")
        if span != span.strip():
            raise FormatError(f"{where}: span {span!r} starts or ends with a space; move the bracket")
        if mark.kind == "[":
            entities.append((_entity(mark, text, where), where))
        else:
            events.append((_event(mark, text, where), where))

    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for ident, where in [(e.id, w) for e, w in entities] + [(v.id, w) for v, w in events]:
        if ident is None:
            continue
        if ident in seen:
            problems.append(Problem(where, f"id {ident!r} already used at {seen[ident]}; ids must be unique", doc_id))
        seen.setdefault(ident, where)
    taken = set(seen)
    final_entities = [e if e.id else e._replace(id=_fresh("e", taken)) for e, _ in entities]
    by_id = {e.id: e for e in final_entities}

    final_events: list[Event] = []
    for event, where in events:
        args = []
        for arg in event.arguments:
            target = by_id.get(arg.entity)
            if target is None:
                problems.append(
                    Problem(
                        where,
                        f"argument {arg.role}={arg.entity}: no entity with id "
                        f"{arg.entity!r} in this article; give the entity that id",
                        doc_id,
                    )
                )
                continue
            args.append(arg._replace(start=target.start, end=target.end, text=target.text))
        final_events.append(event._replace(arguments=tuple(args), id=event.id or _fresh("v", taken)))
    if problems:
        raise ValidationError(problems)
    return Document(doc_id, text, tuple(final_entities), tuple(final_events), path=path)


def _read(path: Path) -> str:
    """File text exactly as stored: no newline translation, so CRLF stays CRLF."""
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(f"{path}: not UTF-8 (byte {exc.start}); save the file as UTF-8") from None


def check_text(markup: Markup, article: str, *, article_path: str) -> None:
    """Fail at the first place where the annotated file, markup removed, differs from the article."""
    text = markup.text
    if text == article:
        return
    same = (k for k, (a, b) in enumerate(zip(text, article, strict=False)) if a != b)
    i = next(same, min(len(text), len(article)))
    # Show from the start of the word that differs, so the message quotes whole words.
    k = max(text.rfind(" ", 0, i), text.rfind("\n", 0, i)) + 1
    got, want = text[k : i + 20], article[k : i + 20]
    art_line = article.count("\n", 0, i) + 1
    hint = " (line ends differ: keep the article's CRLF or LF)" if "\r" in got + want else ""
    message = (
        f"text differs from {article_path}:{art_line}: annotated has {got!r}, article has {want!r}"
        f"{hint}; change only the markup, never the words"
    )
    raise ValidationError([Problem(markup.where(markup.origin[i]), message)])


def build_document(annotation: Path, article: Path) -> Document:
    """One annotated file checked against its article -> Document with id = file stem."""
    markup = strip_markup(_read(annotation), path=str(annotation))
    check_text(markup, _read(article), article_path=str(article))
    return to_document(markup, doc_id=annotation.stem)


def read_meta(path: Path, names: set[str]) -> dict[str, dict[str, Any]]:
    """``meta.json``: article stem -> the document's ``meta`` object, one for every article."""
    try:
        data = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file; give each article its meta (source, date) there") from None
    except orjson.JSONDecodeError as exc:
        raise FormatError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise FormatError(f"{path}: must map each article's file stem to an object such as {{\"source\": \"tass\"}}")
    unknown, missing = sorted(data.keys() - names), sorted(names - data.keys())
    if unknown or missing:
        what = [f"no article for {', '.join(unknown)}"] if unknown else []
        what += [f"no meta for {', '.join(missing)}"] if missing else []
        raise UsageError(f"{path}: {'; '.join(what)}; keep one entry per article")
    return data


def build(
    annotation_dir: Path, out: Path, *, articles: Path = ARTICLES, meta: Path | None = None, partial: bool = False
) -> list[Document]:
    """Build every ``*.txt`` in ``annotation_dir`` into canonical JSONL at ``out``.

    With ``meta`` (a ``meta.json``), each document carries its entry as ``meta``."""
    if not annotation_dir.is_dir():
        raise UsageError(f"{annotation_dir}: not a folder; pass the folder of annotated .txt files")
    files = sorted(annotation_dir.glob("*.txt"))
    if not files:
        raise UsageError(f"{annotation_dir}: no .txt files; annotated copies keep the article's file name")
    wanted = {p.stem for p in articles.glob("*.txt")}
    unknown = [f.name for f in files if f.stem not in wanted]
    if unknown:
        raise UsageError(
            f"{annotation_dir}: {', '.join(unknown)} match no article in {articles}; keep the article's file name"
        )
    missing = sorted(wanted - {f.stem for f in files})
    if missing and not partial:
        raise UsageError(f"{annotation_dir}: no annotation for {', '.join(missing)}; annotate them or pass --partial")
    docs = [build_document(f, articles / f.name) for f in files]
    if meta is not None:
        by_name = read_meta(meta, wanted)
        docs = [d._replace(extra={"meta": by_name[d.id]}) for d in docs]
    write_documents(out, docs)
    return docs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Inline-annotated articles -> canonical JSONL gold set.")
    parser.add_argument("annotations", type=Path, help="folder of annotated copies (<article>.txt)")
    parser.add_argument("out", type=Path, help="JSONL file to write")
    parser.add_argument("--articles", type=Path, default=ARTICLES, help="folder of the plain articles")
    parser.add_argument("--meta", type=Path, default=META, help="article stem -> meta object (source, date)")
    parser.add_argument("--no-meta", action="store_true", help="build without meta")
    parser.add_argument("--partial", action="store_true", help="allow articles with no annotated copy")
    args = parser.parse_args(argv)
    try:
        meta = None if args.no_meta else args.meta
        docs = build(args.annotations, args.out, articles=args.articles, meta=meta, partial=args.partial)
    except GoldbenchError as exc:
        for line in exc.lines():
            print(f"error: {line}", file=sys.stderr)
        return exc.exit_code
    n_ent = sum(len(d.entities) for d in docs)
    n_ev = sum(len(d.events) for d in docs)
    print(f"wrote {args.out}: {len(docs)} documents, {n_ent} entities, {n_ev} events")
    return 0


if __name__ == "__main__":
    sys.exit(main())
