"""Scores per slice of the gold documents (``--slice-by``): sums of per-document counts.

On random corpora, for every scheme, the slices of a field add up to the micro counts, each
slice equals the sum of its documents' per-document counts, and per-label slices add up to
the per-label counts; event slices add up to the event micro counts. Also how documents are
grouped (fields, length groups, dates, cross products) and how bad metadata is reported.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import orjson
import pytest

from eval.counts import PRF, Counts, Scheme
from eval.errors import UsageError, ValidationError
from eval.pipeline import Options, evaluate
from eval.report import Report
from eval.slices import MISSING, group_documents, parse_slice
from eval.track import TrackOptions, track

ROOT = Path(__file__).resolve().parents[2]
NEWS_DEMO = ROOT / "gold" / "news-demo" / "documents.jsonl"
LABELS = ("PER", "ORG", "LOC", "DATE")
SOURCES = ("tass", "kazinform", "akipress", "uza")
WORDS = ("the", "minister", "met", "his", "counterpart", "in", "the", "capital", "on", "monday", "to", "sign")


def _write(path: Path, docs: list[dict[str, Any]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(d) + b"\n" for d in docs))
    return path


def _corpus(rng: random.Random, n_docs: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Random gold documents with meta (some without a source), and predictions that shift,
    relabel, drop and add spans."""
    gold, pred = [], []
    for i in range(n_docs):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 60)))
        starts = sorted(rng.sample(range(len(text) - 3), k=min(rng.randint(0, 8), len(text) - 3)))
        ents = []
        last = -1
        for s in starts:
            if s <= last:
                continue
            e = min(len(text), s + rng.randint(1, 6))
            ents.append({"start": s, "end": e, "label": rng.choice(LABELS)})
            last = e
        meta: dict[str, Any] = {"date": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"}
        if rng.random() < 0.85:
            meta["source"] = rng.choice(SOURCES)
        gold.append({"id": f"d{i}", "text": text, "entities": ents, "meta": meta})
        guessed = []
        for ent in ents:
            r = rng.random()
            if r < 0.15:
                continue
            g = dict(ent)
            if r < 0.3:
                g["label"] = rng.choice(LABELS)
            elif r < 0.45:
                g["end"] = max(g["start"] + 1, min(len(text), g["end"] + rng.choice((-1, 1))))
            guessed.append(g)
        if rng.random() < 0.5 and len(text) > 4:
            s = rng.randrange(len(text) - 2)
            guessed.append({"start": s, "end": s + 2, "label": rng.choice(LABELS)})
        pred.append({"id": f"d{i}", "text": text, "entities": guessed})
    return gold, pred


def _score(tmp_path: Path, gold: list[dict[str, Any]], pred: list[dict[str, Any]], *slices: str) -> Report:
    g = _write(tmp_path / "gold.jsonl", gold)
    p = _write(tmp_path / "pred.jsonl", pred)
    return evaluate(g, p, options=Options(slice_by=slices, per_document=True)).report


def _total(items: list[Counts], scheme: Scheme) -> Counts:
    return sum(items, Counts(half_credit=scheme.half_credit))


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("spec", [("meta.source",), ("length:3",), ("date:month",), ("meta.source", "length:2")])
def test_slices_add_up_to_micro_and_to_their_documents(tmp_path: Path, seed: int, spec: tuple[str, ...]) -> None:
    gold, pred = _corpus(random.Random(seed), 40)
    report = _score(tmp_path, gold, pred, *spec)
    assert report.slices is not None
    ((name, by_value),) = report.slices.items()
    assert name == "&".join(spec)
    assert sum(sl.documents for sl in by_value.values()) == len(gold)
    grouping = group_documents(spec, _table(tmp_path))
    docs = report.entities.documents
    assert docs is not None
    for scheme in Scheme:
        assert _total([sl.micro[scheme] for sl in by_value.values()], scheme) == report.entities.micro[scheme]
        for i, value in enumerate(grouping.values):
            mine = [docs[d["id"]][scheme] for d, code in zip(gold, grouping.codes, strict=True) if code == i]
            assert by_value[value].micro[scheme] == _total(mine, scheme), (scheme, value)
        for label, by_scheme in report.entities.labels.items():
            parts = [sl.labels[label][scheme] for sl in by_value.values() if label in sl.labels]
            assert _total(parts, scheme) == by_scheme[scheme], (scheme, label)


def _table(tmp_path: Path) -> Any:
    from eval.pipeline import load_gold

    return load_gold(tmp_path / "gold.jsonl")


def test_event_slices_add_up_to_the_event_micro_counts(tmp_path: Path) -> None:
    rng = random.Random(7)
    gold = [orjson.loads(line) for line in NEWS_DEMO.read_bytes().splitlines()]
    pred = []
    for doc in gold:
        events = [
            {**ev, "arguments": [a for a in ev["arguments"] if rng.random() < 0.8]}
            for ev in doc["events"]
            if rng.random() < 0.7
        ]
        entities = [{**e, "label": rng.choice(LABELS)} if rng.random() < 0.1 else e for e in doc["entities"]]
        pred.append({"id": doc["id"], "text": doc["text"], "entities": entities, "events": events})
    report = _score(tmp_path, gold, pred, "meta.source")
    assert report.events is not None and report.slices is not None
    by_value = report.slices["meta.source"]
    assert set(by_value) == {"akipress", "asiaplus", "kazinform", "tass", "uza"}
    for metric, micro in report.events.micro.items():
        parts = [sl.events[metric] for sl in by_value.values() if sl.events is not None]
        assert sum(parts, PRF()) == micro, metric
    for scheme in Scheme:
        assert _total([sl.micro[scheme] for sl in by_value.values()], scheme) == report.entities.micro[scheme]


def test_field_values_sorted_and_missing_last(tmp_path: Path) -> None:
    gold, pred = _corpus(random.Random(3), 60)
    report = _score(tmp_path, gold, pred, "meta.source")
    assert report.slices is not None
    values = list(report.slices["meta.source"])
    assert values[-1] == MISSING and values[:-1] == sorted(values[:-1])
    missing = sum(1 for d in gold if "source" not in d["meta"])
    assert report.slices["meta.source"][MISSING].documents == missing > 0


def test_length_groups_are_equal_sized_and_ordered(tmp_path: Path) -> None:
    gold, pred = _corpus(random.Random(4), 9)
    report = _score(tmp_path, gold, pred, "length:3")
    assert report.slices is not None
    by_value = report.slices["length:3"]
    assert list(by_value) == ["q1", "q2", "q3"]
    assert [sl.documents for sl in by_value.values()] == [3, 3, 3]
    bounds = [sl.bounds for sl in by_value.values()]
    assert all(b is not None for b in bounds)
    assert bounds[0][1] <= bounds[1][0] and bounds[1][1] <= bounds[2][0]  # type: ignore[index]
    lengths = sorted(len(d["text"]) for d in gold)
    assert bounds[0] == (lengths[0], lengths[2]) and bounds[2] == (lengths[6], lengths[8])


@pytest.mark.parametrize(
    ("unit", "day", "key"),
    [
        ("year", "2024-05-26", "2024"),
        ("quarter", "2024-05-26", "2024-Q2"),
        ("month", "2024-05-26", "2024-05"),
        ("week", "2024-05-26", "2024-W21"),
        ("day", "2024-05-26T10:30:00+05:00", "2024-05-26"),
    ],
)
def test_date_units(tmp_path: Path, unit: str, day: str, key: str) -> None:
    gold = [{"id": "a", "text": "Putin in Tashkent", "entities": [], "meta": {"date": day}}]
    report = _score(tmp_path, gold, [{"id": "a", "text": "Putin in Tashkent"}], f"date:{unit}")
    assert report.slices is not None
    assert list(report.slices[f"date:{unit}"]) == [key]


def test_dates_in_time_order_and_any_field(tmp_path: Path) -> None:
    days = ["2025-10-08", "2023-10-06", "2024-05-27", "2024-06-03"]
    gold = [{"id": f"d{i}", "text": "text", "meta": {"published": d}} for i, d in enumerate(days)]
    report = _score(tmp_path, gold, [{"id": g["id"], "text": "text"} for g in gold], "meta.published:month")
    assert report.slices is not None
    assert list(report.slices["meta.published:month"]) == ["2023-10", "2024-05", "2024-06", "2025-10"]


def test_meta_is_kept_on_the_fast_path(tmp_path: Path) -> None:
    from eval.readers.jsonl import read_table

    entities = [{"start": 0, "end": 1, "label": "X"}]
    docs = [{"id": f"d{i}", "text": "x y", "entities": entities, "meta": {"i": i}} for i in range(50)]
    table = read_table(_write(tmp_path / "g.jsonl", docs))
    assert table.documents == {}  # no record was taken by the exact parser
    assert table.extras == {i: {"meta": {"i": i}} for i in range(50)}
    assert table.document(3).extra == {"meta": {"i": 3}}


def test_top_level_fields_and_numbers_are_kept(tmp_path: Path) -> None:
    gold = [
        {"id": "a", "text": "one", "source": "tass", "meta": {"rank": 1}},
        {"id": "b", "text": "two", "source": "uza", "meta": {"rank": 2, "flag": True}},
    ]
    pred = [{"id": "a", "text": "one"}, {"id": "b", "text": "two"}]
    report = _score(tmp_path, gold, pred, "source", "meta.rank")
    assert report.slices is not None
    assert list(report.slices["source&meta.rank"]) == ["tass&1", "uza&2"]


@pytest.mark.parametrize(
    ("meta", "words"),
    [
        ({"date": "26 May 2024"}, "meta.date is '26 May 2024', not an ISO 8601 date"),
        ({"date": {"y": 2024}}, "meta.date is an object"),
    ],
)
def test_bad_metadata_names_file_line_and_document(tmp_path: Path, meta: dict[str, Any], words: str) -> None:
    gold = [{"id": "ok", "text": "x", "meta": {"date": "2024-01-01"}}, {"id": "bad", "text": "y", "meta": meta}]
    with pytest.raises(ValidationError) as info:
        _score(tmp_path, gold, [{"id": "ok", "text": "x"}, {"id": "bad", "text": "y"}], "date:month")
    (line,) = info.value.lines()
    assert "gold.jsonl:2" in line and "'bad'" in line and words in line


@pytest.mark.parametrize("spec", ["", "meta.", "length:x", "length:1", "date:fortnight", "a&b"])
def test_bad_slice_specs_are_usage_errors(spec: str) -> None:
    with pytest.raises(UsageError, match="--slice-by"):
        parse_slice(spec)


def test_slices_need_mention_level(tmp_path: Path) -> None:
    from eval.report import Level

    g = _write(tmp_path / "g.jsonl", [{"id": "a", "text": "x"}])
    with pytest.raises(UsageError, match="--level mention"):
        evaluate(g, g, options=Options(slice_by=("meta.source",), level=Level.DOCUMENT))


def test_bootstrap_gives_slice_intervals_around_the_slice_value(tmp_path: Path) -> None:
    gold, pred = _corpus(random.Random(5), 30)
    g = _write(tmp_path / "gold.jsonl", gold)
    p = _write(tmp_path / "pred.jsonl", pred)
    outcome = evaluate(g, p, options=Options(slice_by=("meta.source",)))
    report = track(outcome, options=TrackOptions(bootstrap=200, seed=1))
    assert report.intervals is not None and report.slices is not None
    for value, sl in report.slices["meta.source"].items():
        for scheme in Scheme:
            iv = report.intervals[f"slices.meta.source.{value}.{scheme.value}.f1"]
            assert iv.estimate == pytest.approx(sl.micro[scheme].metrics.f1)
            assert iv.low <= iv.estimate <= iv.high
    assert "entities.strict.f1" in report.intervals
