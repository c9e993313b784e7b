"""``score_chunks`` equals ``score_tables`` on the concatenated chunks: the same report JSON,
``doc_stats`` and slices, and the same ``ValidationError`` lines on bad input."""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import eval.readers.jsonl as jsonl
from eval.chunked import chunkable, score_chunks
from eval.counts import Scheme
from eval.errors import GoldbenchError, UsageError, ValidationError
from eval.labelmap import LabelMap
from eval.pipeline import Options, Outcome, score_tables
from eval.render.json import render_json
from eval.report import Level
from eval.table import Table

WORDS = ("Putin", "met", "Tokayev", "in", "Astana", "on", "Friday", "and", "the", "UN")
EARLY = ("PER", "LOC", "ORG")
LATE = "LATE"  # a gold label of the last documents only; predicted everywhere
GOLD_LABELS = (*EARLY, "MISC", LATE)


def text_of(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 14)))


def spans(rng: random.Random, text: str, labels: tuple[str, ...], n: int) -> list[dict]:
    out, seen = [], set()
    for _ in range(n):
        s = rng.randrange(len(text) - 1)
        e = rng.randint(s + 1, min(len(text), s + 12))
        label = rng.choice(labels)
        if (s, e, label) not in seen:  # a gold copy is a problem of its own
            seen.add((s, e, label))
            out.append({"start": s, "end": e, "label": label})
    return sorted(out, key=lambda x: (x["start"], x["end"], x["label"]))


def noisy(rng: random.Random, text: str, gold: list[dict]) -> list[dict]:
    """Copies, relabels, shifted (overlapping) boundaries, spurious spans; some with scores."""
    out = []
    for g in gold:
        r = rng.random()
        if r < 0.2:
            continue
        p = dict(g)
        if r < 0.4:
            p["label"] = rng.choice((*EARLY, LATE, "ORG2", "JUNK"))
        elif r < 0.6:
            p["end"] = min(len(text), max(p["start"] + 1, p["end"] + rng.choice((-2, -1, 1, 2))))
        out.append(p)
    out += spans(rng, text, (*EARLY, LATE, "ORG2", "JUNK", "ONLYPRED"), rng.randint(0, 2))
    for p in out:
        if rng.random() < 0.5:
            p["score"] = round(rng.random(), 2)
    return out


def event(rng: random.Random, text: str) -> dict:
    s = rng.randrange(len(text) - 1)
    a = rng.randrange(len(text) - 1)
    return {
        "type": rng.choice(("Meet", "Move")),
        "trigger": {"start": s, "end": s + 1},
        "arguments": [{"role": rng.choice(("Who", "Where")), "start": a, "end": a + 1}] if rng.random() < 0.7 else [],
    }


def corpus(rng: random.Random, n: int, *, extra: bool, events: bool) -> tuple[list[dict], list[dict]]:
    """Gold and predictions in gold order: some gold documents not predicted, extra predicted
    documents between them (``extra``), events in some documents (``events``)."""
    gold, pred = [], []
    for i in range(n):
        text = text_of(rng)
        labels = GOLD_LABELS if i >= n - 3 else EARLY + ("MISC",) * (i % 4 == 0)
        g: dict = {"id": f"d{i}", "text": text, "entities": spans(rng, text, labels, rng.randint(0, 5))}
        if rng.random() < 0.7:
            g["meta"] = {"source": rng.choice(("wire", "web", "blog")), "kind": rng.choice((1, 2))}
        if events and rng.random() < 0.3:
            g["events"] = [event(rng, text) for _ in range(rng.randint(1, 2))]
        gold.append(g)
        if extra and rng.random() < 0.15:
            other = text_of(rng)
            pred.append({"id": f"x{i}", "text": other, "entities": noisy(rng, other, [])})
        if rng.random() < 0.15:
            continue  # not predicted
        p: dict = {"id": g["id"], "text": text, "entities": noisy(rng, text, g["entities"])}
        if events and (g.get("events") or rng.random() < 0.1):
            p["events"] = [dict(e) for e in g.get("events", [])] + ([event(rng, text)] if rng.random() < 0.5 else [])
        pred.append(p)
    return gold, pred


def write(path: Path, docs: list[dict]) -> Table:
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    return jsonl.read_table(path)


def compact(t: Table) -> Table:
    """``t`` naming only the labels it uses (a slice names every label of the whole table)."""
    used = sorted(set(t.label_codes.tolist()))
    recode = np.zeros(max(len(t.label_names), 1), dtype=np.int64)
    recode[used] = np.arange(len(used))
    return dataclasses.replace(t, label_codes=recode[t.label_codes], label_names=tuple(t.label_names[c] for c in used))


def cuts(rng: random.Random, n: int, how: str) -> list[int]:
    if how == "one":
        return [0, n]
    if how == "single":
        return list(range(n + 1))
    return sorted({0, n, *rng.sample(range(1, n), min(n - 1, rng.randint(1, 6)))})


def chunks(gold: Table, pred: Table, bounds: list[int]) -> list[tuple[Table, Table]]:
    """Gold cut at ``bounds``; each prediction chunk the contiguous run of predictions up to the
    last one of its gold chunk's documents (extra documents fall where they are)."""
    where = {d: i for i, d in enumerate(gold.ids)}
    owner = [where.get(d) for d in pred.ids]
    pairs, lo_p = [], 0
    for k, (lo, hi) in enumerate(zip(bounds, bounds[1:], strict=False)):
        mine = [j for j, g in enumerate(owner) if g is not None and lo <= g < hi]
        hi_p = len(pred) if k == len(bounds) - 2 else max([lo_p - 1, *mine]) + 1
        pairs.append((compact(gold.slice(lo, hi)), compact(pred.slice(lo_p, hi_p))))
        lo_p = hi_p
    return pairs


def whole(pairs: list[tuple[Table, Table]], options: Options, label_set: list[str] | None) -> Outcome:
    golds, preds = [g for g, _ in pairs], [p for _, p in pairs]
    g = Table.concat(golds, path=golds[-1].path, format="jsonl", sha256=golds[-1].sha256)
    p = Table.concat(preds, path=preds[-1].path, format="jsonl", sha256=preds[-1].sha256)
    return score_tables(g, p, options=options, label_set=label_set)


def outcome_of(run: Callable[[], Outcome]) -> Outcome | list[str]:
    try:
        return run()
    except GoldbenchError as e:
        return [type(e).__name__, *e.lines()]


def assert_same(pairs: list[tuple[Table, Table]], options: Options, label_set: list[str] | None = None) -> None:
    a = outcome_of(lambda: whole(pairs, options, label_set))
    b = outcome_of(lambda: score_chunks(iter(pairs), options=options, label_set=label_set))
    if isinstance(a, list) or isinstance(b, list):
        assert a == b
        return
    assert render_json(b.report) == render_json(a.report)
    assert b.report == a.report
    assert list(b.doc_stats) == list(a.doc_stats)
    for k, v in a.doc_stats.items():
        assert np.array_equal(b.doc_stats[k], v), k
    assert (a.groups is None) == (b.groups is None)
    if a.groups is not None and b.groups is not None:
        assert (b.groups.name, b.groups.values) == (a.groups.name, a.groups.values)
        assert np.array_equal(b.groups.codes, a.groups.codes)
    assert b.gold is None


OPTION_SETS: dict[str, Options] = {
    "default": Options(),
    "strict-some-labels": Options(schemes=(Scheme.STRICT, Scheme.TYPE), labels=("PER", "LOC", LATE)),
    "allow-extra": Options(allow_extra=True),
    "per-document": Options(per_document=True, allow_extra=True),
    "details": Options(details=True, allow_extra=True),
    "details-few-errors": Options(details=True, max_errors=3, allow_extra=True),
    "details-no-strict": Options(details=True, max_errors=7, schemes=(Scheme.PARTIAL,), allow_extra=True),
    "min-overlap": Options(min_overlap=0.5, allow_extra=True),
    "min-score": Options(min_score=0.5, allow_extra=True),
    "label-map": Options(label_map=LabelMap({"ORG2": "ORG", "JUNK": None}, "inline"), allow_extra=True),
    "slices": Options(slice_by=("meta.source",), allow_extra=True),
    "slices-crossed": Options(slice_by=("meta.source", "meta.kind"), details=True, allow_extra=True),
    "everything": Options(
        allow_extra=True,
        per_document=True,
        details=True,
        max_errors=11,
        min_overlap=0.3,
        min_score=0.2,
        label_map=LabelMap({"ORG2": "ORG", "JUNK": None}, "inline"),
        slice_by=("meta.source",),
    ),
}


@pytest.mark.parametrize("how", ["one", "single", "uneven"])
@pytest.mark.parametrize("name", list(OPTION_SETS))
@pytest.mark.parametrize("seed", range(3))
def test_chunks_score_as_the_whole(tmp_path: Path, name: str, how: str, seed: int) -> None:
    options = OPTION_SETS[name]
    assert chunkable(options)
    rng = random.Random(f"{name}-{how}-{seed}")
    gold_docs, pred_docs = corpus(rng, rng.randint(8, 30), extra=options.allow_extra, events=seed != 1)
    gold, pred = write(tmp_path / "gold.jsonl", gold_docs), write(tmp_path / "pred.jsonl", pred_docs)
    assert_same(chunks(gold, pred, cuts(rng, len(gold), how)), options)


@pytest.mark.parametrize("seed", range(4))
def test_drop_unknown_labels_with_the_label_set(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    gold_docs, pred_docs = corpus(rng, 20, extra=True, events=True)
    gold, pred = write(tmp_path / "gold.jsonl", gold_docs), write(tmp_path / "pred.jsonl", pred_docs)
    options = Options(drop_unknown_labels=True, allow_extra=True, details=True)
    for how in ("one", "single", "uneven"):
        assert_same(chunks(gold, pred, cuts(rng, len(gold), how)), options, label_set=list(GOLD_LABELS))


def test_drop_unknown_labels_without_a_label_set_needs_the_labels_first(tmp_path: Path) -> None:
    """Early predictions labelled LATE are dropped before the gold chunk that uses LATE: refused."""
    gold = write(tmp_path / "gold.jsonl", [{"id": "a", "text": "xy", "entities": []}, _doc("b", LATE)])
    pred = write(tmp_path / "pred.jsonl", [_doc("a", LATE), _doc("b", LATE)])
    options = Options(drop_unknown_labels=True)
    assert_same(chunks(gold, pred, [0, 2]), options)  # one chunk: as the whole
    with pytest.raises(UsageError, match="LATE"):
        score_chunks(chunks(gold, pred, [0, 1, 2]), options=options)


def _doc(doc_id: str, label: str, start: int = 0, end: int = 1, text: str = "xy") -> dict:
    return {"id": doc_id, "text": text, "entities": [{"start": start, "end": end, "label": label}]}


def test_a_label_of_a_later_gold_chunk_is_not_outside(tmp_path: Path) -> None:
    gold = write(tmp_path / "gold.jsonl", [_doc("a", "PER"), _doc("b", LATE)])
    pred = write(tmp_path / "pred.jsonl", [_doc("a", LATE), _doc("b", "NEVER")])
    pairs = chunks(gold, pred, [0, 1, 2])
    assert pairs[0][0].label_names == ("PER",)
    notes = score_chunks(pairs, options=Options()).report.notes
    assert notes == ("predicted labels outside the gold label set (scored as errors): NEVER (1)",)
    assert_same(pairs, Options())


def test_notes_are_made_from_merged_counts(tmp_path: Path) -> None:
    gold = write(tmp_path / "gold.jsonl", [_doc(f"d{i}", "PER") for i in range(9)])
    pred = write(tmp_path / "pred.jsonl", [_doc("d0", "ORG"), _doc("x1", "ORG"), _doc("x2", "ORG")])
    pairs = chunks(gold, pred, list(range(10)))
    notes = score_chunks(pairs, options=Options(allow_extra=True)).report.notes
    assert notes == (
        "2 predicted documents are not in the gold set and were ignored: x1, x2",
        "8 gold documents have no predictions and are scored as all missed: d1, d2, d3, d4, d5, … (3 more)",
        "predicted labels outside the gold label set (scored as errors): ORG (3)",
    )
    assert_same(pairs, Options(allow_extra=True))


# --- invalid input: the same problems, in the same order -------------------------------------


def bad_corpus(tmp_path: Path, seed: int) -> tuple[Table, Table, list[int]]:
    rng = random.Random(seed)
    gold_docs, pred_docs = corpus(rng, 24, extra=True, events=True)
    bounds = [0, 3, 5, 9, 14, 24]
    third = {g["id"] for g in gold_docs[9:14]}
    for p in pred_docs:
        if p["id"] in third and p["entities"]:
            p["entities"][0] = {**p["entities"][0], "end": len(p["text"]) + 5}  # bad offsets in chunk 3
    return write(tmp_path / "gold.jsonl", gold_docs), write(tmp_path / "pred.jsonl", pred_docs), bounds


@pytest.mark.parametrize("seed", range(3))
def test_bad_offsets_in_a_later_chunk(tmp_path: Path, seed: int) -> None:
    gold, pred, bounds = bad_corpus(tmp_path, seed)
    with pytest.raises(ValidationError) as e:
        score_chunks(chunks(gold, pred, bounds), options=Options())
    assert any("outside the text" in line for line in e.value.lines())
    assert any("not in the gold set" in line for line in e.value.lines())  # extra documents listed too
    assert_same(chunks(gold, pred, bounds), Options())
    assert_same(chunks(gold, pred, bounds), Options(allow_extra=True, min_score=0.5))


def test_duplicate_ids_across_chunks(tmp_path: Path) -> None:
    gold = write(tmp_path / "gold.jsonl", [_doc("a", "PER"), _doc("b", "PER"), _doc("a", "ORG"), _doc("c", "LOC")])
    pred = write(tmp_path / "pred.jsonl", [_doc("x", "PER"), _doc("b", "PER"), _doc("x", "PER"), _doc("c", "PER")])
    with pytest.raises(ValidationError) as e:  # gold first, as load_gold checks it before predictions are read
        score_chunks(chunks(gold, pred, [0, 1, 2, 3, 4]), options=Options(allow_extra=True))
    assert e.value.lines() == [
        f"{gold.path}:3: document 'a': duplicate document id (first at line 1); give every document a unique id"
    ]
    good_gold = write(tmp_path / "gold2.jsonl", [_doc(d, "PER") for d in "abcd"])
    with pytest.raises(ValidationError) as e:
        score_chunks(chunks(good_gold, pred, [0, 1, 2, 3, 4]), options=Options(allow_extra=True))
    assert e.value.lines() == [
        f"{pred.path}:3: document 'x': duplicate document id (first at line 1); give every document a unique id"
    ]
    for bounds in ([0, 4], [0, 1, 2, 3, 4], [0, 2, 4]):
        assert_same(chunks(good_gold, pred, bounds), Options(allow_extra=True))
        assert_same(chunks(good_gold, pred, bounds), Options())


@pytest.mark.parametrize("how", ["one", "single", "uneven"])
def test_extra_documents_without_allow_extra(tmp_path: Path, how: str) -> None:
    rng = random.Random(how)
    gold_docs, pred_docs = corpus(rng, 15, extra=True, events=False)
    pred_docs.append({"id": "late-extra", "text": "changed", "entities": []})
    k = next(i for i, p in enumerate(pred_docs) if p["id"].startswith("d"))
    pred_docs[k] = {**pred_docs[k], "text": pred_docs[k]["text"] + "!"}  # a text that differs: after the extras
    gold, pred = write(tmp_path / "gold.jsonl", gold_docs), write(tmp_path / "pred.jsonl", pred_docs)
    pairs = chunks(gold, pred, cuts(rng, len(gold), how))
    with pytest.raises(ValidationError) as e:
        score_chunks(pairs, options=Options())
    lines = e.value.lines()
    assert any("'late-extra': not in the gold set" in line for line in lines) and "text differs" in lines[-1]
    assert_same(pairs, Options())


def test_bad_slice_metadata_is_capped_once(tmp_path: Path) -> None:
    docs = [{**_doc(f"d{i}", "PER"), "meta": {"source": {"nested": i}}} for i in range(25)]
    gold = write(tmp_path / "gold.jsonl", docs)
    pred = write(tmp_path / "pred.jsonl", [_doc(f"d{i}", "PER") for i in range(25)])
    pairs = chunks(gold, pred, list(range(0, 26, 5)))
    with pytest.raises(ValidationError) as e:
        score_chunks(pairs, options=Options(slice_by=("meta.source",)))
    assert len(e.value.lines()) == 21 and e.value.lines()[-1].endswith("... and 5 more documents like these")
    assert_same(pairs, Options(slice_by=("meta.source",)))


def test_bad_events_in_a_later_chunk(tmp_path: Path) -> None:
    docs = [_doc(f"d{i}", "PER", text="hello") for i in range(6)]
    pred_docs = [dict(d) for d in docs]
    pred_docs[4]["events"] = [{"type": "Meet", "trigger": {"start": 3, "end": 99}, "arguments": []}]
    gold, pred = write(tmp_path / "gold.jsonl", docs), write(tmp_path / "pred.jsonl", pred_docs)
    pairs = chunks(gold, pred, [0, 2, 4, 6])
    with pytest.raises(ValidationError):
        score_chunks(pairs, options=Options())
    assert_same(pairs, Options())


def test_reader_notes_kept_as_the_whole_keeps_them(tmp_path: Path) -> None:
    gold, pred = write(tmp_path / "gold.jsonl", [_doc("a", "PER")]), write(tmp_path / "p.jsonl", [_doc("a", "PER")])
    noted = dataclasses.replace(pred, notes=("the reader says so",))
    for options in (Options(), Options(label_map=LabelMap({}, "inline")), Options(min_score=0.5)):
        assert_same([(gold, noted)], options)


def test_what_is_not_chunkable() -> None:
    assert chunkable(Options()) and chunkable(Options(slice_by=("meta.source", "date:month")))
    assert not chunkable(Options(sweep_scores=True))
    assert not chunkable(Options(level=Level.DOCUMENT))
    assert not chunkable(Options(slice_by=("length:3",)))
    with pytest.raises(UsageError):
        score_chunks([], options=Options(sweep_scores=True))
    with pytest.raises(UsageError, match="no chunks"):
        score_chunks([], options=Options())


def test_error_candidates_stay_bounded_over_chunks(tmp_path: Path) -> None:
    """At most max_errors + 1 candidates of each kind survive, however many chunks have errors."""
    from eval.entities import count_entities

    docs = [_doc(f"d{i}", "PER") for i in range(40)]
    gold = write(tmp_path / "gold.jsonl", docs)
    pred = write(tmp_path / "pred.jsonl", [_doc(d["id"], "ORG", 0, 2) for d in docs])  # all incorrect
    total = None
    for g, p in chunks(gold, pred, list(range(41))):
        taken = total.taken if total is not None else (0, 0, 0)
        counts = count_entities(g, p, details=True, max_errors=3, taken=taken)
        if total is None:
            total = counts
        else:
            total.add(counts)
    assert total is not None and total.errors is not None
    assert total.taken == (4, 0, 0) and len(total.errors) == 4
    assert_same(chunks(gold, pred, list(range(41))), Options(details=True, max_errors=3))
