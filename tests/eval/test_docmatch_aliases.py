"""load_aliases: the shipped table, normalisation of aliases, and errors that name file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.docmatch import DEFAULT_ALIASES, load_aliases
from eval.errors import FormatError


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "aliases.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_docmatch_shipped_aliases_load_and_resolve() -> None:
    table = load_aliases(DEFAULT_ALIASES)
    assert len(table) >= 30
    assert table.resolve("President Putin") == table.resolve("  vladimir PUTIN ") == "vladimir putin"
    assert table.resolve("Russia") == "russian federation"
    assert table.resolve("The CIS") == "commonwealth of independent states"
    assert table.resolve("Tashkent") == "tashkent"  # a canonical name with no aliases
    assert table.resolve("Nowhere Land") == "nowhere land"  # unknown names stand for themselves


def test_docmatch_aliases_are_normalised(tmp_path: Path) -> None:
    table = load_aliases(_write(tmp_path, "Shavkat Mirziyoyev:\n  - '  MIRZIYOYEV. '\n  - The President\n"))
    assert table.resolve("Mirziyoyev") == "shavkat mirziyoyev"
    assert table.resolve("president") == "shavkat mirziyoyev"
    assert table.display["shavkat mirziyoyev"] == "Shavkat Mirziyoyev"


def test_docmatch_alias_under_two_names_is_an_error(tmp_path: Path) -> None:
    p = _write(tmp_path, "Vladimir Putin: [Putin]\nRussian Federation:\n  - Russia\n  - putin\n")
    with pytest.raises(FormatError) as info:
        load_aliases(p)
    assert str(info.value) == (
        f"{p}:4: alias 'putin' is listed under both 'Vladimir Putin' and 'Russian Federation'; "
        "keep it under one canonical name"
    )


def test_docmatch_canonical_name_used_as_alias_elsewhere_is_an_error(tmp_path: Path) -> None:
    p = _write(tmp_path, "Russian Federation: [Russia]\nRussia: []\n")
    with pytest.raises(FormatError, match=rf"{p}:2: alias 'Russia' is listed under both"):
        load_aliases(p)


def test_docmatch_same_canonical_name_twice_is_an_error(tmp_path: Path) -> None:
    p = _write(tmp_path, "Moscow: []\nMOSCOW: [Moskva]\n")
    with pytest.raises(FormatError, match=rf"{p}:2: canonical name 'MOSCOW' is listed twice"):
        load_aliases(p)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Putin: Vladimir\n", r":1: the aliases of 'Putin' must be a list"),
        ("- Putin\n- Russia\n", r":1: the alias file must map canonical names to lists"),
        ("Putin: [Vladimir, [nested]]\n", r":1: expected an alias as a plain string"),
        ("Putin: ['...']\n", r":1: alias '\.\.\.' of 'Putin' is empty once normalised"),
        ("Putin: [a\n", r":2: not valid YAML"),
    ],
)
def test_docmatch_malformed_alias_files(tmp_path: Path, text: str, message: str) -> None:
    p = _write(tmp_path, text)
    with pytest.raises(FormatError, match=str(p) + message):
        load_aliases(p)


def test_docmatch_missing_and_empty_alias_files(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="cannot read the alias file"):
        load_aliases(tmp_path / "nope.yaml")
    assert len(load_aliases(_write(tmp_path, "# nothing yet\n"))) == 0
