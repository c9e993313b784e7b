"""A Label Studio ML backend for any extractor: ``annotate serve-model EXTRACTOR``.

The protocol is the one Label Studio 1.23.2 speaks (``label_studio/ml/api_connector.py`` and
``ml/models.py``): ``GET /health`` must answer 2xx JSON; ``POST /setup`` gets the project's
labeling config and answers ``{"model_version"}``; ``POST /predict`` gets ``{"tasks": [...],
"label_config", ...}`` and answers ``{"results": [...]}`` with one entry per task, in order.
An entry is a list of predictions ``{"result", "model_version", "score"}``; Label Studio
stores each, and an empty list stores nothing for that task. ``POST /webhook`` (Label Studio
registers one for every backend) is acknowledged and ignored.

The extractor runs exactly as ``evaluate --extractor`` runs it (``eval.extractor``). Its output
becomes Label Studio results through push's own conversion (``convert_push.document_results``),
checked against the schema first. A task whose output is wrong gets no prediction and one log
line naming the task; a prediction is never sent half-converted. A batch the extractor fails on
as a whole is run again one task at a time, so that one bad task does not cost the others.
A project whose labeling config is not the schema's is refused at ``/setup`` and ``/predict``.

    GoldbenchError
    └── BackendRequestError      a request that is not what Label Studio sends (HTTP 400)
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from eval.errors import GoldbenchError, UsageError
from eval.extractor import run_extractor
from eval.model import Document

from .client import Client, ModelBackendRef
from .convert_push import document_results
from .errors import ServerError
from .schema import TEXT_NAME, Schema, config_difference, labeling_config

log = logging.getLogger("goldbench.serve")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 9090
MODEL_CLASS = "goldbench"


class BackendRequestError(GoldbenchError):
    """A request to the backend that is not what Label Studio sends."""


@dataclass(frozen=True, slots=True)
class TaskPrediction:
    """What the backend made of one task: the result items, or why it sends none."""

    task_id: int
    result: tuple[Mapping[str, Any], ...] | None
    refused: str | None = None


@dataclass(slots=True)
class ModelBackend:
    """The extractor, the schema its output must fit, and the model version it reports."""

    extractor: str
    schema: Schema
    model_version: str
    timeout: float = 600.0
    _config: str = field(init=False, default="")

    def __post_init__(self) -> None:
        self._config = labeling_config(self.schema)

    # -- the protocol ---------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        return {"status": "UP", "model_class": MODEL_CLASS, "model_version": self.model_version}

    def setup(self, payload: Any) -> dict[str, Any]:
        """Check the project's config; ``model_version`` tells Label Studio what to expect."""
        body = _object(payload, "/setup")
        self._check_config(body.get("schema"), body.get("project"))
        return {"model_version": self.model_version}

    def predict(self, payload: Any) -> dict[str, Any]:
        body = _object(payload, "/predict")
        self._check_config(body.get("label_config"), body.get("project"))
        tasks = body.get("tasks")
        if not isinstance(tasks, list):
            raise BackendRequestError("/predict: 'tasks' must be a list of tasks")
        made = self.predict_tasks(tasks)
        return {"results": [self._entry(p) for p in made]}

    def versions(self) -> dict[str, Any]:
        return {"versions": [self.model_version]}

    def check(self) -> None:
        """Run the extractor once on a short text, so that a wrong spec fails at start, not at
        the first task (``ExtractorError``/``FormatError``, exit 2)."""
        probe = Document("startup-check", "Anna Berg visited Oslo on Monday.")
        run_extractor(self.extractor, [probe], timeout=self.timeout)

    # -- the work -------------------------------------------------------------------------

    def predict_tasks(self, tasks: Sequence[Any]) -> list[TaskPrediction]:
        """One ``TaskPrediction`` per task, in order; refusals are logged, one line each."""
        made: dict[int, TaskPrediction] = {}
        docs: list[Document] = []
        order: list[int] = []
        for i, task in enumerate(tasks):
            task_id, doc, why = _task_document(task, i)
            order.append(task_id)
            if task_id in made or any(d.id == str(task_id) for d in docs):
                made[task_id] = TaskPrediction(task_id, None, "the request holds this task twice")
            elif doc is None:
                made[task_id] = TaskPrediction(task_id, None, why)
            else:
                docs.append(doc)
        for p in self._run([d for d in docs if int(d.id) not in made]):
            made[p.task_id] = p
        for p in made.values():
            if p.refused:
                log.warning("task %s: %s; no prediction sent", p.task_id, p.refused)
        return [made[t] for t in order]

    def _run(self, docs: list[Document]) -> list[TaskPrediction]:
        """Run the extractor on ``docs`` (their ids are the task ids); when it fails on the
        whole batch, run each document alone to find the one(s) at fault."""
        if not docs:
            return []
        try:
            run = run_extractor(self.extractor, docs, timeout=self.timeout)
        except GoldbenchError as exc:
            if len(docs) > 1:
                return [p for d in docs for p in self._run([d])]
            return [TaskPrediction(int(docs[0].id), None, f"the extractor failed: {_lines(exc)}")]
        found = {d.id: d for d in run.documents}
        made: list[TaskPrediction] = []
        for doc in docs:
            task_id = int(doc.id)
            pred = found.get(doc.id)
            if pred is None:
                made.append(TaskPrediction(task_id, None, "the extractor gave no output for it"))
                continue
            results, problems = document_results(pred, self.schema)
            if problems:
                what = "; ".join(p.message for p in problems[:3])
                more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
                why = f"the extractor's output does not fit the schema: {what}{more}"
                made.append(TaskPrediction(task_id, None, why))
            else:
                made.append(TaskPrediction(task_id, tuple(results)))
        return made

    def _entry(self, p: TaskPrediction) -> list[dict[str, Any]]:
        if p.result is None:
            return []
        return [{"result": [dict(r) for r in p.result], "model_version": self.model_version, "score": None}]

    def _check_config(self, config: Any, project: Any) -> None:
        if config is None:
            return  # an older caller; the results are checked against our schema all the same
        if not isinstance(config, str):
            raise BackendRequestError("the labeling config must be a string")
        diff = config_difference(config, self._config)
        if diff is not None:
            raise BackendRequestError(
                f"project {project}: its labeling config is not the one made from the schema ({diff}); "
                "push with --update-config, or serve the project's own schema with --schema"
            )


def _object(payload: Any, where: str) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise BackendRequestError(f"{where}: the request body must be a JSON object")
    return payload


def _task_document(task: Any, position: int) -> tuple[int, Document | None, str]:
    """The task id (``-position`` when there is none) and the task's text as a document."""
    tid = task.get("id") if isinstance(task, dict) else None
    if not isinstance(tid, int) or isinstance(tid, bool):
        return -(position + 1), None, f"request item {position + 1} is not a task (no integer id)"
    data = task.get("data")
    text = data.get(TEXT_NAME) if isinstance(data, dict) else None
    if not isinstance(text, str):
        return tid, None, f"data.{TEXT_NAME} is not a text"
    return tid, Document(str(tid), text), ""


def _lines(exc: GoldbenchError) -> str:
    return " | ".join(exc.lines()[:4])


# --- HTTP ------------------------------------------------------------------------------------------


def make_app(backend: ModelBackend) -> Any:
    """The ASGI app (Starlette) that speaks the protocol for ``backend``.

    The extractor runs in Starlette's thread pool, so a slow one does not stop ``/health``
    from answering. A bad request gets HTTP 400 with ``{"error"}``, the field Label Studio shows.
    """
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    def post(call: Callable[[Any], dict[str, Any]]) -> Callable[[Request], Awaitable[JSONResponse]]:
        async def endpoint(request: Request) -> JSONResponse:
            try:
                try:
                    payload = await request.json()
                except ValueError:
                    raise BackendRequestError(f"{request.url.path}: the request body is not JSON") from None
                return JSONResponse(await run_in_threadpool(call, payload))
            except BackendRequestError as exc:
                log.warning("%s", exc)
                return JSONResponse({"error": str(exc)}, status_code=400)

        return endpoint

    def get(answer: Callable[[], dict[str, Any]]) -> Callable[[Request], Awaitable[JSONResponse]]:
        async def endpoint(request: Request) -> JSONResponse:
            return JSONResponse(answer())

        return endpoint

    routes = [
        Route("/", get(backend.health), methods=["GET"]),
        Route("/health", get(backend.health), methods=["GET"]),
        Route("/versions", get(backend.versions), methods=["GET"]),
        Route("/setup", post(backend.setup), methods=["POST"]),
        Route("/predict", post(backend.predict), methods=["POST"]),
        Route("/webhook", post(lambda payload: {}), methods=["POST"]),  # registered by Label Studio; unused
    ]
    return Starlette(routes=routes)


def serve(backend: ModelBackend, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    """Serve ``backend`` with uvicorn until interrupted (log lines on stderr)."""
    import uvicorn

    from .server import port_is_free

    if not port_is_free(port, host):
        raise UsageError(f"port {port} on {host} is already in use; pass --port with a free port")
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    uvicorn.run(make_app(backend), host=host, port=port, log_level="info")


# --- the Label Studio side -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Connection:
    """The project's ML backend at a URL, and whether this call registered it."""

    project_id: int
    project_title: str
    backend: ModelBackendRef
    created: bool


def connect_model(client: Client, *, project: str, url: str, title: str | None = None) -> Connection:
    """Register the ML backend at ``url`` with ``project`` (once: a second call finds it).

    Its title defaults to the model version the backend reports on ``/health``; Label Studio
    makes a new backend's title the project's model version, the one the editor shows.
    """
    from .push import resolve_project

    if not url.startswith(("http://", "https://")):
        raise UsageError(f"--url {url!r}: the model's URL must start with http:// or https://")
    found = resolve_project(client, project)
    if found is None:
        raise UsageError(f"{client.settings.url}: no project titled {project!r}; push to it first")
    wanted = url.rstrip("/")
    for backend in client.list_model_backends(found.id):
        if backend.url.rstrip("/") == wanted:
            return Connection(found.id, found.title, backend, created=False)
    made = client.connect_model(found.id, wanted, title=title or _reported_version(wanted))
    return Connection(found.id, found.title, made, created=True)


def _reported_version(url: str) -> str:
    """The ``model_version`` from the backend's ``/health`` (``goldbench`` when it has none)."""
    import httpx

    try:
        reply = httpx.get(f"{url}/health", timeout=10).raise_for_status().json()
    except (httpx.HTTPError, ValueError) as exc:
        raise ServerError(
            f"the model at {url} does not answer /health ({type(exc).__name__}); "
            "is `annotate serve-model` running there?"
        ) from None
    version = reply.get("model_version") if isinstance(reply, dict) else None
    return version if isinstance(version, str) and version else MODEL_CLASS
