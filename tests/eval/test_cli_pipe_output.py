"""Output fit for CI logs: with stdout a pipe the tables keep every column (plain aligned text,
no trailing blanks), COLUMNS is honoured, and --help lists flags without a value."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEXT = "Putin met Tokayev in Astana."
GATE_COLUMNS = ("metric", "check", "threshold", "value", "baseline", "delta", "message")


def _evaluate(*args: str | Path, columns: str | None = None) -> subprocess.CompletedProcess[str]:
    """``evaluate`` in a child process whose stdout is a pipe, as in a CI job."""
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    if columns is not None:
        env["COLUMNS"] = columns
    code = "import sys; from eval.cli import main; sys.argv[0] = 'evaluate'; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, env=env, cwd=ROOT, check=False
    )


@pytest.fixture
def failing_gate(tmp_path: Path) -> list[str | Path]:
    """A gate that fails with a long message: the baseline was scored on another gold set."""
    gold, other = tmp_path / "gold.jsonl", tmp_path / "a-baseline-scored-on-a-different-gold-set.jsonl"
    gold.write_text(json.dumps({"id": "d1", "text": TEXT, "entities": []}) + "\n", encoding="utf-8")
    other.write_text(json.dumps({"id": "d2", "text": TEXT, "entities": []}) + "\n", encoding="utf-8")
    baseline = tmp_path / "baseline-report-of-the-previous-release-of-the-model.json"
    made = _evaluate(other, other, "--format", "json", "--out", baseline)
    assert made.returncode == 0, made.stderr
    return [gold, gold, "--baseline", baseline, "--max-drop", "0.01", "--fail-under", "entities.strict.f1=0.5"]


def test_gate_table_in_a_pipe_keeps_every_column(failing_gate: list[str | Path]) -> None:
    run = _evaluate(*failing_gate)
    assert run.returncode == 1, run.stderr
    lines = run.stdout.splitlines()
    header = next(line for line in lines if "threshold" in line)
    assert all(f" {column}" in header for column in GATE_COLUMNS), header
    drop = next(line for line in lines if "max_drop" in line)
    assert drop.split()[0] == "FAIL" and drop.rstrip().endswith("score the baseline on the same gold set"), drop
    assert "baseline-report-of-the-previous-release-of-the-model.json gold sha256" in drop
    assert len(drop) > 200  # longer than any terminal default, and still one line
    assert all(line == line.rstrip() for line in lines), "trailing blanks"
    assert "" not in lines[:4] and all(a or b for a, b in zip(lines, lines[1:], strict=False)), "blank padding lines"
    assert "\x1b[" not in run.stdout, "colour codes in a pipe"


def test_columns_is_honoured_in_a_pipe(failing_gate: list[str | Path]) -> None:
    run = _evaluate(*failing_gate, columns="100")
    assert run.returncode == 1, run.stderr
    assert max(map(len, run.stdout.splitlines())) <= 100


def test_help_lists_flags_without_a_value() -> None:
    run = _evaluate("--help")
    assert run.returncode == 0
    assert "<bool>" not in run.stdout
    flags = {line.split()[0] for line in run.stdout.splitlines() if line.strip().startswith("--")}
    assert {"--per-document", "--allow-extra", "--help"} <= flags
    per_document = next(line for line in run.stdout.splitlines() if line.strip().startswith("--per-document"))
    assert per_document.split()[1] == "Add"  # the help text follows the flag: it takes no value

