"""The quality gate through the `evaluate` command: exit codes, Markdown, JUnit.

Gold: 25 entities. The baseline extractor finds 20 (5 missed, 5 spurious): strict F1 0.80.
The new one finds 19 (6 missed, 6 spurious): F1 0.76, a drop of 0.04 > --max-drop 0.02.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eval.cli import app

WORDS = [f"w{i:02d}" for i in range(80)]
TEXT = " ".join(WORDS)


def span(i: int) -> dict:
    start = sum(len(w) + 1 for w in WORDS[:i])
    return {"start": start, "end": start + len(WORDS[i]), "label": "ORG"}


def write(path: Path, found: int, spurious: int) -> Path:
    ents = [span(i) for i in range(found)] + [span(50 + i) for i in range(spurious)]
    path.write_text(json.dumps({"id": "d", "text": TEXT, "entities": ents}) + "\n", encoding="utf-8")
    return path


def run(*args: object) -> tuple[int, str, str]:
    r = CliRunner().invoke(app, [str(a) for a in args])
    return r.exit_code, r.stdout, r.stderr


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    gold = write(tmp_path / "gold.jsonl", 25, 0)
    out = {"gold": gold, "tmp": tmp_path}
    for name, found in (("base", 20), ("worse", 19), ("better", 21)):
        out[name] = write(tmp_path / f"{name}.jsonl", found, 25 - found)
    code, _, err = run(gold, out["base"], "--format", "json", "--out", tmp_path / "baseline.json")
    assert code == 0, err
    out["baseline"] = tmp_path / "baseline.json"
    assert json.loads(out["baseline"].read_text())["entities"]["micro"]["strict"]["f1"] == pytest.approx(0.80)
    return out


def test_cli_gate_drop_beyond_budget_fails_and_markdown_shows_it(files: dict[str, Path]) -> None:
    junit = files["tmp"] / "junit.xml"
    code, md, err = run(
        files["gold"], files["worse"], "--baseline", files["baseline"], "--max-drop", "0.02",
        "--format", "markdown", "--junit", junit,
    )  # fmt: skip
    assert code == 1, err
    assert md.index("Failed checks") < md.index("Entities (micro)")  # failed checks come first
    assert "entities.strict.f1" in md and "0.760" in md and "0.800" in md and "▼" in md
    suite = ET.parse(junit).getroot()
    cases = suite.findall(".//testcase")
    assert len(cases) == 1 and len(suite.findall(".//failure")) == 1


def test_cli_gate_improvement_passes(files: dict[str, Path]) -> None:
    code, md, err = run(files["gold"], files["better"], "--baseline", files["baseline"], "--max-drop", "0.02",
                        "--format", "markdown")  # fmt: skip
    assert code == 0, err
    assert "▲" in md and "0.840" in md


def test_cli_gate_missing_metric_fails(files: dict[str, Path]) -> None:
    code, md, _ = run(files["gold"], files["better"], "--fail-under", "events.trigger_classification.f1=0.5",
                      "--format", "markdown")  # fmt: skip
    assert code == 1
    plain = md.replace("\\_", "_")  # Markdown escapes underscores
    assert "events.trigger_classification.f1 | floor" in plain and "missing from the report" in plain


def test_cli_gate_floor_junit_one_testcase_per_check(files: dict[str, Path]) -> None:
    junit = files["tmp"] / "junit.xml"
    code, _, err = run(
        files["gold"], files["base"], "--baseline", files["baseline"],
        "--fail-under", "entities.strict.f1=0.75,entities.exact.f1=0.9", "--max-drop", "0.02", "--junit", junit,
    )  # fmt: skip
    assert code == 1, err  # exact F1 0.80 is under its 0.9 floor
    suite = ET.parse(junit).getroot()
    names = sorted(c.get("name") for c in suite.findall(".//testcase"))
    assert len(names) == 4  # two floors, two max-drop checks (every floor metric gets the budget)
    assert len(suite.findall(".//failure")) == 1


def test_cli_against_paired_comparison(files: dict[str, Path]) -> None:
    code, out, err = run(files["gold"], files["base"], "--against", files["base"], "--format", "json")
    assert code == 0, err
    same = {c["metric"]: c for c in json.loads(out)["comparison"]}["entities.strict.f1"]
    assert same["delta"] == 0 and same["p_bootstrap"] == 1.0 and same["p_randomization"] == 1.0
    many = files["tmp"] / "many.jsonl"
    texts = [TEXT] * 30
    gold = files["tmp"] / "gold30.jsonl"
    gold.write_text("".join(json.dumps({"id": f"d{i}", "text": t, "entities": [span(j) for j in range(25)]}) + "\n"
                            for i, t in enumerate(texts)), encoding="utf-8")  # fmt: skip
    many.write_text("".join(json.dumps({"id": f"d{i}", "text": t, "entities": [span(j) for j in range(10)]}) + "\n"
                            for i, t in enumerate(texts)), encoding="utf-8")  # fmt: skip
    code, out, err = run(gold, many, "--against", gold, "--format", "json", "--seed", "3")
    assert code == 0, err
    better = {c["metric"]: c for c in json.loads(out)["comparison"]}["entities.strict.f1"]
    assert better["delta"] > 0.3 and better["p_randomization"] < 0.05 and better["p_bootstrap"] < 0.05
