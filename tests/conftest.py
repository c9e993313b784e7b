"""For the whole suite: ``--ls-database`` picks the database of the live Label Studio, and
goldbench's per-user state dir (where ``annotate server start`` remembers its server) is a temp
dir, so no test reads or writes the user's own state dir."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotate.settings import STATE_ENV


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--ls-database",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="database of the session's live Label Studio: sqlite (default) or postgresql, a throw-away "
        "cluster made with the installed PostgreSQL server (skipped when it is missing, unless CI=true)",
    )


@pytest.fixture(scope="session", autouse=True)
def private_state_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("state")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(STATE_ENV, str(folder))
        yield folder
