"""event_columns against the set scorer of eval/events.py and a plain tuple-set TextEE scorer.

Random corpora have many types and roles, duplicated events, triggers shared between events,
entity-id arguments, overlapping spans on short texts, empty documents and gold documents
without a prediction. ``from_arrow`` is checked against ``from_documents`` on the same data.
"""

from __future__ import annotations

import random
from collections import defaultdict
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyarrow import json as pa_json

from eval.arrow_schema import DOCUMENT_WITH_EVENTS, ENTITIES, EVENTS
from eval.counts import PRF
from eval.errors import ValidationError
from eval.event_columns import EventColumns, from_arrow, from_documents, gold_order, score_columns
from eval.events import score_events_with_stats
from eval.model import Argument, Document, Entity, Event, Span
from eval.readers.jsonl import read_jsonl
from eval.report import EVENT_METRICS

TYPES = tuple(f"T{i}" for i in range(9))
ROLES = tuple(f"r{i}" for i in range(7))


# ---------------------------------------------------------------------------------------------
# a plain tuple-set TextEE scorer, from the metric definitions


def _textee(gold: list[Document], pred: list[Document]):
    """micro, per type, per role and per gold document tp/fp/fn; global sets keyed by doc id."""
    by_id = {d.id: d for d in pred}
    sets: dict[tuple, list[set]] = defaultdict(lambda: [set(), set()])  # (scope, metric) -> gold, pred
    for side, docs in ((0, gold), (1, [by_id[g.id] for g in gold if g.id in by_id])):
        for doc in docs:
            ents = {e.id: [x for x in doc.entities if x.id == e.id] for e in doc.entities}
            for ev in doc.events:
                ty, t = ev.type, (ev.trigger.start, ev.trigger.end)
                for scope in ("micro", ("type", ty)):
                    sets[scope, "trigger_identification"][side].add(
                        (doc.id, t) if scope == "micro" else (doc.id, ty, t)
                    )
                    sets[scope, "trigger_classification"][side].add((doc.id, ty, t))
                for arg in ev.arguments:
                    (ent,) = ents[arg.entity] if arg.entity is not None else [arg]
                    a, r = (ent.start, ent.end), arg.role
                    for scope in ("micro", ("type", ty), ("role", r)):
                        sets[scope, "argument_identification"][side].add((doc.id, ty, a))
                        sets[scope, "argument_classification"][side].add((doc.id, ty, r, a))
                        sets[scope, "argument_identification_attached"][side].add((doc.id, ty, t, a))
                        sets[scope, "argument_classification_attached"][side].add((doc.id, ty, t, r, a))
    out: dict = defaultdict(dict)
    per_doc: dict = {m: {g.id: [0, 0, 0] for g in gold} for m in EVENT_METRICS}
    for (scope, metric), (g, p) in sets.items():
        out[scope][metric] = PRF(len(g & p), len(p - g), len(g - p))
        if scope == "micro":
            for k, side in ((g & p, 0), (g, 1), (p, 2)):
                for item in k:
                    per_doc[metric][item[0]][side] += 1
    micro = {m: out["micro"].get(m, PRF()) for m in EVENT_METRICS}
    types = {ty: {m: out["type", ty].get(m, PRF()) for m in EVENT_METRICS} for _, ty in sorted(_scopes(out, "type"))}
    roles = {r: {m: out["role", r][m] for m in EVENT_METRICS[2:]} for _, r in sorted(_scopes(out, "role"))}
    stats = {
        f"events.{m}": np.array(list(v.values()), dtype=np.float64).reshape(len(gold), 3) for m, v in per_doc.items()
    }
    return micro, types, roles, stats


def _scopes(out: dict, kind: str) -> list[tuple]:
    return [s for s in out if isinstance(s, tuple) and s[0] == kind]


# ---------------------------------------------------------------------------------------------
# random corpora


def _span(rng: random.Random, n: int) -> tuple[int, int]:
    start = rng.randrange(0, n - 1)
    return start, min(n, start + rng.randint(1, 3))


def _events(rng: random.Random, n: int, entities: list[Entity], k: int) -> list[Event]:
    out: list[Event] = []
    for _ in range(k):
        args = []
        for _ in range(rng.randint(0, 4)):
            role = rng.choice(ROLES)
            if entities and rng.random() < 0.3:
                args.append(Argument(role, entity=rng.choice(entities).id))
            else:
                args.append(Argument(role, *_span(rng, n)))
        trigger = out[-1].trigger if out and rng.random() < 0.2 else Span(*_span(rng, n))  # shared trigger
        out.append(Event(rng.choice(TYPES), trigger, tuple(args)))
        if rng.random() < 0.1:
            out.append(out[-1])  # duplicate event
    return out


def _perturb(rng: random.Random, doc: Document, n: int) -> Document:
    entities = [Entity(*_span(rng, n), "X", f"p{i}") for i in range(rng.randint(0, 3))]
    own = {e.id: e for e in doc.entities}
    out: list[Event] = []
    for ev in doc.events:
        if rng.random() < 0.15:
            continue
        args = []
        for a in ev.arguments:
            if rng.random() < 0.2:
                continue
            e = own.get(a.entity) if a.entity is not None else None
            a = Argument(a.role, e.start, e.end) if e is not None else a
            if rng.random() < 0.15:
                a = a._replace(role=rng.choice(ROLES))
            if entities and rng.random() < 0.2:
                a = Argument(a.role, entity=rng.choice(entities).id)
            args.append(a)
        new = ev._replace(arguments=tuple(args))
        if rng.random() < 0.15:
            new = new._replace(type=rng.choice(TYPES))
        if rng.random() < 0.1:
            new = new._replace(trigger=Span(*_span(rng, n)))
        out += [new] * (2 if rng.random() < 0.1 else 1)
    out += _events(rng, n, entities, rng.randint(0, 2))
    return Document(doc.id, doc.text, tuple(entities), tuple(out))


def _corpus(seed: int, n_docs: int) -> tuple[list[Document], list[Document]]:
    rng = random.Random(seed)
    gold: list[Document] = []
    pred: list[Document] = []
    for i in range(n_docs):
        n = rng.randint(4, 12)  # short texts: offsets collide and overlap often
        entities = [Entity(*_span(rng, n), "X", f"e{j}") for j in range(rng.randint(0, 3))]
        k = 0 if rng.random() < 0.1 else rng.randint(1, 5)
        doc = Document(f"d{i}", "x" * n, tuple(entities), tuple(_events(rng, n, entities, k)))
        gold.append(doc)
        if rng.random() < 0.9:
            pred.append(_perturb(rng, doc, n))
    rng.shuffle(pred)
    return gold, pred


def _columnar(gold: list[Document], pred: list[Document]):
    position = {d.id: i for i, d in enumerate(gold)}
    paired = [d for d in pred if d.id in position]
    doc_map = np.array([position[d.id] for d in paired], dtype=np.int64)
    return score_columns(from_documents(gold), from_documents(paired).renumber(doc_map), len(gold))


def _assert_same(gold: list[Document], pred: list[Document]) -> None:
    exact, exact_stats = score_events_with_stats(gold, pred)
    scores, stats = _columnar(gold, pred)
    micro, types, roles, ref_stats = _textee(gold, pred)
    assert scores.micro == exact.micro == micro
    assert list(scores.types) == list(exact.types) == list(types)
    assert scores.types == exact.types == types
    assert list(scores.roles) == list(exact.roles) == list(roles)
    assert scores.roles == exact.roles == roles
    assert list(stats) == list(exact_stats)
    for key in stats:
        assert stats[key].dtype == np.float64 and stats[key].shape == (len(gold), 3)
        assert np.array_equal(stats[key], exact_stats[key]), key
        assert np.array_equal(stats[key], ref_stats[key]), key


@pytest.mark.parametrize("seed", range(6))
def test_event_columns_match_set_scorer_on_random_corpora(seed: int) -> None:
    gold, pred = _corpus(seed, 400)
    _assert_same(gold, pred)
    micro = score_events_with_stats(gold, pred)[0].micro
    assert all(c.tp and c.fp and c.fn for c in micro.values())  # the corpus exercises every count


def test_event_columns_duplicates_collapse() -> None:
    ev = Event("T0", Span(0, 2), (Argument("r0", 3, 4), Argument("r0", 3, 4)))
    gold = [Document("a", "xxxxxx", (), (ev, ev))]
    scores, _ = _columnar(gold, [Document("a", "xxxxxx", (), (ev,) * 3)])
    assert scores.micro["trigger_classification"] == PRF(1, 0, 0)
    assert scores.micro["argument_classification_attached"] == PRF(1, 0, 0)


def test_event_columns_no_predictions_and_no_events() -> None:
    gold, _ = _corpus(3, 50)
    _assert_same(gold, [])
    _assert_same([Document("a", "xx"), Document("b", "xx")], [Document("a", "xx")])
    _assert_same([], [])


@st.composite
def _tiny_corpus(draw: st.DrawFn) -> tuple[list[Document], list[Document]]:
    span = st.tuples(st.integers(0, 3), st.integers(1, 3)).map(lambda p: (p[0], p[0] + p[1]))
    arg = st.builds(lambda r, s: Argument(r, *s), st.sampled_from(ROLES[:3]), span)
    ev = st.builds(
        lambda t, s, a: Event(t, Span(*s), tuple(a)), st.sampled_from(TYPES[:3]), span, st.lists(arg, max_size=3)
    )
    docs = st.lists(st.lists(ev, max_size=4), max_size=4)
    gold_events, pred_events = draw(docs), draw(docs)
    gold = [Document(f"d{i}", "xxxxxx", (), tuple(e)) for i, e in enumerate(gold_events)]
    pred = [Document(f"d{i}", "xxxxxx", (), tuple(e)) for i, e in enumerate(pred_events)]
    return gold, pred


@settings(max_examples=200, deadline=None)
@given(_tiny_corpus())
def test_event_columns_match_set_scorer_property(corpus: tuple[list[Document], list[Document]]) -> None:
    _assert_same(*corpus)


def test_event_columns_from_documents_raises_the_set_scorers_error() -> None:
    bad = Document("a", "xxxx", (Entity(0, 1, "X", "e"), Entity(1, 2, "X", "e")), path="g.jsonl", line=3)
    bad = bad._replace(
        events=(
            Event("T0", Span(-1, -1, "x")),
            Event("T1", Span(0, 1), (Argument("r0", entity="e"), Argument("r1", entity="nope"), Argument("r2"))),
        )
    )
    with pytest.raises(ValidationError) as exact:
        score_events_with_stats([bad], [])
    with pytest.raises(ValidationError) as ours:
        from_documents([bad])
    assert str(ours.value) == str(exact.value) and "g.jsonl:3" in str(ours.value)


# ---------------------------------------------------------------------------------------------
# from_arrow


def _rows(cols: EventColumns) -> tuple[set, set]:
    """The decoded trigger and argument rows, as sets (order and repeats do not matter)."""
    ty, ro = cols.type_names, cols.role_names
    trig = zip(
        cols.trigger_doc.tolist(),
        [ty[c] for c in cols.trigger_type],
        cols.trigger_start.tolist(),
        cols.trigger_end.tolist(),
        strict=True,
    )
    args = zip(
        cols.argument_doc.tolist(),
        [ty[c] for c in cols.argument_type],
        cols.argument_trigger_start.tolist(),
        cols.argument_trigger_end.tolist(),
        [ro[c] for c in cols.argument_role],
        cols.argument_start.tolist(),
        cols.argument_end.tolist(),
        strict=True,
    )
    return set(trig), set(args)


def _event_dict(ev: Event) -> dict:
    return {
        "type": ev.type,
        "trigger": {"start": ev.trigger.start, "end": ev.trigger.end},
        "arguments": [a._asdict() for a in ev.arguments],
    }


def _arrow(docs: list[dict | None]) -> tuple[pa.Array, pa.Array]:
    events = [d.get("events") if d is not None else None for d in docs]
    entities = [d.get("entities") if d is not None else None for d in docs]
    return pa.array(events, type=EVENTS.type), pa.array(entities, type=ENTITIES.type)


def _as_dicts(docs: list[Document]) -> list[dict | None]:
    return [{"events": [_event_dict(e) for e in d.events], "entities": [e._asdict() for e in d.entities]} for d in docs]


@pytest.mark.parametrize("seed", range(3))
def test_event_columns_from_arrow_equals_from_documents(seed: int) -> None:
    gold, pred = _corpus(seed, 300)
    for docs in (gold, pred):
        events, entities = _arrow(_as_dicts(docs))
        cols = from_arrow(events, entities)
        assert cols is not None
        assert _rows(cols) == _rows(from_documents(docs))
        assert all(len(c) == len(cols.trigger_doc) for c in (cols.trigger_type, cols.trigger_start, cols.trigger_end))
    events, entities = _arrow(_as_dicts(gold))
    sliced = from_arrow(pa.chunked_array([events.slice(100)]), entities.slice(100), first_doc=100)
    assert sliced is not None and _rows(sliced) == _rows(from_documents(gold[100:]).renumber(np.arange(100, 300)))


def test_event_columns_from_arrow_scores_like_set_scorer() -> None:
    gold, pred = _corpus(9, 300)
    position = {d.id: i for i, d in enumerate(gold)}
    paired = [d for d in pred if d.id in position]
    g, p = from_arrow(*_arrow(_as_dicts(gold))), from_arrow(*_arrow(_as_dicts(paired)))
    assert g is not None and p is not None
    scores, stats = score_columns(g, p.renumber(np.array([position[d.id] for d in paired])), len(gold))
    exact, exact_stats = score_events_with_stats(gold, pred)
    assert scores == exact and all(np.array_equal(stats[k], exact_stats[k]) for k in exact_stats)


def test_event_columns_from_arrow_null_documents_have_no_events() -> None:
    doc = {"events": [{"type": "T0", "trigger": {"start": 0, "end": 1}, "arguments": None}], "entities": None}
    cols = from_arrow(*_arrow([None, doc, {}]))
    assert cols is not None and _rows(cols) == ({(1, "T0", 0, 1)}, set())


def _with(trigger: dict | None = None, arg: dict | None = None, *, entities: list | None = None, **event) -> dict:
    ev = {"type": "T0", "trigger": trigger or {"start": 0, "end": 1}, "arguments": [arg] if arg is not None else []}
    ev.update(event)
    return {"events": [ev], "entities": entities or [{"start": 2, "end": 3, "label": "X", "id": "e"}]}


UNRESOLVABLE = {
    "null event": {"events": [None]},
    "null type": _with(type=None),
    "null trigger": {"events": [{"type": "T0", "trigger": None}]},
    "trigger without start": _with({"end": 1}),
    "trigger -1 -1": _with({"start": -1, "end": -1, "text": "x"}),
    "null argument": {"events": [{"type": "T0", "trigger": {"start": 0, "end": 1}, "arguments": [None]}]},
    "null role": _with(arg={"role": None, "start": 0, "end": 1}),
    "argument without offsets": _with(arg={"role": "r0", "text": "x"}),
    "argument without end": _with(arg={"role": "r0", "start": 0}),
    "unknown entity": _with(arg={"role": "r0", "entity": "nope"}),
    "entity of another document": _with(
        arg={"role": "r0", "entity": "e"}, entities=[{"start": 0, "end": 1, "label": "X"}]
    ),
    "ambiguous entity": _with(arg={"role": "r0", "entity": "e"}, entities=[{"start": 0, "end": 1, "id": "e"}] * 2),
    "entity without offsets": _with(arg={"role": "r0", "entity": "e"}, entities=[{"label": "X", "id": "e"}]),
}


@pytest.mark.parametrize("case", UNRESOLVABLE)
def test_event_columns_from_arrow_returns_none_when_unresolvable(case: str) -> None:
    fine = _with(arg={"role": "r0", "entity": "e"})
    assert from_arrow(*_arrow([fine, {"entities": [{"start": 0, "end": 1, "id": "e"}]}])) is not None
    assert from_arrow(*_arrow([fine, UNRESOLVABLE[case]])) is None


def test_event_columns_from_arrow_entity_beats_own_offsets() -> None:
    doc = _with(arg={"role": "r0", "entity": "e", "start": 0, "end": 1})
    cols = from_arrow(*_arrow([doc]))
    assert cols is not None and _rows(cols)[1] == {(0, "T0", 0, 1, "r0", 2, 3)}


def test_event_columns_gold_order() -> None:
    gold, pred = pa.array(["a", "b", "c"]), pa.array(["c", "x", "a"])
    assert gold_order(gold, pa.chunked_array([pred])).tolist() == [2, -1, 0]
    assert gold_order(gold, pa.array(["a", "a"])) is None
    assert gold_order(pa.array(["a", None]), pred) is None


def _scaled(doc: Document, factor: int, shift: int) -> Document:
    def at(x: int | None) -> int | None:
        return None if x is None else x * factor + shift

    entities = tuple(e._replace(start=at(e.start), end=at(e.end)) for e in doc.entities)
    events = tuple(
        ev._replace(
            trigger=Span(at(ev.trigger.start), at(ev.trigger.end)),
            arguments=tuple(a._replace(start=at(a.start), end=at(a.end)) for a in ev.arguments),
        )
        for ev in doc.events
    )
    return doc._replace(entities=entities, events=events)


@pytest.mark.parametrize("factor", [1 << 31, 1 << 58])
def test_event_columns_wide_offsets_fall_back_to_ranks(factor: int) -> None:
    """Offsets too wide for one mixed-radix int64 key (ranked keys, then ranked columns)."""
    gold, pred = _corpus(4, 200)
    gold = [_scaled(d, factor, -5) for d in gold]
    pred = [_scaled(d, factor, -5) for d in pred]
    _assert_same(gold, pred)


FIXTURES = Path(__file__).parents[1] / "fixtures" / "events"


@pytest.mark.parametrize("case", sorted(p.name for p in FIXTURES.iterdir() if (p / "gold.jsonl").is_file()))
def test_event_columns_fixtures_read_by_pyarrow_json(case: str) -> None:
    """The hand-computed cases, read as the bench reads them, score as the exact path does."""
    paths = [FIXTURES / case / f"{side}.jsonl" for side in ("gold", "pred")]
    options = pa_json.ParseOptions(explicit_schema=DOCUMENT_WITH_EVENTS)
    gold_table, pred_table = (pa_json.read_json(p, parse_options=options) for p in paths)
    gold, pred = (from_arrow(t.column("events"), t.column("entities")) for t in (gold_table, pred_table))
    doc_map = gold_order(gold_table.column("id"), pred_table.column("id"))
    assert gold is not None and pred is not None and doc_map is not None
    scores, stats = score_columns(gold, pred.renumber(doc_map), len(gold_table))
    exact, exact_stats = score_events_with_stats(read_jsonl(paths[0]), read_jsonl(paths[1]))
    assert scores == exact and all(np.array_equal(stats[k], exact_stats[k]) for k in exact_stats)
