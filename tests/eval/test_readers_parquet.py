"""The Parquet reader: schema errors name the column, lossless casts are made, nulls where a
value is required name ``file.parquet: row N (document id X)``, batches stream, and the
registry detects Parquet and checks rows as ``jsonl.parse_record`` checks JSONL lines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from eval.arrow_schema import DOCUMENT, DOCUMENT_WITH_EVENTS
from eval.errors import FormatError
from eval.model import Document, Entity
from eval.readers import detect, read_corpus
from eval.readers.parquet import iter_parquet, read_parquet

TEXT = "Putin met Tokayev in Astana."


def _ent(start: Any, end: Any, label: Any, **more: Any) -> dict[str, Any]:
    return {"start": start, "end": end, "label": label, **more}


def _write(path: Path, columns: dict[str, Any], **options: Any) -> Path:
    pq.write_table(pa.table(columns), path, **options)
    return path


def _good(n: int = 3) -> dict[str, Any]:
    return {
        "id": [f"d{i}" for i in range(n)],
        "text": [TEXT] * n,
        "entities": [[_ent(0, 5, "PERSON")]] * n,
    }


def test_read_parquet_layout(tmp_path: Path) -> None:
    table = read_parquet(_write(tmp_path / "g.parquet", _good()))
    assert table.schema == DOCUMENT
    assert table.num_rows == 3
    assert table["entities"][0].as_py() == [_ent(0, 5, "PERSON", id=None, text=None, score=None)]


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"text": [TEXT]}, "g.parquet: there is no id column; every row needs its document id"),
        ({"id": ["d1"]}, "g.parquet: there is no text column; a gold document needs its text"),
        (
            {"id": ["d1"], "text": [TEXT], "entities": [[_ent("0", 5, "PERSON")]]},
            "g.parquet: column entities.start has type string; it must hold integers (int64)",
        ),
        (
            {"id": ["d1"], "text": [TEXT], "entities": [[_ent(0, 5, 7)]]},
            "g.parquet: column entities.label has type int64; it must hold strings",
        ),
        ({"id": [1], "text": [TEXT]}, "g.parquet: column id has type int64; it must hold strings"),
        (
            {"id": ["d1"], "text": [TEXT], "entities": ["x"]},
            "g.parquet: column entities has type string; it must hold a list",
        ),
        (
            {"id": ["d1"], "text": [TEXT], "entities": [[{"start": 0, "label": "P"}]]},
            "g.parquet: column entities has no field 'end'; add it",
        ),
        (
            {"id": ["d1"], "text": [TEXT], "entities": [[_ent(0, 5, "P", confidence=0.5)]]},
            "g.parquet: column entities has a field 'confidence' that is not in the layout",
        ),
        ({"id": ["d1"], "text": [TEXT], "source": ["x"]}, "g.parquet: column 'source' is not part of the layout"),
        (
            {"id": ["d1"], "text": [TEXT], "events": [[{"type": "Meet", "trigger": {"start": "6", "end": 9}}]]},
            "g.parquet: column events.trigger.start has type string",
        ),
    ],
)
def test_read_parquet_schema_errors(tmp_path: Path, columns: dict[str, Any], message: str) -> None:
    path = _write(tmp_path / "g.parquet", columns)
    with pytest.raises(FormatError) as info:
        read_parquet(path)
    assert len(info.value.lines()) == 1
    assert f"{tmp_path}/{message}" in info.value.lines()[0]
    with pytest.raises(FormatError):
        next(iter_parquet(path))


def test_read_parquet_casts(tmp_path: Path) -> None:
    entity = pa.struct(
        [("start", pa.int32()), ("end", pa.uint16()), ("label", pa.large_string()), ("score", pa.float32())]
    )
    columns = {
        "id": pa.array(["d1", "d2"], pa.large_string()),
        "text": pa.array([TEXT, TEXT]).dictionary_encode(),
        "entities": pa.array([[{"start": 0, "end": 5, "label": "PERSON", "score": 0.5}], None], pa.large_list(entity)),
    }
    table = read_parquet(_write(tmp_path / "g.parquet", columns))
    assert table.schema == DOCUMENT
    assert table["entities"].to_pylist() == [[_ent(0, 5, "PERSON", id=None, text=None, score=0.5)], []]  # null: none


def test_read_parquet_uint64_beyond_int64(tmp_path: Path) -> None:
    entity = pa.struct([("start", pa.uint64()), ("end", pa.uint64()), ("label", pa.string())])
    entities = pa.array([[{"start": 0, "end": 2**63, "label": "PERSON"}]], pa.list_(entity))
    with pytest.raises(FormatError, match="column entities: a value does not fit the layout"):
        read_parquet(_write(tmp_path / "g.parquet", {"id": ["d1"], "text": [TEXT], "entities": entities}))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": ["d0", None, "d2"]}, "g.parquet: row 2: id is null; give every document its id"),
        (
            {"text": [TEXT, TEXT, None]},
            "g.parquet: row 3 (document id 'd2'): text is null; a gold document needs its text",
        ),
        (
            {"entities": [[], [_ent(0, 5, "P"), _ent(6, 9, None)], []]},
            "g.parquet: row 2 (document id 'd1'): entities[1].label is null; give every entity its start, end and",
        ),
        ({"entities": [[], [], [_ent(None, 5, "P")]]}, "row 3 (document id 'd2'): entities[0].start is null"),
        ({"entities": [[None], [], []]}, "row 1 (document id 'd0'): entities[0] is null"),
        ({"meta": ['{"a": 1}', None, "{oops"]}, "row 3 (document id 'd2'): meta is not valid JSON"),
    ],
)
def test_read_parquet_nulls(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    path = _write(tmp_path / "g.parquet", {**_good(), **change})
    with pytest.raises(FormatError) as info:
        read_parquet(path)
    assert [line for line in info.value.lines() if message in line], info.value.lines()


def test_read_parquet_event_nulls(tmp_path: Path) -> None:
    events = [
        [{"type": "Meet", "trigger": {"start": 6, "end": 9}, "arguments": [{"role": "A", "start": 0, "end": 5}]}],
        [{"type": None, "trigger": {"start": 6, "end": 9}, "arguments": [{"role": None, "start": 0, "end": 5}]}],
    ]
    path = _write(tmp_path / "g.parquet", {**_good(2), "events": events})
    with pytest.raises(FormatError) as info:
        read_parquet(path)
    assert [line.split(": ", 1)[1] for line in info.value.lines()] == [
        "row 2 (document id 'd1'): events[0].type is null; give every event its type and trigger",
        "row 2 (document id 'd1'): events[0].arguments[0].role is null; give every argument its role",
    ]


def test_read_parquet_text_optional_in_predictions(tmp_path: Path) -> None:
    path = _write(tmp_path / "p.parquet", {"id": ["d1"], "entities": [[_ent(0, 5, "PERSON")]]})
    table = read_parquet(path, needs_text=False)
    assert table["text"].to_pylist() == [None]
    gold = {"d1": Document("d1", TEXT)}
    corpus = read_corpus(path, reference=gold)
    assert corpus.documents[0].text == TEXT and corpus.documents[0].entities == (Entity(0, 5, "PERSON"),)
    other = _write(tmp_path / "q.parquet", {"id": ["zz"], "text": pa.array([None], pa.string())})
    with pytest.raises(FormatError, match=r"q\.parquet:1: document 'zz' has no text and is not in the gold set"):
        read_corpus(other, reference=gold)


def test_iter_parquet_streams_batches_with_file_row_numbers(tmp_path: Path) -> None:
    columns = _good(10)
    columns["entities"] = [[_ent(0, 5, "PERSON")]] * 9 + [[_ent(0, 5, None)]]
    path = _write(tmp_path / "g.parquet", columns, row_group_size=4)
    batches = iter_parquet(path, batch_docs=3)
    sizes = [next(batches).num_rows for _ in range(3)]
    assert sizes == [3, 3, 3]
    assert all(b.schema == DOCUMENT for b in iter_parquet(_write(tmp_path / "ok.parquet", _good(10)), 4))
    with pytest.raises(FormatError, match=r"row 10 \(document id 'd9'\): entities\[0\]\.label is null"):
        list(batches)


def test_parquet_registry_detects_and_reads(tmp_path: Path) -> None:
    events = [[{"type": "Meet", "trigger": {"text": "met"}, "arguments": [{"role": "A", "entity": "e1"}]}], None]
    columns = {
        "id": ["d1", "d2"],
        "text": [TEXT, TEXT],
        "entities": [[_ent(0, 5, "PERSON", id="e1", score=0.75)], []],
        "events": events,
        "meta": ['{"source": "tass"}', None],
    }
    path = _write(tmp_path / "noext", columns)  # no .parquet: detected by its magic bytes
    assert detect(path).name == "parquet"
    corpus = read_corpus(path)
    assert corpus.format == "parquet"
    d1, d2 = corpus.documents
    assert d1.entities == (Entity(0, 5, "PERSON", "e1", None, 0.75),)
    assert d1.events[0].trigger.text == "met" and d1.events[0].arguments[0].entity == "e1"
    assert d1.extra == {"meta": {"source": "tass"}} and dict(d2.extra) == {}
    assert (d1.where, d2.where) == (f"{path}:1", f"{path}:2")
    assert read_parquet(path).schema == DOCUMENT_WITH_EVENTS.append(pa.field("meta", pa.string()))


def test_parquet_registry_checks_rows_as_jsonl(tmp_path: Path) -> None:
    path = _write(tmp_path / "g.parquet", {**_good(2), "entities": [[], [_ent(0, 5, "P", score=1.5)]]})
    with pytest.raises(FormatError, match=r"g\.parquet:2: document 'd1': entities\[0\]\.score must be a number"):
        read_corpus(path)


def test_read_parquet_not_parquet(tmp_path: Path) -> None:
    path = tmp_path / "g.parquet"
    path.write_bytes(b"PAR1 but not really")
    with pytest.raises(FormatError, match="g.parquet: not a readable Parquet file"):
        read_parquet(path)
