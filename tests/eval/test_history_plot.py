"""Trend plot: one series per metric with gaps for runs that lack it, written as a PNG."""

from __future__ import annotations

import math
import struct
from datetime import UTC, datetime, timedelta

import pytest

from eval.errors import UsageError
from eval.history import HistoryRow, XAxis, history_series, plot_history


def rows() -> list[HistoryRow]:
    start = datetime(2024, 5, 1, tzinfo=UTC)
    values = [0.70, 0.74, 0.73, 0.78]
    out = []
    for i, f1 in enumerate(values):
        metrics = {"entities.strict.f1": f1, "entities.exact.f1": f1 + 0.05}
        if i >= 2:
            metrics["events.trigger_classification.f1"] = f1 - 0.2
        out.append(HistoryRow(start + timedelta(days=i), f"c{i}", "a" * 64, "m", metrics))
    return out


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_series_follow_the_rows_with_gaps():
    series = history_series(rows(), ["entities.strict.f1", "events.trigger_classification.f1"])
    assert series["entities.strict.f1"] == [0.70, 0.74, 0.73, 0.78]
    events = series["events.trigger_classification.f1"]
    assert all(math.isnan(v) for v in events[:2])
    assert events[2:] == pytest.approx([0.53, 0.58])


@pytest.mark.parametrize("x", list(XAxis))
def test_plot_writes_a_png(tmp_path, x):
    out = tmp_path / "plots" / "trend.png"
    plot_history(rows(), out, metrics=["entities.strict.f1", "events.trigger_classification.f1"], x=x)
    assert png_size(out.read_bytes()) == (800, 450)


def test_more_metrics_draw_more_ink(tmp_path):
    one, three = tmp_path / "one.png", tmp_path / "three.png"
    plot_history(rows(), one, metrics=["entities.strict.f1"])
    plot_history(
        rows(), three, metrics=["entities.strict.f1", "entities.exact.f1", "events.trigger_classification.f1"]
    )
    assert one.read_bytes() != three.read_bytes()


def test_unknown_metric_is_a_usage_error_listing_the_known_ones(tmp_path):
    with pytest.raises(UsageError, match=r"entities\.strcit\.f1; it has entities\.exact\.f1"):
        plot_history(rows(), tmp_path / "x.png", metrics=["entities.strict.f1", "entities.strcit.f1"])
    assert not (tmp_path / "x.png").exists()


def test_empty_history_or_no_metric_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="no runs"):
        plot_history([], tmp_path / "x.png", metrics=["entities.strict.f1"])
    with pytest.raises(UsageError, match="at least one metric"):
        plot_history(rows(), tmp_path / "x.png", metrics=[])
