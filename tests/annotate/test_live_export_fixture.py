"""Offline: the export captured from a real server (tests/fixtures/annotate/live_export/) pulls
into exactly the expected gold set, through ``pull_from_export`` and ``annotate pull --from-export``."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from typer.testing import CliRunner

from annotate.cli import app
from annotate.goldset import read_gold_set
from annotate.pull import pull_from_export
from annotate.schema import load_schema
from eval.io import document_to_json
from eval.readers.jsonl import read_jsonl

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "annotate" / "live_export"


def canonical(docs) -> list[dict]:  # type: ignore[no-untyped-def]
    return sorted((document_to_json(d) for d in docs), key=lambda d: d["id"])


def test_captured_export_pulls_to_the_expected_documents(tmp_path):
    out = tmp_path / "gold"
    summary = pull_from_export(FIXTURE / "export.json", out=out, schema=load_schema())
    assert summary.documents == 2 and summary.repairs == 0 and summary.dropped == 0
    gold = read_gold_set(out)
    assert canonical(gold.documents) == canonical(read_jsonl(FIXTURE / "expected.jsonl"))
    export_hash = hashlib.sha256((FIXTURE / "export.json").read_bytes()).hexdigest()
    assert gold.manifest["export_sha256"] == export_hash
    assert gold.manifest["schema_sha256"] == load_schema().sha256()


def test_cli_pull_from_export_refuses_an_existing_folder_without_force(tmp_path):
    out = tmp_path / "gold"
    first = CliRunner().invoke(app, ["pull", "--from-export", str(FIXTURE / "export.json"), "--out", str(out)])
    assert first.exit_code == 0, first.output
    assert "2 documents from 2 tasks" in first.output
    before = (out / "documents.jsonl").read_bytes()
    again = CliRunner().invoke(app, ["pull", "--from-export", str(FIXTURE / "export.json"), "--out", str(out)])
    assert again.exit_code == 2 and "--force" in again.output
    assert (out / "documents.jsonl").read_bytes() == before
    forced = CliRunner().invoke(
        app, ["pull", "--from-export", str(FIXTURE / "export.json"), "--out", str(out), "--force"]
    )
    assert forced.exit_code == 0, forced.output


def test_cli_pull_needs_exactly_one_source(tmp_path):
    both = CliRunner().invoke(
        app, ["pull", "--from-export", str(FIXTURE / "export.json"), "--project", "x", "--out", str(tmp_path / "g")]
    )
    assert both.exit_code == 2 and "not both" in both.output


def test_policy_all_writes_one_gold_set_per_annotator(tmp_path):
    tasks = json.loads((FIXTURE / "export.json").read_text(encoding="utf-8"))
    second = json.loads(json.dumps(tasks[0]["annotations"][0]))
    second.update(id=999, completed_by=2, result=second["result"][:1])
    tasks[0]["annotations"].append(second)
    export = tmp_path / "two_annotators.json"
    export.write_text(json.dumps(tasks), encoding="utf-8")
    out = tmp_path / "gold"
    result = CliRunner().invoke(app, ["pull", "--from-export", str(export), "--out", str(out), "--annotations", "all"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["annotator-1", "annotator-2"]
    assert len(read_gold_set(out / "annotator-1").documents) == 2
    (only,) = read_gold_set(out / "annotator-2").documents
    assert len(only.entities) == 1 and only.events == ()
    assert read_gold_set(out / "annotator-2").manifest["annotator"] == "2"
