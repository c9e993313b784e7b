"""Pushing five news-demo articles to a real Label Studio: created once, never duplicated."""

from __future__ import annotations

import shutil

import pytest

from annotate.client import text_sha256
from annotate.schema import labeling_config, load_schema

pytestmark = pytest.mark.live


def test_push_articles_then_again_makes_no_duplicates(live_server, live_client, five):
    title = live_server.title("articles")
    first = live_server.cli("push", str(five), "--project", title, "--batch-size", "2")
    assert first.exit_code == 0, first.output
    assert "5 created, 0 already there" in first.output

    (project,) = live_client.find_projects(title)
    tasks = live_client.list_tasks(project.id)
    assert sorted(t.doc_id for t in tasks) == sorted(p.stem for p in five.glob("*.txt"))
    texts = {p.stem: p.read_bytes().decode("utf-8") for p in five.glob("*.txt")}
    assert {t.doc_id: t.text_sha256 for t in tasks} == {k: text_sha256(v) for k, v in texts.items()}

    again = live_server.cli("push", str(five), "--project", title)
    assert again.exit_code == 0, again.output
    assert "0 created, 5 already there" in again.output
    assert len(live_client.list_tasks(project.id)) == 5

    by_id = live_server.cli("push", str(five), "--project", str(project.id))
    assert by_id.exit_code == 0, by_id.output
    assert len(live_client.list_tasks(project.id)) == 5


def test_dry_run_changes_nothing(live_server, live_client, five):
    title = live_server.title("dry run")
    result = live_server.cli("push", str(five), "--project", title, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "5 would be created" in result.output
    assert live_client.find_projects(title) == []


def test_changed_text_under_a_pushed_id_is_refused(live_server, live_client, tmp_path, five):
    title = live_server.title("changed text")
    folder = tmp_path / "articles"
    folder.mkdir()
    for p in sorted(five.glob("*.txt"))[:2]:
        shutil.copy(p, folder / p.name)
    assert live_server.cli("push", str(folder), "--project", title).exit_code == 0

    victim = sorted(folder.glob("*.txt"))[0]
    victim.write_text(victim.read_text(encoding="utf-8") + " (updated)", encoding="utf-8")
    (folder / "extra.txt").write_text("A new article that must not be sent either.", encoding="utf-8")
    result = live_server.cli("push", str(folder), "--project", title)
    assert result.exit_code == 2
    (project,) = live_client.find_projects(title)
    task = next(t for t in live_client.list_tasks(project.id) if t.doc_id == victim.stem)
    assert victim.stem in result.output and f"task {task.id}" in result.output
    assert "Traceback" not in result.output
    assert len(live_client.list_tasks(project.id)) == 2  # refused before sending anything


def test_config_mismatch_needs_update_config(live_server, live_client, five):
    schema = load_schema()
    title = live_server.title("old config")
    old = labeling_config(schema).replace('<Relation value="Agent"/>', "")
    project = live_client.create_project(title, old)

    refused = live_server.cli("push", str(five), "--project", title)
    assert refused.exit_code == 2
    assert "--update-config" in refused.output
    assert live_client.list_tasks(project.id) == []

    updated = live_server.cli("push", str(five), "--project", title, "--update-config")
    assert updated.exit_code == 0, updated.output
    refreshed = live_client.get_project(project.id)
    assert refreshed is not None and 'value="Agent"' in refreshed.label_config
    assert len(live_client.list_tasks(project.id)) == 5
