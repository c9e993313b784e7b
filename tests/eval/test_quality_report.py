"""eval.quality: hand-computed annotator work, reference scores, region edits and model
quality; the renderings carry the same numbers."""

from __future__ import annotations

import json

import pytest

from eval.counts import Counts, Scheme
from eval.model import Document, Entity, Event, Span
from eval.quality import Annotation, Edits, Prediction, Work, quality, region_edits
from eval.render.quality import QualityFormat, quality_json, render_quality

TEXT = "Ann met Bob in Rome"
#       0   4   8   12 15
ANN, MET, BOB, ROME = (0, 3), (4, 7), (8, 11), (15, 19)


def doc(*entities: tuple[tuple[int, int], str, str | None], events: tuple[Event, ...] = ()) -> Document:
    return Document("d1", TEXT, tuple(Entity(s, e, label, rid) for (s, e), label, rid in entities), events)


GOLD = doc((ANN, "PER", "g1"), (BOB, "PER", "g2"), (ROME, "GPE", "g3"), events=(Event("Meet", Span(*MET), (), "t1"),))


def ann(task, aid, who, document, **kw) -> Annotation:
    return Annotation(task=task, id=aid, annotator=who, document=document, **kw)


def test_quality_region_edits_kept_changed_deleted_added() -> None:
    pred = doc((ANN, "PER", "p1"), (BOB, "ORG", "p2"), (ROME, "GPE", "p3"), ((12, 14), "LOC", "p4"))
    # p1 kept (other id, same region); p2 relabelled (same id); p3 boundaries changed (overlap);
    # p4 deleted; one added
    edited = doc((ANN, "PER", "x"), (BOB, "PER", "p2"), ((15, 18), "GPE", "y"), (MET, "PER", "z"))
    assert region_edits(pred, edited) == Edits(kept=1, changed=2, deleted=1, added=1)
    assert region_edits(pred, pred) == Edits(kept=4)
    assert region_edits(pred, doc()) == Edits(deleted=4)
    assert region_edits(doc(), pred) == Edits(added=4)


def test_quality_triggers_are_regions_apart_from_entities() -> None:
    pred = doc(events=(Event("Meet", Span(*MET)),))
    entity = doc((MET, "PER", None))
    assert region_edits(pred, entity) == Edits(deleted=1, added=1)


@pytest.fixture(scope="module")
def report():
    missing_bob = doc((ANN, "PER", None), (ROME, "GPE", None), events=(Event("Meet", Span(*MET)),))
    wrong_label = doc((ANN, "PER", None), (BOB, "ORG", None), (ROME, "GPE", None), ((4, 7), "PER", None))
    annotations = (
        ann(1, 10, "1", GOLD, ground_truth=True, lead_time=30.0, email="lead@x"),
        ann(1, 11, "2", missing_bob, lead_time=10.0, updated="2026-01-01T00:00:00"),
        ann(1, 12, "3", wrong_label, lead_time=20.0),
        ann(2, 13, "2", Document("d2", "x y", ()), cancelled=True),  # skipped
        ann(2, 14, "3", Document("d2", "x y", (Entity(0, 1, "PER"),)), cancelled=True),  # cancelled
        ann(2, 15, "2", Document("d2", "x y", (Entity(2, 3, "ORG"),)), lead_time=40.0),
    )
    predictions = (
        Prediction(1, "v1", doc((ANN, "PER", "g1"), (BOB, "ORG", "g2"))),
        Prediction(2, "v2", Document("d2", "x y", (Entity(2, 3, "ORG"),))),
    )
    return quality(Work(annotations, predictions), source="test")


def test_quality_annotator_work(report) -> None:
    by = {a.annotator: a for a in report.annotators}
    assert [a.annotator for a in report.annotators] == ["1", "2", "3"]
    assert (by["2"].tasks, by["2"].cancelled, by["2"].skipped) == (2, 0, 1)
    assert (by["3"].tasks, by["3"].cancelled, by["3"].skipped) == (1, 1, 0)
    assert by["2"].lead_time_median == 25.0
    assert by["2"].lead_time_p90 == pytest.approx(10 + 0.9 * 30)
    assert by["2"].regions_per_task == (3 + 1) / 2
    assert by["1"].email == "lead@x"


def test_quality_scores_against_ground_truth(report) -> None:
    assert report.reference == "ground truth"
    scores = {s.annotator: s.scores for s in report.scores}
    assert set(scores) == {"2", "3"}  # the ground truth is not scored against itself
    two, three = scores["2"], scores["3"]
    assert two.entities[Scheme.STRICT] == Counts(correct=2, missed=1)
    assert two.triggers is not None and (two.triggers.tp, two.triggers.fp, two.triggers.fn) == (1, 0, 0)
    assert three.entities[Scheme.STRICT] == Counts(correct=2, incorrect=1, spurious=1)
    assert three.labels["PER"][Scheme.STRICT].metrics.recall == 0.5
    assert three.triggers is not None and three.triggers.fn == 1
    assert ("PER", "ORG", 1) in three.confusions


def test_quality_model_versions(report) -> None:
    v1, v2 = report.models
    assert (v1.model_version, v1.tasks, v1.annotations) == ("v1", 1, 3)
    # the prediction (ANN PER, BOB ORG) against GOLD, missing_bob and wrong_label:
    # GOLD: ANN kept, BOB relabelled (same id g2), ROME and the trigger added
    # missing_bob: ANN kept, BOB deleted, ROME and the trigger added
    # wrong_label: ANN and BOB kept, ROME and MET added
    assert v1.edits == Edits(kept=4, changed=1, deleted=1, added=6)
    # the same three pairs scored with the annotation as gold (strict):
    # GOLD: cor 1 inc 1 mis 1; missing_bob: cor 1 mis 1 spu 1; wrong_label: cor 2 mis 2
    assert v1.scores.entities[Scheme.STRICT] == Counts(correct=4, incorrect=1, missed=4, spurious=1)
    assert v1.scores.triggers is not None and v1.scores.triggers.fn == 2
    assert (v1.lead_time_with, v1.lead_time_without) == (20.0, 40.0)
    assert v2.edits == Edits(kept=1)
    assert v2.scores.entities[Scheme.STRICT].metrics.f1 == 1.0


def test_quality_lowest_agreement_first(report) -> None:
    assert [d.doc_id for d in report.documents][0] == "d1"
    assert report.alpha is not None and report.alpha_units > 0


@pytest.mark.parametrize("fmt", list(QualityFormat))
def test_quality_renderings_carry_the_numbers(report, fmt: QualityFormat) -> None:
    text = render_quality(report, fmt)
    if fmt is QualityFormat.JSON:
        data = json.loads(text)
        assert data == json.loads(json.dumps(quality_json(report)))
        assert data["reference_scores"]["3"]["entities"]["strict"]["incorrect"] == 1
        assert data["models"][0]["edits"] == {"kept": 4, "changed": 1, "deleted": 1, "added": 6}
    else:
        assert "lead@x" in text and "v1" in text and "Krippendorff" in text


def test_quality_html_escapes_data() -> None:
    hostile = Document("<script>", "a", (Entity(0, 1, "PER"),))
    work = Work((ann(1, 1, "1", hostile, email="<b>@x"), ann(1, 2, "2", hostile)))
    page = render_quality(quality(work, source="<i>"), QualityFormat.HTML)
    assert "<script>" not in page and "&lt;script&gt;" in page and "<b>@x" not in page
