"""The local server is found from any folder: ``server start`` leaves a record in a per-user
state dir, and without ``--data-dir`` the commands use ``./.labelstudio`` when a server was
started there, else the remembered data dir."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotate.settings import (
    DEFAULT_DATA_DIR,
    STATE_ENV,
    forget_server,
    pick_data_dir,
    remember_server,
    remembered_server,
    resolve_settings,
    state_dir,
    write_secret,
)
from eval.errors import UsageError


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A state dir of this test's own, and a working folder that is not the data dir's."""
    folder = tmp_path / "state"
    monkeypatch.setenv(STATE_ENV, str(folder))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    return folder


def data_dir_with_server(path: Path, url: str = "http://127.0.0.1:8123") -> Path:
    path.mkdir(parents=True)
    (path / "server.json").write_text(json.dumps({"url": url, "port": int(url.rsplit(":", 1)[1])}))
    write_secret(path / "api_key", "k-from-data-dir")
    return path


def test_state_dir_follows_the_override(state: Path) -> None:
    assert state_dir() == state


def test_state_dir_without_override_is_platformdirs_user_state_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    from platformdirs import user_state_path

    monkeypatch.delenv(STATE_ENV)
    assert state_dir() == user_state_path("goldbench", appauthor=False)


def test_settings_from_another_folder_use_the_remembered_server(state: Path, tmp_path: Path) -> None:
    data = data_dir_with_server(tmp_path / "project" / ".labelstudio")
    remember_server({"url": "http://127.0.0.1:8123", "port": 8123, "pid": 1, "data_dir": str(data)})
    settings = resolve_settings(env={})
    assert settings.url == "http://127.0.0.1:8123"
    assert settings.key_source == str(data / "api_key")
    assert settings.api_key.reveal() == "k-from-data-dir"


def test_a_server_in_the_current_folder_wins_over_the_remembered_one(state: Path, tmp_path: Path) -> None:
    remembered = data_dir_with_server(tmp_path / "other")
    remember_server({"url": "http://127.0.0.1:8123", "port": 8123, "pid": 1, "data_dir": str(remembered)})
    data_dir_with_server(Path.cwd() / DEFAULT_DATA_DIR, "http://127.0.0.1:8124")
    assert pick_data_dir(None) == DEFAULT_DATA_DIR
    assert resolve_settings(env={}).url == "http://127.0.0.1:8124"


def test_an_explicit_data_dir_wins(state: Path, tmp_path: Path) -> None:
    remembered = data_dir_with_server(tmp_path / "other")
    remember_server({"url": "http://127.0.0.1:8123", "port": 8123, "pid": 1, "data_dir": str(remembered)})
    assert pick_data_dir(tmp_path / "mine") == tmp_path / "mine"


def test_a_record_whose_data_dir_is_gone_is_ignored(state: Path, tmp_path: Path) -> None:
    remember_server({"url": "http://127.0.0.1:8123", "port": 8123, "pid": 1, "data_dir": str(tmp_path / "gone")})
    assert pick_data_dir(None) == DEFAULT_DATA_DIR
    with pytest.raises(UsageError, match="no Label Studio API key"):
        resolve_settings(env={})


def test_forget_drops_only_the_record_of_that_data_dir(state: Path, tmp_path: Path) -> None:
    remember_server({"url": "u", "port": 1, "pid": 1, "data_dir": str(tmp_path / "a")})
    forget_server(tmp_path / "b")
    assert remembered_server()["data_dir"] == str(tmp_path / "a")
    forget_server(tmp_path / "a")
    assert remembered_server() == {}


@pytest.mark.parametrize("content", ["", "not json", "[1, 2]", '{"data_dir": 5}'])
def test_a_damaged_record_counts_as_none(state: Path, content: str) -> None:
    state.mkdir()
    (state / "server.json").write_text(content)
    assert remembered_server() == {}
    assert pick_data_dir(None) == DEFAULT_DATA_DIR
