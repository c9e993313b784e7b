"""normalize(): NFKC, case folding, whitespace, punctuation at the ends, leading articles."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eval.normalize import normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Vladimir Putin", "vladimir putin"),
        ("  Vladimir\t\n  PUTIN ", "vladimir putin"),
        ("The Kremlin", "kremlin"),
        ("the  kremlin.", "kremlin"),
        ("A Tashkent delegation", "tashkent delegation"),
        ("An envoy", "envoy"),
        ("Theatre", "theatre"),  # an article only as a whole word
        ("A", "a"),  # nothing follows: kept
        ("«Uzbekistan»", "uzbekistan"),
        ('"The CIS",', "cis"),
        ("U.S.", "u.s"),  # inside punctuation kept
        ("Mirziyoyev's", "mirziyoyev's"),
        ("ＵＺＢＥＫＩＳＴＡＮ", "uzbekistan"),  # full-width letters (NFKC)
        ("Stra\u00dfe", "strasse"),  # case folding, not lower()
        ("Putin\u200b", "putin"),  # zero-width space
        ("Tash\u00adkent", "tashkent"),  # soft hyphen
        ("Vladimir\u00a0Putin", "vladimir putin"),  # no-break space
        ("", ""),
        ("...", ""),
    ],
)
def test_normalize_examples(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@given(st.text(max_size=40))
def test_normalize_is_idempotent_and_trimmed(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert once == once.strip() and "  " not in once
    assert once == once.casefold()


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzÄÖÜéç0123456789", min_size=1, max_size=12))
def test_normalize_ignores_case_and_surrounding_noise(word: str) -> None:
    assert normalize(f'  "The {word.upper()}!" ') == normalize(f"the {word.lower()}")
