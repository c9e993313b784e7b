"""Pre-annotations on a real server: attached once per model version, checked before sending."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.io import write_documents
from eval.model import Argument, Document, Entity, Event, Span

pytestmark = pytest.mark.live


def predicted(path: Path) -> Document:
    """A prediction for an article: the first mentions of two names, and a Travel event."""
    text = path.read_bytes().decode("utf-8")
    s = text.index("Putin")
    g = text.index("Uzbekistan")
    putin = Entity(s, s + 5, "PERSON", "p1", "Putin")
    place = Entity(g, g + 10, "GPE", "g1", "Uzbekistan")
    events: tuple[Event, ...] = ()
    if "visit" in text:
        v = text.index("visit")
        args = (Argument("Agent", putin.start, putin.end, "p1", "Putin"),
                Argument("Destination", place.start, place.end, "g1", "Uzbekistan"))
        events = (Event("Travel", Span(v, v + 5, "visit"), args, "t1"),)
    return Document(path.stem, text, (putin, place), events)


def test_predictions_attach_once_per_model_version(live_server, live_client, tmp_path, five):
    seeds = sorted(five.glob("*.txt"))
    preds = tmp_path / "preds.jsonl"
    write_documents(preds, [predicted(p) for p in seeds[:2]])
    title = live_server.title("predictions")

    first = live_server.cli("push", str(five), "--project", title, "--predictions", str(preds),
                            "--model-version", "model-a")
    assert first.exit_code == 0, first.output
    assert "predictions (model-a): 2 created, 0 already there" in first.output
    (project,) = live_client.find_projects(title)
    versions = {t.doc_id: t.model_versions for t in live_client.list_tasks(project.id, with_model_versions=True)}
    assert versions == {p.stem: (frozenset({"model-a"}) if p in seeds[:2] else frozenset()) for p in seeds}

    again = live_server.cli("push", str(five), "--project", title, "--predictions", str(preds),
                            "--model-version", "model-a")
    assert again.exit_code == 0, again.output
    assert "predictions (model-a): 0 created, 2 already there" in again.output

    other = live_server.cli("push", str(five), "--project", title, "--predictions", str(preds),
                            "--model-version", "model-b")
    assert other.exit_code == 0, other.output
    tasks = live_client.list_tasks(project.id, with_model_versions=True)
    assert len(tasks) == 5
    assert {t.doc_id: t.model_versions for t in tasks if t.model_versions} == {
        p.stem: frozenset({"model-a", "model-b"}) for p in seeds[:2]
    }

    export = live_client.export_json(project.id).tasks
    assert sorted(len(t["predictions"]) for t in export) == [0, 0, 0, 2, 2]


def test_bad_predictions_are_refused_before_anything_is_sent(live_server, live_client, tmp_path, five):
    seed = sorted(five.glob("*.txt"))[0]
    good = predicted(seed)
    past_end = good._replace(entities=(Entity(len(good.text) - 2, len(good.text) + 5, "PERSON", "x"),))
    other_text = good._replace(id=sorted(five.glob("*.txt"))[1].stem)
    preds = tmp_path / "bad.jsonl"
    write_documents(preds, [past_end, other_text])
    title = live_server.title("bad predictions")

    result = live_server.cli("push", str(five), "--project", title, "--predictions", str(preds),
                             "--model-version", "m")
    assert result.exit_code == 2
    assert seed.stem in result.output and other_text.id in result.output
    assert "Traceback" not in result.output
    assert live_client.find_projects(title) == []  # not even the project was made

    missing = live_server.cli("push", str(five), "--project", title, "--predictions", str(preds))
    assert missing.exit_code == 2 and "--model-version" in missing.output
