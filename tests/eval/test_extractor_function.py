"""``run_function``: ``package.module:function`` imported, called per text, its return value checked."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from eval.errors import FormatError
from eval.extractor import ExtractorError, load_function, run_function
from eval.model import Document

FUNCTIONS = Path(__file__).resolve().parents[1] / "fixtures" / "extractor" / "functions"
MOD = "goldbench_fixture_functions"

DOCS = [Document("a", "Anna met Boris."), Document("b", "no names"), Document("c", "Émile boom Dana")]


@pytest.fixture(autouse=True)
def fixture_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(FUNCTIONS))


def names(doc: Document) -> list[str]:
    return [doc.text[e.start : e.end] for e in doc.entities]


@pytest.mark.parametrize("attr", ["capitalised", "as_tuple", "Model.predict"])
def test_a_good_function_gives_one_document_per_input(attr: str):
    seen: list[tuple[int, int]] = []
    run = run_function(f"{MOD}:{attr}", DOCS[:2], progress=lambda d, t: seen.append((d, t)))
    assert [d.id for d in run.documents] == ["a", "b"]
    assert names(run.documents[0]) == ["Anna", "Boris"] and names(run.documents[1]) == []
    assert run.documents[0].text == DOCS[0].text
    assert run.command == f"{MOD}:{attr}" and run.submitted == 2 and seen == [(1, 2), (2, 2)]


def test_a_dict_result_carries_events():
    run = run_function(f"{MOD}:with_events", DOCS[:1])
    (event,) = run.documents[0].events
    assert event.type == "Travel" and event.arguments[0].entity == "e1"
    assert run.documents[0].entities[0].id == "e1"


@pytest.mark.parametrize(
    ("spec", "pattern"),
    [
        ("no_colon_here", r"must be written 'package\.module:function'"),
        (f"{MOD}:", r"must be written"),
        (f"{MOD}:a:b", r"must be written"),
        ("goldbench_no_such_module:extract", r"no module named 'goldbench_no_such_module'; check the spelling"),
        (f"{MOD}:nothing", rf"module '{MOD}' has no attribute 'nothing'"),
        (f"{MOD}:Model.nothing", r"has no attribute 'Model\.nothing'"),
        (f"{MOD}:not_callable", r"'not_callable' is a int, not a function"),
        (
            "goldbench_fixture_broken:extract",
            r"importing 'goldbench_fixture_broken' raised RuntimeError at .*"
            r"goldbench_fixture_broken\.py:3: configuration file not found",
        ),
        ("goldbench_fixture_needs_missing:extract", r"needs the missing module 'goldbench_no_such_dependency'"),
    ],
)
def test_a_bad_spec_is_one_clear_error(spec: str, pattern: str):
    with pytest.raises(ExtractorError, match=pattern) as info:
        load_function(spec)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("attr", "error", "pattern"),
    [
        ("returns_none", ExtractorError, r"returned NoneType for document 'a'; return a list of entity dicts"),
        ("dict_without_entities", ExtractorError, r"returned a dict without 'entities' for document 'a'"),
        ("string_offsets", FormatError, r"document 'a': entities\[0\]\.start must be an integer, got '0'"),
        ("missing_label", FormatError, r"document 'a': entities\[0\]\.label must be a string, got None"),
        (
            "raises",
            ExtractorError,
            r"raised ValueError on document 'c' at .*goldbench_fixture_functions\.py:\d+: "
            r"cannot handle this text$",
        ),
    ],
)
def test_a_bad_return_value_names_the_document(attr: str, error: type[Exception], pattern: str):
    with pytest.raises(error, match=pattern) as info:
        run_function(f"{MOD}:{attr}", DOCS)
    assert "\n" not in str(info.value)


def test_a_module_in_the_current_directory_is_found(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    (tmp_path / "goldbench_cwd_extractor.py").write_text(
        "def f(text):\n    return [{'start': 0, 'end': 1, 'label': 'X'}]\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.path", [p for p in sys.path if p not in ("", str(tmp_path))])
    run = run_function("goldbench_cwd_extractor:f", DOCS[:1])
    assert names(run.documents[0]) == ["A"]
