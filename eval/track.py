"""Model-quality tracking on top of one scored run: intervals, paired comparison, the gate.

``track`` takes the ``Outcome`` of ``eval.pipeline.evaluate`` and returns the report with
``intervals`` (``--bootstrap``), ``comparison`` (``--against``), ``baseline`` metric values and
the ``gate`` (``--fail-under``/``--max-drop``) filled in. Pure: it reads the baseline file and
nothing else.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from .errors import UsageError
from .pipeline import Outcome
from .report import Interval, Report


@dataclass(frozen=True, slots=True)
class TrackOptions:
    baseline: str | None = None
    fail_under: tuple[str, ...] = ()
    fail_over: tuple[str, ...] = ()
    max_drop: tuple[str, ...] = ()
    bootstrap: int = 0
    seed: int = 0
    samples_for_comparison: int = 1000

    @property
    def gates(self) -> bool:
        return bool(self.fail_under or self.fail_over or self.max_drop)


@dataclass(frozen=True, slots=True)
class GateInputs:
    """The gate options parsed and the baseline read: what ``track`` needs besides the scores."""

    fail_under: dict[str, float]
    fail_over: dict[str, float]
    max_drop_default: float | None
    max_drop: dict[str, float]
    baseline_json: dict[str, Any] | None


def gate_inputs(options: TrackOptions) -> GateInputs:
    """Parse ``--fail-under``/``--fail-over``/``--max-drop`` and read ``--baseline``; the CLI
    calls this before reading the corpus, so a typo in an option costs no scoring time."""
    from .gate import parse_max_drop, parse_thresholds
    from .render.json import read_report

    if options.bootstrap < 0:
        raise UsageError("--bootstrap takes a number of resamples >= 0")
    default, per_metric = parse_max_drop(list(options.max_drop)) if options.max_drop else (None, {})
    fail_under = parse_thresholds(list(options.fail_under), option="--fail-under") if options.fail_under else {}
    fail_over = parse_thresholds(list(options.fail_over), option="--fail-over") if options.fail_over else {}
    baseline_json = read_report(options.baseline) if options.baseline else None
    return GateInputs(fail_under, fail_over, default, per_metric, baseline_json)


def track(
    outcome: Outcome, *, options: TrackOptions, against: Outcome | None = None, inputs: GateInputs | None = None
) -> Report:
    """The report of ``outcome`` with statistics, baseline values and gate checks added.

    ``inputs`` is ``gate_inputs(options)`` when already made (it is made here otherwise).
    """
    from .gate import check_settings, run_gate
    from .render.json import flatten_metrics, report_to_dict

    inputs = inputs if inputs is not None else gate_inputs(options)
    report = outcome.report
    changes: dict[str, object] = {}
    if options.bootstrap:
        from .stats import bootstrap_intervals

        intervals = bootstrap_intervals(outcome.doc_stats, samples=options.bootstrap, seed=options.seed)
        if outcome.groups is not None:
            intervals |= slice_intervals(outcome, samples=options.bootstrap, seed=options.seed)
        changes["intervals"] = intervals
    if against is not None:
        from .stats import paired_comparison

        if against.report.gold.sha256 != report.gold.sha256:
            raise UsageError("--against must be scored on the same gold set")
        samples = options.bootstrap or options.samples_for_comparison
        changes["comparison"] = tuple(
            paired_comparison(outcome.doc_stats, against.doc_stats, samples=samples, seed=options.seed)
        )
    baseline_json = inputs.baseline_json
    if baseline_json is not None:
        check_settings(report_to_dict(report), baseline_json, baseline_path=options.baseline)
        changes["baseline"] = flatten_metrics(baseline_json, source=str(options.baseline))
    if options.gates:
        changes["gate"] = run_gate(
            report_to_dict(dataclasses.replace(report, **changes)),  # type: ignore[arg-type]
            fail_under=inputs.fail_under,
            fail_over=inputs.fail_over,
            max_drop_default=inputs.max_drop_default,
            max_drop=inputs.max_drop,
            baseline_json=baseline_json,
            baseline_path=options.baseline,
        )
    return dataclasses.replace(report, **changes) if changes else report  # type: ignore[arg-type]


def slice_intervals(outcome: Outcome, *, samples: int, seed: int) -> dict[str, Interval]:
    """Bootstrap intervals of each slice's micro scores, keyed by slice metric path.

    Each slice resamples its own documents (``slices.<SLICE>.<VALUE>.strict.f1``,
    ``slices.<SLICE>.<VALUE>.events.trigger_classification.f1``).
    """
    from .stats import bootstrap_intervals

    groups = outcome.groups
    assert groups is not None
    out: dict[str, Interval] = {}
    for i, value in enumerate(groups.values):
        rows = groups.codes == i
        prefix = f"slices.{groups.name}.{value}"
        stats = {
            f"{prefix}.{family.removeprefix('entities.')}": array[rows] for family, array in outcome.doc_stats.items()
        }
        out |= bootstrap_intervals(stats, samples=samples, seed=seed)
    return out
