"""The one module that imports ``label_studio_sdk``: a small typed wrapper over ``LabelStudio``.

Everything the SDK returns is turned into the frozen records below before it leaves this
module, and every SDK/HTTP failure into one ``ServerError`` line (401 says the key is wrong
and how to get one). The SDK's own retries are switched off: it retries POSTs on 5xx, which
would import a batch twice. Here, reads are retried with exponential backoff on connection
errors, timeouts and 5xx; writes are not. A write that failed in a way that may or may not
have reached the database raises ``TransientError`` (a ``ServerError``), and the caller
re-reads the server before trying again (see ``annotate.push``).

    ServerError (annotate.errors)
    └── TransientError        timeout, dropped connection or 5xx: a read may be retried; a
                              write may or may not have happened
"""

from __future__ import annotations

import hashlib
import socket
import time
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple, TypeVar
from urllib.parse import urlsplit

import httpx
import orjson

from eval.words import counted

from .errors import ServerError, TransientError
from .settings import KEY_ENV, URL_ENV, Secret, Settings

T = TypeVar("T")

#: Called with (what, done, total) while a long operation runs; total is None when unknown.
Progress = Callable[[str, int, "int | None"], None]

PAGE_SIZE = 1000
EXPORT_POLL_SECONDS = 0.5
EXPORT_TIMEOUT_SECONDS = 3600.0


class Retry(NamedTuple):
    """How reads are retried: ``attempts`` in all, sleeping ``backoff * 2**n`` in between."""

    attempts: int = 4
    backoff: float = 0.5


@dataclass(frozen=True, slots=True)
class Project:
    """A Label Studio project, as much of it as goldbench uses."""

    id: int
    title: str
    label_config: str
    task_count: int


@dataclass(frozen=True, slots=True)
class TaskRef:
    """A task already on the server: its id, our document id, the sha256 of its text, how many
    (non-cancelled) annotations it has, and the model versions of its predictions."""

    id: int
    doc_id: str | None
    text_sha256: str | None
    annotations: int = 0
    model_versions: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Export:
    """A full JSON export: the tasks as plain JSON data, and the sha256 of the bytes received."""

    tasks: list[dict[str, Any]]
    sha256: str


@dataclass(frozen=True, slots=True)
class ModelBackendRef:
    """An ML backend connected to a project; ``state`` is Label Studio's (Connected, Error, ...)."""

    id: int
    url: str
    title: str
    state: str
    model_version: str
    error: str


@dataclass(frozen=True, slots=True)
class User:
    """A Label Studio user account."""

    id: int
    email: str


@dataclass(frozen=True, slots=True)
class PredictionIn:
    """A pre-annotation to attach to an existing task."""

    task_id: int
    result: tuple[Mapping[str, Any], ...]
    model_version: str


def _unreachable(url: str, what: str) -> str:
    hint = f"(`annotate server status`, or set {URL_ENV})"
    return f"cannot reach Label Studio at {url} while {what}; is it running? {hint}"


def _refused_at(url: str) -> bool:
    """True when a TCP connect to the URL's host and port is refused: nothing listens there. One
    connect, made before the SDK is imported, so that a stopped server is reported at once. A
    timeout, a name lookup or a proxy in between is left to the requests and their retries."""
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        return False
    proxies = urllib.request.getproxies()
    if (proxies.get(parts.scheme) or proxies.get("all")) and not urllib.request.proxy_bypass(host):
        return False
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        with socket.create_connection((host, port), timeout=2.0):
            return False
    except ConnectionRefusedError:
        return True
    except (OSError, ValueError):
        return False


def _refused(exc: BaseException) -> bool:
    """True when the connection was refused (the error itself or one it was raised from)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ConnectionRefusedError) or "connection refused" in str(seen).lower():
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def text_sha256(text: str) -> str:
    """The hash push compares to tell whether a task's text changed."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Client:
    """A connection to one Label Studio server. Use as a context manager, or call ``close()``."""

    def __init__(
        self,
        settings: Settings,
        *,
        timeout: float = 60.0,
        retry: Retry = Retry(),  # noqa: B008 - an immutable NamedTuple
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if transport is None and _refused_at(settings.url):
            raise ServerError(_unreachable(settings.url, "connecting"))
        from label_studio_sdk import LabelStudio  # seconds to import: only once the port answers

        self.settings = settings
        self.retry = retry
        self._http = httpx.Client(timeout=timeout, follow_redirects=True, transport=transport)
        self._timeout = timeout
        try:
            self._ls = LabelStudio(
                base_url=settings.url,
                api_key=settings.api_key.reveal(),
                max_retries=0,
                timeout=timeout,
                httpx_client=self._http,
            )
        except Exception as exc:  # the SDK rejects an expired personal access token here
            self._http.close()
            raise self._translate(exc, "reading the API key") from None

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -- error handling -------------------------------------------------------------------

    def _translate(self, exc: BaseException, what: str) -> ServerError:
        """One line a person can act on; never the key, never the SDK's header dump."""
        from label_studio_sdk.core.api_error import ApiError

        url = self.settings.url
        if isinstance(exc, ApiError):
            code = exc.status_code
            if code == 401:
                return ServerError(
                    f"{url}: the API key from {self.settings.key_source} was refused (HTTP 401) while "
                    f"{what}; for a local server run `annotate server start` (it writes a fresh key), "
                    f"otherwise create a Personal Access Token in Label Studio (Account & Settings) "
                    f"and put it in ${KEY_ENV} or a 0600 key file"
                )
            if code == 403:
                return ServerError(f"{url}: not allowed (HTTP 403) while {what}; use an admin's API key")
            detail = _one_line(exc.body)
            if code is not None and code >= 500:
                return TransientError(f"{url}: server error (HTTP {code}) while {what}: {detail}")
            return ServerError(f"{url}: HTTP {code} while {what}: {detail}")
        if isinstance(exc, httpx.HTTPStatusError):  # raised by the few requests made without the SDK
            code = exc.response.status_code
            kind = TransientError if code >= 500 else ServerError
            return kind(f"{url}: HTTP {code} while {what}: {_one_line(exc.response.text)}")
        if isinstance(exc, httpx.ConnectError):
            return ServerError(_unreachable(url, what))
        if isinstance(exc, httpx.TimeoutException):
            return TransientError(f"{url}: no answer in time while {what}; the server may be overloaded")
        if isinstance(exc, httpx.TransportError):
            return TransientError(f"{url}: the connection failed while {what} ({type(exc).__name__})")
        return ServerError(f"{url}: unexpected reply while {what} ({type(exc).__name__}: {_one_line(exc)})")

    def _read(self, fn: Callable[[], T], what: str) -> T:
        """Run an idempotent request, retrying connection errors, timeouts and 5xx."""
        for attempt in range(self.retry.attempts):
            try:
                return fn()
            except Exception as exc:
                err = self._translate(exc, what)
                # A refused connection means nothing listens there: say so at once. Other connect
                # errors (a reset, a name lookup that timed out) may pass, like timeouts and 5xx.
                retryable = isinstance(err, TransientError) or (
                    isinstance(exc, httpx.ConnectError) and not _refused(exc)
                )
                if not retryable or attempt == self.retry.attempts - 1:
                    raise err from None
                time.sleep(self.retry.backoff * 2**attempt)
        raise AssertionError("unreachable")

    def _write(self, fn: Callable[[], T], what: str) -> T:
        """Run a write once. A refused connection is certain (nothing was sent); the rest is not."""
        try:
            return fn()
        except Exception as exc:
            raise self._translate(exc, what) from None

    # -- server ---------------------------------------------------------------------------

    def version(self) -> str:
        """The Label Studio release, e.g. ``1.23.2``."""
        v = self._read(lambda: self._ls.versions.get(), "reading the server version")
        return str(v.release or "unknown")

    def whoami(self) -> str:
        """The email of the user the key belongs to (also proves the key works)."""
        user = self._read(lambda: self._ls.users.whoami(), "checking the API key")
        return str(user.email or user.username or user.id)

    def user_emails(self) -> dict[str, str]:
        """The email of every user of the server, by user id (as ``completed_by`` gives it)."""
        users = self._read(lambda: list(self._ls.users.list()), "listing the users")
        return {str(u.id): str(u.email) for u in users if u.id is not None and u.email}

    def create_personal_token(self) -> Secret:
        """Make this user's personal access token (a JWT); Label Studio allows one per user."""
        token = self._write(lambda: self._ls.tokens.create(), "creating a personal access token")
        return Secret(token.token)

    def disable_legacy_tokens(self) -> None:
        """Refuse legacy ``Authorization: Token`` keys from now on (personal tokens still work)."""
        self._write(
            lambda: self._ls.jwt_settings.update(
                # None keeps personal tokens from expiring; the SDK's type says int, the API takes null
                api_token_ttl_days=None,  # type: ignore[arg-type]
                api_tokens_enabled=True,
                legacy_api_tokens_enabled=False,
            ),
            "switching off legacy API tokens",
        )

    # -- users ----------------------------------------------------------------------------

    def list_users(self) -> list[User]:
        """Every user of the organisation."""
        users: Any = self._read(lambda: self._ls.users.list(), "listing the users")
        return [User(int(u.id), str(u.email or "")) for u in users]

    def sign_up(self, email: str, password: Secret) -> tuple[User, Secret]:
        """Create a user through the organisation's invite link, as a person would in the sign-up
        form, and make that user's personal access token; returns the user and the token.

        The admin's key reads the invite token (``GET /api/invite``); the sign-up form
        (``/user/signup/?token=T``) logs the new user in, and that session creates the token.
        Not retried: a second sign-up with the same email is refused by the server.
        """
        invite: Any = self._read(lambda: self._ls.organizations.invites.get_invite_link(), "reading the invite link")
        if not invite.token:
            raise ServerError(f"{self.settings.url}: the server gave no invite token; is the key an admin's?")
        what = f"signing up {email!r}"
        with httpx.Client(base_url=self.settings.url, timeout=self._timeout, follow_redirects=False) as session:
            signup = f"/user/signup/?token={invite.token}"

            def form() -> httpx.Response:
                return session.get(signup).raise_for_status()

            self._read(form, what)  # sets the CSRF cookie
            csrf = session.cookies.get("csrftoken") or ""
            fields = {"email": email, "password": password.reveal(), "csrfmiddlewaretoken": csrf}
            r = self._write(lambda: session.post(signup, data=fields, headers={"Referer": self.settings.url}), what)
            if r.status_code != 302 or "sessionid" not in session.cookies:
                raise ServerError(
                    f"{self.settings.url}: Label Studio refused to sign up {email!r} (HTTP {r.status_code}): "
                    f"{_form_errors(r.text)}"
                )
            csrf = session.cookies.get("csrftoken") or csrf
            headers = {"X-CSRFToken": csrf, "Referer": self.settings.url}
            made = self._write(lambda: session.post("/api/token/", headers=headers).raise_for_status(), what)
            me = self._read(lambda: session.get("/api/current-user/whoami").raise_for_status(), what)
        token = made.json().get("token")
        if not isinstance(token, str) or not token:
            raise ServerError(f"{self.settings.url}: no personal access token came back while {what}")
        return User(int(me.json()["id"]), email), Secret(token)

    # -- projects -------------------------------------------------------------------------

    def get_project(self, project_id: int) -> Project | None:
        from label_studio_sdk.core.api_error import ApiError

        def get() -> Any:
            try:
                return self._ls.projects.get(project_id)
            except ApiError as exc:
                if exc.status_code == 404:
                    return None
                raise

        p: Any = self._read(get, f"reading project {project_id}")
        return None if p is None else _project(p)

    def find_projects(self, title: str) -> list[Project]:
        """All projects with exactly this title."""

        def find() -> list[Any]:
            found: Any = self._ls.projects.list(title=title, page_size=100)
            return [p for p in found if p.title == title]

        return [_project(p) for p in self._read(find, f"looking for project {title!r}")]

    def create_project(self, title: str, label_config: str, *, description: str = "") -> Project:
        p: Any = self._write(
            lambda: self._ls.projects.create(title=title, label_config=label_config, description=description),
            f"creating project {title!r}",
        )
        made = self.get_project(int(p.id))
        if made is None:
            raise ServerError(f"{self.settings.url}: project {title!r} vanished right after it was created")
        return made

    def update_label_config(self, project_id: int, label_config: str) -> Project:
        self._write(
            lambda: self._ls.projects.update(project_id, label_config=label_config),
            f"updating the labeling config of project {project_id}",
        )
        p = self.get_project(project_id)
        if p is None:
            raise ServerError(f"{self.settings.url}: project {project_id} vanished while updating it")
        return p

    def delete_project(self, project_id: int, *, missing_ok: bool = False) -> None:
        """Delete a project; with ``missing_ok`` one that is already gone (a racer deleted it) is fine."""
        from label_studio_sdk.core.api_error import ApiError

        def delete() -> None:
            try:
                self._ls.projects.delete(project_id)
            except ApiError as exc:
                if not (missing_ok and exc.status_code == 404):
                    raise

        self._write(delete, f"deleting project {project_id}")

    # -- tasks ----------------------------------------------------------------------------

    def list_tasks(self, project_id: int, *, with_model_versions: bool = False) -> list[TaskRef]:
        """Every task of a project: id, ``data.doc_id``, text hash, annotation count, and (only
        when asked, as it costs the server more) the model versions of its predictions."""
        include = "id,data,total_annotations" + (",predictions_model_versions" if with_model_versions else "")
        fields = "all" if with_model_versions else "task_only"

        def fetch() -> list[TaskRef]:
            pages: Any = self._ls.tasks.list(project=project_id, fields=fields, include=include, page_size=PAGE_SIZE)
            return [_task_ref(t) for t in pages]

        return self._read(fetch, f"listing the tasks of project {project_id}")

    def import_tasks(self, project_id: int, tasks: Sequence[Mapping[str, Any]]) -> list[int]:
        """Import tasks in one request; returns the new task ids. Not retried (see module doc)."""
        request: Any = list(tasks)
        r: Any = self._write(
            lambda: self._ls.projects.import_tasks(project_id, request=request, return_task_ids=True),
            f"importing {counted(len(tasks), 'task')} into project {project_id}",
        )
        return [int(i) for i in (getattr(r, "task_ids", None) or [])]

    def delete_tasks(self, project_id: int, task_ids: Sequence[int]) -> None:
        """Delete tasks in one request (the data manager's "Delete Tasks" action); ids that are
        gone already are ignored by the server."""
        self._action("delete_tasks", project_id, task_ids, f"deleting {len(task_ids)} tasks of project {project_id}")

    def _action(self, action: str, project_id: int, task_ids: Sequence[int], what: str) -> None:
        """A data manager action on the selected tasks (``POST /api/dm/actions/?id=ACTION``)."""
        selected: Any = {"all": False, "included": [int(t) for t in task_ids]}
        self._write(lambda: self._ls.actions.create(id=action, project=project_id, selected_items=selected), what)

    def import_predictions(self, project_id: int, predictions: Sequence[PredictionIn]) -> int:
        """Attach predictions to existing tasks in one request; returns how many were created."""
        from label_studio_sdk import PredictionRequest

        request = [
            PredictionRequest(task=p.task_id, result=[dict(r) for r in p.result], model_version=p.model_version)
            for p in predictions
        ]
        r = self._write(
            lambda: self._ls.projects.import_predictions(project_id, request=request),
            f"importing {counted(len(request), 'prediction')} into project {project_id}",
        )
        return int(r.created or 0)

    def annotation_count(self, task_id: int) -> int:
        """How many submitted (not cancelled) annotations a task has, read from its annotations
        themselves rather than from the task list's counter."""
        what = f"listing the annotations of task {task_id}"
        found: Any = self._read(lambda: list(self._ls.annotations.list(task_id)), what)
        return sum(1 for a in found if not getattr(a, "was_cancelled", False))

    def create_annotation(
        self,
        task_id: int,
        result: Sequence[Mapping[str, Any]],
        *,
        ground_truth: bool = False,
        cancelled: bool = False,
        lead_time: float | None = None,
    ) -> int:
        """Store an annotation on a task, as the web editor does when an annotator submits (or,
        ``cancelled``, skips it); ``lead_time`` is the seconds spent on it."""
        extra: dict[str, Any] = {} if lead_time is None else {"lead_time": lead_time}
        a = self._write(
            lambda: self._ls.annotations.create(
                task_id, result=[dict(r) for r in result], ground_truth=ground_truth, was_cancelled=cancelled, **extra
            ),
            f"creating an annotation on task {task_id}",
        )
        return int(a.id or 0)

    # -- ML backends ----------------------------------------------------------------------

    def list_model_backends(self, project_id: int) -> list[ModelBackendRef]:
        what = f"listing the models of project {project_id}"
        found: Any = self._read(lambda: self._ls.ml.list(project=project_id), what)
        return [_backend(b) for b in found]

    def connect_model(self, project_id: int, url: str, *, title: str) -> ModelBackendRef:
        """Register the ML backend at ``url`` with the project. Label Studio calls its /health
        and /setup first and refuses a backend that does not answer them."""
        made: Any = self._write(
            lambda: self._ls.ml.create(project=project_id, url=url, title=title, auto_update=True),
            f"connecting the model at {url} to project {project_id}",
        )
        return _backend(made)

    def retrieve_predictions(self, project_id: int, task_ids: Sequence[int]) -> None:
        """Have Label Studio ask the project's ML backend for predictions of these tasks (the
        data manager's "Retrieve Predictions" action); tasks with one of its version are skipped."""
        what = f"retrieving predictions for {len(task_ids)} tasks of project {project_id}"
        self._action("retrieve_tasks_predictions", project_id, task_ids, what)

    # -- export ---------------------------------------------------------------------------

    def export_json(
        self,
        project_id: int,
        *,
        predictions: bool = False,
        since: datetime | None = None,
        progress: Progress | None = None,
    ) -> Export:
        """The full JSON export (tasks with all annotations and relations) through a snapshot;
        with ``predictions`` each task's predictions are in it whole (else as ids); with
        ``since`` only the annotated tasks changed after that time (an annotation saved).

        JSON_MIN/CSV/CONLL drop relations and ``download_sync`` ignores ``ids``, so this makes
        an export snapshot, waits for it, streams it down, and deletes it again. ``since`` is a
        Data Manager view filtered on the task's ``updated_at`` (which saving an annotation
        sets), given to the snapshot as its task filter and deleted afterwards.
        """
        from label_studio_sdk.types import (
            LseTaskFilterOptionsRequest,
            SerializationOptionRequest,
            SerializationOptionsRequest,
        )

        note = progress or (lambda what, done, total: None)
        note("exporting", 0, None)
        whole: dict[str, Any] = {"predictions": SerializationOptionRequest(only_id=False)} if predictions else {}
        options = SerializationOptionsRequest(include_annotation_history=False, **whole)  # null is refused
        view_id = self._since_view(project_id, since) if since is not None else None
        try:
            filters = (
                LseTaskFilterOptionsRequest(view=view_id, only_with_annotations=True) if view_id is not None else None
            )
            return self._export(project_id, options, filters, note)
        finally:
            if view_id is not None:
                with suppress(Exception):  # a leftover tab in the Data Manager changes no data
                    self._ls.views.delete(str(view_id))

    def _since_view(self, project_id: int, since: datetime) -> int:
        from label_studio_sdk.types import PrepareParamsFiltersRequest, ViewDataRequestRequest

        moment = (since if since.tzinfo is not None else since.replace(tzinfo=UTC)).astimezone(UTC)
        item = {
            "filter": "filter:tasks:updated_at",
            "operator": "greater",
            "type": "Datetime",
            "value": moment.isoformat().replace("+00:00", "Z"),
        }
        data = ViewDataRequestRequest(filters=PrepareParamsFiltersRequest(conjunction="and", items=[item]))  # type: ignore[list-item]
        view: Any = self._write(
            lambda: self._ls.views.create(project=project_id, data=data),
            f"making a task filter of project {project_id}",
        )
        return int(view.id)

    def _export(self, project_id: int, options: Any, filters: Any, note: Progress) -> Export:
        extra: dict[str, Any] = {} if filters is None else {"task_filter_options": filters}  # null is refused
        snap: Any = self._write(
            lambda: self._ls.projects.exports.create(
                project_id,
                title="goldbench pull",
                serialization_options=options,
                request_options={"timeout_in_seconds": int(EXPORT_TIMEOUT_SECONDS)},
                **extra,
            ),
            f"creating an export of project {project_id}",
        )
        export_id = int(snap.id)
        try:
            waited = 0.0
            while snap.status not in ("completed", "failed"):
                if waited > EXPORT_TIMEOUT_SECONDS:
                    raise ServerError(f"{self.settings.url}: export {export_id} of project {project_id} timed out")
                time.sleep(EXPORT_POLL_SECONDS)
                waited += EXPORT_POLL_SECONDS
                snap = self._read(
                    lambda: self._ls.projects.exports.get(project_id, export_id), "waiting for the export"
                )
                note("exporting", int((snap.counters or {}).get("task_number", 0)), None)
            if snap.status == "failed":
                raise ServerError(
                    f"{self.settings.url}: Label Studio could not export project {project_id}; see its log"
                )
            data = self._read(lambda: self._download(project_id, export_id, note), "downloading the export")
        finally:
            with suppress(Exception):  # cleanup of a finished export; a failure changes nothing
                self._ls.projects.exports.delete(project_id, export_id)
        try:
            tasks = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise ServerError(f"{self.settings.url}: the export is not valid JSON ({exc})") from None
        if not isinstance(tasks, list):
            raise ServerError(f"{self.settings.url}: the export is not a JSON list of tasks")
        return Export(tasks, hashlib.sha256(data).hexdigest())

    def _download(self, project_id: int, export_id: int, note: Progress) -> bytes:
        chunks: list[bytes] = []
        done = 0
        for chunk in self._ls.projects.exports.download(project_id, export_id, export_type="JSON"):
            chunks.append(chunk)
            done += len(chunk)
            note("downloading", done, None)
        return b"".join(chunks)


def _project(p: Any) -> Project:
    return Project(
        id=int(p.id),
        title=str(p.title or ""),
        label_config=str(p.label_config or ""),
        task_count=int(getattr(p, "task_number", None) or 0),
    )


def _backend(b: Any) -> ModelBackendRef:
    return ModelBackendRef(
        id=int(b.id),
        url=str(b.url),
        title=str(b.title or ""),
        state=str(b.readable_state or b.state or ""),
        model_version=str(b.model_version or ""),
        error=str(b.error_message or ""),
    )


def _task_ref(t: Any) -> TaskRef:
    data = t.data if isinstance(t.data, dict) else {}
    doc_id = data.get("doc_id")
    text = data.get("text")
    versions = t.predictions_model_versions or ""
    if isinstance(versions, str):
        names = frozenset(v.strip() for v in versions.split(",") if v.strip())  # PostgreSQL joins with ", "
    else:
        names = frozenset(str(v) for v in versions if v)
    return TaskRef(
        id=int(t.id),
        doc_id=None if doc_id is None else str(doc_id),
        text_sha256=text_sha256(text) if isinstance(text, str) else None,
        annotations=int(t.total_annotations or 0),
        model_versions=names,
    )


def _form_errors(html: str) -> str:
    """The error list of a re-shown Django form, as plain text (or a hint when there is none)."""
    import re

    found = re.findall(r'<(?:li|p)[^>]*class="[^"]*(?:error|errorlist)[^"]*"[^>]*>(.*?)</', html, flags=re.S)
    text = "; ".join(" ".join(re.sub(r"<[^>]+>", " ", f).split()) for f in found if f.strip())
    return text or "see the server log"


def _one_line(body: Any, limit: int = 200) -> str:
    """A server reply squeezed into one line (Label Studio's field errors first, when present)."""
    if isinstance(body, dict) and isinstance(body.get("validation_errors"), dict):
        body = "; ".join(f"{k}: {' '.join(map(str, v)) if isinstance(v, list) else v}"
                         for k, v in body["validation_errors"].items())
    elif isinstance(body, dict) and isinstance(body.get("detail"), str):
        body = body["detail"]
    text = body if isinstance(body, str) else orjson.dumps(body, default=str).decode()
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
