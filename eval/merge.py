"""``evaluate merge PART.json ...``: the JSON reports of shards of one corpus as one report.

Every count of a report is a sum over documents, so the reports of disjoint shards scored under
the same settings add up: the micro and per-label counts of every scheme, the event counts by
metric, type and role, and the confusion matrix. Precision, recall, F1 and the macro averages
are computed again from the sums, so the merged report equals the report of the whole corpus
(tests/eval/test_merge_shards.py). What is made of the whole corpus cannot be summed and is
left out, with a note saying so: error cases (capped per shard), intervals and comparisons
(per-document statistics), slices, thresholds, grounding, gate and run. Per-document scores
(``--per-document``) are joined, each document being in one shard.

Refused (exit 2): a file that is not a goldbench report, parts scored under other settings,
levels or schemes, and the same gold shard twice (equal gold sha256).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .counts import PRF, Counts, Metrics, Scheme, add_by_key
from .errors import FormatError, UsageError, quote
from .report import Confusion, EntityScores, EventScores, Level, Report, Settings, Source

__all__ = ["merge_reports", "read_part"]

LEFT_OUT = {  # report sections a merge cannot sum, and why
    "errors": "error cases",
    "event_errors": "event error cases",
    "intervals": "intervals",
    "comparison": "comparisons",
    "slices": "slices",
    "thresholds": "thresholds",
    "grounding": "grounding counts",
    "gate": "the gate",
    "run": "run information",
}


def merge_reports(paths: Sequence[str | Path]) -> Report:
    """One report of the shard reports at ``paths`` (JSON written by ``evaluate --format json``)."""
    if len(paths) < 2:
        raise UsageError("give at least two shard reports to merge")
    parts = [read_part(p) for p in paths]
    first = parts[0]
    seen: dict[str, str] = {}
    for part in parts:
        for what, same in (
            ("level", part["level"] == first["level"]),
            ("schemes", part["schemes"] == first["schemes"]),
            ("settings", _compared(part["settings"]) == _compared(first["settings"])),
        ):
            if not same:
                raise UsageError(
                    f"{part['path']}: scored with other {what} than {first['path']}; "
                    "merge only shards scored with the same options"
                )
        sha = part["gold"].sha256
        if sha in seen:
            raise UsageError(
                f"{part['path']}: the same gold shard as {seen[sha]} (sha256 {sha[:12]}…); give each shard once"
            )
        seen[sha] = part["path"]
    schemes: tuple[Scheme, ...] = first["schemes"]
    micro: dict[Scheme, Counts] = {}
    labels: dict[str, dict[Scheme, Counts]] = {}
    for part in parts:
        micro = add_by_key(micro, part["micro"])
        for label, by_scheme in part["labels"].items():
            labels[label] = add_by_key(labels.get(label, {}), by_scheme)
    labels = dict(sorted(labels.items()))
    documents = _documents(parts)
    macro = {s: Metrics.mean([by[s].metrics for by in labels.values() if s in by]) for s in schemes}
    left_out = sorted({LEFT_OUT[k] for part in parts for k in part["left_out"]})
    if documents is None and any(part["documents"] is not None for part in parts):
        left_out.append("per-document scores (not in every shard)")
    notes = [f"{Path(part['path']).name}: {note}" for part in parts for note in part["notes"]]
    names = ", ".join(Path(part["path"]).name for part in parts)
    notes.insert(0, f"merged from {len(parts)} shard reports ({names}); counts summed, ratios recomputed")
    if left_out:
        notes.insert(1, f"not merged (made of a whole shard, not summable): {', '.join(left_out)}")
    return Report(
        gold=_joined([part["gold"] for part in parts]),
        predictions=_joined([part["predictions"] for part in parts]),
        entities=EntityScores(micro, macro, labels, documents),
        level=first["level"],
        schemes=schemes,
        events=_events([part["events"] for part in parts]),
        notes=tuple(notes),
        confusion=_confusion([part["confusion"] for part in parts]),
        settings=first["settings"],
    )


def read_part(path: str | Path) -> dict[str, Any]:
    """A shard report as typed pieces (counts, sources, settings); a FormatError naming the file
    and the key when it is not a whole goldbench report."""
    from .render.json import SETTINGS_KEYS, read_report

    data = read_report(path)
    try:
        entities = data["entities"]
        schemes = tuple(Scheme(k) for k in entities["micro"])
        settings = data["settings"]
        return {
            "path": str(path),
            "level": Level(data["level"]),
            "schemes": schemes,
            "settings": Settings(**{k: settings[k] for k in SETTINGS_KEYS}),
            "gold": _source(data["gold"]),
            "predictions": _source(data["predictions"]),
            "micro": _counts(entities["micro"]),
            "labels": {label: _counts(by) for label, by in entities["labels"].items()},
            "events": _event_scores(data["events"]) if "events" in data else None,
            "confusion": _cells(data["confusion"]) if "confusion" in data else None,
            "documents": (
                {d: _counts(by) for d, by in entities["documents"].items()} if "documents" in entities else None
            ),
            "notes": [str(n) for n in data.get("notes", [])],
            "left_out": [k for k in LEFT_OUT if data.get(k)],
        }
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise FormatError(
            f"{path}: malformed goldbench report ({type(exc).__name__}: {exc}); "
            "regenerate it with `evaluate --format json`"
        ) from None


def _compared(settings: Settings) -> dict[str, Any]:
    """The settings two reports must share (the gate's rule: a label map by its sha256)."""
    return {k: getattr(settings, k) for k in settings.__dataclass_fields__ if k not in Settings.NOT_COMPARED}


def _source(node: Mapping[str, Any]) -> Source:
    return Source(str(node["path"]), str(node["sha256"]), _count(node["documents"], "documents"))


def _count(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{what} is {quote(value)}, not a count")
    return value


def _counts(by_scheme: Mapping[str, Any]) -> dict[Scheme, Counts]:
    out = {}
    for name, c in by_scheme.items():
        scheme = Scheme(name)
        n = {k: _count(c[k], f"{name}.{k}") for k in ("correct", "incorrect", "partial", "missed", "spurious")}
        out[scheme] = Counts(**n, half_credit=scheme.half_credit)
    return out


def _prf(by_metric: Mapping[str, Any]) -> dict[str, PRF]:
    return {m: PRF(*(_count(c[k], f"{m}.{k}") for k in ("tp", "fp", "fn"))) for m, c in by_metric.items()}


def _event_scores(node: Mapping[str, Any]) -> EventScores:
    return EventScores(
        _prf(node["micro"]),
        {t: _prf(by) for t, by in node["types"].items()},
        {r: _prf(by) for r, by in node["roles"].items()},
    )


def _events(parts: list[EventScores | None]) -> EventScores | None:
    present = [p for p in parts if p is not None]
    if not present:
        return None
    micro: dict[str, PRF] = {}
    types: dict[str, dict[str, PRF]] = {}
    roles: dict[str, dict[str, PRF]] = {}
    for p in present:
        micro = add_by_key(micro, p.micro)
        for into, more in ((types, p.types), (roles, p.roles)):
            for name, by in more.items():
                into[name] = add_by_key(into.get(name, {}), by)
    return EventScores(micro, dict(sorted(types.items())), dict(sorted(roles.items())))


def _cells(node: Mapping[str, Any]) -> Counter[tuple[str, str]]:
    """A confusion block as counts by (gold label, predicted label)."""
    axis = [str(x) for x in node["labels"]]
    matrix = node["matrix"]
    if len(matrix) != len(axis) or any(len(row) != len(axis) for row in matrix):
        raise ValueError(f"confusion matrix is not {len(axis)}x{len(axis)}")
    cells: Counter[tuple[str, str]] = Counter()
    for g, row in zip(axis, matrix, strict=True):
        for q, n in zip(axis, row, strict=True):
            cells[g, q] += _count(n, "a confusion cell")
    return cells


def _confusion(parts: list[Counter[tuple[str, str]] | None]) -> Confusion | None:
    """The matrices summed by (gold label, predicted label); absent when a shard has none."""
    if not parts or any(p is None for p in parts):
        return None
    cells: Counter[tuple[str, str]] = Counter()
    for p in parts:
        assert p is not None
        cells.update(p)
    names = sorted({x for key in cells for x in key} - {Confusion.NONE})
    axis = [*names, Confusion.NONE]
    return Confusion(tuple(axis), tuple(tuple(cells.get((g, q), 0) for q in axis) for g in axis))


def _documents(parts: list[dict[str, Any]]) -> dict[str, dict[Scheme, Counts]] | None:
    """The per-document scores of every shard (``--per-document``), joined: a document is in
    one shard only (a shard's gold ids are unique, and a document in two shards is refused)."""
    if any(part["documents"] is None for part in parts):
        return None
    out: dict[str, dict[Scheme, Counts]] = {}
    owner: dict[str, str] = {}
    for part in parts:
        for doc_id, by_scheme in part["documents"].items():
            if doc_id in owner:
                raise UsageError(
                    f"{part['path']}: document {quote(doc_id)} is also in {owner[doc_id]}; "
                    "shards must not share documents"
                )
            owner[doc_id] = part["path"]
            out[doc_id] = by_scheme
    return dict(sorted(out.items()))


def _joined(sources: list[Source]) -> Source:
    """The shards' files as one source: the paths listed, a sha256 of their sha256s in order."""
    digest = hashlib.sha256("\n".join(s.sha256 for s in sources).encode()).hexdigest()
    return Source(" + ".join(s.path for s in sources), digest, sum(s.documents for s in sources))
