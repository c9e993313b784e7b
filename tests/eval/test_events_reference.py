"""score_events against a direct transcription of TextEE's E2E scorer definitions.

The reference below builds one global tuple set per metric with the document id in each tuple,
exactly as TextEE's ``compute_E2E_*`` functions do (``scorer.py`` in ej0cl6/TextEE), and
restricts by event type or role by filtering events/arguments before building the sets.
"""

from __future__ import annotations

import random

import pytest

from eval.counts import PRF
from eval.events import event_counts_by_document, event_doc_stats, score_events
from eval.model import Argument, Document, Entity, Event, Span
from eval.report import EVENT_METRICS

TYPES = ("Attack", "Meet", "Transport", "Die")
ROLES = ("Agent", "Target", "Place", "Victim", "Instrument")


def _resolve(doc: Document, arg: Argument) -> tuple[int, int]:
    if arg.entity is None:
        assert arg.start is not None and arg.end is not None
        return arg.start, arg.end
    (entity,) = [e for e in doc.entities if e.id == arg.entity]
    return entity.start, entity.end


def _reference(gold: list[Document], pred: list[Document], *, etype: str | None = None, role: str | None = None):
    """metric -> PRF, built as TextEE does (global sets, doc id in every tuple)."""
    pred_by_id = {d.id: d for d in pred}
    sets: dict[str, tuple[set, set]] = {m: (set(), set()) for m in EVENT_METRICS}
    for side, docs in ((0, gold), (1, [pred_by_id[g.id] for g in gold if g.id in pred_by_id])):
        for doc in docs:
            for ev in doc.events:
                if etype is not None and ev.type != etype:
                    continue
                ts, te, ty = ev.trigger.start, ev.trigger.end, ev.type
                if role is None:
                    sets["trigger_identification"][side].add((doc.id, ts, te))
                    sets["trigger_classification"][side].add((doc.id, ts, te, ty))
                for arg in ev.arguments:
                    if role is not None and arg.role != role:
                        continue
                    s, e = _resolve(doc, arg)
                    sets["argument_identification"][side].add((doc.id, ty, s, e))
                    sets["argument_classification"][side].add((doc.id, ty, s, e, arg.role))
                    sets["argument_identification_attached"][side].add((doc.id, ts, te, ty, s, e))
                    sets["argument_classification_attached"][side].add((doc.id, ts, te, ty, s, e, arg.role))
    metrics = EVENT_METRICS[2:] if role is not None else EVENT_METRICS
    return {
        m: PRF(len(sets[m][0] & sets[m][1]), len(sets[m][1] - sets[m][0]), len(sets[m][0] - sets[m][1]))
        for m in metrics
    }


def _random_span(rng: random.Random, n: int) -> tuple[int, int]:
    start = rng.randrange(0, n - 1)
    return start, min(n, start + rng.randint(1, 3))


def _random_events(rng: random.Random, n: int, entities: list[Entity], k: int) -> tuple[Event, ...]:
    events = []
    for _ in range(k):
        args = []
        for _ in range(rng.randint(0, 4)):
            role = rng.choice(ROLES)
            if entities and rng.random() < 0.3:
                args.append(Argument(role, entity=rng.choice(entities).id))
            else:
                s, e = _random_span(rng, n)
                args.append(Argument(role, s, e))
        s, e = _random_span(rng, n)
        events.append(Event(rng.choice(TYPES), Span(s, e), tuple(args)))
    return tuple(events)


def _perturb(rng: random.Random, doc: Document, n: int) -> Document:
    """A prediction near the gold: some events kept, some altered, duplicated or added."""
    entities = [Entity(*_random_span(rng, n), "X", f"p{i}") for i in range(rng.randint(0, 3))]
    out: list[Event] = []
    for ev in doc.events:
        r = rng.random()
        if r < 0.15:
            continue
        args = [_resolved_argument(doc, a) for a in ev.arguments if rng.random() > 0.2]
        if rng.random() < 0.2:
            args = [a._replace(role=rng.choice(ROLES)) for a in args]
        if rng.random() < 0.2 and args:
            s, e = _random_span(rng, n)
            args.append(Argument(rng.choice(ROLES), s, e))
        if entities and args and rng.random() < 0.3:  # re-express one argument by a pred entity id
            ent = rng.choice(entities)
            args[0] = Argument(args[0].role, entity=ent.id)
        new = ev._replace(arguments=tuple(args))
        if r < 0.3:
            new = new._replace(type=rng.choice(TYPES))
        elif r < 0.4:
            s, e = _random_span(rng, n)
            new = new._replace(trigger=Span(s, e))
        out.append(new)
        if rng.random() < 0.1:
            out.append(new)  # duplicate
    out += _random_events(rng, n, entities, rng.randint(0, 2))
    return Document(doc.id, doc.text, tuple(entities), tuple(out))


def _resolved_argument(doc: Document, arg: Argument) -> Argument:
    s, e = _resolve(doc, arg)
    return Argument(arg.role, s, e)


def _corpus(seed: int, n_docs: int) -> tuple[list[Document], list[Document]]:
    rng = random.Random(seed)
    gold: list[Document] = []
    pred: list[Document] = []
    for i in range(n_docs):
        n = rng.randint(4, 12)  # small texts so that offsets collide often
        text = "x" * n
        entities = [Entity(*_random_span(rng, n), "X", f"e{j}") for j in range(rng.randint(0, 3))]
        doc = Document(f"doc{i}", text, tuple(entities), _random_events(rng, n, entities, rng.randint(0, 4)))
        gold.append(doc)
        if rng.random() < 0.95:
            pred.append(_perturb(rng, doc, n))
    pred.append(Document("not-in-gold", "xxxx", (), _random_events(rng, 4, [], 2)))
    rng.shuffle(pred)
    return gold, pred


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_events_match_reference_on_random_corpora(seed: int) -> None:
    gold, pred = _corpus(seed, 600)
    scores = score_events(gold, pred)
    assert scores.micro == _reference(gold, pred)
    assert sum(c.tp for c in scores.micro.values()) > 0 and sum(c.fp for c in scores.micro.values()) > 0
    assert set(scores.types) == {e.type for d in gold + pred if d.id != "not-in-gold" for e in d.events}
    for ty in scores.types:
        assert scores.types[ty] == _reference(gold, pred, etype=ty), ty
    for role in scores.roles:
        assert scores.roles[role] == _reference(gold, pred, role=role), role


def test_events_per_document_counts_sum_to_micro() -> None:
    gold, pred = _corpus(7, 500)
    micro = score_events(gold, pred).micro
    per_doc = event_counts_by_document(gold, pred)
    stats = event_doc_stats(gold, pred)
    for m in EVENT_METRICS:
        assert sum(per_doc[m].values(), PRF()) == micro[m]
        matched, possible, actual = stats[f"events.{m}"].sum(axis=0)
        assert (matched, possible, actual) == (micro[m].tp, micro[m].tp + micro[m].fn, micro[m].tp + micro[m].fp)
        assert stats[f"events.{m}"].shape == (len(gold), 3)


def test_events_perfect_and_empty_predictions() -> None:
    gold, _ = _corpus(3, 500)
    perfect = score_events(gold, gold).micro
    assert all(c.fp == 0 and c.fn == 0 and c.tp > 0 for c in perfect.values())
    empty = score_events(gold, []).micro
    assert all(c.tp == 0 and c.fp == 0 and c.metrics.recall == 0.0 for c in empty.values())
    assert empty["trigger_classification"].fn == perfect["trigger_classification"].tp


def test_events_order_of_documents_and_events_does_not_matter() -> None:
    gold, pred = _corpus(11, 500)
    rng = random.Random(5)
    shuffled = [d._replace(events=tuple(rng.sample(d.events, len(d.events)))) for d in pred]
    rng.shuffle(shuffled)
    assert score_events(gold, shuffled) == score_events(gold, pred)


def test_events_ten_thousand_documents_score_in_seconds() -> None:
    import time

    gold, pred = _corpus(13, 10_000)
    began = time.perf_counter()
    scores = score_events(gold, pred)
    assert time.perf_counter() - began < 20.0  # about 2 s on the CI machine; generous for load
    assert scores.micro["trigger_identification"].tp > 0


def test_events_types_partition_every_metric_but_trigger_identification() -> None:
    gold, pred = _corpus(17, 500)
    scores = score_events(gold, pred)
    for m in EVENT_METRICS[1:]:
        assert sum((t[m] for t in scores.types.values()), PRF()) == scores.micro[m], m
    for t in scores.types.values():
        assert t["trigger_identification"] == t["trigger_classification"]
    for r in scores.roles.values():
        assert r["argument_identification"] == r["argument_classification"]
        assert r["argument_identification_attached"] == r["argument_classification_attached"]
