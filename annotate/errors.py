"""The exception tree of ``annotate``, grafted onto ``eval.errors``.

    GoldbenchError                    anything the user can fix; the CLI prints one line, exit 2
    ├── InputError
    │   ├── FormatError               schema.yaml / an export cannot be parsed or has the wrong shape
    │   └── ValidationError           parsed, but inconsistent (a document before push)
    │       └── RegionError           regions/relations of Label Studio annotations (task id, region id)
    ├── UsageError                    options that do not fit together
    └── AnnotateError                 the Label Studio side of the round trip
        ├── ServerError               cannot reach the server, login or token refused, unexpected reply
        │   └── TransientError        timeout, dropped connection or 5xx: may pass on retry
        └── ConfigMismatch            the project's labeling config is not configs/labeling.xml

``RegionError`` carries one ``RegionIssue`` per bad region or relation; each prints as
``task 12 region 'abc': <what is wrong>; fix it in Label Studio or pull with --lenient``.
With ``--lenient`` the same issues are not raised but listed as dropped.
"""

from __future__ import annotations

import enum
from typing import NamedTuple

from eval.errors import GoldbenchError, Problem, ValidationError

LENIENT_HINT = "fix it in Label Studio or pull with --lenient"


class ItemKind(enum.Enum):
    """What a ``RegionIssue`` is about: a labelled region, or a relation between two regions."""

    REGION = "region"
    RELATION = "relation"


class RegionIssue(NamedTuple):
    """One region or relation of one annotation that cannot be used as it is.

    ``item`` is the region id, or ``"FROM->TO"`` for a relation (relations have no id), or
    ``None`` when the result item has no id at all.
    """

    task_id: int | str
    item: str | None
    message: str
    kind: ItemKind = ItemKind.REGION
    annotation_id: int | None = None

    @property
    def where(self) -> str:
        name = "?" if self.item is None else repr(self.item)
        if self.kind is ItemKind.RELATION and self.item is not None and "->" in self.item:
            src, dst = self.item.split("->", 1)
            name = f"{src!r}->{dst!r}"
        annotation = f" annotation {self.annotation_id}" if self.annotation_id is not None else ""
        return f"task {self.task_id}{annotation} {self.kind.value} {name}"

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "task": self.task_id,
            "annotation": self.annotation_id,
            "kind": self.kind.value,
            "item": self.item,
            "message": self.message,
        }


class RegionError(ValidationError):
    """Regions or relations of Label Studio annotations that fail validation (strict pull)."""

    def __init__(self, issues: list[RegionIssue]) -> None:
        self.issues = issues
        super().__init__([Problem(i.where, f"{i.message}; {LENIENT_HINT}") for i in issues])

    @property
    def task_id(self) -> int | str | None:
        """The task of the first issue (the one a person should look at first)."""
        return self.issues[0].task_id if self.issues else None

    @property
    def region_id(self) -> str | None:
        return self.issues[0].item if self.issues else None


class AnnotateError(GoldbenchError):
    """Something on the Label Studio side of the round trip that the user can fix."""


class ServerError(AnnotateError):
    """Label Studio cannot be reached, refuses the credentials, or answers unexpectedly."""


class TransientError(ServerError):
    """A request failed in a way that may pass on retry (timeout, dropped connection, 5xx);
    the outcome of a write is unknown, so callers re-read before they retry."""


class ConfigMismatch(AnnotateError):
    """A Label Studio project's labeling config differs from the one made from the schema."""
