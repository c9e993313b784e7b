"""A push that fails half-way is finished by the same push, with no duplicates.

Failures are injected into OUR client wrapper (``Client.import_tasks``), never into the
server: a batch whose reply is lost after the server stored it, a batch the server stored
only in part, and a batch that never arrived.
"""

from __future__ import annotations

from collections import Counter

import httpx
import pytest

from annotate.client import Client, TransientError
from annotate.errors import ServerError
from annotate.push import push
from annotate.schema import load_schema
from eval.model import Document

pytestmark = pytest.mark.live

SCHEMA = load_schema()
WORDS = ["trade", "gas", "summit", "visit", "talks", "pipeline", "grain", "loan", "treaty", "border"]


def documents(n: int, tag: str) -> list[Document]:
    return [Document(f"{tag}-{i:03d}", f"Synthetic note {i} about {WORDS[i % len(WORDS)]}.") for i in range(n)]


def failing_on(client: Client, call: int, *, store: str, times: int = 1) -> list[int]:
    """Make the ``call``-th import fail (``times`` times); ``store`` says what the server keeps:
    "all" (reply lost), "half" (part stored) or "none" (never arrived). Returns the call log."""
    real = client.import_tasks
    calls: list[int] = []

    def import_tasks(project_id: int, tasks):  # type: ignore[no-untyped-def]
        calls.append(len(tasks))
        if len(calls) >= call and times > len(calls) - call:
            kept = {"all": len(tasks), "half": len(tasks) // 2, "none": 0}[store]
            if kept:
                real(project_id, tasks[:kept])
            raise TransientError("simulated: the connection dropped after the request was sent")
        return real(project_id, tasks)

    client.import_tasks = import_tasks  # type: ignore[method-assign]
    return calls


def doc_ids(client: Client, project_id: int) -> Counter[str | None]:
    return Counter(t.doc_id for t in client.list_tasks(project_id))


def test_interrupted_push_then_rerun_completes_without_duplicates(live_server):
    docs = documents(10, "stop")
    title = live_server.title("resume")
    with live_server.client() as client:
        calls = failing_on(client, 2, store="all", times=99)
        with pytest.raises(ServerError, match="Run the same push again"):
            push(client, docs, project=title, schema=SCHEMA, batch_size=3, retries=0)
        assert calls == [3, 3]
    with live_server.client() as client:
        (project,) = client.find_projects(title)
        assert sum(doc_ids(client, project.id).values()) == 6  # batch 2 arrived, its reply did not
        summary = push(client, docs, project=title, schema=SCHEMA, batch_size=3)
        assert (summary.created, summary.skipped) == (4, 6)
        counts = doc_ids(client, project.id)
    assert counts == Counter({d.id: 1 for d in docs})


@pytest.mark.parametrize("store", ["all", "half", "none"])
def test_uncertain_batch_is_retried_after_relisting(live_server, store):
    docs = documents(10, f"retry-{store}")
    title = live_server.title(f"retry {store}")
    with live_server.client() as client:
        calls = failing_on(client, 2, store=store)
        summary = push(client, docs, project=title, schema=SCHEMA, batch_size=4, retries=2, backoff=0.05)
        (project,) = client.find_projects(title)
        counts = doc_ids(client, project.id)
    assert counts == Counter({d.id: 1 for d in docs})
    assert summary.created == 10 and summary.retries == 1 and summary.duplicate_doc_ids == ()
    # the retry re-sends only what did not arrive
    assert calls == [4, 4] + ([4 - {"all": 4, "half": 2, "none": 0}[store]] if store != "all" else []) + [2]


class DiesAfterFirstImport(httpx.HTTPTransport):
    """The real server until one task import has gone through; then nothing listens any more."""

    imports = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.imports >= 1:
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        if request.method == "POST" and request.url.path.endswith("/import"):
            self.imports += 1
        return super().handle_request(request)


def test_push_stopped_by_a_dead_server_says_the_same_command_resumes(live_server):
    docs = documents(6, "dead")
    title = live_server.title("dead server")
    dying = Client(live_server.settings, transport=DiesAfterFirstImport())
    with dying, pytest.raises(ServerError) as err:
        push(dying, docs, project=title, schema=SCHEMA, batch_size=3)
    message = str(err.value)
    assert "cannot reach Label Studio" in message and "\n" not in message
    assert "Run the same push again once the server answers: it resumes where it stopped" in message
    with live_server.client() as client:
        (project,) = client.find_projects(title)
        assert sum(doc_ids(client, project.id).values()) == 3
        summary = push(client, docs, project=title, schema=SCHEMA, batch_size=3)
        assert (summary.created, summary.skipped) == (3, 3)
        assert doc_ids(client, project.id) == Counter({d.id: 1 for d in docs})
