"""``evaluate --slice-by`` through the command: slice gate paths (exit 0 and 1), the slice
tables of the table, Markdown and HTML renderings, and bad slices (exit 2, nothing written).

Gold is the quickstart (examples/quickstart): three documents, two from kazinform, one from
tass; the quickstart predictions score strict F1 0.500 on the tass document.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eval.cli import app
from eval.pipeline import Options, evaluate

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "examples" / "quickstart" / "gold.jsonl"
PRED = ROOT / "examples" / "quickstart" / "pred.jsonl"


def run(*args: object) -> tuple[int, str, str]:
    r = CliRunner().invoke(app, [str(a) for a in args])
    return r.exit_code, r.stdout, r.stderr


def _tass_f1() -> float:
    report = evaluate(GOLD, PRED, options=Options(slice_by=("meta.source",))).report
    assert report.slices is not None
    from eval.counts import Scheme

    return report.slices["meta.source"]["tass"].micro[Scheme.STRICT].metrics.f1


def test_slice_floor_met_exits_0_and_missed_exits_1() -> None:
    f1 = _tass_f1()
    assert 0.0 < f1 < 1.0
    path = "slices.meta.source.tass.strict.f1"
    code, out, err = run(GOLD, PRED, "--slice-by", "meta.source", "--fail-under", f"{path}={f1:.4f}", "-f", "json")
    assert code == 0, err
    (check,) = json.loads(out)["gate"]["checks"]
    assert check["metric"] == path and check["value"] == f1 and check["passed"] is True
    code, out, _ = run(GOLD, PRED, "--slice-by", "meta.source", "--fail-under", f"{path}={f1 + 0.05:.4f}", "-f", "json")
    assert code == 1
    assert json.loads(out)["gate"]["passed"] is False


def test_slice_label_and_cross_product_paths_resolve() -> None:
    from eval.counts import Scheme

    report = evaluate(GOLD, PRED, options=Options(slice_by=("meta.source",))).report
    crossed = evaluate(GOLD, PRED, options=Options(slice_by=("meta.source", "length:2"))).report
    assert report.slices is not None and crossed.slices is not None
    (tass,) = [v for v in crossed.slices["meta.source&length:2"] if v.startswith("tass&")]
    gpe = report.slices["meta.source"]["kazinform"].labels["GPE"][Scheme.STRICT].metrics.recall
    paths = ["slices.meta.source.kazinform.labels.GPE.strict.recall", f"slices.meta.source&length:2.{tass}.exact.f1"]
    floors = ",".join(f"{p}=0" for p in paths)
    code, out, err = run(GOLD, PRED, "--slice-by", "meta.source", "--fail-under", floors, "-f", "json")
    assert code == 1, err  # the cross-product path is not in a report sliced by meta.source alone
    checks = {c["metric"]: c for c in json.loads(out)["gate"]["checks"]}
    assert checks["slices.meta.source.kazinform.labels.GPE.strict.recall"]["value"] == gpe
    assert checks[paths[1]]["value"] is None
    args = ["--slice-by", "meta.source", "--slice-by", "length:2", "--fail-under", floors, "-f", "json"]
    code, out, err = run(GOLD, PRED, *args)
    assert code == 1  # now the label path is the missing one (only the cross product is reported)
    checks = {c["metric"]: c for c in json.loads(out)["gate"]["checks"]}
    exact = crossed.slices["meta.source&length:2"][tass].micro[Scheme.EXACT].metrics.f1
    assert checks[paths[1]]["value"] == exact and checks[paths[0]]["value"] is None


def test_unknown_slice_value_fails_the_gate_as_missing() -> None:
    floor = "slices.meta.source.reuters.strict.f1=0.1"
    code, out, _ = run(GOLD, PRED, "--slice-by", "meta.source", "--fail-under", floor, "-f", "json")
    assert code == 1
    (check,) = json.loads(out)["gate"]["checks"]
    assert check["value"] is None and "missing from the report" in check["message"]


@pytest.mark.parametrize("fmt", ["table", "markdown", "html"])
def test_renderings_show_the_slice_table(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"report.{fmt}"
    code, _, err = run(GOLD, PRED, "--slice-by", "meta.source", "-f", fmt, "-o", out)
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    assert "Slices by meta.source (strict)" in text
    assert "kazinform" in text and "tass" in text
    if fmt == "html":
        assert 'aria-label="precision, recall and F1 per slice of meta.source"' in text


def test_bootstrap_intervals_of_slices_in_the_table() -> None:
    code, out, err = run(GOLD, PRED, "--slice-by", "meta.source", "--bootstrap", "100", "-f", "json")
    assert code == 0, err
    intervals = json.loads(out)["intervals"]
    assert {"slices.meta.source.tass.strict.f1", "slices.meta.source.kazinform.type.recall"} <= set(intervals)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--slice-by", "length:zero"], "length takes a number of groups"),
        (["--slice-by", "date:fortnight"], "is not a date unit"),
        (["--slice-by", "meta.source", "--fail-under", "slices.meta.source.tass.f1=0.5"], "is not a metric path"),
        (["--slice-by", "meta.source", "--level", "document"], "--slice-by needs --level mention"),
    ],
)
def test_bad_slices_exit_2_with_one_line_and_write_nothing(args: list[str], words: str, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    code, _, err = run(GOLD, PRED, *args, "-f", "json", "-o", out)
    assert code == 2
    assert words in err and "Traceback" not in err
    assert not out.exists()


def test_bad_date_names_the_gold_line(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    lines = GOLD.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[1])
    record["meta"]["date"] = "last Thursday"
    gold.write_text("\n".join([lines[0], json.dumps(record), lines[2]]) + "\n", encoding="utf-8")
    code, _, err = run(gold, PRED, "--slice-by", "date:month")
    assert code == 2
    assert f"{gold}:2" in err and "brief-002" in err and "not an ISO 8601 date" in err
