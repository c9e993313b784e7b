"""`annotate config` and `annotate agreement` through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from annotate.cli import app
from annotate.goldset import write_gold_set
from annotate.schema import labeling_config, load_schema
from eval.model import Document, Entity

REPO = Path(__file__).resolve().parents[2]
TEXT = "Putin met Tokayev in Astana."


def test_cli_config_prints_and_checks(tmp_path: Path) -> None:
    runner = CliRunner()
    printed = runner.invoke(app, ["config"])
    assert printed.exit_code == 0 and printed.stdout.strip() == labeling_config(load_schema()).strip()
    ok = runner.invoke(app, ["config", "--check", str(REPO / "configs" / "labeling.xml")])
    assert ok.exit_code == 0, ok.stderr
    stale = tmp_path / "labeling.xml"
    stale.write_text(labeling_config(load_schema()).replace('value="PERSON"', 'value="PER"'), encoding="utf-8")
    bad = runner.invoke(app, ["config", "--check", str(stale)])
    assert bad.exit_code == 1 and "differs from the schema" in bad.stderr


def _docs(second_label: str) -> list[Document]:
    return [
        Document("d1", TEXT, (Entity(0, 5, "PERSON", "e1", "Putin"), Entity(10, 17, second_label, "e2", "Tokayev")))
    ]


def test_cli_agreement_from_pull_all_folder_and_from_files(tmp_path: Path) -> None:
    folder = tmp_path / "pulled"
    write_gold_set(folder / "annotator-1", _docs("PERSON"))
    write_gold_set(folder / "annotator-2", _docs("ORG"))
    runner = CliRunner()
    result = runner.invoke(app, ["agreement", str(folder), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["annotators"] == ["annotator-1", "annotator-2"]
    strict = data["pairs"][0]["spans"]["strict"]
    assert (strict["correct"], strict["f1"]) == (1, 0.5)
    files = runner.invoke(
        app, ["agreement", str(folder / "annotator-1"), str(folder / "annotator-2"), "--format", "markdown"]
    )
    assert files.exit_code == 0 and "| annotator-1 / annotator-2 | 1 | 0.500 |" in files.stdout


def test_cli_agreement_needs_two_annotators(tmp_path: Path) -> None:
    write_gold_set(tmp_path / "only", _docs("PERSON"))
    result = CliRunner().invoke(app, ["agreement", str(tmp_path / "only")])
    assert result.exit_code == 2 and "error:" in result.stderr and "Traceback" not in result.stderr


def test_cli_missing_files_are_one_line_exit_2(tmp_path: Path) -> None:
    """A path that does not exist is a user error (exit 2, one line), never a traceback."""
    write_gold_set(tmp_path / "a", _docs("PERSON"))
    runner = CliRunner()
    missing = tmp_path / "missing.jsonl"
    agreed = runner.invoke(app, ["agreement", str(tmp_path / "a"), str(missing)])
    assert agreed.exit_code == 2 and "missing.jsonl: no such file" in agreed.stderr
    article = tmp_path / "a1.txt"
    article.write_text(TEXT, encoding="utf-8")
    pushed = runner.invoke(
        app, ["push", str(article), "--project", "p", "--predictions", str(missing), "--model-version", "m"]
    )
    assert pushed.exit_code == 2 and "missing.jsonl: cannot read it" in pushed.stderr
    for result in (agreed, pushed):
        assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1
