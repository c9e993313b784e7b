"""Live Label Studio for the ``live`` tests: one server per test session.

``live_server`` starts Label Studio exactly as ``annotate server start`` does (it calls the
same ``start_server``), in a temporary data dir on a free port, and stops it at the end of the
session, also when tests fail or are interrupted. Each test makes its own project (unique
title), so tests do not depend on each other. ``cli`` runs the ``annotate`` command through
``CliRunner`` against that server and records every output, so that a test at the end can
check that the API key appeared in none of them.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from annotate.client import Client
from annotate.server import ServerInfo, free_port, start_server, stop_server
from annotate.settings import Settings, resolve_settings

# First start runs Label Studio's migrations: 30-40 s on an idle machine, minutes on a busy one.
START_TIMEOUT = float(os.environ.get("GOLDBENCH_LS_START_TIMEOUT", "600"))
# The CLI must not pick up a developer's own Label Studio settings.
CLEAN_ENV: dict[str, str | None] = {"LABEL_STUDIO_API_KEY": None, "LABEL_STUDIO_URL": None}


def pytest_configure(config: pytest.Config) -> None:
    # label-studio-sdk 2.1.2 refreshes personal access tokens with pydantic's deprecated parse_obj
    config.addinivalue_line("filterwarnings", "ignore:The `parse_obj` method is deprecated:DeprecationWarning")


@dataclass
class LiveServer:
    info: ServerInfo
    settings: Settings
    outputs: list[str] = field(default_factory=list)
    _titles: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def client(self) -> Client:
        return Client(self.settings)

    def title(self, stem: str) -> str:
        """A project title no other test uses."""
        return f"{stem} {next(self._titles)}"

    def cli(self, *args: str, env: dict[str, str | None] | None = None) -> Result:
        """Run ``annotate ARGS --url URL --data-dir DIR`` (server options added where they apply)."""
        from annotate.cli import app

        argv = list(args)
        if argv[0] in ("push", "pull", "quality", "users") and "--from-export" not in argv:
            argv += ["--url", self.info.url, "--data-dir", str(self.info.data_dir)]
        elif argv[0] == "connect-model":
            argv += ["--server", self.info.url, "--data-dir", str(self.info.data_dir)]
        elif argv[0] == "server":
            argv += ["--data-dir", str(self.info.data_dir)]
        result = CliRunner().invoke(app, argv, env={**CLEAN_ENV, **(env or {})})
        self.outputs.append(result.output)  # stdout and stderr, as a terminal shows them
        return result


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir: Path = tmp_path_factory.mktemp("labelstudio")
    try:
        info = start_server(data_dir, free_port(), timeout=START_TIMEOUT)
        settings = resolve_settings(url=info.url, data_dir=data_dir, env={})
        yield LiveServer(info, settings)
    finally:
        stop_server(data_dir)


@pytest.fixture
def live_client(live_server: LiveServer) -> Iterator[Client]:
    with live_server.client() as client:
        yield client
