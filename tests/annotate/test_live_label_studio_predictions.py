"""Predictions stored in a real Label Studio score as the file they were pushed from.

``gold/news-demo`` is pushed with predictions (the gold set with some entities relabelled and
some dropped) under a model version; the project's JSON export, read by
``evaluate --pred-format label-studio --model-version``, must give the same entity and event
scores as the predictions file itself.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from eval.counts import Scheme
from eval.io import write_documents
from eval.pipeline import Options, evaluate
from eval.readers import ReadOptions
from eval.readers.jsonl import read_jsonl

pytestmark = pytest.mark.live

GOLD = Path(__file__).resolve().parents[2] / "gold" / "news-demo"


def _predictions() -> list:
    labels = ["PERSON", "NORP", "ORG", "GPE", "LOC", "FAC", "PRODUCT", "DATE", "MONEY", "PERCENT", "QUANTITY"]
    out = []
    for doc in read_jsonl(GOLD / "documents.jsonl"):
        used = {a.entity for ev in doc.events for a in ev.arguments if a.entity is not None}
        entities = []
        for i, e in enumerate(doc.entities):
            if e.id in used:
                entities.append(e)  # arguments keep their label: roles restrict it
            elif i % 5 == 1:
                continue  # missed
            elif i % 5 == 3:
                entities.append(e._replace(label=labels[(labels.index(e.label) + 1) % len(labels)]))
            else:
                entities.append(e)
        out.append(doc._replace(entities=tuple(entities), events=doc.events[: max(0, len(doc.events) - 1)]))
    return out


def test_live_export_predictions_score_like_the_pushed_file(live_server, live_client, tmp_path):
    preds = tmp_path / "preds.jsonl"
    write_documents(preds, _predictions())
    title = live_server.title("label-studio predictions")
    pushed = live_server.cli("push", str(GOLD), "--project", title, "--predictions", str(preds),
                             "--model-version", "ref-1")
    assert pushed.exit_code == 0, pushed.output
    (project,) = live_client.find_projects(title)
    export = tmp_path / "export.json"
    export.write_bytes(orjson.dumps(live_client.export_json(project.id, predictions=True).tasks))

    options = Options(pred_format="label-studio", read=ReadOptions(model_version="ref-1"))
    from_export = evaluate(GOLD, export, options=options).report
    from_file = evaluate(GOLD, preds).report
    assert from_export.entities == from_file.entities
    assert from_export.events == from_file.events
    strict = from_export.entities.micro[Scheme.STRICT]
    assert 0 < strict.metrics.f1 < 1 and strict.incorrect > 0 and strict.missed > 0
    assert from_export.predictions.documents == 15
