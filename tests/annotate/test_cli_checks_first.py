"""Options and output folders are checked before any work: before the API key is looked for, the
server is asked, or the export is read. The data dir here holds no key and the URL is a closed
port, so any check that came too late would show up as "no Label Studio API key" instead."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner, Result

from annotate.cli import app
from annotate.server import free_port

FIXTURES = Path(__file__).parents[1] / "fixtures" / "annotate"
EXPORT = FIXTURES / "plain_entities" / "export.json"
CLEAN_ENV: dict[str, str | None] = {"LABEL_STUDIO_API_KEY": None, "LABEL_STUDIO_URL": None}


def run(tmp_path: Path, *args: str) -> Result:
    nowhere = ["--url", f"http://127.0.0.1:{free_port()}", "--data-dir", str(tmp_path / "no-server")]
    server_args = nowhere if "--from-export" not in args else []
    return CliRunner().invoke(app, [*args, *server_args], env=CLEAN_ENV)


def one_error(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "API key" not in result.output
    (line,) = [x for x in result.output.splitlines() if x.strip()]
    return line


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "a1.txt"
    path.write_text("Putin met Mirziyoyev in Tashkent.", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (["--batch-size", "0"], "--batch-size 0: must be at least 1"),
        (["--ground-truth"], "--ground-truth only applies with --as-annotations"),
        (["--predictions", "PRED"], "--predictions needs --model-version"),
    ],
)
def test_push_options_are_checked_before_connecting(tmp_path: Path, article: Path, options: list[str], words: str):
    options = [str(article) if o == "PRED" else o for o in options]
    line = one_error(run(tmp_path, "push", str(article), "--project", "p", *options))
    assert words in line


def test_pull_into_a_folder_with_files_is_refused_before_connecting(tmp_path: Path):
    out = tmp_path / "gold"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    line = one_error(run(tmp_path, "pull", "--project", "p", "--out", str(out)))
    assert f"{out}: already holds files" in line and "--force" in line
    assert (out / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("where", ["file", "under-file"])
def test_pull_out_that_cannot_be_a_folder_is_refused_before_connecting(tmp_path: Path, where: str):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file")
    out = blocker if where == "file" else blocker / "gold"
    line = one_error(run(tmp_path, "pull", "--project", "p", "--out", str(out)))
    assert str(out) in line and ("is not a folder" in line or "is a file, not a folder" in line)
    assert blocker.read_text() == "a file"


def test_pull_from_an_export_that_is_a_folder_says_so(tmp_path: Path):
    line = one_error(run(tmp_path, "pull", "--from-export", str(tmp_path), "--out", str(tmp_path / "gold")))
    assert f"{tmp_path}: is a folder" in line
    assert not (tmp_path / "gold").exists()


def test_empty_export_does_not_replace_a_gold_set_without_allow_empty(tmp_path: Path):
    gold = tmp_path / "gold"
    first = run(tmp_path, "pull", "--from-export", str(EXPORT), "--out", str(gold))
    assert first.exit_code == 0, first.output
    before = {p.name: p.read_bytes() for p in gold.iterdir()}
    empty = tmp_path / "empty.json"
    empty.write_text("[]")

    line = one_error(run(tmp_path, "pull", "--from-export", str(empty), "--out", str(gold), "--force"))
    assert f"{empty}: no annotated documents (0 tasks" in line and "--allow-empty" in line
    assert {p.name: p.read_bytes() for p in gold.iterdir()} == before

    allowed = run(tmp_path, "pull", "--from-export", str(empty), "--out", str(gold), "--force", "--allow-empty")
    assert allowed.exit_code == 0, allowed.output
    assert (gold / "documents.jsonl").read_bytes() == b""
    assert orjson.loads((gold / "manifest.json").read_bytes())["document_count"] == 0


def test_pull_output_has_right_plurals(tmp_path: Path):
    result = run(tmp_path, "pull", "--from-export", str(EXPORT), "--out", str(tmp_path / "gold"))
    assert result.exit_code == 0, result.output
    assert "1 document from 2 tasks (1 without annotation, 0 skipped annotations); 7 entities, 0 events" in (
        " ".join(result.output.split())
    )
