"""Pull annotations back as a gold-set folder, from a live project or from an export file.

Both ways take Label Studio's *full* JSON export (the only one that keeps relations), turn
it into documents with ``convert_pull.export_to_gold`` (which checks every region and relation and
repairs UTF-16 offsets), and write them with ``goldset.write_gold_set``: all at once or not at
all, so a bad region (exit 2, naming task and region) leaves no half-written gold set behind.
The manifest records where the gold came from: the server URL (never credentials), project
id and title, Label Studio version, when it was pulled, the policy, counts, repairs, the
schema hash and the sha256 of the export.

With policy ``all`` each annotator gets a gold set of their own, ``OUT/annotator-<user id>/``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from eval.errors import FormatError, UsageError

from .client import Client, Progress
from .convert_pull import AnnotationPolicy, PullCounts, PullResult, export_to_gold
from .goldset import staged_folder, utc_now, write_gold_set
from .push import resolve_project
from .schema import Schema
from .settings import safe_url


@dataclass(frozen=True, slots=True)
class PullSummary:
    """What a pull wrote: the gold folder(s), and the counts of ``export_to_gold``."""

    out: Path
    folders: tuple[Path, ...]
    policy: AnnotationPolicy
    documents: int
    counts: PullCounts

    @property
    def repairs(self) -> int:
        """Regions whose UTF-16 offsets were repaired."""
        return self.counts.repaired

    @property
    def dropped(self) -> int:
        """Bad regions/relations left out (``--lenient``)."""
        return self.counts.dropped


def pull(
    client: Client,
    *,
    project: str,
    out: str | Path,
    schema: Schema,
    policy: AnnotationPolicy = AnnotationPolicy.LATEST,
    lenient: bool = False,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> PullSummary:
    """Export ``project`` (id or title) from the server and write it as a gold set at ``out``."""
    found = resolve_project(client, project)
    if found is None:
        raise UsageError(f"{client.settings.url}: no project titled {project!r}; check the title or pass its id")
    version = client.version()
    export = client.export_json(found.id, progress=progress)
    provenance = {
        "source": f"label-studio project {found.id}",
        "label_studio": {
            "url": safe_url(client.settings.url),
            "version": version,
            "project_id": found.id,
            "project_title": found.title,
        },
        "pulled_at": utc_now(),
        "export_sha256": export.sha256,
    }
    source = f"project {found.id}"
    return write_pull(
        export.tasks,
        out=out,
        schema=schema,
        policy=policy,
        lenient=lenient,
        overwrite=overwrite,
        provenance=provenance,
        source=source,
    )


def pull_from_export(
    path: str | Path,
    *,
    out: str | Path,
    schema: Schema,
    policy: AnnotationPolicy = AnnotationPolicy.LATEST,
    lenient: bool = False,
    overwrite: bool = False,
) -> PullSummary:
    """Offline: turn a full JSON export file (saved from Label Studio) into a gold set."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{p}: no such export file") from None
    try:
        tasks = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise FormatError(f"{p}: not valid JSON ({exc}); export the project again with the JSON format") from None
    provenance = {
        "source": f"label-studio export {p.name}",
        "label_studio": {"export_file": str(p)},
        "pulled_at": utc_now(),
        "export_sha256": hashlib.sha256(raw).hexdigest(),
    }
    return write_pull(
        tasks,
        out=out,
        schema=schema,
        policy=policy,
        lenient=lenient,
        overwrite=overwrite,
        provenance=provenance,
        source=str(p),
    )


def write_pull(
    tasks: Sequence[Any],
    *,
    out: str | Path,
    schema: Schema,
    policy: AnnotationPolicy,
    lenient: bool,
    overwrite: bool,
    provenance: Mapping[str, Any],
    source: str,
) -> PullSummary:
    """Convert an export and write the gold set(s); nothing is written when anything is wrong."""
    target = Path(out)
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target}: exists and is not a folder; choose a folder for the gold set")
    if target.is_dir() and any(target.iterdir()) and not overwrite:
        raise UsageError(f"{target}: already holds files; choose a new folder or pass --force")
    result = export_to_gold(tasks, schema, policy=policy, lenient=lenient, source=source)
    fields = {**provenance, **result.manifest_fields()}
    if policy is AnnotationPolicy.ALL:
        folders = _write_per_annotator(result, target, schema, fields)
        documents = sum(len(docs) for docs in result.by_annotator.values())
    else:
        folders = (
            write_gold_set(target, result.documents, manifest_fields=fields, schema=schema, overwrite=overwrite),
        )
        documents = len(result.documents)
    return PullSummary(
        out=target,
        folders=folders,
        policy=policy,
        documents=documents,
        counts=result.counts,
    )


def _write_per_annotator(
    result: PullResult, target: Path, schema: Schema, fields: Mapping[str, Any]
) -> tuple[Path, ...]:
    """One gold set per annotator, written beside ``target`` and renamed into place together."""
    names = []
    with staged_folder(target) as staging:
        for annotator, docs in sorted(result.by_annotator.items()):
            name = f"annotator-{annotator}"
            write_gold_set(staging / name, docs, manifest_fields=dict(fields, annotator=annotator), schema=schema)
            names.append(name)
    return tuple(target / n for n in names)
