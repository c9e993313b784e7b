"""Client error paths, with ``httpx.MockTransport`` standing in for the server.

Each SDK/HTTP failure becomes one ``ServerError`` line a person can act on, without the key;
reads are retried on 5xx and connection errors, writes are not (a retried import could
duplicate tasks) and raise ``TransientError`` instead.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

import httpx
import pytest

from annotate.client import Client, Retry
from annotate.errors import ServerError, TransientError
from annotate.settings import Secret, Settings

KEY = "legacy-0123456789abcdef0123456789"  # not a JWT: sent as is, no token refresh
URL = "http://127.0.0.1:9"

Handler = Callable[[httpx.Request], httpx.Response]


def client(handler: Handler, *, attempts: int = 3) -> Client:
    settings = Settings(URL, Secret(KEY), "$LABEL_STUDIO_API_KEY")
    return Client(settings, retry=Retry(attempts=attempts, backoff=0.0), transport=httpx.MockTransport(handler))


def project_json(pid: int = 7, title: str = "news") -> dict[str, object]:
    return {"id": pid, "title": title, "label_config": "<View/>", "task_number": 3}


def test_401_names_the_key_source_and_how_to_get_a_key():
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["Authorization"] == f"Token {KEY}"
        return httpx.Response(401, json={"detail": "Invalid token."})

    with client(handler) as c, pytest.raises(ServerError) as err:
        c.get_project(7)
    message = str(err.value)
    assert "refused (HTTP 401)" in message and "$LABEL_STUDIO_API_KEY" in message
    assert "annotate server start" in message and "Personal Access Token" in message
    assert KEY not in message and "\n" not in message


def test_reads_are_retried_on_5xx_then_succeed():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if len(calls) < 3:
            return httpx.Response(502, text="bad gateway")
        return httpx.Response(200, json=project_json())

    with client(handler) as c:
        project = c.get_project(7)
    assert project is not None and (project.id, project.title, project.task_count) == (7, "news", 3)
    assert len(calls) == 3


def test_reads_give_up_after_the_last_attempt():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(503, text="unavailable")

    with client(handler, attempts=4) as c, pytest.raises(TransientError, match="HTTP 503"):
        c.get_project(7)
    assert len(calls) == 4


def test_writes_are_not_retried_and_say_the_outcome_is_unknown():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        return httpx.Response(500, json={"detail": "database is locked"})

    with client(handler) as c, pytest.raises(TransientError) as err:
        c.import_tasks(7, [{"data": {"text": "x", "doc_id": "a"}}])
    assert calls == ["POST"]
    assert "HTTP 500" in str(err.value) and "database is locked" in str(err.value)


def test_timeout_on_a_write_is_transient():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with client(handler) as c, pytest.raises(TransientError, match="no answer in time"):
        c.import_tasks(7, [{"data": {"text": "x", "doc_id": "a"}}])


def test_refused_connection_is_one_line_at_once():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    with client(handler) as c, pytest.raises(ServerError) as err:
        c.find_projects("news")
    assert not isinstance(err.value, TransientError)
    assert f"cannot reach Label Studio at {URL}" in str(err.value) and "is it running?" in str(err.value)
    assert len(calls) == 1  # nothing listens there: retrying cannot help


def test_other_connect_errors_are_retried():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        raise httpx.ConnectError("[Errno 104] Connection reset by peer", request=request)

    with client(handler) as c, pytest.raises(ServerError) as err:
        c.find_projects("news")
    assert f"cannot reach Label Studio at {URL}" in str(err.value)
    assert len(calls) == 3


def test_closed_port_is_not_retried_over_a_real_socket():
    """A real refused connection (no mock), counted at the transport: one attempt, not four."""
    from annotate.server import free_port

    calls = []

    class Counting(httpx.HTTPTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            calls.append(1)
            return super().handle_request(request)

    url = f"http://127.0.0.1:{free_port()}"
    settings = Settings(url, Secret(KEY), "$LABEL_STUDIO_API_KEY")
    c = Client(settings, retry=Retry(attempts=4, backoff=0.0), transport=Counting())
    with c, pytest.raises(ServerError, match="cannot reach Label Studio"):
        c.version()
    assert len(calls) == 1


def test_validation_errors_are_summarised_in_one_line():
    body = {"status_code": 400, "detail": "Validation error",
            "validation_errors": {"title": ["Ensure this field has at least 3 characters."]}}

    with client(lambda r: httpx.Response(400, json=body)) as c, pytest.raises(ServerError) as err:
        c.create_project("ab", "<View/>")
    assert str(err.value).endswith("title: Ensure this field has at least 3 characters.")
    assert not isinstance(err.value, TransientError)


def test_missing_project_is_none_not_an_error():
    with client(lambda r: httpx.Response(404, json={"detail": "Not found."})) as c:
        assert c.get_project(12345) is None


def first_page_only(body: object) -> Handler:
    """Label Studio answers 404 past the last page; the SDK's pager stops there."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("page", "1") != "1":
            return httpx.Response(404, json={"detail": "Invalid page."})
        return httpx.Response(200, json=body)

    return handler


def test_find_projects_keeps_exact_titles_only():
    page = {"count": 2, "next": None, "previous": None,
            "results": [project_json(1, "news"), project_json(2, "news 2")]}
    with client(first_page_only(page)) as c:
        assert [p.id for p in c.find_projects("news")] == [1]


def test_list_tasks_hashes_texts_and_reads_model_versions():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.params["page"] != "1":
            return httpx.Response(404, json={"detail": "Invalid page."})
        tasks = [
            {"id": 1, "data": {"text": "Hello", "doc_id": "a"}, "total_annotations": 2,
             "predictions_model_versions": "m1,m2"},
            {"id": 2, "data": {"text": "World"}, "total_annotations": 0, "predictions_model_versions": ""},
            # Label Studio on PostgreSQL joins the versions with ", " (string_agg), on SQLite with ","
            {"id": 3, "data": {"text": "!", "doc_id": "c"}, "total_annotations": 0,
             "predictions_model_versions": "model-b, model-a"},
        ]
        return httpx.Response(200, json={"tasks": tasks, "total": 3, "total_annotations": 2,
                                         "total_predictions": 0})

    with client(handler) as c:
        refs = c.list_tasks(7, with_model_versions=True)

    assert [(r.id, r.doc_id, r.annotations, r.model_versions) for r in refs] == [
        (1, "a", 2, frozenset({"m1", "m2"})), (2, None, 0, frozenset()), (3, "c", 0, frozenset({"model-a", "model-b"}))
    ]
    assert refs[0].text_sha256 == hashlib.sha256(b"Hello").hexdigest()
    params = seen[0].url.params
    assert params["project"] == "7" and "predictions_model_versions" in params["include"]


def test_import_sends_the_tasks_once_and_returns_their_ids():
    bodies = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return httpx.Response(201, json={"task_count": 2, "task_ids": [11, 12]})

    tasks = [{"data": {"text": "x", "doc_id": "a"}}, {"data": {"text": "y", "doc_id": "b"}}]
    with client(handler) as c:
        assert c.import_tasks(7, tasks) == [11, 12]
    assert bodies == [tasks]


def test_nothing_listening_is_reported_before_the_sdk_is_built():
    """Without an injected transport, a refused TCP connect is the error, at construction."""
    from annotate.server import free_port

    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ServerError) as err:
        Client(Settings(url, Secret(KEY), "$LABEL_STUDIO_API_KEY"))
    assert str(err.value) == (
        f"cannot reach Label Studio at {url} while connecting; is it running? "
        "(`annotate server status`, or set LABEL_STUDIO_URL)"
    )
