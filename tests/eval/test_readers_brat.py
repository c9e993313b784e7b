"""brat standoff reader: T lines as entities, other lines skipped, errors naming file:line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eval.errors import FormatError
from eval.model import Entity
from eval.readers import detect, read_corpus
from eval.readers.brat import read_ann, read_brat

FOLDER = Path(__file__).parents[1] / "fixtures" / "readers" / "brat_folder"


def pair(tmp_path: Path, text: str, ann: str, stem: str = "doc") -> Path:
    (tmp_path / f"{stem}.txt").write_bytes(text.encode("utf-8"))
    path = tmp_path / f"{stem}.ann"
    path.write_bytes(ann.encode("utf-8"))
    return path


def test_folder_reads_every_pair_below_it_with_the_stem_as_id() -> None:
    docs = read_brat(FOLDER)
    assert [d.id for d in docs] == ["alpha", "beta"]
    assert [d.path for d in docs] == [str(FOLDER / "alpha.ann"), str(FOLDER / "more" / "beta.ann")]
    assert docs[0].text == (FOLDER / "alpha.txt").read_text(encoding="utf-8")


def test_only_text_bound_lines_become_entities() -> None:
    alpha, beta = read_brat(FOLDER)
    assert alpha.entities == (
        Entity(0, 9, "Person", "T1", "Vira Lenk"),
        Entity(21, 30, "Organization", "T2", "Osk Board"),
    )
    assert [(e.id, e.label, beta.text[e.start : e.end]) for e in beta.entities] == [
        ("T1", "Location", "Pell"),
        ("T2", "Event", "Arn Fair"),
    ]
    assert alpha.events == () and beta.events == ()


def test_single_ann_file() -> None:
    (doc,) = read_brat(FOLDER / "more" / "beta.ann")
    assert doc.id == "beta" and len(doc.entities) == 2


def test_read_corpus_detects_brat_for_a_folder_and_an_ann() -> None:
    assert read_corpus(FOLDER).format == "brat"
    assert detect(FOLDER / "alpha.ann").name == "brat"


def test_folder_without_ann_is_not_brat(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(FormatError, match="cannot tell its format"):
        detect(tmp_path)
    with pytest.raises(FormatError, match=r"no \.ann files in this folder"):
        read_brat(tmp_path)


def test_offsets_count_carriage_returns_as_written(tmp_path: Path) -> None:
    text = "Ida Moss\r\nwent to Lorn.\r\n"
    start = text.index("Lorn")
    path = pair(tmp_path, text, f"T1\tPlace {start} {start + 4}\tLorn\r\n")
    (doc,) = read_brat(path)
    assert doc.text == text
    assert doc.entities == (Entity(start, start + 4, "Place", "T1", "Lorn"),)


def test_entity_text_is_kept_as_written_for_validation_to_check(tmp_path: Path) -> None:
    (doc,) = read_brat(pair(tmp_path, "Ida Moss", "T1\tPerson 0 3\tNot Ida\nT2\tPerson 4 8\n"))
    assert [e.text for e in doc.entities] == ["Not Ida", None]


def test_discontinuous_entity_is_refused_with_advice(tmp_path: Path) -> None:
    path = pair(tmp_path, "Ida and Lorn Moss", "T1\tPerson 0 3\tIda\nT3\tPerson 0 3;13 17\tIda Moss\n")
    with pytest.raises(FormatError) as info:
        read_brat(path)
    assert str(info.value) == (
        f"{path}:2: document 'doc': T3 is discontinuous (0 3;13 17); goldbench scores contiguous spans "
        "only — split it into two entities or drop it"
    )


def test_missing_txt_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "lonely.ann"
    path.write_text("T1\tPerson 0 3\tIda\n", encoding="utf-8")
    with pytest.raises(FormatError, match=rf"{re.escape(str(path))}: its text file lonely\.txt is missing"):
        read_brat(path)


@pytest.mark.parametrize(
    ("ann", "message"),
    [
        ("T1\tPerson 0 3\tIda\nX1\tfoo\n", r"doc.ann:2: document 'doc': 'X1\\tfoo' is not a brat annotation"),
        ("T1\tPerson 0 x\tIda\n", r"doc.ann:1: document 'doc': T1 offsets '0 x' are not 'START END'"),
        ("T1\tPerson 0 3 5\tIda\n", r"doc.ann:1: document 'doc': T1 offsets '0 3 5' are not 'START END'"),
        ("T1\tPerson\tIda\n", r"doc.ann:1: document 'doc': T1 is not 'T<n><TAB>LABEL START END<TAB>text'"),
        ("T1\n", r"doc.ann:1: document 'doc': T1 is not 'T<n><TAB>LABEL START END<TAB>text'"),
        (
            "\nT1\tA 0 1\tI\nT1\tB 1 2\td\n",
            r"doc.ann:3: document 'doc': id T1 is used again \(first at line 2\)",
        ),
    ],
)
def test_bad_lines_name_file_and_line(tmp_path: Path, ann: str, message: str) -> None:
    path = pair(tmp_path, "Ida", ann)
    with pytest.raises(FormatError, match=message) as info:
        read_brat(path)
    assert str(info.value).startswith(str(path) + ":")


def test_same_stem_twice_in_a_folder_is_an_error(tmp_path: Path) -> None:
    pair(tmp_path, "A", "")
    (tmp_path / "sub").mkdir()
    pair(tmp_path / "sub", "B", "")
    with pytest.raises(FormatError, match=r"document id 'doc' is also .*doc\.ann; .*rename one of them"):
        read_brat(tmp_path)


def test_not_utf8_is_an_error(tmp_path: Path) -> None:
    path = pair(tmp_path, "Ida", "")
    (tmp_path / "doc.txt").write_bytes(b"Id\xe9")
    with pytest.raises(FormatError, match=r"doc\.txt: not UTF-8 text"):
        read_ann(path)
