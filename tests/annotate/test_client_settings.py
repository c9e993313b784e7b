"""Where the client finds the server and the key: env first, then a 0600 key file; never argv."""

from __future__ import annotations

import json
import os

import pytest

from annotate.settings import (
    DEFAULT_URL,
    Secret,
    read_secret,
    resolve_settings,
    safe_url,
    write_secret,
)
from eval.errors import UsageError


def test_written_secret_is_0600_from_the_start(tmp_path):
    path = write_secret(tmp_path / "dir" / "api_key", "s3cret")
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert read_secret(path).reveal() == "s3cret"


def test_key_file_readable_by_others_is_refused(tmp_path):
    path = write_secret(tmp_path / "api_key", "s3cret")
    path.chmod(0o644)
    with pytest.raises(UsageError, match="chmod 600") as err:
        resolve_settings(data_dir=tmp_path, env={})
    assert "s3cret" not in str(err.value)


def test_env_key_wins_over_the_key_file(tmp_path):
    write_secret(tmp_path / "api_key", "from-file")
    s = resolve_settings(data_dir=tmp_path, env={"LABEL_STUDIO_API_KEY": "from-env"})
    assert s.api_key.reveal() == "from-env" and s.key_source == "$LABEL_STUDIO_API_KEY"
    s = resolve_settings(data_dir=tmp_path, env={})
    assert s.api_key.reveal() == "from-file" and s.key_source == str(tmp_path / "api_key")


def test_url_order_option_env_server_record_default(tmp_path):
    write_secret(tmp_path / "api_key", "k")
    assert resolve_settings(data_dir=tmp_path, env={}).url == DEFAULT_URL
    (tmp_path / "server.json").write_text(json.dumps({"url": "http://127.0.0.1:8111"}))
    assert resolve_settings(data_dir=tmp_path, env={}).url == "http://127.0.0.1:8111"
    env = {"LABEL_STUDIO_URL": "http://ls.example:8080/"}
    assert resolve_settings(data_dir=tmp_path, env=env).url == "http://ls.example:8080"
    assert resolve_settings(url="https://other:9000", data_dir=tmp_path, env=env).url == "https://other:9000"


def test_missing_key_says_how_to_get_one(tmp_path):
    with pytest.raises(UsageError, match="annotate server start"):
        resolve_settings(data_dir=tmp_path, env={})


def test_secret_never_prints():
    s = Secret("abc-very-secret")
    assert "abc-very-secret" not in repr(s) and "abc-very-secret" not in str(s) and "abc-very-secret" not in f"{s}"


def test_safe_url_drops_credentials_and_query():
    assert safe_url("http://user:pw@host:8080/ls/?token=x") == "http://host:8080/ls"
    assert safe_url("http://[::1]:8080") == "http://[::1]:8080"
