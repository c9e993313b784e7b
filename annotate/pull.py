"""Pull annotations back as a gold-set folder, from a live project or from an export file.

Both ways take Label Studio's *full* JSON export (the only one that keeps relations), turn
it into documents with ``convert_pull.export_to_gold`` (which checks every region and relation and
repairs UTF-16 offsets), and write them with ``goldset.write_gold_set``: all at once or not at
all, so a bad region (exit 2, naming task and region) leaves no half-written gold set behind.
The manifest records where the gold came from: the server URL (never credentials), project
id and title, Label Studio version, when it was pulled, the policy, counts, repairs, the
schema hash and the sha256 of the export.

With policy ``all`` each annotator gets a gold set of their own, ``OUT/annotator-<user id>/``.
With ``since`` (``pull --since``) only the tasks annotated since then are exported, and merged
into the gold set already at ``OUT``; its manifest then lists both pulls in ``sources``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from eval.errors import FormatError, UsageError
from eval.io import GOLD_DOCUMENTS
from eval.words import counted

from .client import Client, Progress
from .convert_pull import AnnotationPolicy, PullCounts, PullResult, export_to_gold
from .goldset import check_out_folder, read_gold_set, staged_folder, utc_now, write_gold_set
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
    kept: int | None = None  # with --since: documents of the gold set that were not pulled again

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
    since: datetime | None = None,
    allow_empty: bool = False,
    progress: Progress | None = None,
) -> PullSummary:
    """Export ``project`` (id or title) from the server and write it as a gold set at ``out``.

    With ``since``, only tasks annotated (an annotation saved) after that time are exported,
    through a filtered export snapshot, and merged into the gold set already at ``out``
    (``merge_pull``)."""
    if since is not None:
        _check_merge(Path(out), policy)
    else:
        check_out_folder(out, overwrite=overwrite)
    found = resolve_project(client, project)
    if found is None:
        raise UsageError(f"{client.settings.url}: no project titled {project!r}; check the title or pass its id")
    version = client.version()
    export = client.export_json(found.id, since=since, progress=progress)
    provenance: dict[str, Any] = {
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
    if since is not None:
        provenance["since"] = since.isoformat()
        return merge_pull(
            export.tasks, out=out, schema=schema, policy=policy, lenient=lenient, provenance=provenance, source=source
        )
    return write_pull(
        export.tasks,
        out=out,
        schema=schema,
        policy=policy,
        lenient=lenient,
        overwrite=overwrite,
        allow_empty=allow_empty,
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
    allow_empty: bool = False,
) -> PullSummary:
    """Offline: turn a full JSON export file (saved from Label Studio) into a gold set."""
    p = Path(path)
    check_out_folder(out, overwrite=overwrite)
    tasks, raw = read_export(p)
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
        allow_empty=allow_empty,
        provenance=provenance,
        source=str(p),
    )


def read_export(path: Path) -> tuple[Any, bytes]:
    """The parsed JSON of an export file, and its bytes (for the sha256)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such export file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a folder; pass the JSON export file (Export > JSON in Label Studio)") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the export file ({exc.strerror})") from None
    try:
        return orjson.loads(raw), raw
    except orjson.JSONDecodeError as exc:
        raise FormatError(f"{path}: not valid JSON ({exc}); export the project again with the JSON format") from None


def write_pull(
    tasks: Sequence[Any],
    *,
    out: str | Path,
    schema: Schema,
    policy: AnnotationPolicy,
    lenient: bool,
    overwrite: bool,
    allow_empty: bool = False,
    provenance: Mapping[str, Any],
    source: str,
) -> PullSummary:
    """Convert an export and write the gold set(s); nothing is written when anything is wrong."""
    target = check_out_folder(out, overwrite=overwrite)
    result = export_to_gold(tasks, schema, policy=policy, lenient=lenient, source=source)
    if not result.converted and not allow_empty:
        c = result.counts
        raise UsageError(
            f"{source}: no annotated documents ({counted(c.tasks, 'task')}, {c.unannotated} without annotation); "
            "nothing was written. Pass --allow-empty to write an empty gold set anyway"
        )
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


SOURCE_KEYS = ("source", "label_studio", "pulled_at", "export_sha256", "since", "policy", "counts")


def _check_merge(target: Path, policy: AnnotationPolicy) -> None:
    if policy is AnnotationPolicy.ALL:
        raise UsageError("--since merges into one gold set; use it with --annotations latest or ground-truth")
    if not (target / GOLD_DOCUMENTS).is_file():
        raise UsageError(
            f"{target}: --since merges into an existing gold set and there is none here; pull once without --since"
        )


def merge_pull(
    tasks: Sequence[Any],
    *,
    out: str | Path,
    schema: Schema,
    policy: AnnotationPolicy,
    lenient: bool,
    provenance: Mapping[str, Any],
    source: str,
) -> PullSummary:
    """Merge the documents of an export (of tasks annotated since some time) into the gold set
    at ``out``: a document pulled again replaces its old version, new ones are added after the
    others. The new manifest lists both pulls in ``sources`` (oldest first); its provenance,
    repairs and dropped regions are those of both. Nothing is written when anything is wrong."""
    target = Path(out)
    _check_merge(target, policy)
    previous = read_gold_set(target)
    result = export_to_gold(tasks, schema, policy=policy, lenient=lenient, source=source)
    fresh = {d.id: d for d in result.documents}
    merged = [fresh.get(d.id, d) for d in previous.documents]
    known = {d.id for d in previous.documents}
    merged += [d for d in result.documents if d.id not in known]
    fields: dict[str, Any] = {**provenance, **result.manifest_fields()}
    old = previous.manifest
    earlier = old.get("sources") or [{k: old[k] for k in SOURCE_KEYS if k in old}]
    fields["sources"] = [*earlier, {k: fields[k] for k in SOURCE_KEYS if k in fields}]
    fields["provenance"] = [
        p for p in old.get("provenance", []) if isinstance(p, dict) and p.get("doc") not in fresh
    ] + fields["provenance"]
    fields["repairs"] = [*old.get("repairs", []), *fields["repairs"]]
    fields["dropped"] = [*old.get("dropped", []), *fields["dropped"]]
    write_gold_set(target, merged, manifest_fields=fields, schema=schema, overwrite=True)
    kept = sum(d.id not in fresh for d in previous.documents)
    return PullSummary(target, (target,), policy, len(merged), result.counts, kept=kept)


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
