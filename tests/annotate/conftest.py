"""Live Label Studio for the ``live`` tests: one server per test session.

``live_server`` starts Label Studio exactly as ``annotate server start`` does (it calls the
same ``start_server``), in a temporary data dir on a free port, and stops it at the end of the
session, also when tests fail or are interrupted. Each test makes its own project (unique
title), so tests do not depend on each other. ``cli`` runs the ``annotate`` command through
``CliRunner`` against that server and records every output, so that a test at the end can
check that the API key appeared in none of them.

``pytest --ls-database=postgresql`` runs the same live tests on PostgreSQL: a throw-away
cluster in its own temporary folder, on 127.0.0.1 and a free port, trusting local connections,
removed at the end. PostgreSQL refuses to run as root, so as root (CI) it runs as the
``postgres`` user of Debian's package. Its programs are found through ``$GOLDBENCH_PG_BIN``
(``make test-postgresql`` points it at Debian's folder), ``pg_ctl`` on PATH or ``pg_config``.
When they are missing the live tests are skipped, except under ``CI=true``, where that is an
error.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from annotate.client import Client
from annotate.server import ServerInfo, free_port, start_server, stop_server
from annotate.settings import Settings, resolve_settings

DEMO_ARTICLES = Path(__file__).parents[2] / "gold" / "news-demo" / "articles"
# First start runs Label Studio's migrations: 30-40 s on an idle machine, minutes on a busy one.
START_TIMEOUT = float(os.environ.get("GOLDBENCH_LS_START_TIMEOUT", "600"))
# The CLI must not pick up a developer's own Label Studio settings.
CLEAN_ENV: dict[str, str | None] = {"LABEL_STUDIO_API_KEY": None, "LABEL_STUDIO_URL": None}


def pytest_configure(config: pytest.Config) -> None:
    # label-studio-sdk 2.1.2 refreshes personal access tokens with pydantic's deprecated parse_obj
    config.addinivalue_line("filterwarnings", "ignore:The `parse_obj` method is deprecated:DeprecationWarning")


# --- PostgreSQL -------------------------------------------------------------------------------

PG_DATABASE = "labelstudio"
PG_USER = "postgres"


class Unavailable(RuntimeError):
    """PostgreSQL's server programs are not installed here (or cannot run)."""


def pg_bin_dir() -> Path:
    """``$GOLDBENCH_PG_BIN`` (``make test-postgresql`` sets it to Debian's folder), else the
    folder of ``pg_ctl`` on PATH (symlinks resolved), else ``pg_config --bindir``."""
    candidates = [Path(os.environ["GOLDBENCH_PG_BIN"])] if os.environ.get("GOLDBENCH_PG_BIN") else []
    if pg_ctl := shutil.which("pg_ctl"):
        candidates.append(Path(pg_ctl).resolve().parent)
    if pg_config := shutil.which("pg_config"):
        done = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        candidates += [Path(done.stdout.strip())] if done.returncode == 0 else []
    for folder in candidates:
        if all((folder / tool).is_file() for tool in ("initdb", "pg_ctl", "createdb")):
            return folder
    raise Unavailable(
        "PostgreSQL's server programs (initdb, pg_ctl, createdb) are not found; install Debian's postgresql "
        "package and run `make test-postgresql`, or set GOLDBENCH_PG_BIN"
    )


def _as_owner(args: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return args
    try:
        pwd.getpwnam(PG_USER)
    except KeyError:
        raise Unavailable("running as root and there is no 'postgres' user to run PostgreSQL as") from None
    return ["runuser", "-u", PG_USER, "--", *args]


def _pg(args: list[str]) -> None:
    done = subprocess.run(_as_owner(args), capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise Unavailable(f"{Path(args[0]).name} failed ({done.returncode}): {(done.stderr or done.stdout)[-800:]}")


@contextlib.contextmanager
def pg_cluster(port: int) -> Iterator[str]:
    """A cluster with one empty database; yields ``postgresql://postgres@127.0.0.1:PORT/labelstudio``."""
    bindir = pg_bin_dir()
    base = Path(tempfile.mkdtemp(prefix="goldbench-pg-"))  # not under pytest's root-only tmp dir
    data = base / "data"
    try:
        if os.geteuid() == 0:
            owner = pwd.getpwnam(PG_USER)
            os.chown(base, owner.pw_uid, owner.pw_gid)
        _pg([str(bindir / "initdb"), "-D", str(data), "-U", PG_USER, "--auth=trust", "-E", "UTF8", "--no-locale",
             "--no-sync"])
        options = f"-h 127.0.0.1 -p {port} -k {base} -c fsync=off -c full_page_writes=off"
        _pg([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "log"), "-w", "-t", "120",
             "start"])
        try:
            _pg([str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", PG_USER, PG_DATABASE])
            yield f"postgresql://{PG_USER}@127.0.0.1:{port}/{PG_DATABASE}"
        finally:
            with contextlib.suppress(Unavailable):
                _pg([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"])
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def ls_database(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """The database URL of the live server (None: SQLite in its data dir)."""
    if request.config.getoption("--ls-database") != "postgresql":
        yield None
        return
    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(pg_cluster(free_port()))
        except Unavailable as exc:
            if os.environ.get("CI") == "true":
                pytest.fail(f"--ls-database=postgresql in CI, but {exc}", pytrace=False)
            pytest.skip(f"--ls-database=postgresql: {exc}")
        yield url


# --- the server -------------------------------------------------------------------------------


@dataclass
class LiveServer:
    info: ServerInfo
    settings: Settings
    database: str | None = None
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
def live_server(
    tmp_path_factory: pytest.TempPathFactory, ls_database: str | None, private_state_dir: Path
) -> Iterator[LiveServer]:
    data_dir: Path = tmp_path_factory.mktemp("labelstudio")
    try:
        info = start_server(data_dir, free_port(), database=ls_database, timeout=START_TIMEOUT)
        settings = resolve_settings(url=info.url, data_dir=data_dir, env={})
        yield LiveServer(info, settings, ls_database)
    finally:
        stop_server(data_dir)


@pytest.fixture
def live_client(live_server: LiveServer) -> Iterator[Client]:
    with live_server.client() as client:
        yield client


@pytest.fixture
def five(tmp_path: Path) -> Path:
    """A folder with the first five news-demo articles (the first two name Putin and Uzbekistan)."""
    folder = tmp_path / "five"
    folder.mkdir()
    for p in sorted(DEMO_ARTICLES.glob("*.txt"))[:5]:
        shutil.copy(p, folder / p.name)
    return folder
