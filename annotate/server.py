"""Start, stop and check a local Label Studio (the ``server`` extra) for annotation work.

The server listens on 127.0.0.1 only, keeps everything in one data dir (``.labelstudio/``),
and makes no outbound calls (version check, Sentry and analytics are switched off). On the
first start an admin user is created with a generated password (stored 0600 in the data
dir), and an API key is obtained: Label Studio is started with a one-time legacy token, that
token makes the admin's personal access token (written 0600 to ``<data dir>/api_key``), and
legacy tokens are then switched off so the one-time token is worthless.

Files in the data dir besides Label Studio's own: ``server.pid``, ``server.json`` (URL, port,
user; nothing secret), ``server.log``, ``admin_password`` and ``api_key`` (both 0600). A copy of
the record, with the data dir's path, goes to the per-user state dir (``settings.state_dir``):
that is how ``annotate`` run from another folder finds this server, and how a busy port is
recognised as this server's.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from eval.errors import UsageError
from eval.io import atomic_write

from .errors import ServerError
from .settings import (
    BOOTSTRAP_FILE,
    DEFAULT_PORT,
    KEY_FILE,
    PASSWORD_FILE,
    SERVER_FILE,
    Secret,
    Settings,
    forget_server,
    read_secret,
    remember_server,
    remembered_server,
    write_secret,
)

HOST = "127.0.0.1"
ADMIN_USER = "admin@goldbench.local"
PID_FILE = "server.pid"
LOG_FILE = "server.log"
DB_FILE = "label_studio.sqlite3"

#: Environment for the server process: no outbound calls of any kind. The ML backend of
#: ``annotate serve-model`` listens on 127.0.0.1 like the server, so Label Studio must be
#: allowed to call local addresses (it refuses them by default, against SSRF from the web).
QUIET_ENV = {
    "LATEST_VERSION_CHECK": "false",
    "SENTRY_DSN": "",
    "FRONTEND_SENTRY_DSN": "",
    "COLLECT_ANALYTICS": "false",
    "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
    "ML_BLOCK_LOCAL_IP": "false",
    "USE_DEFAULT_BANNED_SUBNETS": "false",
}
#: Label Studio's own database settings (core/settings/base.py); set only from ``--database``.
_DATABASE_ENV = ("DJANGO_DB", "POSTGRE_NAME", "POSTGRE_USER", "POSTGRE_PASSWORD", "POSTGRE_HOST", "POSTGRE_PORT")
PASSWORD_ENV = "PGPASSWORD"
#: Variables Label Studio reads only when it creates the first user; never passed on later.
_FIRST_USER_ENV = (
    "LABEL_STUDIO_USERNAME",
    "LABEL_STUDIO_PASSWORD",
    "LABEL_STUDIO_USER_TOKEN",
    "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN",
    "LABEL_STUDIO_API_KEY",
)


@dataclass(frozen=True, slots=True)
class ServerInfo:
    """A running local server and how to log in to it (the password stays in its file)."""

    url: str
    port: int
    pid: int
    data_dir: Path
    username: str
    password_file: Path
    key_file: Path
    started: bool
    first_start: bool = False


@dataclass(frozen=True, slots=True)
class ServerStatus:
    """Whether a server started from ``data_dir`` is running, and where."""

    running: bool
    healthy: bool
    pid: int | None
    url: str | None
    data_dir: Path


def label_studio_executable() -> Path:
    """The ``label-studio`` script installed next to this Python (the ``server`` extra)."""
    exe = Path(sys.executable).parent / "label-studio"
    if not exe.is_file():
        raise UsageError(
            f"Label Studio is not installed next to {sys.executable}; install it with "
            "`pip install 'goldbench[server]'`"
        )
    return exe


def free_port(host: str = HOST) -> int:
    """A port on ``host`` that nothing listens on now (the OS picks it)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def port_is_free(port: int, host: str = HOST) -> bool:
    """True when nothing listens on ``host:port`` (TIME_WAIT leftovers do not count)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def health_ok(url: str, *, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=timeout) as r:  # noqa: S310 - our own URL
            return bool(r.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped by its parent) is not running.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _is_our_server(pid: int, data_dir: Path) -> bool:
    """The pid is alive and is a ``label-studio`` run on this data dir (not a recycled pid)."""
    if not _pid_alive(pid):
        return False
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return True  # no /proc: trust the pid file
    args = [a.decode(errors="replace") for a in argv]
    return any(a.endswith("label-studio") for a in args) and str(data_dir) in args


def _read_pid(data_dir: Path) -> int | None:
    try:
        return int((data_dir / PID_FILE).read_text().strip())
    except (OSError, ValueError):
        return None


def _read_record(data_dir: Path) -> dict[str, object]:
    try:
        data = json.loads((data_dir / SERVER_FILE).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def database_env(url: str, *, environ: dict[str, str] | None = None) -> dict[str, str]:
    """Label Studio's settings for ``postgresql://USER@HOST:PORT/DB`` (``DJANGO_DB``, ``POSTGRE_*``).

    The password is never part of the URL (argv is visible to every local user); it comes from
    ``$PGPASSWORD`` as for psql, and may be absent when the server trusts local connections.
    """
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url.strip())
    shape = "give it as postgresql://USER@HOST:PORT/DB"
    if parts.password is not None:
        raise UsageError(f"--database: leave the password out of the URL (anyone can read argv); set ${PASSWORD_ENV}")
    shown = url.strip()  # no password in it from here on
    if parts.scheme not in ("postgresql", "postgres"):
        raise UsageError(f"--database {shown!r}: only PostgreSQL is supported; {shape}")
    try:
        port = parts.port or 5432
    except ValueError:
        raise UsageError(f"--database {shown!r}: the port is not a number; {shape}") from None
    name = unquote(parts.path.lstrip("/"))
    if not (parts.username and parts.hostname and name) or "/" in name:
        raise UsageError(f"--database {shown!r}: needs a user, a host and a database name; {shape}")
    env = {
        "DJANGO_DB": "default",  # label_studio.core.settings: 'default' is the PostgreSQL entry
        "POSTGRE_NAME": name,
        "POSTGRE_USER": unquote(parts.username),
        "POSTGRE_HOST": parts.hostname,
        "POSTGRE_PORT": str(port),
        "POSTGRE_PASSWORD": (os.environ if environ is None else environ).get(PASSWORD_ENV, ""),
    }
    return env


def server_status(data_dir: str | Path) -> ServerStatus:
    """Is the server of ``data_dir`` running, and does it answer ``/health``?"""
    d = Path(data_dir).resolve()
    pid = _read_pid(d)
    url = _read_record(d).get("url")
    url = url if isinstance(url, str) else None
    if pid is None or not _is_our_server(pid, d):
        return ServerStatus(False, False, None, url, d)
    return ServerStatus(True, url is not None and health_ok(url), pid, url, d)


def start_server(
    data_dir: str | Path,
    port: int = DEFAULT_PORT,
    *,
    database: str | None = None,
    timeout: float = 300.0,
) -> ServerInfo:
    """Start Label Studio on ``127.0.0.1:port`` with its data in ``data_dir``; wait for /health.

    The database is SQLite in ``data_dir``, or PostgreSQL with ``database`` (a URL, see
    ``database_env``); a data dir remembers its database, so a restart needs no ``--database``.
    Returns at once with ``started=False`` when this data dir's server is already running.
    First start (no database yet): creates the admin user and writes the API key file.
    """
    d = Path(data_dir).resolve()
    status = server_status(d)
    if status.running and status.url:
        remember_server({**_read_record(d), "data_dir": str(d)})
        return _info(d, status.pid or 0, status.url, started=False)
    exe = label_studio_executable()
    if not 0 < port < 65536:
        raise UsageError(f"--port {port} is not a TCP port (1-65535)")
    if not port_is_free(port):
        raise UsageError(_port_in_use(port))
    db_env = database_env(database) if database else {}  # checked first: it refuses a password
    recorded = _read_record(d).get("database")
    if database and isinstance(recorded, str) and database.strip() != recorded:
        raise UsageError(f"{d} holds the server of {recorded}; use another --data-dir for {database.strip()}")
    if database is None and isinstance(recorded, str):
        database, db_env = recorded, database_env(recorded)
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    # PostgreSQL keeps no file here: a data dir without the admin password has never started.
    first = not (d / (DB_FILE if database is None else PASSWORD_FILE)).exists()
    env = {k: v for k, v in os.environ.items() if k not in _FIRST_USER_ENV and k not in _DATABASE_ENV}
    env.update(QUIET_ENV)
    env.update(db_env)
    bootstrap: Secret | None = None
    if first:
        write_secret(d / PASSWORD_FILE, secrets.token_urlsafe(18))
        bootstrap = Secret(secrets.token_hex(20))
        write_secret(d / BOOTSTRAP_FILE, bootstrap.reveal())
        env["LABEL_STUDIO_USERNAME"] = ADMIN_USER
        env["LABEL_STUDIO_PASSWORD"] = read_secret(d / PASSWORD_FILE).reveal()
        env["LABEL_STUDIO_USER_TOKEN"] = bootstrap.reveal()
        env["LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN"] = "true"
    url = f"http://{HOST}:{port}"
    cmd = [str(exe), "start", "--no-browser", "--internal-host", HOST, "--port", str(port), "--data-dir", str(d)]
    with open(d / LOG_FILE, "ab") as log:
        proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=d,
            start_new_session=True,
        )
    (d / PID_FILE).write_text(f"{proc.pid}\n")
    _write_record(d, url=url, port=port, pid=proc.pid, database=database.strip() if database else None)
    try:
        _wait_healthy(proc, url, d, timeout=timeout)
        _ensure_api_key(d, url)
    except BaseException:
        _terminate(proc.pid)
        (d / PID_FILE).unlink(missing_ok=True)
        raise
    return _info(d, proc.pid, url, started=True, first_start=first)


def _port_in_use(port: int) -> str:
    """Why ``port`` is busy: goldbench's own server (from the per-user record) or another program."""
    record = remembered_server()
    other = Path(str(record.get("data_dir", "")))
    if record.get("port") == port and server_status(other).running:
        return (
            f"port {port} on {HOST} is already in use by goldbench's Label Studio with data in {other}; "
            f"use it with --data-dir {other}, stop it with `annotate server stop --data-dir {other}`, "
            "or pass --port with a free port"
        )
    if health_ok(f"http://{HOST}:{port}", timeout=2.0):
        return (
            f"port {port} on {HOST} is already in use by a Label Studio that goldbench did not start from here; "
            "if it is yours, pass its --data-dir (the folder it was started with), or pass --port with a free port"
        )
    return f"port {port} on {HOST} is already in use by another program; pass --port with a free port, or stop it"


def stop_server(data_dir: str | Path, *, timeout: float = 30.0) -> bool:
    """Stop the server of ``data_dir`` through its pid file; False when it was not running."""
    d = Path(data_dir).resolve()
    pid = _read_pid(d)
    running = pid is not None and _is_our_server(pid, d)
    if running and pid is not None:
        _terminate(pid, timeout=timeout)
    (d / PID_FILE).unlink(missing_ok=True)
    forget_server(d)
    return running


def _terminate(pid: int, *, timeout: float = 30.0) -> None:
    """SIGTERM the server's process group, SIGKILL it if it lingers, and reap it if ours."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        except PermissionError:
            os.kill(pid, sig)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            _reap(pid)
            if not _pid_alive(pid):
                return
            time.sleep(0.1)


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):  # not our child: its own parent reaps it
        os.waitpid(pid, os.WNOHANG)


def _wait_healthy(proc: subprocess.Popen[bytes], url: str, d: Path, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code = proc.poll()
        if code is not None:
            raise ServerError(f"Label Studio exited while starting (exit code {code}); see {d / LOG_FILE}")
        if health_ok(url):
            return
        time.sleep(0.5)
    raise ServerError(
        f"Label Studio did not answer {url}/health within {timeout:.0f} s; see {d / LOG_FILE}"
    )


def _ensure_api_key(d: Path, url: str) -> None:
    """After the first start: trade the one-time legacy token for a personal access token."""
    key_file, boot_file = d / KEY_FILE, d / BOOTSTRAP_FILE
    if key_file.exists() or not boot_file.exists():
        return
    from .client import Client

    with Client(Settings(url, read_secret(boot_file), str(boot_file))) as client:
        token = client.create_personal_token()
        write_secret(key_file, token.reveal())
    with Client(Settings(url, token, str(key_file))) as client:
        client.disable_legacy_tokens()
    boot_file.unlink()


def _write_record(d: Path, *, url: str, port: int, pid: int, database: str | None) -> None:
    record: dict[str, object] = {"url": url, "port": port, "pid": pid, "username": ADMIN_USER}
    if database:
        record["database"] = database  # no password: it never is in the URL
    with atomic_write(d / SERVER_FILE) as f:
        f.write(json.dumps(record, indent=2) + "\n")
    remember_server({**record, "data_dir": str(d)})


def _info(d: Path, pid: int, url: str, *, started: bool, first_start: bool = False) -> ServerInfo:
    username = _read_record(d).get("username")
    port = int(url.rsplit(":", 1)[1])
    return ServerInfo(
        url=url,
        port=port,
        pid=pid,
        data_dir=d,
        username=username if isinstance(username, str) else ADMIN_USER,
        password_file=d / PASSWORD_FILE,
        key_file=d / KEY_FILE,
        started=started,
        first_start=first_start,
    )
