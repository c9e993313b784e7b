"""``evaluate convert``: JSONL -> Parquet -> Documents gives the JSONL documents back (meta,
scores, entity texts and ids, events); JSONL streamed chunk by chunk equals the exact reader's
documents; bad input and bad output paths are one line each, exit 2, and nothing is written."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import eval.convert as convert_module
from eval.cli import convert_app
from eval.convert import ROW_GROUP, convert, from_documents
from eval.errors import UsageError, ValidationError
from eval.readers import read_corpus
from eval.readers.jsonl import read_jsonl
from eval.readers.parquet import read_documents

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
from synth import generate  # noqa: E402

TEXT = "Putin met Tokayev in Astana."
RECORDS = [
    {
        "id": "d1",
        "text": TEXT,
        "entities": [
            {"start": 0, "end": 5, "label": "PERSON", "text": "Putin", "score": 0.9, "id": "e1"},
            {"start": 10, "end": 17, "label": "PERSON", "id": "e2"},
            {"start": 21, "end": 27, "label": "GPE"},
        ],
        "events": [
            {
                "type": "Meet",
                "id": "ev1",
                "trigger": {"start": 6, "end": 9, "text": "met"},
                "arguments": [
                    {"role": "Entity", "entity": "e1"},
                    {"role": "Entity", "start": 10, "end": 17, "text": "Tokayev"},
                    {"role": "Place", "text": "Astana"},
                ],
            },
            {"type": "Meet", "trigger": {"text": "met"}},
        ],
        "meta": {"source": "tass", "date": "2024-05-01", "tags": [1, 2.5, None, {"x": True}]},
    },
    {"id": "d2", "text": "Nothing here.", "entities": []},
    {"id": "d3", "text": "Астана 🌍 Putin", "entities": [{"start": 9, "end": 14, "label": "PERSON"}], "meta": {}},
]


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _same(a: list, b: list) -> bool:
    """Documents equal but for where they were read from."""
    return [d._replace(path="", line=0) for d in a] == [d._replace(path="", line=0) for d in b]


def test_convert_round_trip_keeps_everything(tmp_path: Path) -> None:
    src = _write(tmp_path / "gold.jsonl", RECORDS)
    done = convert(src, tmp_path / "gold.parquet")
    assert (done.documents, done.entities, done.events) == (3, 4, 2)
    back = read_documents(tmp_path / "gold.parquet")
    assert _same(back, read_jsonl(src))
    assert [d.line for d in back] == [1, 2, 3]
    assert back[0].extra["meta"] == RECORDS[0]["meta"] and back[2].extra["meta"] == {}
    assert "meta" not in back[1].extra


def test_convert_round_trip_news_demo_gold_folder(tmp_path: Path) -> None:
    folder = Path(__file__).parents[2] / "gold" / "news-demo"
    done = convert(folder, tmp_path / "news.parquet")
    assert done.events > 0
    assert _same(read_documents(tmp_path / "news.parquet"), read_jsonl(folder / "documents.jsonl"))


def test_convert_file_layout(tmp_path: Path) -> None:
    src = _write(tmp_path / "gold.jsonl", RECORDS)
    convert(src, tmp_path / "gold.parquet")
    f = pq.ParquetFile(tmp_path / "gold.parquet")
    assert f.schema_arrow.names == ["id", "text", "entities", "events", "meta"]
    assert f.metadata.row_group(0).column(0).compression == "ZSTD"
    assert json.loads(pq.read_table(tmp_path / "gold.parquet")["meta"][0].as_py()) == RECORDS[0]["meta"]


def test_convert_plain_has_no_events_or_meta_columns(tmp_path: Path) -> None:
    src = _write(tmp_path / "gold.jsonl", [RECORDS[1], RECORDS[2]])
    convert(src, tmp_path / "a.parquet")
    assert pq.ParquetFile(tmp_path / "a.parquet").schema_arrow.names == ["id", "text", "entities", "meta"]
    _write(src, [RECORDS[1]])
    convert(src, tmp_path / "b.parquet")
    assert pq.ParquetFile(tmp_path / "b.parquet").schema_arrow.names == ["id", "text", "entities"]


@pytest.mark.parametrize("block", [None, 700])
def test_convert_streamed_equals_exact_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int | None) -> None:
    """JSONL is converted chunk by chunk (tiny chunks: a few documents each); the file equals
    the exact reader's documents in the layout, whatever the chunking."""
    monkeypatch.setattr(convert_module, "BLOCK", block)
    gold, pred = generate(tmp_path / "synth", docs=300, entities=8, seed=3)
    records = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines()]
    for k, r in enumerate(records):  # entity texts, scores and ids: what the checked table drops or keeps aside
        e = r["entities"][0]
        if k % 3 == 0:
            e["text"] = r["text"][e["start"] : e["end"]]
        if k % 4 == 0:
            e["score"] = 0.25
        if k % 5 == 0:
            e["id"] = f"e{k}"
    records[7]["entities"] = []
    src = _write(tmp_path / "plain.jsonl", records)
    src.write_text(src.read_text(encoding="utf-8").replace("\n", "\n\n", 3), encoding="utf-8")  # blank lines
    mixed = _write(tmp_path / "mixed.jsonl", [*RECORDS, *records[:40], *RECORDS[:1]])
    mixed.write_text(mixed.read_text(encoding="utf-8").replace('"id": "d1"', '"id": "m1"', 1), encoding="utf-8")
    for path in (src, pred, mixed):
        out = tmp_path / f"{path.stem}-{block}.parquet"
        done = convert(path, out)
        expected = from_documents(read_corpus(path).documents)
        written = pq.read_table(out)
        assert written.cast(expected.schema).equals(expected), path  # Parquet names list items "element"
        assert done.documents == written.num_rows


def test_convert_names_a_repeat_across_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(convert_module, "BLOCK", 300)
    records = [{"id": "twice" if k in (3, 20) else f"x{k}", "text": TEXT, "entities": []} for k in range(30)]
    src = _write(tmp_path / "twice.jsonl", records)
    with pytest.raises(ValidationError) as info:
        convert(src, tmp_path / "out.parquet")
    assert [p.where for p in info.value.problems] == [f"{src}:21"]
    assert "duplicate document id (first at line 4)" in info.value.problems[0].message
    assert not (tmp_path / "out.parquet").exists()


def test_convert_refuses_a_file_changed_while_converting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = _write(tmp_path / "in.jsonl", RECORDS)
    monkeypatch.setattr(convert_module, "_write_chunks", lambda p, tmp, schema: "another digest")
    with pytest.raises(UsageError, match="changed while it was converted"):
        convert(src, tmp_path / "out.parquet")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]  # no temporary left


def test_convert_declines_an_entity_id_that_is_not_a_string(tmp_path: Path) -> None:
    src = _write(
        tmp_path / "ids.jsonl",
        [{"id": "d1", "text": TEXT, "entities": [{"start": 0, "end": 5, "label": "P", "id": 5}]}],
    )
    with pytest.raises(Exception, match=r"ids\.jsonl:1: document 'd1': entities\[0\]\.id must be a string"):
        convert(src, tmp_path / "out.parquet")
    assert not (tmp_path / "out.parquet").exists()


def test_convert_bigger_than_a_row_group(tmp_path: Path) -> None:
    gold, _ = generate(tmp_path / "synth", docs=ROW_GROUP + 10, entities=1, seed=1)
    done = convert(gold, tmp_path / "gold.parquet")
    meta = pq.ParquetFile(tmp_path / "gold.parquet").metadata
    assert (meta.num_row_groups, meta.num_rows, done.documents) == (2, ROW_GROUP + 10, ROW_GROUP + 10)


def test_convert_refuses_what_evaluate_refuses(tmp_path: Path) -> None:
    bad = {"id": "d1", "text": TEXT, "entities": [{"start": 0, "end": 50, "label": "PERSON"}]}
    src = _write(tmp_path / "bad.jsonl", [bad, {"id": "d1", "text": TEXT}])
    with pytest.raises(ValidationError) as info:
        convert(src, tmp_path / "out.parquet")
    lines = info.value.lines()
    assert any("bad.jsonl:1: entities[0]: document 'd1': PERSON offsets 0-50 are outside the text" in x for x in lines)
    assert any("bad.jsonl:2: document 'd1': duplicate document id" in x for x in lines)
    assert not (tmp_path / "out.parquet").exists()


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (
            {"id": "d1", "text": TEXT, "entities": [{"label": "PERSON", "text": "Putin"}]},
            "has no offsets; Parquet holds",
        ),
        (
            {"id": "d1", "text": TEXT, "entities": [], "source": "tass"},
            "field 'source' has no Parquet column; move it into meta",
        ),
    ],
)
def test_convert_refuses_what_parquet_cannot_hold(tmp_path: Path, record: dict, message: str) -> None:
    src = _write(tmp_path / "in.jsonl", [record])
    with pytest.raises(ValidationError, match=message):
        convert(src, tmp_path / "out.parquet")


def test_convert_gold_folder_checks_its_manifest(tmp_path: Path) -> None:
    folder = tmp_path / "gold"
    folder.mkdir()
    _write(folder / "documents.jsonl", RECORDS)
    (folder / "manifest.json").write_text(
        json.dumps({"format": "goldbench.gold/1", "documents_sha256": "0" * 64, "document_count": 3}), encoding="utf-8"
    )
    with pytest.raises(Exception, match="documents_sha256"):
        convert(folder, tmp_path / "out.parquet")
    assert not (tmp_path / "out.parquet").exists()


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("out.jsonl", "OUT {d}/out.jsonl: a Parquet file's name must end in .parquet"),
        ("exists.parquet", "OUT {d}/exists.parquet: already exists; remove it or choose another path"),
        ("folder.parquet", "OUT {d}/folder.parquet: is a folder; give the path of a file to write"),
        ("in.jsonl/x.parquet", "OUT {d}/in.jsonl/x.parquet: {d}/in.jsonl is a file, not a folder"),
    ],
)
def test_convert_cli_refuses_output(tmp_path: Path, out: str, message: str) -> None:
    src = _write(tmp_path / "in.jsonl", RECORDS)
    (tmp_path / "exists.parquet").write_bytes(b"before")
    (tmp_path / "folder.parquet").mkdir()
    before = sorted(p.name for p in tmp_path.iterdir())
    result = CliRunner().invoke(convert_app, [str(src), str(tmp_path / out)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message.format(d=tmp_path) in lines[0], lines
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert (tmp_path / "exists.parquet").read_bytes() == b"before"


def test_convert_cli_bad_input_one_line_each(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(RECORDS[1]) + "\n{not json\n" + '{"id": "d9", "text": 3}\n', encoding="utf-8")
    result = CliRunner().invoke(convert_app, [str(src), str(tmp_path / "out.parquet")])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    assert f"{src}:2: not valid JSON" in lines[0] and f"{src}:3: document 'd9': text must be a string" in lines[1]
    assert not (tmp_path / "out.parquet").exists()


def test_convert_cli_writes_and_says_so(tmp_path: Path) -> None:
    src = _write(tmp_path / "in.jsonl", RECORDS)
    result = CliRunner().invoke(convert_app, [str(src), str(tmp_path / "out.parquet"), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"wrote {tmp_path / 'out.parquet'}: 3 documents, 4 entities, 2 events, ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.parquet"]  # no temporary left


def test_convert_cli_unknown_format(tmp_path: Path) -> None:
    src = _write(tmp_path / "in.jsonl", RECORDS)
    result = CliRunner().invoke(convert_app, [str(src), str(tmp_path / "out.parquet"), "--format", "nope"])
    assert result.exit_code == 2 and "unknown format 'nope'" in result.stderr


def test_convert_checks_output_before_reading(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="already exists"):
        (tmp_path / "x.parquet").write_bytes(b"")
        convert(tmp_path / "missing.jsonl", tmp_path / "x.parquet")


def test_convert_refused_late_leaves_no_folder_it_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = _write(tmp_path / "in.jsonl", RECORDS)
    monkeypatch.setattr(convert_module, "_write_chunks", lambda p, tmp, schema: "another digest")
    with pytest.raises(UsageError, match="changed while it was converted"):
        convert(src, tmp_path / "new" / "sub" / "out.parquet")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]
