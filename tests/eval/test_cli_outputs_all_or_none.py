"""A run writes all its outputs or none: for every combination of --out, --junit, --html and
--history, a refused run changes no file (and leaves no temporary), a good run writes each."""

from __future__ import annotations

import itertools
import json
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eval.cli import app
from eval.errors import UsageError
from eval.io import WriteSet

TEXT = "Putin met Tokayev in Astana."
GOLD = json.dumps({"id": "d1", "text": TEXT, "entities": [{"start": 0, "end": 5, "label": "PERSON"}]}) + "\n"
OUTPUTS = {"--out": "report.json", "--junit": "gate.xml", "--html": "report.html", "--history": "history.jsonl"}
COMBINATIONS = [c for n in range(1, 5) for c in itertools.combinations(OUTPUTS, n)]


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _setup(tmp_path: Path, options: tuple[str, ...]) -> list[str]:
    (tmp_path / "gold.jsonl").write_text(GOLD, encoding="utf-8")
    (tmp_path / "bad.jsonl").write_text(GOLD.replace('"end": 5', '"end": 50'), encoding="utf-8")
    args: list[str] = []
    for option in options:
        (tmp_path / OUTPUTS[option]).write_text(f"before {option}\n", encoding="utf-8")
        args += [option, str(tmp_path / OUTPUTS[option])]
    return args


@pytest.mark.parametrize("options", COMBINATIONS, ids="+".join)
def test_refused_run_changes_no_output(tmp_path: Path, options: tuple[str, ...]) -> None:
    args = _setup(tmp_path, options)
    before = _files(tmp_path)
    result = CliRunner().invoke(app, [str(tmp_path / "gold.jsonl"), str(tmp_path / "bad.jsonl"), *args])
    assert result.exit_code == 2, result.output
    assert "bad.jsonl:1" in result.stderr
    assert _files(tmp_path) == before


@pytest.mark.parametrize("options", COMBINATIONS, ids="+".join)
def test_one_unwritable_output_refuses_the_run_before_work(tmp_path: Path, options: tuple[str, ...]) -> None:
    args = _setup(tmp_path, options)
    # every combination plus one output that cannot be written (its parent is a file)
    missing = next((o for o in OUTPUTS if o not in options), None)
    if missing is None:
        args[-1] = str(tmp_path / "gold.jsonl" / "history.jsonl")
        (tmp_path / "history.jsonl").unlink()
    else:
        args += [missing, str(tmp_path / "gold.jsonl" / "x")]
    before = _files(tmp_path)
    result = CliRunner().invoke(app, [str(tmp_path / "gold.jsonl"), str(tmp_path / "gold.jsonl"), *args])
    assert result.exit_code == 2, result.output
    assert "is a file, not a folder" in result.stderr
    assert _files(tmp_path) == before


@pytest.mark.parametrize("options", COMBINATIONS, ids="+".join)
def test_good_run_writes_every_output(tmp_path: Path, options: tuple[str, ...]) -> None:
    args = _setup(tmp_path, options)
    result = CliRunner().invoke(app, [str(tmp_path / "gold.jsonl"), str(tmp_path / "gold.jsonl"), *args])
    assert result.exit_code == 0, result.output
    for option in options:
        written = (tmp_path / OUTPUTS[option]).read_text(encoding="utf-8")
        if option == "--history":
            old, new = written.splitlines()
            assert old == "before --history" and json.loads(new)["metrics"]["entities.strict.f1"] == 1.0
        else:
            assert not written.startswith("before"), option
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "a temporary was left"


def test_write_set_failing_midway_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write that fails after another output was staged leaves both files as they were."""
    first, second = tmp_path / "a.json", tmp_path / "b.xml"
    first.write_text("old a", encoding="utf-8")
    outputs = WriteSet({"--out": first, "--junit": second})
    outputs.add("--out", "new a")
    outputs.add("--junit", "new b")
    real = tempfile.mkstemp
    calls: list[int] = []

    def flaky(*args: object, **kwargs: object) -> tuple[int, str]:
        calls.append(1)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", str(second))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tempfile, "mkstemp", flaky)
    with pytest.raises(UsageError, match=r"b\.xml: cannot write it \(No space left on device\); no output was written"):
        outputs.commit()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]
    assert first.read_text(encoding="utf-8") == "old a"
