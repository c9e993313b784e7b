"""``annotate quality``: the annotation-quality report of a live project or of an export file.

Both take Label Studio's full JSON export, turn every annotation and prediction into a
document with ``convert_pull.export_to_work`` (checked like a pull), and compute the report
with ``eval.quality.quality``. The reference is the ground-truth annotations, or a gold-set
folder (``--reference gold/NAME``, e.g. an adjudicated pull). Emails come from the export when
``completed_by`` is expanded, and from the server's user list when live.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from eval.errors import UsageError
from eval.quality import QualityReport, Work, quality

from .client import Client
from .convert_pull import export_to_work
from .goldset import read_gold_set
from .pull import read_export
from .push import resolve_project
from .schema import Schema


def _reference(path: str | Path | None) -> tuple[dict[str, Any] | None, str | None]:
    if path is None:
        return None, None
    gold = read_gold_set(path)
    return {d.id: d for d in gold.documents}, str(path)


def quality_of_work(work: Work, *, source: str, reference: str | Path | None = None) -> QualityReport:
    docs, name = _reference(reference)
    return quality(work, source=source, reference=docs, reference_name=name)


def quality_from_export(
    path: str | Path, *, schema: Schema, reference: str | Path | None = None, lenient: bool = False
) -> QualityReport:
    """The report of a full JSON export file."""
    p = Path(path)
    tasks, _ = read_export(p)
    work = export_to_work(tasks, schema, lenient=lenient, source=str(p))
    return quality_of_work(work, source=f"export {p.name}", reference=reference)


def quality_of_project(
    client: Client, *, project: str, schema: Schema, reference: str | Path | None = None, lenient: bool = False
) -> QualityReport:
    """The report of a live project (id or title), with the annotators' emails."""
    found = resolve_project(client, project)
    if found is None:
        raise UsageError(f"{client.settings.url}: no project titled {project!r}; check the title or pass its id")
    export = client.export_json(found.id, predictions=True)
    work = export_to_work(export.tasks, schema, lenient=lenient, source=f"project {found.id}")
    emails = client.user_emails()
    work = replace(
        work,
        annotations=tuple(a if a.email else replace(a, email=emails.get(a.annotator)) for a in work.annotations),
    )
    return quality_of_work(work, source=f"project {found.id} ({found.title})", reference=reference)
