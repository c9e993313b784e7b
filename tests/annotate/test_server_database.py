"""`annotate server start --database`: a PostgreSQL URL becomes Label Studio's own settings."""

from __future__ import annotations

import pytest

from annotate.server import database_env
from eval.errors import UsageError


def test_a_postgresql_url_becomes_label_studios_settings():
    env = database_env("postgresql://anna@db.example.org:6543/label%20studio", environ={"PGPASSWORD": "pw"})
    assert env == {
        "DJANGO_DB": "default",
        "POSTGRE_NAME": "label studio",
        "POSTGRE_USER": "anna",
        "POSTGRE_HOST": "db.example.org",
        "POSTGRE_PORT": "6543",
        "POSTGRE_PASSWORD": "pw",
    }
    plain = database_env("postgres://ls@127.0.0.1/ls", environ={})
    assert (plain["POSTGRE_PORT"], plain["POSTGRE_PASSWORD"]) == ("5432", "")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql://anna:secret@host:5432/db", "leave the password out of the URL"),
        ("mysql://anna@host:3306/db", "only PostgreSQL is supported"),
        ("postgresql://host:5432/db", "needs a user, a host and a database name"),
        ("postgresql://anna@host:5432/", "needs a user, a host and a database name"),
        ("postgresql://anna@host:port/db", "the port is not a number"),
    ],
)
def test_a_wrong_database_url_is_one_clear_line_without_the_password(url, message):
    with pytest.raises(UsageError, match=message) as err:
        database_env(url, environ={})
    assert "secret" not in str(err.value)
