"""A Label Studio JSON export as predictions: the pre-annotations stored in a project.

The file is Label Studio's full JSON export (a list of tasks, as ``annotate pull --export``
reads). Each task with a prediction of the chosen model version is one document: ``data.doc_id``
(or the task id) and ``data.text``, and the prediction's result list converted by
``eval.labelstudio.prediction_record`` (UTF-16 offsets repaired as on pull). The model version
is ``--model-version``, or the only one in the export. A task is located as ``FILE: task ID``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import orjson

from ..errors import FormatError, UsageError, quote
from ..labelstudio import TEXT_NAME, BadResult, prediction_record
from ..model import Document
from . import ReaderSpec, Reading, ReadOptions, Reference, register
from .jsonl import parse_record


def _load(path: Path) -> list[Any]:
    try:
        data = orjson.loads(path.read_bytes())
    except OSError as exc:
        raise FormatError(f"{path}: cannot read it ({exc.strerror}); check the path") from None
    except orjson.JSONDecodeError as exc:
        raise FormatError(f"{path}: not valid JSON ({exc}); pass Label Studio's JSON export") from None
    if not isinstance(data, list):
        raise FormatError(f"{path}: a Label Studio JSON export is a list of tasks, got {type(data).__name__}")
    return data


def _predictions(path: Path, index: int, task: Any) -> tuple[Any, list[dict[str, Any]]]:
    if not isinstance(task, dict) or ("data" not in task and "predictions" not in task):
        raise FormatError(f"{path}: task #{index} is not a task object; pass Label Studio's JSON export")
    task_id = task.get("id", f"#{index}")
    predictions = task.get("predictions") or []
    if isinstance(predictions, list) and predictions and all(type(p) is int for p in predictions):
        raise FormatError(
            f"{path}: task {task_id}: the export lists predictions by id only; export them whole "
            "(serialization option predictions.only_id = false)"
        )
    if not isinstance(predictions, list) or not all(isinstance(p, dict) for p in predictions):
        raise FormatError(f"{path}: task {task_id}: 'predictions' must be a list of objects")
    return task_id, predictions


def _version(path: Path, versions: Counter[str], wanted: str | None) -> str:
    listed = ", ".join(f"{quote(v)} ({n} tasks)" for v, n in sorted(versions.items()))
    if wanted is not None:
        if wanted not in versions:
            raise UsageError(
                f"{path}: no prediction has model version {quote(wanted)}; the export has {listed or 'none'}"
            )
        return wanted
    if not versions:
        raise FormatError(f"{path}: the export holds no predictions; push them with annotate push --predictions")
    if len(versions) > 1:
        raise UsageError(
            f"{path}: the export holds predictions of {len(versions)} model versions ({listed}); "
            "pick one with --model-version"
        )
    return next(iter(versions))


def read_label_studio(path: Path, options: ReadOptions) -> Reading:
    """The predictions of one model version in an export, as documents (and notes)."""
    name = str(path)
    tasks = [(i, *_predictions(path, i, t), t) for i, t in enumerate(_load(path), 1)]
    versions: Counter[str] = Counter()
    for _, _, predictions, _ in tasks:
        versions.update({str(p.get("model_version")) for p in predictions})
    version = _version(path, versions, options.model_version)
    docs: list[Document] = []
    without = repaired = 0
    for index, task_id, predictions, task in tasks:
        chosen = [p for p in predictions if str(p.get("model_version")) == version]
        if not chosen:
            without += 1
            continue
        data = task.get("data")
        text = data.get(TEXT_NAME) if isinstance(data, dict) else None
        if not isinstance(text, str):
            raise FormatError(f"{name}: task {task_id}: data.{TEXT_NAME} is missing or not a string")
        doc_id = data.get("doc_id", task_id) if isinstance(data, dict) else task_id
        pred = max(chosen, key=lambda p: (str(p.get("updated_at") or p.get("created_at") or ""), p.get("id") or 0))
        try:
            record, fixed = prediction_record(str(doc_id), text, pred.get("result"), event_types=options.event_types)
        except BadResult as exc:
            raise FormatError(
                f"{name}: task {task_id} (document {quote(str(doc_id))}), prediction {pred.get('id')} of model version "
                f"{quote(version)}: {exc}; fix the prediction in Label Studio or the file that was pushed"
            ) from None
        repaired += fixed
        docs.append(parse_record(record, name, index))
    notes = []
    if without:
        notes.append(f"{name}: {without} task(s) have no prediction of model version {quote(version)}; not scored")
    if repaired:
        notes.append(f"{name}: {repaired} predicted region(s) had UTF-16 offsets, read as code points")
    return Reading(docs, tuple(notes))


def _read(path: Path, reference: Reference | None, options: ReadOptions) -> Reading:
    return read_label_studio(path, options)


def _detect(path: Path, head: bytes) -> bool:
    return path.suffix.lower() == ".json" and head.lstrip().startswith(b"[")


register(ReaderSpec("label-studio", _read, _detect, "a Label Studio JSON export: the predictions of one model version"))
