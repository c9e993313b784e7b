"""The API key stays secret: 0600 files, and never in any output, file or error message.

Runs last among the live tests (file order), so that ``live_server.outputs`` holds the output
of every ``annotate`` command the session ran.
"""

from __future__ import annotations

import stat

import pytest

from annotate.client import Client
from annotate.errors import ServerError
from annotate.settings import Secret, Settings

pytestmark = pytest.mark.live


def mode(path) -> int:  # type: ignore[no-untyped-def]
    return stat.S_IMODE(path.stat().st_mode)


def test_server_files_are_private_and_bootstrap_token_is_gone(live_server):
    info = live_server.info
    assert mode(info.key_file) == 0o600
    assert mode(info.password_file) == 0o600
    assert mode(info.data_dir) == 0o700
    assert not (info.data_dir / "bootstrap_token").exists()


def test_server_cli_status_and_start_when_running(live_server):
    status = live_server.cli("server", "status")
    assert status.exit_code == 0 and f"running at {live_server.info.url}" in status.output
    start = live_server.cli("server", "start")
    assert start.exit_code == 0, start.output
    assert "was already running" in start.output and live_server.info.username in start.output


def test_wrong_key_gets_one_clear_line(live_server, tmp_path):
    wrong = "0123456789abcdef-not-a-real-key"
    (tmp_path / "a.txt").write_text("Some text.", encoding="utf-8")
    result = live_server.cli("push", str(tmp_path), "--project", "whatever", env={"LABEL_STUDIO_API_KEY": wrong})
    assert result.exit_code == 2
    assert "refused (HTTP 401)" in result.output and "LABEL_STUDIO_API_KEY" in result.output
    assert wrong not in result.output
    with pytest.raises(ServerError) as err, Client(Settings(live_server.info.url, Secret(wrong), "test")) as c:
        c.find_projects("x")
    assert wrong not in str(err.value) and "HTTP 401" in str(err.value)


def test_no_output_file_or_repr_contains_the_key(live_server, live_client, capsys, tmp_path):
    key = live_server.settings.api_key.reveal()
    assert len(key) > 20
    live_server.cli("server", "status")
    live_server.cli("push", str(tmp_path / "missing"), "--project", "x")
    assert len(live_server.outputs) >= 10  # the whole session's commands are in here
    for output in live_server.outputs:
        assert key not in output
    assert key not in repr(live_server.settings) and key not in str(live_server.settings.api_key)
    d = live_server.info.data_dir
    for name in ("server.json", "server.log", "admin_password"):
        assert key not in (d / name).read_text(encoding="utf-8", errors="replace")
    for manifest in tmp_path.parent.rglob("manifest.json"):
        assert key not in manifest.read_text(encoding="utf-8")
    captured = capsys.readouterr()
    assert key not in captured.out and key not in captured.err
