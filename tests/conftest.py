"""Options for the whole suite: ``--ls-database`` picks the database of the live Label Studio."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--ls-database",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="database of the session's live Label Studio: sqlite (default) or postgresql, a throw-away "
        "cluster made with the installed PostgreSQL server (skipped when it is missing, unless CI=true)",
    )
