"""Push articles into a Label Studio project: idempotent, resumable, checked before sending.

A document's id travels in the task as ``data.doc_id`` (see ``convert_push.document_to_task``).
Before sending anything, push lists the project's tasks once: documents already there with
the same text are skipped; one there with a *different* text is an error (its annotations
would no longer fit the text); the rest are imported in batches. A batch that fails in a way
that may or may not have reached the database (timeout, dropped connection, 5xx) is not
simply sent again: the project is listed anew, the documents that did arrive are dropped from
the batch, and only the rest is retried. A push stopped half-way (Ctrl-C, a crash, a server
restart) is finished by running the same command again, with no duplicates.

Two pushes of the same documents at the same moment (from two machines: a local lock would
not do) both see the documents missing and both import them. Each push therefore, after its
imports, lists the project and, for every document it imported, keeps the task with the
lowest id and deletes the others (``_remove_duplicates``); the same rule picks the project
when both created it. The rule is the same for every racer, so they cannot disagree, and
the one whose import finished last lists after every import has landed, so it sees and
removes every duplicate. A duplicate that already has an annotation (a person was quicker
than the race) is never deleted: it is reported instead.

Predictions (``model_version``) and annotations (``store_annotations``) follow the same rule:
a task gets a prediction only when it has none of that model version, and an annotation only
when it has none. Everything a file could get wrong (text, offsets, labels, roles) is checked
against the schema and the texts before the first request that changes the server.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from eval.errors import FormatError, Problem, UsageError, ValidationError
from eval.io import GOLD_DOCUMENTS
from eval.model import Document
from eval.readers.jsonl import read_gold_documents, read_jsonl
from eval.words import counted

from .client import Client, PredictionIn, Progress, Project, TaskRef, text_sha256
from .convert_push import document_problems, document_results, document_to_results, document_to_task
from .errors import ConfigMismatch, ServerError, TransientError
from .schema import Schema, config_difference, labeling_config

T = TypeVar("T")

DEFAULT_BATCH_SIZE = 500


# --- sources ------------------------------------------------------------------------------


def _read_txt(path: Path) -> list[Document]:
    """A plain-text article; its id is the file name without extension. Line ends are kept."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from None
    return [Document(path.stem, text.removeprefix("\ufeff"), path=str(path))]


def _read_folder(path: Path) -> list[Document]:
    """A gold folder (``documents.jsonl``) or a folder of ``.txt`` articles."""
    if (path / GOLD_DOCUMENTS).is_file():
        return read_gold_documents(path)  # its manifest must agree
    files = sorted(path.glob("*.txt"))
    if not files:
        raise UsageError(f"{path}: holds neither {GOLD_DOCUMENTS} nor .txt files; nothing to push")
    return [doc for f in files for doc in _read_txt(f)]


READERS: dict[str, Callable[[Path], list[Document]]] = {
    ".txt": _read_txt,
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
}


def read_sources(paths: Sequence[str | Path]) -> list[Document]:
    """Documents from ``.txt`` files, folders of them, canonical JSONL files or gold folders."""
    docs: list[Document] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            docs += _read_folder(p)
        elif not p.exists():
            raise UsageError(f"{p}: no such file or folder")
        elif p.suffix.lower() in READERS:
            docs += READERS[p.suffix.lower()](p)
        else:
            raise UsageError(f"{p}: cannot push a {p.suffix or 'extensionless'} file; use .txt, .jsonl or a folder")
    problems: list[Problem] = []
    first: dict[str, Document] = {}
    for doc in docs:
        if not doc.text.strip():
            problems.append(Problem(doc.where, "the text is empty; leave the document out", doc.id))
        if doc.id in first:
            problems.append(Problem(doc.where, f"the id is also used by {first[doc.id].where}; rename one", doc.id))
        first.setdefault(doc.id, doc)
    if problems:
        raise ValidationError(problems)
    return docs


# --- the plan -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PushSummary:
    """What a push did (or, with ``dry_run``, would do)."""

    project_id: int | None
    project_title: str
    dry_run: bool
    project_created: bool = False
    config_updated: bool = False
    documents: int = 0
    created: int = 0
    skipped: int = 0
    predictions_created: int = 0
    predictions_skipped: int = 0
    annotations_created: int = 0
    annotations_skipped: int = 0
    retries: int = 0
    duplicates_removed: int = 0
    duplicate_doc_ids: tuple[str, ...] = ()


def resolve_project(client: Client, ref: str) -> Project | None:
    """A project by id (all digits) or exact title; None when no project has that title."""
    if ref.isdigit():
        project = client.get_project(int(ref))
        if project is None:
            raise UsageError(f"{client.settings.url}: no project with id {ref}; pass an existing id or a title")
        return project
    found = client.find_projects(ref)
    if len(found) > 1:
        ids = ", ".join(str(p.id) for p in found)
        raise UsageError(f"{len(found)} projects are titled {ref!r} (ids {ids}); pass --project with the id")
    return found[0] if found else None


def _check_config(project: Project, schema: Schema, *, update: bool) -> bool:
    """True when the project's config must be replaced; ConfigMismatch when that is not allowed."""
    diff = config_difference(project.label_config, labeling_config(schema))
    if diff is None:
        return False
    if not update:
        raise ConfigMismatch(
            f"project {project.title!r} (id {project.id}) has a labeling config that differs from the "
            f"schema ({diff}); pass --update-config to replace it"
        )
    return True


def _by_doc_id(tasks: Sequence[TaskRef]) -> tuple[dict[str, TaskRef], tuple[str, ...]]:
    """Tasks keyed by document id (the lowest task id wins) and the ids held by several tasks."""
    first: dict[str, TaskRef] = {}
    twice: dict[str, None] = {}
    for t in sorted(tasks, key=lambda t: t.id):
        if t.doc_id is None:
            continue
        if t.doc_id in first:
            twice[t.doc_id] = None
        else:
            first[t.doc_id] = t
    return first, tuple(twice)


def _changed_texts(docs: Sequence[Document], on_server: Mapping[str, TaskRef]) -> list[Problem]:
    problems = []
    for doc in docs:
        task = on_server.get(doc.id)
        if task is not None and task.text_sha256 != text_sha256(doc.text):
            problems.append(
                Problem(
                    doc.where,
                    f"is already task {task.id} with a different text; annotations on it would no longer fit. "
                    f"Push the new text under a new id, or delete task {task.id} in Label Studio first",
                    doc.id,
                )
            )
    return problems


def check_predictions(
    predictions: Sequence[Document],
    schema: Schema,
    *,
    texts: Mapping[str, str],
    on_server: Mapping[str, TaskRef],
) -> list[Problem]:
    """Problems with pre-annotations: schema, offsets, and a text that is not the task's text."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for pred in predictions:
        if pred.id in seen:
            problems.append(Problem(pred.where, "appears twice in the predictions; keep one", pred.id))
        seen.add(pred.id)
        problems += document_problems(pred, schema)
        if pred.id in texts:
            same = texts[pred.id] == pred.text
        elif pred.id in on_server:
            same = on_server[pred.id].text_sha256 == text_sha256(pred.text)
        else:
            problems.append(Problem(pred.where, "has no task: push its text first (add it to the sources)", pred.id))
            continue
        if not same:
            message = "its text differs from the task's text; its offsets would not fit"
            problems.append(Problem(pred.where, message, pred.id))
    return problems


# --- sending, safe to retry ----------------------------------------------------------------


@dataclass(slots=True)
class _Sender:
    """Sends batches; after an uncertain failure, asks the server what is still missing."""

    retries: int
    backoff: float
    progress: Progress
    retried: int = 0

    def send(
        self,
        what: str,
        items: Sequence[T],
        batch_size: int,
        send: Callable[[list[T]], object],
        missing: Callable[[list[T]], list[T]],
    ) -> int:
        """Send ``items`` in batches; returns how many are on the server now that were not before."""
        done = 0
        if not items:
            return 0
        self.progress(what, 0, len(items))
        for start in range(0, len(items), batch_size):
            batch = list(items[start : start + batch_size])
            size = len(batch)
            for attempt in range(self.retries + 1):
                try:
                    send(batch)
                    break
                except TransientError as exc:
                    if attempt == self.retries:
                        raise ServerError(
                            f"{exc}; gave up after {counted(self.retries + 1, 'try', 'tries')} with {done} of "
                            f"{len(items)} {what} sent"
                        ) from None
                    self.retried += 1
                    time.sleep(self.backoff * 2**attempt)
                    batch = missing(batch)  # the failed request may have gone through
                    if not batch:
                        break
            done += size
            self.progress(what, done, len(items))
        return done


def check_push_options(
    *, batch_size: int, as_annotations: bool, ground_truth: bool, predictions: bool, model_version: str | None
) -> None:
    """Options that do not fit together: refused before any file is read or the server is asked."""
    if batch_size < 1:
        raise UsageError(f"--batch-size {batch_size}: must be at least 1")
    if ground_truth and not as_annotations:
        raise UsageError("--ground-truth only applies with --as-annotations")
    if predictions and not model_version:
        raise UsageError("--predictions needs --model-version (it tells this run's predictions from others)")


def push(
    client: Client,
    documents: Sequence[Document],
    *,
    project: str,
    schema: Schema,
    predictions: Sequence[Document] = (),
    model_version: str | None = None,
    as_annotations: bool = False,
    ground_truth: bool = False,
    update_config: bool = False,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    retries: int = 3,
    backoff: float = 0.5,
    progress: Progress | None = None,
) -> PushSummary:
    """Make sure every document is a task of ``project`` (created when missing), once.

    With ``predictions`` (documents with the same ids and texts), each task without a
    prediction of ``model_version`` gets one. With ``as_annotations``, the documents' own
    entities and events are stored as annotations on tasks that have none (marked ground
    truth with ``ground_truth``).
    """
    note = progress or (lambda what, done, total: None)
    check_push_options(
        batch_size=batch_size,
        as_annotations=as_annotations,
        ground_truth=ground_truth,
        predictions=bool(predictions),
        model_version=model_version,
    )
    problems = [p for doc in documents for p in document_problems(doc, schema)] if as_annotations else []
    if problems:
        raise ValidationError(problems)

    found = resolve_project(client, project)
    title = found.title if found else project
    replace_config = found is not None and _check_config(found, schema, update=update_config)
    tasks = client.list_tasks(found.id, with_model_versions=bool(predictions)) if found else []
    on_server, duplicates = _by_doc_id(tasks)
    problems = _changed_texts(documents, on_server)
    texts = {d.id: d.text for d in documents}
    problems += check_predictions(predictions, schema, texts=texts, on_server=on_server)
    if problems:
        raise ValidationError(problems)

    pending = [d for d in documents if d.id not in on_server]
    has_version = {doc_id for doc_id, t in on_server.items() if model_version in t.model_versions}
    wanted_predictions = [p for p in predictions if p.id not in has_version]
    unannotated = [d for d in documents if d.id not in on_server or on_server[d.id].annotations == 0]
    base = PushSummary(
        project_id=found.id if found else None,
        project_title=title,
        dry_run=dry_run,
        project_created=found is None,
        config_updated=replace_config,
        documents=len(documents),
        created=len(pending),
        skipped=len(documents) - len(pending),
        predictions_created=len(wanted_predictions),
        predictions_skipped=len(predictions) - len(wanted_predictions),
        annotations_created=len(unannotated) if as_annotations else 0,
        annotations_skipped=len(documents) - len(unannotated) if as_annotations else 0,
        duplicate_doc_ids=duplicates,
    )
    if dry_run:
        return base

    try:
        return _send_all(
            client,
            documents,
            base,
            found,
            schema=schema,
            pending=pending,
            predictions=wanted_predictions,
            model_version=model_version or "",
            as_annotations=as_annotations,
            ground_truth=ground_truth,
            batch_size=batch_size,
            retries=retries,
            backoff=backoff,
            progress=note,
        )
    except ServerError as exc:  # given up, or the server died part-way: what was sent stays sent
        raise ServerError(
            f"{exc}. Run the same push again once the server answers: it resumes where it stopped "
            "(what arrived is skipped, nothing is duplicated)"
        ) from None


def _send_all(
    client: Client,
    documents: Sequence[Document],
    base: PushSummary,
    found: Project | None,
    *,
    schema: Schema,
    pending: Sequence[Document],
    predictions: Sequence[Document],
    model_version: str,
    as_annotations: bool,
    ground_truth: bool,
    batch_size: int,
    retries: int,
    backoff: float,
    progress: Progress,
) -> PushSummary:
    """The writes of ``push`` as ``base`` planned them: project, tasks, predictions, annotations."""
    if found is None:
        found = _create_project_once(client, base.project_title, labeling_config(schema))
    elif base.config_updated:
        found = client.update_label_config(found.id, labeling_config(schema))
    pid = found.id
    sender = _Sender(retries, backoff, progress)

    def tasks_missing(batch: list[Document]) -> list[Document]:
        now, _ = _by_doc_id(client.list_tasks(pid))
        return [d for d in batch if d.id not in now]

    def import_batch(batch: list[Document]) -> list[int]:
        return client.import_tasks(pid, [document_to_task(d) for d in batch])

    created = sender.send("tasks", pending, batch_size, import_batch, tasks_missing)
    removed, kept = _remove_duplicates(client, pid, {d.id for d in pending}) if pending else (0, ())
    made_predictions = 0
    if predictions:
        made_predictions = _push_predictions(client, pid, predictions, schema, model_version, sender, batch_size)
    made_annotations = skipped_annotations = 0
    if as_annotations:
        made_annotations, skipped_annotations = store_annotations(
            client, pid, documents, schema, ground_truth=ground_truth, retries=retries, backoff=backoff,
            progress=progress,
        )
    # Duplicates a concurrent push is still making are its to remove (it lists after its own
    # imports), so only those found at the start and those kept for their annotations are reported.
    final_duplicates = tuple(dict.fromkeys((*base.duplicate_doc_ids, *kept)))
    if sender.retried:  # a retried write may have made one
        final_duplicates = _by_doc_id(client.list_tasks(pid))[1]
    return PushSummary(
        project_id=pid,
        project_title=found.title,
        dry_run=False,
        project_created=base.project_created,
        config_updated=base.config_updated,
        documents=len(documents),
        created=created,
        skipped=base.skipped,
        predictions_created=made_predictions,
        predictions_skipped=base.predictions_created + base.predictions_skipped - made_predictions,
        annotations_created=made_annotations,
        annotations_skipped=skipped_annotations,
        retries=sender.retried,
        duplicates_removed=removed,
        duplicate_doc_ids=final_duplicates,
    )


def _create_project_once(client: Client, title: str, label_config: str) -> Project:
    """Create the project, then keep the lowest-id project with this title and delete every
    other one that is still empty: ours when a concurrent push was quicker, or a racer's that
    it has not deleted yet. Every racer applies the same rule, so they agree on one project,
    and the one that lists last leaves no empty copy behind."""
    made = client.create_project(title, label_config)
    same = sorted(client.find_projects(title), key=lambda p: p.id)
    keep = same[0] if same else made
    for p in same[1:]:
        if p.id == made.id or p.task_count == 0:
            client.delete_project(p.id, missing_ok=True)
    return keep


def _remove_duplicates(client: Client, pid: int, imported: set[str]) -> tuple[int, tuple[str, ...]]:
    """Of the tasks of each document this run imported, keep the lowest task id and delete the
    others that have no annotation (made by a concurrent push of the same documents).
    Returns how many were deleted and the documents left with an annotated extra task; see the
    module docstring for why the racers converge."""
    groups: dict[str, list[TaskRef]] = {}
    for t in client.list_tasks(pid):
        if t.doc_id in imported:
            groups.setdefault(t.doc_id, []).append(t)
    extra: list[int] = []
    kept: list[str] = []
    for doc_id, group in groups.items():
        for t in sorted(group, key=lambda t: t.id)[1:]:
            if t.annotations == 0:
                extra.append(t.id)
            elif doc_id not in kept:
                kept.append(doc_id)
    if extra:
        client.delete_tasks(pid, extra)
    return len(extra), tuple(kept)


def _push_predictions(
    client: Client,
    pid: int,
    predictions: Sequence[Document],
    schema: Schema,
    model_version: str,
    sender: _Sender,
    batch_size: int,
) -> int:
    """Attach predictions to their tasks (which exist now), skipping tasks that have this version."""
    tasks, _ = _by_doc_id(client.list_tasks(pid, with_model_versions=True))
    todo = [
        PredictionIn(tasks[p.id].id, tuple(document_to_results(p, schema)), model_version)
        for p in predictions
        if model_version not in tasks[p.id].model_versions
    ]

    def missing(batch: list[PredictionIn]) -> list[PredictionIn]:
        now = {t.id: t.model_versions for t in client.list_tasks(pid, with_model_versions=True)}
        return [p for p in batch if model_version not in now.get(p.task_id, frozenset())]

    return sender.send("predictions", todo, batch_size, lambda b: client.import_predictions(pid, b), missing)


def store_annotations(
    client: Client,
    project_id: int,
    documents: Sequence[Document],
    schema: Schema,
    *,
    ground_truth: bool = False,
    retries: int = 3,
    backoff: float = 0.5,
    progress: Progress | None = None,
) -> tuple[int, int]:
    """Store each document's entities and events as an annotation on its task, through the
    annotations API, as the web editor does when an annotator submits. Tasks that already have
    an annotation are left alone. Returns (created, skipped)."""
    converted = {doc.id: document_results(doc, schema) for doc in documents}
    problems = [p for _, found in converted.values() for p in found]
    if problems:
        raise ValidationError(problems)
    tasks, _ = _by_doc_id(client.list_tasks(project_id))
    missing_tasks = [d for d in documents if d.id not in tasks]
    if missing_tasks:
        raise ValidationError(
            [Problem(d.where, f"has no task in project {project_id}; push it first", d.id) for d in missing_tasks]
        )
    problems = _changed_texts(documents, tasks)
    if problems:
        raise ValidationError(problems)
    # The task list's annotation counter was seen to lag behind a re-push made right after the
    # first one, so a task it calls unannotated is asked directly before it gets an annotation.
    todo = [
        (tasks[d.id].id, converted[d.id][0])
        for d in documents
        if tasks[d.id].annotations == 0 and client.annotation_count(tasks[d.id].id) == 0
    ]
    sender = _Sender(retries, backoff, progress or (lambda what, done, total: None))

    def send(batch: list[tuple[int, list[dict[str, Any]]]]) -> None:
        for task_id, result in batch:
            client.create_annotation(task_id, result, ground_truth=ground_truth)

    def missing(batch: list[tuple[int, list[dict[str, Any]]]]) -> list[tuple[int, list[dict[str, Any]]]]:
        return [item for item in batch if client.annotation_count(item[0]) == 0]

    created = sender.send("annotations", todo, 1, send, missing)
    return created, len(documents) - len(todo)
