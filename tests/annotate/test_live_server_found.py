"""The session's Label Studio is found from any folder (no --data-dir, no --url): through the
record ``start_server`` left in the per-user state dir (a temp dir in the tests)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotate.cli import app
from annotate.server import start_server
from annotate.settings import remembered_server
from eval.errors import UsageError

pytestmark = pytest.mark.live

CLEAN_ENV: dict[str, str | None] = {"LABEL_STUDIO_API_KEY": None, "LABEL_STUDIO_URL": None}


def test_start_remembers_the_server_in_the_state_dir(live_server):
    record = remembered_server()
    assert record["data_dir"] == str(live_server.info.data_dir)
    assert record["url"] == live_server.info.url and record["port"] == live_server.info.port


def test_status_and_push_from_another_folder_find_the_server(live_server, live_client, five, tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    runner = CliRunner()
    status = runner.invoke(app, ["server", "status"], env=CLEAN_ENV)
    assert status.exit_code == 0, status.output
    assert f"running at {live_server.info.url}" in status.output

    title = live_server.title("from elsewhere")
    pushed = runner.invoke(app, ["push", str(five), "--project", title], env=CLEAN_ENV)
    live_server.outputs.append(pushed.output)
    assert pushed.exit_code == 0, pushed.output
    assert "5 created" in pushed.output and "(5 documents)" in pushed.output
    assert len(live_client.find_projects(title)) == 1
    assert not (elsewhere / ".labelstudio").exists()


def test_busy_port_of_our_own_server_is_named(live_server, tmp_path: Path):
    with pytest.raises(UsageError) as err:
        start_server(tmp_path / "second", live_server.info.port, timeout=5)
    message = str(err.value)
    assert "goldbench's Label Studio" in message and str(live_server.info.data_dir) in message
    assert "another program" not in message
    assert not (tmp_path / "second").exists()


def test_busy_port_of_a_label_studio_without_our_record_says_so(live_server, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("GOLDBENCH_STATE_DIR", str(tmp_path / "empty-state"))  # a server from before the record
    with pytest.raises(UsageError) as err:
        start_server(tmp_path / "second", live_server.info.port, timeout=5)
    assert "a Label Studio that goldbench did not start from here" in str(err.value)
    assert "--data-dir" in str(err.value)
