"""``start_server`` refuses a busy port clearly (Label Studio itself would silently move to the
next port), and ``stop``/``status`` on a data dir with no server say so without failing."""

from __future__ import annotations

import socket

import pytest

from annotate.server import port_is_free, server_status, start_server, stop_server
from eval.errors import UsageError


@pytest.fixture
def busy_port():  # type: ignore[no-untyped-def]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


def test_busy_port_is_refused_before_anything_starts(busy_port, tmp_path):
    assert not port_is_free(busy_port)
    with pytest.raises(UsageError, match=f"port {busy_port} on 127.0.0.1 is already in use") as err:
        start_server(tmp_path / "ls", busy_port, timeout=5)
    assert "--port" in str(err.value)
    assert not (tmp_path / "ls" / "server.pid").exists()
    assert not (tmp_path / "ls" / "admin_password").exists()


def test_cli_start_on_busy_port_exits_2_with_one_line(busy_port, tmp_path):
    from typer.testing import CliRunner

    from annotate.cli import app

    result = CliRunner().invoke(app, ["server", "start", "--port", str(busy_port), "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert f"port {busy_port}" in result.output and "Traceback" not in result.output


def test_port_freed_after_close_counts_as_free():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
    assert port_is_free(port)


def test_status_and_stop_without_a_server(tmp_path):
    status = server_status(tmp_path)
    assert not status.running and status.pid is None
    assert stop_server(tmp_path) is False


def test_stale_pid_file_is_not_taken_for_a_server(tmp_path):
    (tmp_path / "server.pid").write_text("1\n")  # pid 1 exists, but is not our label-studio
    assert server_status(tmp_path).running is False
    assert stop_server(tmp_path) is False
    assert not (tmp_path / "server.pid").exists()
