"""Annotator accounts: ``annotate users add EMAIL`` makes a Label Studio user for one person.

The user signs up through the organisation's invite link with a generated password, and gets
a personal access token. Neither is printed: both go to 0600 files in ``USERS_DIR``
(``<email>.password`` for the web editor, ``<email>.api_key`` for scripts run as that user).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from eval.errors import UsageError

from .client import Client
from .settings import Secret, write_secret

PASSWORD_SUFFIX = ".password"
KEY_SUFFIX = ".api_key"
_EMAIL = re.compile(r"^[^@\s/\\]+@[^@\s/\\]+\.[^@\s/\\]+$")


@dataclass(frozen=True, slots=True)
class NewUser:
    """A user just made, and where its password and API key are (both 0600)."""

    id: int
    email: str
    password_file: Path
    key_file: Path


def add_user(client: Client, email: str, *, users_dir: str | Path) -> NewUser:
    """Create the Label Studio user ``email`` with a generated password and a personal token."""
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise UsageError(f"{email!r} is not an email address; pass one such as anna@example.org")
    if any(u.email.lower() == email for u in client.list_users()):
        raise UsageError(f"{client.settings.url}: a user {email!r} already exists; pick another email")
    folder = Path(users_dir)
    password_file, key_file = folder / f"{email}{PASSWORD_SUFFIX}", folder / f"{email}{KEY_SUFFIX}"
    password = Secret(secrets.token_urlsafe(18))
    write_secret(password_file, password.reveal())  # first: a person must be able to log in
    user, key = client.sign_up(email, password)
    write_secret(key_file, key.reveal())
    return NewUser(user.id, user.email, password_file, key_file)
