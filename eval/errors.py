"""The exception tree of ``eval``.

    GoldbenchError                 anything the user can fix; the CLI prints one line, exit 2
    ├── InputError                 a file or a record in it is wrong (carries file:line, doc id)
    │   ├── FormatError            cannot be parsed / unknown or undetectable format
    │   └── ValidationError        parsed, but offsets, text, ids or labels are inconsistent
    └── UsageError                 options that do not fit together

A ``ValidationError`` (and a ``FormatError`` listing every bad line of a file) may carry several
problems, one ``Problem`` per line; the CLI prints each. ``quote`` shows a value in a message,
cut to about ``QUOTE_LIMIT`` characters (a 2 MB string must not make a 2 MB line).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

QUOTE_LIMIT = 80


def quote(value: object, limit: int = QUOTE_LIMIT) -> str:
    """``repr(value)``, cut to about ``limit`` characters with its full length said."""
    text = repr(value)
    if len(text) <= limit:
        return text
    size = f"{len(value):,} characters" if isinstance(value, str) else f"{len(text):,} characters as written"
    return f"{text[: limit - 1]}… ({size})"


def plural(n: int, noun: str, many: str | None = None) -> str:
    """``"1 document"``, ``"2 documents"`` (``many`` for an irregular plural: "entities")."""
    return f"{n:,} {noun if n == 1 else many or noun + 's'}"


@dataclass(frozen=True, slots=True)
class Location:
    """Where a record came from: a file and a 1-based line (0 when not line-based)."""

    path: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    @classmethod
    def of(cls, path: str | Path, line: int = 0) -> Location:
        return cls(str(path), line)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, phrased for a person: where, what, and what to do."""

    where: str
    message: str
    doc_id: str | None = None

    def __str__(self) -> str:
        doc = f" document {quote(self.doc_id)}:" if self.doc_id is not None else ""
        return f"{self.where}:{doc} {self.message}"


class GoldbenchError(Exception):
    """Base of every error a user can fix."""

    exit_code = 2

    def lines(self) -> list[str]:
        return [str(self)]


class UsageError(GoldbenchError):
    """Options that contradict each other or name something that does not exist."""


class InputError(GoldbenchError):
    """Something in an input file is wrong."""


class FormatError(InputError):
    """The input cannot be parsed, or its format cannot be recognised.

    Given a list (every bad line of a file: ``Problem``s or lines), it carries them all, one each.
    """

    def __init__(self, message: str | Sequence[Problem | str]) -> None:
        self._lines = [message] if isinstance(message, str) else [str(p) for p in message]
        super().__init__("\n".join(self._lines))

    def lines(self) -> list[str]:
        return list(self._lines)


class ValidationError(InputError):
    """The input parsed but is inconsistent; carries one ``Problem`` per line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]
