"""Every class of bad input: one line naming file:line (or document id), exit 2, no traceback,
nothing written. Also the happy path, warnings that do not stop scoring, and --help speed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eval.cli import app

TEXT = "Putin met Tokayev in Astana."
GOOD = {"id": "d1", "text": TEXT, "entities": [{"start": 0, "end": 5, "label": "PERSON", "text": "Putin"}]}


def write(path: Path, *records: object, raw: str | None = None) -> Path:
    path.write_text(raw if raw is not None else "".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def gold(tmp_path: Path) -> Path:
    return write(tmp_path / "gold.jsonl", GOOD, {"id": "d2", "text": "Nothing here.", "entities": []})


def ent(start: int, end: int, label: str = "PERSON", **extra: object) -> dict:
    return {"start": start, "end": end, "label": label, **extra}


BAD_PREDICTIONS = {
    "invalid_json": (None, '{"id": "d1", "text": ', r"pred\.jsonl:1: not valid JSON"),
    "text_not_a_string": (
        {"id": "d1", "text": 3, "entities": []},
        None,
        r"pred\.jsonl:1: document 'd1': text must be a string",
    ),
    "missing_text_not_in_gold": (
        {"id": "zz", "entities": []},
        None,
        r"pred\.jsonl:1: document 'zz' has no text and is not in the gold set",
    ),
    "score_out_of_range": (
        {"id": "d1", "entities": [ent(0, 5, score=1.5)]},
        None,
        r"pred\.jsonl:1: document 'd1': entities\[0\]\.score must be a number between 0 and 1",
    ),
    "offset_not_int": (
        {"id": "d1", "text": TEXT, "entities": [ent("0", 5)]},
        None,
        r"pred\.jsonl:1: .*start must be an integer",
    ),
    "offsets_past_end": (
        {"id": "d1", "text": TEXT, "entities": [ent(20, 40)]},
        None,
        r"pred\.jsonl:1: entities\[0\]: document 'd1': PERSON offsets 20-40 are outside the text",
    ),
    "start_not_before_end": (
        {"id": "d1", "text": TEXT, "entities": [ent(5, 5)]},
        None,
        r"pred\.jsonl:1: .*start 5 is not before end 5",
    ),
    "text_mismatch": (
        {"id": "d1", "text": TEXT, "entities": [ent(0, 5, text="Tokayev")]},
        None,
        r"pred\.jsonl:1: .*does not match text\[0:5\]",
    ),
    "extra_document": (
        {"id": "zz", "text": "x", "entities": []},
        None,
        r"pred\.jsonl:1: document 'zz': not in the gold set.*--allow-extra",
    ),
    "text_differs": (
        {"id": "d1", "text": TEXT.upper(), "entities": []},
        None,
        r"pred\.jsonl:1: document 'd1': text differs from the gold text at offset 1",
    ),
    "offset_free_in_mention_mode": (
        {"id": "d1", "text": TEXT, "entities": [{"label": "PERSON", "text": "Putin"}]},
        None,
        r"pred\.jsonl:1: document 'd1': entity 'Putin' \(PERSON\) has no offsets; .*--level document",
    ),
}


@pytest.mark.parametrize("case", list(BAD_PREDICTIONS))
def test_cli_bad_predictions_one_line_exit_2_nothing_written(case: str, gold: Path, tmp_path: Path) -> None:
    record, raw, pattern = BAD_PREDICTIONS[case]
    pred = write(tmp_path / "pred.jsonl", *([record] if record else []), raw=raw)
    out = tmp_path / "report.json"
    code, stdout, stderr = run(gold, pred, "--format", "json", "--out", out)
    assert code == 2, (stdout, stderr)
    lines = [x for x in stderr.splitlines() if x.strip()]
    assert len(lines) == 1, stderr
    import re

    assert re.search(pattern, lines[0]), lines[0]
    assert lines[0].startswith("error:")
    assert "Traceback" not in stdout + stderr
    assert not out.exists()


def test_cli_utf16_offsets_are_named_as_such(tmp_path: Path) -> None:
    text = "🙂 Putin spoke."
    gold = write(tmp_path / "gold.jsonl", {"id": "e", "text": text, "entities": [ent(2, 7, text="Putin")]})
    # The same span counted in UTF-16 code units: the emoji takes two.
    pred = write(tmp_path / "pred.jsonl", {"id": "e", "text": text, "entities": [ent(3, 8, text="Putin")]})
    code, _, stderr = run(gold, pred)
    assert code == 2
    assert "fit as UTF-16 code units" in stderr


def test_cli_duplicate_document_ids_in_gold(tmp_path: Path) -> None:
    gold = write(tmp_path / "gold.jsonl", GOOD, GOOD)
    pred = write(tmp_path / "pred.jsonl", GOOD)
    code, _, stderr = run(gold, pred)
    assert code == 2
    assert "gold.jsonl:2: document 'd1': duplicate document id (first at line 1)" in stderr


def test_cli_allow_extra_warns_and_scores(gold: Path, tmp_path: Path) -> None:
    pred = write(tmp_path / "pred.jsonl", GOOD, {"id": "zz", "text": "x", "entities": []})
    code, stdout, _ = run(gold, pred, "--allow-extra", "--format", "json")
    assert code == 0
    report = json.loads(stdout)
    assert any("1 predicted document is not in the gold set and was ignored: zz" in n for n in report["notes"])


def test_cli_missing_predictions_scored_as_missed_and_reported(gold: Path, tmp_path: Path) -> None:
    two = write(tmp_path / "gold2.jsonl", GOOD, {"id": "d2", "text": "Lavrov.", "entities": [ent(0, 6)]})
    pred = write(tmp_path / "pred.jsonl", GOOD)
    code, stdout, _ = run(two, pred, "--format", "json")
    assert code == 0
    report = json.loads(stdout)
    assert report["entities"]["micro"]["strict"]["missed"] == 1
    assert any("1 gold document has no predictions and is scored" in n and "d2" in n for n in report["notes"])


def test_cli_labels_outside_gold_set_reported(gold: Path, tmp_path: Path) -> None:
    pred = write(tmp_path / "pred.jsonl", {"id": "d1", "text": TEXT, "entities": [ent(0, 5, "VIP")]})
    code, stdout, _ = run(gold, pred, "--format", "json")
    assert code == 0
    assert any("outside the gold label set" in n and "VIP (1)" in n for n in json.loads(stdout)["notes"])


def test_cli_unknown_format_and_missing_file(gold: Path, tmp_path: Path) -> None:
    code, _, stderr = run(gold, gold, "--pred-format", "xml")
    assert code == 2 and "unknown format 'xml'" in stderr
    code, _, stderr = run(gold, tmp_path / "nope.jsonl")
    assert code == 2 and "nope.jsonl: no such file" in stderr


def test_cli_happy_path_json_contract(gold: Path, tmp_path: Path) -> None:
    code, stdout, _ = run(gold, gold, "--format", "json", "--per-document")
    assert code == 0
    report = json.loads(stdout)
    assert report["schema"] == "goldbench.report/1"
    assert set(report["entities"]) == {"micro", "macro", "labels", "documents"}
    keys = {"correct", "incorrect", "partial", "missed", "spurious", "possible", "actual", "precision", "recall", "f1"}
    for scheme in ("strict", "exact", "partial", "type"):
        assert keys <= set(report["entities"]["micro"][scheme])
        assert report["entities"]["micro"][scheme]["f1"] == 1.0
    assert report["gold"]["documents"] == 2 and len(report["gold"]["sha256"]) == 64


def test_cli_help_imports_nothing_heavy() -> None:
    """--help must answer at once: the heavy modules are imported only when scoring.

    The time itself is measured in bench/cli_startup.py (no timed unit tests)."""
    code = (
        "import sys\n"
        "from eval.cli import main\n"
        "sys.argv = ['evaluate', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('numpy', 'pandas', 'sklearn', 'label_studio_sdk', 'orjson') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "Usage" in out and "HEAVY []" in out, out
