"""Label Studio JSON exports in tests/fixtures/annotate/<case>/ pull to the expected documents,
counts and errors (``case.json`` lists the pulls of each case)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotate.convert_pull import AnnotationPolicy, PullResult, export_to_gold
from annotate.errors import RegionError
from annotate.schema import load_schema
from eval.model import Document
from eval.readers.jsonl import read_jsonl

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "annotate"
SCHEMA = load_schema()


def runs() -> list[Any]:
    out = []
    for case in sorted(p for p in FIXTURES.iterdir() if (p / "case.json").is_file()):
        for i, run in enumerate(json.loads((case / "case.json").read_text())["runs"]):
            out.append(pytest.param(case, run, id=f"{case.name}-{run['policy']}-{i}"))
    return out


def essence(docs: tuple[Document, ...] | list[Document]) -> list[tuple[Any, ...]]:
    return [(d.id, d.text, d.entities, d.events, dict(d.extra)) for d in docs]


def pull(case: Path, run: dict[str, Any]) -> PullResult:
    export = json.loads((case / "export.json").read_text(encoding="utf-8"))
    return export_to_gold(
        export,
        SCHEMA,
        policy=AnnotationPolicy(run["policy"]),
        lenient=run.get("lenient", False),
        source=str(case / "export.json"),
    )


@pytest.mark.parametrize(("case", "run"), runs())
def test_fixture_pulls_as_expected(case: Path, run: dict[str, Any]) -> None:
    if "error" in run:
        want = run["error"]
        with pytest.raises(RegionError) as info:
            pull(case, run)
        err = info.value
        assert err.task_id == want["task"]
        assert err.region_id == want["item"]
        assert len(err.lines()) == want["lines"]
        if "first" in want:
            assert err.lines()[0].startswith(want["first"])
        if "contains" in want:
            assert any(want["contains"] in line for line in err.lines()), err.lines()
        assert all(line.endswith("fix it in Label Studio or pull with --lenient") for line in err.lines())
        return
    result = pull(case, run)
    if "by_annotator" in run:
        got = result.by_annotator
        assert set(got) == set(run["by_annotator"])
        for annotator, name in run["by_annotator"].items():
            assert essence(got[annotator]) == essence(read_jsonl(case / name))
    else:
        assert essence(result.documents) == essence(read_jsonl(case / run["expected"]))
    counts = result.counts._asdict()
    assert {k: counts[k] for k in run["counts"]} == run["counts"]
    assert len(result.dropped) == result.counts.dropped
    assert len(result.repairs) == result.counts.repaired


def test_every_fixture_folder_has_an_export_and_a_case() -> None:
    folders = [p for p in FIXTURES.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))]
    assert len(folders) >= 10
    for folder in folders:
        assert (folder / "export.json").is_file(), folder
        assert (folder / "case.json").is_file(), folder


def test_utf16_fixture_lists_each_repair_with_before_and_after() -> None:
    result = pull(FIXTURES / "emoji_utf16", {"policy": "latest"})
    repaired = {r.region_id: (r.before, r.after) for r in result.repairs}
    tashkent = result.documents[0].entities[0]
    assert repaired["Em1"][1] == (tashkent.start, tashkent.end)
    assert repaired["Em1"][0] == (tashkent.start + 1, tashkent.end + 1)  # one emoji (two code units) before it
    assert "Em5" not in repaired  # the trigger comes before the first emoji: same offsets both ways
    assert "UTF-16 offsets" in str(result.repairs[0])


def test_crlf_fixture_keeps_carriage_returns_and_offsets() -> None:
    doc = pull(FIXTURES / "crlf_text", {"policy": "latest"}).documents[0]
    assert "\r\n" in doc.text
    assert all(doc.text[e.start : e.end] == e.text for e in doc.entities)
    assert doc.entities[-1].start == doc.text.index("autumn")


def test_lenient_pull_lists_what_it_dropped() -> None:
    result = pull(FIXTURES / "corrupted_region", {"policy": "latest", "lenient": True})
    dropped = [str(d) for d in result.dropped]
    assert dropped[0].startswith("task 12 region 'q2Tz': text 'Termiz' does not match")
    assert dropped[2] == "task 12 relation 'q4Vs'->'q2Tz': points to region 'q2Tz', which was dropped"
    fields = result.manifest_fields()
    assert fields["counts"]["dropped"] == 3 and len(fields["dropped"]) == 3
    assert fields["provenance"] == [{"doc": "corrupt-1", "task": 12, "annotation": 120, "annotator": "1"}]
