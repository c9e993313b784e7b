"""`annotate serve-model`: Label Studio's ML backend protocol, through the ASGI app in process.

The requests are shaped as label_studio/ml/api_connector.py (1.23.2) sends them; the replies
as ml/models.py reads them: one entry per task, a list of predictions, empty for a refused task.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import anyio
import httpx
import pytest

from annotate.convert_pull import results_to_document
from annotate.convert_push import document_to_results
from annotate.schema import labeling_config, load_schema
from annotate.serve import ModelBackend, make_app
from eval.extractor import ExtractorError, run_function
from eval.model import Document

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "serve_model" / "functions"
REFERENCE = f"{sys.executable} {ROOT / 'examples' / 'reference_extractor' / '__main__.py'}"
SCHEMA = load_schema()
CONFIG = labeling_config(SCHEMA)
TEXT = "Putin visited Tashkent on Monday. Mirziyoyev met him at the airport."


@pytest.fixture(autouse=True)
def fixture_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(FIXTURE))
    monkeypatch.syspath_prepend(str(ROOT / "examples"))


class App:
    """Requests to the app through httpx's ASGI transport (no socket, no thread of our own)."""

    def __init__(self, backend: ModelBackend) -> None:
        self.app = make_app(backend)

    def request(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://backend") as c:
                return await c.request(method, path, **kwargs)  # type: ignore[arg-type]

        return anyio.run(go)

    def get(self, path: str) -> httpx.Response:
        return self.request("GET", path)

    def post(self, path: str, **kwargs: object) -> httpx.Response:
        return self.request("POST", path, **kwargs)


def resolved(doc: Document) -> Document:
    """The document with each argument's offsets and text taken from its entity, as a pull gives it."""
    by_id = {e.id: e for e in doc.entities}
    events = tuple(
        ev._replace(arguments=tuple(
            a._replace(start=by_id[a.entity].start, end=by_id[a.entity].end, text=by_id[a.entity].text)
            if a.entity in by_id else a
            for a in ev.arguments
        ))
        for ev in doc.events
    )
    return doc._replace(events=events)


def app(extractor: str, version: str = "v1") -> App:
    return App(ModelBackend(extractor, SCHEMA, version))


def task(tid: int, text: str) -> dict[str, object]:
    """A task as TaskSimpleSerializer gives it to the backend."""
    return {"id": tid, "data": {"text": text, "doc_id": f"d{tid}"}, "project": 1, "annotations": [], "predictions": []}


def predict(client: App, tasks: list[dict[str, object]]) -> list[list[dict[str, object]]]:
    r = client.post("/predict", json={"tasks": tasks, "project": "1.1700000000", "label_config": CONFIG,
                                      "params": {"login": None, "password": None, "context": None}})
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert len(results) == len(tasks)
    return results


def test_health_and_setup_report_the_model_version():
    client = app("goldbench_fixture_serve:by_text", "ref-2")
    health = client.get("/health")
    assert health.status_code == 200 and health.json()["model_version"] == "ref-2"
    setup = client.post("/setup", json={"project": "3.1700000000", "schema": CONFIG, "hostname": "http://x",
                                        "access_token": "secret-token", "extra_params": None})
    assert setup.status_code == 200 and setup.json() == {"model_version": "ref-2"}
    assert client.get("/versions").json() == {"versions": ["ref-2"]}
    assert client.post("/webhook", json={"action": "ANNOTATION_CREATED"}).status_code == 200


def test_setup_refuses_a_project_whose_config_is_not_the_schemas(caplog):
    client = app("goldbench_fixture_serve:by_text")
    other = '<View><Text name="text" value="$text"/><Choices name="c" toName="text"><Choice value="a"/></Choices>' \
        "</View>"
    with caplog.at_level(logging.WARNING, logger="goldbench.serve"):
        r = client.post("/setup", json={"project": "3.17", "schema": other})
    assert r.status_code == 400 and "project 3.17" in r.json()["error"] and "--update-config" in r.json()["error"]
    bad = client.post("/predict", content=b"{not json")
    assert bad.status_code == 400 and "not JSON" in bad.json()["error"]


def test_reference_extractor_predictions_are_push_conversion_and_pull_back_exact():
    client = app(REFERENCE, "reference-1")
    texts = [TEXT, "Lavrov and Blinken met in Geneva.", "no names here at all"]
    results = predict(client, [task(10 + i, t) for i, t in enumerate(texts)])
    expected = run_function("reference_extractor.extract:extract", [Document(str(i), t) for i, t in enumerate(texts)])
    assert expected.documents[0].entities and expected.documents[0].events  # the check below is not vacuous
    for i, (entry, doc) in enumerate(zip(results, expected.documents, strict=True)):
        (prediction,) = entry
        assert prediction["model_version"] == "reference-1"
        assert prediction["result"] == document_to_results(doc, SCHEMA)
        back = results_to_document(10 + i, {"text": texts[i]}, prediction["result"], SCHEMA).document
        assert (back.entities, back.events) == (doc.entities, resolved(doc).events)


@pytest.mark.parametrize("spec", ["goldbench_fixture_serve:by_text", f"{sys.executable} {FIXTURE / 'as_command.py'}"])
def test_wrong_output_is_refused_per_task_with_a_log_line_and_the_others_still_get_theirs(spec, caplog):
    client = app(spec)
    texts = ["Anna went home.", "Boris BADLABEL here.", "Carla PASTEND", "Dora CRASH", "Emil DANGLING", "Fred ok."]
    with caplog.at_level(logging.WARNING, logger="goldbench.serve"):
        results = predict(client, [task(100 + i, t) for i, t in enumerate(texts)])
    assert [len(r) for r in results] == [1, 0, 0, 0, 0, 1]
    assert results[0][0]["result"][0]["value"]["text"] == "Anna"
    assert results[5][0]["result"][0]["value"]["text"] == "Fred"
    lines = [r.getMessage() for r in caplog.records if r.name == "goldbench.serve"]
    for tid in (101, 102, 103, 104):
        (line,) = [m for m in lines if m.startswith(f"task {tid}: ")]
        assert line.endswith("no prediction sent")
    assert "NOT_A_LABEL" in next(m for m in lines if m.startswith("task 101: "))
    assert not any(m.startswith(("task 100: ", "task 105: ")) for m in lines)


def test_a_task_without_text_is_refused_and_the_access_token_is_never_logged(caplog):
    client = app("goldbench_fixture_serve:by_text")
    with caplog.at_level(logging.DEBUG):
        client.post("/setup", json={"project": "1.1", "schema": CONFIG, "access_token": "tok-abcdef-123"})
        results = predict(client, [{"id": 7, "data": {"image": "x.png"}}, task(8, "Gina left.")])
    assert [len(r) for r in results] == [0, 1]
    assert any("task 7: data.text is not a text" in r.getMessage() for r in caplog.records)
    assert not any("tok-abcdef-123" in r.getMessage() for r in caplog.records)


def test_a_wrong_extractor_fails_at_start():
    with pytest.raises(ExtractorError, match="no module named"):
        ModelBackend("no_such_module_xyz:extract", SCHEMA, "v").check()
