"""`annotate serve-model` as the ML backend of a real Label Studio.

The backend runs the reference extractor (a command over JSONL pipes) as its own process, the
way a team would run it. Tasks pushed without pre-annotations get predictions of its model
version through Label Studio's own call (the data manager's "Retrieve Predictions" action,
``POST /api/dm/actions/?id=retrieve_tasks_predictions``), and those pull back exactly the
documents the extractor gives offline.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from annotate.convert_pull import results_to_document
from annotate.convert_push import document_to_results
from annotate.schema import load_schema
from annotate.server import free_port
from eval.extractor import run_command
from eval.io import write_documents
from eval.model import Document
from eval.readers.jsonl import read_jsonl

pytestmark = pytest.mark.live

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = f"{sys.executable} {ROOT / 'examples' / 'reference_extractor' / '__main__.py'}"
VERSION = "reference-live-1"


@pytest.fixture(scope="module")
def model_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    log = tmp_path_factory.mktemp("serve-model") / "serve.log"
    annotate = Path(sys.executable).parent / "annotate"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [str(annotate), "serve-model", REFERENCE, "--model-version", VERSION, "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=ROOT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_label_studio_gets_live_predictions_that_pull_back_exact(live_server, live_client, model_url, tmp_path):
    docs = [Document(d.id, d.text) for d in read_jsonl(ROOT / "gold" / "news-demo" / "documents.jsonl")[:3]]
    src = tmp_path / "docs.jsonl"
    write_documents(src, docs)
    title = live_server.title("serve model")
    pushed = live_server.cli("push", str(src), "--project", title)
    assert pushed.exit_code == 0, pushed.output

    connected = live_server.cli("connect-model", "--project", title, "--url", model_url)
    assert connected.exit_code == 0, connected.output
    assert f"model {VERSION!r} at {model_url} connected" in connected.output and "Connected" in connected.output
    again = live_server.cli("connect-model", "--project", title, "--url", model_url)
    assert again.exit_code == 0 and "was already connected" in again.output

    (project,) = live_client.find_projects(title)
    tasks = live_client.list_tasks(project.id, with_model_versions=True)
    assert all(not t.model_versions for t in tasks)  # pushed without pre-annotations
    live_client.retrieve_predictions(project.id, [t.id for t in tasks])

    expected = {d.id: d for d in run_command(REFERENCE, docs, timeout=120).documents}
    assert sum(len(d.entities) for d in expected.values()) > 5 and any(d.events for d in expected.values())
    schema = load_schema()
    export = live_client.export_json(project.id, predictions=True).tasks
    assert len(export) == 3
    for t in export:
        (prediction,) = t["predictions"]
        assert prediction["model_version"] == VERSION
        got = results_to_document(t["id"], t["data"], prediction["result"], schema).document
        # the offline output through push's conversion and back (test_serve_protocol shows that
        # this is the extractor's output with argument offsets filled in from their entities)
        offline = expected[t["data"]["doc_id"]]
        want = results_to_document(0, t["data"], document_to_results(offline, schema), schema).document
        assert (got.entities, got.events) == (want.entities, want.events) == (offline.entities, want.events)

    # Retrieving again asks nothing new: every task has a prediction of this version.
    live_client.retrieve_predictions(project.id, [t.id for t in tasks])
    assert [len(t["predictions"]) for t in live_client.export_json(project.id, predictions=True).tasks] == [1, 1, 1]


def test_connect_model_refuses_a_url_that_is_no_model(live_server, tmp_path):
    (tmp_path / "a.txt").write_text("Anna met Boris.", encoding="utf-8")
    title = live_server.title("no model")
    assert live_server.cli("push", str(tmp_path), "--project", title).exit_code == 0
    result = live_server.cli("connect-model", "--project", title, "--url", f"http://127.0.0.1:{free_port()}")
    assert result.exit_code == 2 and "does not answer /health" in result.output and "Traceback" not in result.output
