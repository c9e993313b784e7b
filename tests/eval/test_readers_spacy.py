"""spaCy DocBin (.spacy) predictions: ids from user data or the gold text, doc.ents as entities.

spaCy is an optional extra (goldbench[spacy]): the tests that read a DocBin are skipped when it
is not installed; the error for a missing spaCy is tested always.
"""

from __future__ import annotations

import builtins
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from eval.cli import app
from eval.errors import FormatError
from eval.model import Document
from eval.readers import detect, read_corpus
from eval.readers.jsonl import read_jsonl

CASE = Path(__file__).parents[1] / "fixtures" / "readers" / "spacy"


def reference() -> dict[str, Document]:
    return {d.id: d for d in read_jsonl(CASE / "gold.jsonl")}


def test_without_spacy_the_error_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_spacy(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "spacy" or name.startswith("spacy."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_spacy)
    path = CASE / "pred.spacy"
    with pytest.raises(FormatError, match=r"pred\.spacy: reading spaCy DocBin files needs spaCy; install it with pip"):
        read_corpus(path, reference=reference())
    result = CliRunner().invoke(app, [str(CASE / "gold.jsonl"), str(path)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "goldbench[spacy]" in lines[0]


def test_spacy_files_are_detected_by_extension() -> None:
    assert detect(CASE / "pred.spacy").name == "spacy"


def test_docbin_gives_ids_texts_and_entities() -> None:
    pytest.importorskip("spacy")
    corpus = read_corpus(CASE / "pred.spacy", reference=reference())
    assert corpus.format == "spacy"
    docs = {d.id: d for d in corpus.documents}
    assert sorted(docs) == ["s1", "s2"]  # s2 has no id in the DocBin: found by its text
    assert [(e.label, e.text) for e in docs["s1"].entities] == [
        ("PERSON", "Angela Merkel"),
        ("LOC", "Paris"),
        ("DATE", "Monday"),
    ]
    assert [(e.start, e.end, e.label) for e in docs["s2"].entities] == [(9, 17, "ORG")]
    assert docs["s2"].line == 2 and docs["s1"].text == reference()["s1"].text


def test_cli_scores_a_docbin() -> None:
    pytest.importorskip("spacy")
    result = CliRunner().invoke(app, [str(CASE / "gold.jsonl"), str(CASE / "pred.spacy"), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    micro = json.loads(result.stdout)["entities"]["micro"]
    assert (micro["strict"]["correct"], micro["strict"]["incorrect"], micro["strict"]["possible"]) == (2, 2, 4)
    assert (micro["exact"]["correct"], micro["partial"]["partial"]) == (3, 1)


def _docbin(tmp_path: Path, texts: list[tuple[str, object]]) -> Path:
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    docs = []
    for text, doc_id in texts:
        doc = nlp(text)
        if doc_id is not None:
            doc.user_data["id"] = doc_id
        docs.append(doc)
    path = tmp_path / "pred.spacy"
    DocBin(docs=docs, store_user_data=True).to_disk(path)
    return path


@pytest.mark.parametrize(
    ("texts", "pattern"),
    [
        (
            [("Angela Merkel visited Paris on Monday.", "s1"), ("Unknown text.", None)],
            r"pred\.spacy:2: Doc 2 has no id and no gold document has its text; set doc\.user_data\['id'\]",
        ),
        ([("Angela Merkel visited Paris on Monday.", 3.5)], r"pred\.spacy:1: Doc 1 has the id 3\.5; the id must be"),
    ],
)
def test_bad_docbin_is_one_line_naming_file_and_doc_exit_2(
    texts: list[tuple[str, object]], pattern: str, tmp_path: Path
) -> None:
    path = _docbin(tmp_path, texts)
    with pytest.raises(FormatError, match=pattern):
        read_corpus(path, reference=reference())
    result = CliRunner().invoke(app, [str(CASE / "gold.jsonl"), str(path)])
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1


def test_a_file_that_is_not_a_docbin_is_refused(tmp_path: Path) -> None:
    pytest.importorskip("spacy")
    path = tmp_path / "broken.spacy"
    path.write_bytes(b"not zlib data")
    with pytest.raises(FormatError, match=r"broken\.spacy: not a spaCy DocBin \(ValueError\); write it with DocBin"):
        read_corpus(path, reference=reference())
