"""Where Label Studio is and which API key to use, and the small secret files behind them.

The data dir is ``--data-dir``, else ``./.labelstudio`` when it holds a server, else the one
``annotate server start`` last ran (remembered in a per-user state dir, so ``annotate`` finds
the local server from any folder), else ``./.labelstudio``.
The URL comes from ``--url``, else ``LABEL_STUDIO_URL``, else the ``server.json`` that
``annotate server start`` writes in its data dir, else ``http://127.0.0.1:8080``.
The API key comes from ``LABEL_STUDIO_API_KEY``, else a key file (``--key-file``, default
``<data dir>/api_key``). Never from the command line: argv is visible to every local user.
A key file readable by group or others is refused. The key travels as a ``Secret`` whose
``repr``/``str`` never show it, so it cannot leak into a log, a traceback or a manifest.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from eval.errors import UsageError
from eval.io import atomic_write

DEFAULT_DATA_DIR = Path(".labelstudio")
DEFAULT_PORT = 8080
DEFAULT_URL = f"http://127.0.0.1:{DEFAULT_PORT}"
URL_ENV = "LABEL_STUDIO_URL"
KEY_ENV = "LABEL_STUDIO_API_KEY"
#: Overrides the per-user state dir (platformdirs' user state dir); the tests point it at a temp dir.
STATE_ENV = "GOLDBENCH_STATE_DIR"

KEY_FILE = "api_key"
PASSWORD_FILE = "admin_password"
BOOTSTRAP_FILE = "bootstrap_token"
SERVER_FILE = "server.json"


@dataclass(frozen=True, slots=True)
class Secret:
    """A value that must never be printed; ``reveal()`` is the one way to read it."""

    _value: str = field(repr=False)

    def reveal(self) -> str:
        return self._value

    def __str__(self) -> str:
        return "********"

    def __repr__(self) -> str:
        return "Secret('********')"


@dataclass(frozen=True, slots=True)
class Settings:
    """A connection to one Label Studio server; ``key_source`` says where the key was found."""

    url: str
    api_key: Secret
    key_source: str


def write_secret(path: str | Path, value: str) -> Path:
    """Write ``value`` to ``path`` with mode 0600 from the first byte (replacing any old file)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with atomic_write(target, permissions=0o600) as f:
        f.write(value + "\n")
    return target


def read_secret(path: str | Path) -> Secret:
    """Read a secret file, refusing one that group or others may read."""
    p = Path(path)
    try:
        mode = p.stat().st_mode
    except FileNotFoundError:
        raise UsageError(f"{p}: no such key file") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise UsageError(
            f"{p}: the key file is readable by group or others (mode {stat.S_IMODE(mode):04o}); "
            f"run `chmod 600 {p}`"
        )
    value = p.read_text(encoding="utf-8").strip()
    if not value:
        raise UsageError(f"{p}: the key file is empty; put the Label Studio API key in it")
    return Secret(value)


def safe_url(url: str) -> str:
    """The URL without user:password and without a trailing slash (fit for a manifest)."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


def state_dir() -> Path:
    """The per-user folder where goldbench remembers its local server (``~/.local/state/goldbench``
    on Linux, ``~/Library/Application Support/goldbench`` on macOS), or ``$GOLDBENCH_STATE_DIR``."""
    override = os.environ.get(STATE_ENV)
    if override:
        return Path(override)
    from platformdirs import user_state_path

    return user_state_path("goldbench", appauthor=False)


def remember_server(record: dict[str, object]) -> None:
    """Record the server just started (its ``data_dir``, URL, port, pid) in the per-user state dir."""
    folder = state_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with atomic_write(folder / SERVER_FILE) as f:
        f.write(json.dumps(record, indent=2) + "\n")


def remembered_server() -> dict[str, object]:
    """The per-user record of the last server started, or ``{}``."""
    try:
        data = json.loads((state_dir() / SERVER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and isinstance(data.get("data_dir"), str) else {}


def forget_server(data_dir: Path) -> None:
    """Drop the per-user record when it is about ``data_dir`` (after that server stopped)."""
    if remembered_server().get("data_dir") == str(data_dir):
        (state_dir() / SERVER_FILE).unlink(missing_ok=True)


def pick_data_dir(data_dir: str | Path | None) -> Path:
    """``data_dir`` when given; else ``./.labelstudio`` when a server was started there; else the
    data dir of the last server started (from any folder); else ``./.labelstudio``."""
    if data_dir is not None:
        return Path(data_dir)
    if (DEFAULT_DATA_DIR / SERVER_FILE).is_file():
        return DEFAULT_DATA_DIR
    remembered = remembered_server().get("data_dir")
    if isinstance(remembered, str) and (Path(remembered) / SERVER_FILE).is_file():
        return Path(remembered)
    return DEFAULT_DATA_DIR


def server_url_from(data_dir: str | Path) -> str | None:
    """The URL recorded by ``annotate server start`` in ``data_dir``, if any."""
    p = Path(data_dir) / SERVER_FILE
    if not p.is_file():
        return None
    try:
        url = json.loads(p.read_text(encoding="utf-8")).get("url")
    except (json.JSONDecodeError, AttributeError):
        return None
    return url if isinstance(url, str) else None


def resolve_settings(
    *,
    url: str | None = None,
    data_dir: str | Path | None = None,
    key_file: str | Path | None = None,
    env: dict[str, str] | None = None,
) -> Settings:
    """Find the server URL and the API key (see the module docstring for the order)."""
    environ = os.environ if env is None else env
    data_dir = pick_data_dir(data_dir)
    chosen = url or environ.get(URL_ENV) or server_url_from(data_dir) or DEFAULT_URL
    if not chosen.startswith(("http://", "https://")):
        raise UsageError(f"server URL {safe_url(chosen)!r} must start with http:// or https://")
    if key_file is None and environ.get(KEY_ENV):
        return Settings(safe_url(chosen), Secret(environ[KEY_ENV].strip()), f"${KEY_ENV}")
    path = Path(key_file) if key_file is not None else Path(data_dir) / KEY_FILE
    if not path.exists():
        raise UsageError(
            f"no Label Studio API key: set {KEY_ENV}, or start a local server with "
            f"`annotate server start` (it writes {path}), or pass --key-file"
        )
    return Settings(safe_url(chosen), read_secret(path), str(path))
