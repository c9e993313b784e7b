"""``annotate quality --from-export`` through the CLI: a committed export with two annotators and
ground truth, the formats, and bad input (exit 2, one line, nothing written)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from annotate.cli import app
from annotate.convert_pull import AnnotationPolicy, export_to_gold
from annotate.schema import load_schema
from eval.agreement import agreement
from eval.counts import Scheme

FIXTURES = Path(__file__).parents[1] / "fixtures" / "annotate"
ANNOTATORS = FIXTURES / "annotators" / "export.json"


def test_cli_quality_from_export_agrees_with_pull_all() -> None:
    result = CliRunner().invoke(app, ["quality", "--from-export", str(ANNOTATORS), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # the pairwise agreement is that of the gold sets `pull --annotations all` makes
    tasks = json.loads(ANNOTATORS.read_text(encoding="utf-8"))
    pulled = export_to_gold(tasks, load_schema(), policy=AnnotationPolicy.ALL).by_annotator
    pairs = agreement(dict(sorted(pulled.items()))).pairs
    assert [(p["first"], p["second"], p["spans"]["strict"]["f1"]) for p in data["agreement"]["pairs"]] == [
        (p.first, p.second, p.f1(Scheme.STRICT)) for p in pairs
    ]
    by = {a["annotator"]: a for a in data["annotators"]}
    assert set(pulled) <= set(by)  # and annotators whose every annotation was cancelled
    assert all(by[name]["tasks"] == len(docs) for name, docs in pulled.items())


def test_cli_quality_formats_write_files(tmp_path: Path) -> None:
    for fmt in ("markdown", "html", "table"):
        out = tmp_path / f"q.{fmt}"
        result = CliRunner().invoke(app, ["quality", "--from-export", str(ANNOTATORS), "-f", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert "Annotators" in out.read_text(encoding="utf-8")


def test_cli_quality_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    runner = CliRunner()
    neither = runner.invoke(app, ["quality"])
    assert neither.exit_code == 2 and "give either --project" in neither.output
    missing = runner.invoke(app, ["quality", "--from-export", str(tmp_path / "nope.json")])
    assert missing.exit_code == 2 and "no such export file" in missing.output
    out = tmp_path / "q.json"
    bad = runner.invoke(
        app, ["quality", "--from-export", str(FIXTURES / "corrupted_region" / "export.json"), "-o", str(out)]
    )
    assert bad.exit_code == 2 and "region" in bad.output and "Traceback" not in bad.output
    assert not out.exists()


def test_cli_quality_table_in_a_pipe_keeps_every_column() -> None:
    from annotate.quality import quality_from_export
    from eval.render.quality import sections

    result = CliRunner().invoke(app, ["quality", "--from-export", str(ANNOTATORS)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    for section in sections(quality_from_export(ANNOTATORS, schema=load_schema())):
        assert any(all(h in line for h in section.headers) for line in lines), section.headers
