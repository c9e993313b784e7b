"""``annotate quality`` on a real server: two annotators who signed up through the invite link,
a ground-truth annotation set and two model versions of pre-annotations, all with known
differences, give exactly the expected per-annotator scores, edit counts and alpha."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace

import krippendorff
import numpy as np
import pytest

from annotate.client import Client
from annotate.convert_push import document_to_results
from annotate.push import push
from annotate.schema import load_schema
from annotate.settings import Secret, Settings
from eval.agreement import token_labels
from eval.counts import Counts
from eval.model import Argument, Document, Entity, Event, Span
from eval.quality import Edits

pytestmark = pytest.mark.live

SCHEMA = load_schema()


def ent(text: str, word: str, label: str, rid: str, *, start_at: int = 0, end: int | None = None) -> Entity:
    s = text.index(word, start_at)
    return Entity(s, s + len(word) if end is None else end, label, rid, text[s : s + len(word) if end is None else end])


def event(text: str, word: str, etype: str, rid: str, args: tuple[tuple[str, Entity], ...]) -> Event:
    s = text.index(word)
    return Event(
        etype,
        Span(s, s + len(word), word),
        tuple(Argument(role, e.start, e.end, e.id, e.text) for role, e in args),
        rid,
    )


T1 = "Putin visited Tashkent ."
T2 = "Lavrov met Saidov in Moscow on Monday ."
T3 = "Russia exports gas to Uzbekistan ."


def d1(*, tashkent: Entity | None | bool = True, with_event: bool = True) -> Document:
    putin = ent(T1, "Putin", "PERSON", "e1")
    place = ent(T1, "Tashkent", "GPE", "e2") if tashkent is True else (tashkent or None)
    entities = tuple(e for e in (putin, place) if e)
    args = (("Agent", putin),) + ((("Destination", place),) if place else ())
    events = (event(T1, "visited", "Travel", "t1", args),) if with_event else ()
    return Document("d1", T1, entities, events)


def d2(*, moscow: str = "GPE", saidov: str = "PERSON", monday: bool = False, place: bool = True) -> Document:
    lavrov, said = ent(T2, "Lavrov", "PERSON", "e1"), ent(T2, "Saidov", saidov, "e2")
    entities = [lavrov, said]
    if place:
        entities.append(ent(T2, "Moscow", moscow, "e3"))
    if monday:
        entities.append(ent(T2, "Monday", "DATE", "e4"))
    args = [("Participant", lavrov)] + ([("Participant", said)] if saidov == "PERSON" else [])
    if place:
        args.append(("Place", entities[2]))
    return Document("d2", T2, tuple(entities), (event(T2, "met", "Meet", "t1", tuple(args)),))


def d3() -> Document:
    russia, gas, uzb = (
        ent(T3, "Russia", "GPE", "e1"),
        ent(T3, "gas", "PRODUCT", "e2"),
        ent(T3, "Uzbekistan", "GPE", "e3"),
    )
    args = (("Seller", russia), ("Item", gas), ("Buyer", uzb))
    return Document("d3", T3, (russia, gas, uzb), (event(T3, "exports", "Trade", "t1", args),))


GOLD = {"d1": d1(), "d2": d2(), "d3": d3()}
# annotator A: misses Tashkent on d1; Moscow as LOC on d2; d3 exactly as the gold
A = {"d1": d1(tashkent=False), "d2": d2(moscow="LOC"), "d3": d3()}
# annotator B: Tashkent with the full stop on d1 (wrong boundaries); an extra DATE on d2; skips d3
B = {"d1": d1(tashkent=Entity(14, 24, "GPE", "e2", "Tashkent .")), "d2": d2(monday=True)}
# model v1 on d1 and d2: no Travel event on d1; on d2 Saidov as ORG and no Moscow
V1 = {"d1": d1(with_event=False), "d2": d2(saidov="ORG", place=False)}
# model v2 on d2 and d3: exactly the gold
V2 = {"d2": d2(), "d3": d3()}
LEAD = {"gold": 100.0, "A": (10.0, 20.0, 30.0), "B": (40.0, 50.0)}


@dataclass
class Annotator:
    id: int
    email: str
    client: Client


def sign_up(admin: Client, email: str) -> Annotator:
    """A user made as a person makes one (the invite link's sign-up form), with their own key."""
    user, key = admin.sign_up(email, Secret("a-long-Passw0rd!"))
    return Annotator(user.id, email, Client(Settings(admin.settings.url, key, "test")))


@pytest.fixture(scope="module")
def project(live_server) -> Iterator[SimpleNamespace]:
    admin = live_server.client()
    title = live_server.title("quality")
    docs = [GOLD[k]._replace(entities=(), events=()) for k in sorted(GOLD)]
    push(admin, docs, project=title, schema=SCHEMA, predictions=list(V1.values()), model_version="v1")
    push(admin, docs, project=title, schema=SCHEMA, predictions=list(V2.values()), model_version="v2")
    (found,) = admin.find_projects(title)
    tasks = {t.doc_id: t.id for t in admin.list_tasks(found.id)}
    a, b = sign_up(admin, f"anna{found.id}@example.org"), sign_up(admin, f"boris{found.id}@example.org")
    for doc_id, doc in GOLD.items():
        admin.create_annotation(
            tasks[doc_id], document_to_results(doc, SCHEMA), ground_truth=True, lead_time=LEAD["gold"]
        )
    for (doc_id, doc), lead in zip(A.items(), LEAD["A"], strict=True):
        a.client.create_annotation(tasks[doc_id], document_to_results(doc, SCHEMA), lead_time=lead)
    for (doc_id, doc), lead in zip(B.items(), LEAD["B"], strict=True):
        b.client.create_annotation(tasks[doc_id], document_to_results(doc, SCHEMA), lead_time=lead)
    b.client.create_annotation(tasks["d3"], [], cancelled=True, lead_time=5.0)  # the Skip button
    me = admin.whoami()
    admin_id = next(u for u, e in admin.user_emails().items() if e == me)
    yield SimpleNamespace(title=title, id=found.id, a=a, b=b, admin_id=admin_id)
    for c in (admin, a.client, b.client):
        c.close()


@pytest.fixture(scope="module")
def report(live_server, project) -> dict:
    result = live_server.cli(
        "quality",
        "--project",
        project.title,
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_live_quality_annotator_work(report, project) -> None:
    by = {a["annotator"]: a for a in report["annotators"]}
    a, b = by[str(project.a.id)], by[str(project.b.id)]
    assert (a["email"], a["tasks"], a["cancelled"], a["skipped"]) == (project.a.email, 3, 0, 0)
    assert (b["email"], b["tasks"], b["cancelled"], b["skipped"]) == (project.b.email, 2, 0, 1)
    assert a["lead_time"] == {"median": 20.0, "p90": pytest.approx(28.0)}
    assert b["lead_time"] == {"median": 45.0, "p90": pytest.approx(49.0)}
    assert a["regions_per_task"] == pytest.approx((2 + 4 + 4) / 3)
    assert b["regions_per_task"] == pytest.approx((3 + 5) / 2)


def _counts(d: dict) -> Counts:
    return Counts(d["correct"], d["incorrect"], d["partial"], d["missed"], d["spurious"])


def test_live_quality_against_ground_truth(report, project) -> None:
    assert report["reference"] == "ground truth"
    scores = report["reference_scores"]
    assert project.admin_id not in scores  # the ground truth is not scored against itself
    a, b = scores[str(project.a.id)], scores[str(project.b.id)]
    # A: d1 misses Tashkent, d2 Moscow labelled LOC: 6 correct, 1 incorrect, 1 missed
    assert _counts(a["entities"]["strict"]) == Counts(correct=6, incorrect=1, missed=1)
    assert (a["entities"]["strict"]["precision"], a["entities"]["strict"]["recall"]) == (6 / 7, 6 / 8)
    assert a["entities"]["strict"]["f1"] == pytest.approx(0.8)
    assert _counts(a["entities"]["partial"]) == Counts(correct=7, missed=1)
    assert a["labels"]["GPE"]["strict"]["recall"] == pytest.approx(2 / 4)
    assert (a["triggers"]["tp"], a["triggers"]["fp"], a["triggers"]["fn"]) == (3, 0, 0)
    assert (a["arguments"]["tp"], a["arguments"]["fp"], a["arguments"]["fn"]) == (7, 0, 1)
    assert {"reference": "GPE", "given": "LOC", "spans": 1} in a["confusions"]
    # B: Tashkent with wrong boundaries, an extra DATE; d3 skipped (not scored)
    assert _counts(b["entities"]["strict"]) == Counts(correct=4, incorrect=1, spurious=1)
    assert b["entities"]["strict"]["f1"] == pytest.approx(8 / 11)
    assert _counts(b["entities"]["partial"]) == Counts(correct=4, partial=1, spurious=1)
    assert b["entities"]["partial"]["precision"] == pytest.approx(0.75)
    assert b["documents"] == 2
    assert (b["arguments"]["tp"], b["arguments"]["fp"], b["arguments"]["fn"]) == (4, 1, 1)


def test_live_quality_krippendorff_alpha_equals_the_package(report, project) -> None:
    work = {project.admin_id: GOLD, str(project.a.id): A, str(project.b.id): B}
    codes: dict[str, int] = {}
    rows = []
    for docs in work.values():
        row: list[float] = []
        for doc_id in ("d1", "d2", "d3"):
            n = len(GOLD[doc_id].text.split())
            doc = docs.get(doc_id)
            row += (
                [np.nan] * n
                if doc is None
                else [codes.setdefault(x, len(codes)) for x in token_labels(doc.text, doc.entities)]
            )
        rows.append(row)
    expected = krippendorff.alpha(reliability_data=np.array(rows), level_of_measurement="nominal")
    assert math.isclose(report["krippendorff_alpha"]["tokens"], expected, abs_tol=1e-12)
    # mean pairwise strict F1: d1 (2/3 + 1/2 + 2/3) / 3, d2 (2/3 + 6/7 + 4/7) / 3, d3 1.0
    assert [d["doc"] for d in report["documents"]] == ["d1", "d2", "d3"]
    assert report["documents"][0]["strict_f1"] == pytest.approx((2 / 3 + 1 / 2 + 2 / 3) / 3)
    assert report["documents"][-1] == {"doc": "d3", "annotators": 2, "strict_f1": 1.0, "alpha": 1.0}


def test_live_quality_pre_annotations_per_model_version(report) -> None:
    v1, v2 = report["models"]
    assert (v1["model_version"], v1["tasks"], v1["annotations"]) == ("v1", 2, 6)
    # d1 against gold/A/B: trigger added each time; A deleted Tashkent, B moved its end
    # d2 against gold/A/B: Saidov relabelled, Moscow added (and B's Monday)
    assert v1["edits"] == Edits(kept=10, changed=4, deleted=1, added=7)._asdict()
    assert _counts(v1["scores"]["entities"]["strict"]) == Counts(correct=7, incorrect=4, missed=4, spurious=1)
    assert v1["scores"]["entities"]["strict"]["f1"] == pytest.approx(14 / 27)
    assert (v2["model_version"], v2["tasks"], v2["annotations"]) == ("v2", 2, 5)
    assert v2["edits"] == Edits(kept=19, changed=1, deleted=0, added=1)._asdict()
    assert _counts(v2["scores"]["entities"]["strict"]) == Counts(correct=14, incorrect=1, missed=1)
    assert v2["scores"]["triggers"]["f1"] == 1.0
    assert v1["lead_time"]["median_with"] == 45.0 and v1["lead_time"]["median_without"] == 65.0
    assert v2["lead_time"]["median_with"] == 50.0 and v2["lead_time"]["median_without"] == 40.0


def test_live_quality_from_export_matches_live(live_server, project, report, tmp_path) -> None:
    with live_server.client() as admin:
        export = admin.export_json(project.id, predictions=True)
        ids_only = admin.export_json(project.id)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export.tasks), encoding="utf-8")
    result = live_server.cli("quality", "--from-export", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    offline = json.loads(result.stdout)
    assert offline["reference_scores"] == report["reference_scores"]
    assert offline["models"] == report["models"]
    assert offline["krippendorff_alpha"] == report["krippendorff_alpha"]
    # an export without the predictions (ids only): the rest of the report, and a note saying so
    path.write_text(json.dumps(ids_only.tasks), encoding="utf-8")
    bare = live_server.cli("quality", "--from-export", str(path), "--format", "json")
    assert bare.exit_code == 0, bare.output
    data = json.loads(bare.stdout)
    assert data["models"] == [] and data["reference_scores"] == report["reference_scores"]
    assert any("predictions are ids only" in n for n in data["notes"])


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_live_quality_renders(live_server, project, fmt, tmp_path) -> None:
    out = tmp_path / f"quality.{fmt}"
    result = live_server.cli(
        "quality",
        "--project",
        str(project.id),
        "--format",
        fmt,
        "--output",
        str(out),
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert project.a.email in text and "Krippendorff" in text and "v2" in text


def test_live_quality_reference_gold_set(live_server, project, tmp_path) -> None:
    gold = tmp_path / "gold"
    pulled = live_server.cli("pull", "--project", project.title, "--annotations", "ground-truth", "--out", str(gold))
    assert pulled.exit_code == 0, pulled.output
    result = live_server.cli(
        "quality",
        "--project",
        project.title,
        "--reference",
        str(gold),
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["reference"] == str(gold)
    a = data["reference_scores"][str(project.a.id)]
    assert _counts(a["entities"]["strict"]) == Counts(correct=6, incorrect=1, missed=1)
    # with a gold folder as the reference the ground-truth annotations are scored as well: all 1.0
    assert data["reference_scores"][project.admin_id]["entities"]["strict"]["f1"] == 1.0
