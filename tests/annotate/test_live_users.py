"""`annotate users add` on a real server: a user who can log in and whose key works; nothing printed."""

from __future__ import annotations

import stat

import httpx
import pytest

from annotate.client import Client
from annotate.settings import Settings, read_secret

pytestmark = pytest.mark.live


def login(url: str, email: str, password: str) -> bool:
    """Log in through Label Studio's own login form, as a person would."""
    with httpx.Client(base_url=url, follow_redirects=False) as s:
        s.get("/user/login/").raise_for_status()
        r = s.post("/user/login/", data={"email": email, "password": password,
                                         "csrfmiddlewaretoken": s.cookies["csrftoken"]})
        return r.status_code == 302 and "sessionid" in s.cookies


def test_users_add_makes_a_user_who_can_log_in_and_use_the_key(live_server, live_client, tmp_path):
    folder = tmp_path / "users"
    result = live_server.cli("users", "add", "Anna@Example.org", "--users-dir", str(folder))
    assert result.exit_code == 0, result.output
    password_file, key_file = folder / "anna@example.org.password", folder / "anna@example.org.api_key"
    for f in (password_file, key_file):
        assert stat.S_IMODE(f.stat().st_mode) == 0o600
    password, key = read_secret(password_file).reveal(), read_secret(key_file)
    assert password not in result.output and key.reveal() not in result.output
    assert str(password_file) in result.output and str(key_file) in result.output

    assert "anna@example.org" in {u.email for u in live_client.list_users()}
    with Client(Settings(live_server.info.url, key, str(key_file))) as as_anna:
        assert as_anna.whoami() == "anna@example.org"
    assert login(live_server.info.url, "anna@example.org", password)
    assert not login(live_server.info.url, "anna@example.org", password + "x")

    again = live_server.cli("users", "add", "anna@example.org", "--users-dir", str(tmp_path / "other"))
    assert again.exit_code == 2
    assert "already exists" in again.output and "Traceback" not in again.output
    assert not (tmp_path / "other").exists()


def test_users_add_refuses_a_non_email(live_server, tmp_path):
    result = live_server.cli("users", "add", "not-an-email", "--users-dir", str(tmp_path))
    assert result.exit_code == 2 and "is not an email address" in result.output
    assert list(tmp_path.iterdir()) == []
