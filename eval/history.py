"""Run history: one JSON line per evaluation run, read back as typed rows, and a trend plot.

A line holds the time (ISO-8601, UTC), the git commit of the working directory, the gold set's
sha256, the model name, and the report's micro precision/recall/F1 under their metric paths
(``eval.gate``). The format is documented in ``docs/statistics.md``. matplotlib is imported only
by ``plot_history``.
"""

from __future__ import annotations

import enum
import math
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from .errors import FormatError, Location, UsageError, plural, quote
from .gate import gold_sha256, micro_metrics
from .io import atomic_write
from .limits import json_problem

HISTORY_FORMAT = "goldbench.history/1"


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One run: when, on which commit and gold set, which model, and its headline metrics."""

    time: datetime
    commit: str | None
    gold_sha256: str | None
    model: str | None
    metrics: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": HISTORY_FORMAT,
            "time": _iso(self.time),
            "commit": self.commit,
            "gold_sha256": self.gold_sha256,
            "model": self.model,
            "metrics": self.metrics,
        }

    def line(self) -> bytes:
        """The row as one JSONL line, with its newline."""
        return orjson.dumps(self.as_dict()) + b"\n"


class XAxis(enum.Enum):
    """What the trend plot's x axis counts."""

    RUN = "run"  # runs in file order, 1, 2, 3, ...
    TIME = "time"  # the runs' times


def append_history(
    path: str | Path,
    report_json: Mapping[str, Any],
    *,
    model: str | None,
    when: datetime | None = None,
    commit: str | None = None,
) -> HistoryRow:
    """Append one line for this run to ``path`` (created if needed) and return it.

    ``when`` defaults to now (a naive time is taken as UTC); ``commit`` defaults to
    ``git rev-parse HEAD`` of the working directory, None outside a repository.
    """
    row = history_row(report_json, model=model, when=when, commit=commit)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "ab") as f:
        f.write(row.line())
    return row


def history_row(
    report_json: Mapping[str, Any],
    *,
    model: str | None,
    when: datetime | None = None,
    commit: str | None = None,
) -> HistoryRow:
    """The history row of this run (``append_history`` without the writing)."""
    return HistoryRow(
        time=_utc(when if when is not None else datetime.now(UTC)),
        commit=commit if commit is not None else current_commit(),
        gold_sha256=gold_sha256(report_json),
        model=model,
        metrics=micro_metrics(report_json),
    )


def read_history(path: str | Path) -> list[HistoryRow]:
    """The rows of a history file in order; blank lines are skipped, a bad line is a FormatError."""
    p = Path(path)
    if p.is_dir():
        raise FormatError(f"{p}: is a folder; pass the history file (JSONL) written by `evaluate --history FILE`")
    if not p.is_file():
        raise FormatError(f"{p}: no such history file; `evaluate --history {p}` creates it")
    rows: list[HistoryRow] = []
    with open(p, "rb") as f:
        for number, line in enumerate(f, start=1):
            if line.strip():
                rows.append(_row(line, Location.of(p, number)))
    return rows


def current_commit(cwd: str | Path | None = None) -> str | None:
    """The commit checked out in ``cwd`` (default: the working directory), or None."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    sha = done.stdout.strip()
    return sha if done.returncode == 0 and sha else None


def history_series(rows: Sequence[HistoryRow], metrics: Sequence[str]) -> dict[str, list[float]]:
    """Metric -> one value per row (NaN where a run lacks it); a metric in no row is a UsageError."""
    if not rows:
        raise UsageError("the history has no runs to plot")
    if not metrics:
        raise UsageError("name at least one metric to plot, e.g. entities.strict.f1")
    series = {m: [r.metrics.get(m, math.nan) for r in rows] for m in metrics}
    absent = [m for m, values in series.items() if all(math.isnan(v) for v in values)]
    if absent:
        known = sorted({m for r in rows for m in r.metrics})
        raise UsageError(f"no run in the history has {', '.join(absent)}; it has {', '.join(known)}")
    return series


def plot_history(
    rows: Sequence[HistoryRow],
    out_png: str | Path,
    *,
    metrics: Sequence[str],
    x: XAxis = XAxis.RUN,
) -> None:
    """Draw one labelled line per metric over the runs and write a PNG (Agg, no display)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    series = history_series(rows, metrics)
    fig = Figure(figsize=(8, 4.5), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    xs: list[Any] = [r.time for r in rows] if x is XAxis.TIME else list(range(1, len(rows) + 1))
    for metric, values in series.items():
        ax.plot(xs, values, marker="o", label=metric)
    ax.set_xlabel("time (UTC)" if x is XAxis.TIME else "run")
    ax.set_ylabel("score")
    ax.set_title(f"goldbench history: {plural(len(rows), 'run')}")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    if x is XAxis.RUN:
        ax.set_xticks(xs)
    else:
        fig.autofmt_xdate()
    with atomic_write(out_png, "wb") as f:
        fig.savefig(f, format="png", dpi=100)


def _row(line: bytes, where: Location) -> HistoryRow:
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise FormatError(f"{where}: not valid JSON ({json_problem(exc)}); remove or fix the line") from None
    if not isinstance(data, dict):
        raise FormatError(f"{where}: a history line must be a JSON object")
    if data.get("format", HISTORY_FORMAT) != HISTORY_FORMAT:
        raise FormatError(f"{where}: unknown history format {quote(data.get('format'))}; expected {HISTORY_FORMAT}")
    try:
        time = _utc(datetime.fromisoformat(data["time"]))
    except (KeyError, TypeError, ValueError):
        raise FormatError(
            f"{where}: 'time' must be an ISO-8601 time such as 2024-05-01T12:00:00Z, got {quote(data.get('time'))}"
        ) from None
    metrics = data.get("metrics")
    if not isinstance(metrics, dict) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in metrics.values()
    ):
        raise FormatError(f"{where}: 'metrics' must be an object of metric path -> number")
    fields = {k: data.get(k) for k in ("commit", "gold_sha256", "model")}
    for key, value in fields.items():
        if value is not None and not isinstance(value, str):
            raise FormatError(f"{where}: {quote(key)} must be a string or null, got {quote(value)}")
    return HistoryRow(
        time=time,
        commit=fields["commit"],
        gold_sha256=fields["gold_sha256"],
        model=fields["model"],
        metrics={k: float(v) for k, v in metrics.items()},
    )


def _utc(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _iso(when: datetime) -> str:
    return _utc(when).isoformat().replace("+00:00", "Z")
