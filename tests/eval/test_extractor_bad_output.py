"""--on-bad-output skip: undecodable extractor output is scored as no predictions and counted."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eval.cli import app
from eval.counts import Scheme
from eval.errors import FormatError
from eval.extractor import BadOutput, ExtractorError, run_command, run_function
from eval.model import Document
from eval.pipeline import evaluate_extractor

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "extractor"
PY = shlex.quote(sys.executable)
BAD_MIXED = f"{PY} {shlex.quote(str(FIXTURES / 'bad_mixed' / 'extractor.py'))}"
DOCS = [Document(x, f"Anna {x} met Boris.") for x in ("a", "b", "c", "d", "e")]


def test_fail_stops_at_the_first_undecodable_line() -> None:
    with pytest.raises(FormatError, match=r"^<extractor stdout>:2: not valid JSON"):
        run_command(BAD_MIXED, DOCS, timeout=30)


def test_skip_scores_undecodable_documents_as_empty_and_names_them() -> None:
    run = run_command(BAD_MIXED, DOCS, timeout=30, on_bad_output=BadOutput.SKIP)
    # b: cut-off JSON whose id is still readable; c: a bad entity; line 4: no id at all
    assert run.undecodable == ("b", "c", "<extractor stdout>:4")
    by_id = {d.id: d for d in run.documents}
    assert sorted(by_id) == ["a", "b", "c", "d"]
    assert by_id["b"].entities == () and by_id["c"].entities == () and len(by_id["a"].entities) == 1
    assert by_id["b"].text == DOCS[1].text
    assert run.info().undecodable == run.undecodable


def test_function_results_of_the_wrong_shape_are_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(FIXTURES / "functions"))
    docs = [Document("a", "Anna met Boris."), Document("b", "no names"), Document("c", "Émile boom Dana")]
    with pytest.raises(ExtractorError, match="returned a dict without 'entities' for document 'b'"):
        run_function("goldbench_fixture_functions:bad_on_names", docs)
    run = run_function("goldbench_fixture_functions:bad_on_names", docs, on_bad_output=BadOutput.SKIP)
    assert run.undecodable == ("b", "c")
    assert [len(d.entities) for d in run.documents] == [2, 0, 0]


def _gold(tmp_path: Path) -> Path:
    path = tmp_path / "gold.jsonl"
    lines = [{"id": d.id, "text": d.text, "entities": [{"start": 0, "end": 4, "label": "PERSON"}]} for d in DOCS]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path


def test_report_counts_undecodable_documents_and_scores_them_as_missed(tmp_path: Path) -> None:
    outcome = evaluate_extractor(_gold(tmp_path), BAD_MIXED, on_bad_output=BadOutput.SKIP)
    report = outcome.report
    assert report.run is not None and report.run.undecodable == ("b", "c", "<extractor stdout>:4")
    strict = report.entities.micro[Scheme.STRICT]
    assert (strict.correct, strict.missed, strict.spurious) == (1, 4, 0)  # only a is right; b, c, d, e missed
    (note,) = [n for n in report.notes if "could not be decoded" in n]
    assert note.startswith("3 document(s)") and "b, c, <extractor stdout>:4" in note


def test_cli_skip_writes_undecodable_into_the_json_run(tmp_path: Path) -> None:
    args = [str(_gold(tmp_path)), "--extractor", BAD_MIXED, "--format", "json"]
    failed = CliRunner().invoke(app, args)
    assert failed.exit_code == 2 and "<extractor stdout>:2: not valid JSON" in failed.stderr
    result = CliRunner().invoke(app, [*args, "--on-bad-output", "skip"])
    assert result.exit_code == 0, result.stderr
    run = json.loads(result.stdout)["run"]
    assert run["undecodable"] == 3 and run["undecodable_documents"] == ["b", "c", "<extractor stdout>:4"]
    table = CliRunner().invoke(app, [str(_gold(tmp_path)), "--extractor", BAD_MIXED, "--on-bad-output", "skip"])
    assert "3 undecodable (scored as no predictions)" in table.stdout


def test_cli_on_bad_output_skip_needs_an_extractor(tmp_path: Path) -> None:
    gold = _gold(tmp_path)
    result = CliRunner().invoke(app, [str(gold), str(gold), "--on-bad-output", "skip"])
    assert result.exit_code == 2 and "--on-bad-output applies to --extractor" in result.stderr
