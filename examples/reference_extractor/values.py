"""Regular expressions for the value labels: DATE, MONEY, PERCENT, QUANTITY.

Each pattern is tried on its own; overlapping matches are resolved later together with the
names (the longest span wins), so a pattern need not know about the others. Plain counts
("six reactors", "27 documents") are deliberately not matched: the schema has no count label.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

NUMBER_WORD = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|fifty|hundred)"
NUMBER = r"(?<![\w.,])\d{1,3}(?:,\d{3})*(?:\.\d+)?(?![\d,]\d)|(?<![\w.,])\d+(?:\.\d+)?"
SCALE = r"(?:\s+(?:thousand|million|billion|trillion|bn|mln))?"
AMOUNT = rf"(?:{NUMBER}|\b{NUMBER_WORD}\b){SCALE}"

_MONTH_NAMES = r"January|February|March|April|June|July|August|September|October|November|December"
_MONTH_ABBR = r"Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\."
# "May" is also a verb: only a month before a number or after a preposition of time.
_MAY = r"May(?=\s+\d)|(?:(?<=\bin )|(?<=\bof )|(?<=\bfrom )|(?<=\bsince )|(?<=\buntil )|(?<=\bto ))May\b"
MONTH = rf"(?:\b(?:{_MONTH_NAMES})\b|\b(?:{_MONTH_ABBR})|\b(?:{_MAY}))"
YEAR = r"(?<![\w$.,])(?:1[89]|20)\d{2}(?!\w|[,.]\d|\s*(?:%|percent))"
WEEKDAY = r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
UNIT_OF_TIME = r"(?:days?|weeks?|months?|years?|decades?)"
RELATIVE_YEAR = r"(?:that|this|last|next|the\s+same|the\s+previous)\s+year"

_DATE = [
    rf"{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,\s+{YEAR})?",  # May 27, 2024 / Oct. 6, 2023 / May 26
    rf"\b\d{{1,2}}\s+{MONTH}(?:\s+{YEAR})?",  # 27 May 2024
    rf"{MONTH}(?:\s+{YEAR}|\s+{RELATIVE_YEAR})?",  # March / March 2023 / March that year
    rf"{MONTH}\s+(?:to|through|until|-|–)\s+{MONTH}(?:\s+(?:of\s+)?(?:{YEAR}|last\s+year|this\s+year))?",
    rf"{WEEKDAY}(?:\s+(?:morning|afternoon|evening|night))?(?:\s+in\s+{MONTH}\s+{YEAR})?",
    YEAR,
    rf"\b(?:last|next|this|coming|recent|past|previous|same|following)\s+{UNIT_OF_TIME}",
    rf"\b(?:first|last|past|next)\s+(?:{NUMBER_WORD}|\d+)\s+{UNIT_OF_TIME}(?:\s+of\s+{YEAR})?",
    rf"(?:\b(?:{NUMBER_WORD}|several|a\s+few)\b|(?<![\w.,])\d+)\s+{UNIT_OF_TIME}\b(?!\s+old)",
    r"\bdecades\b",
]

_CURRENCY_WORD = r"(?:US\s+)?(?:dollars|euros|rubles|roubles|yuan|pounds|soums?|somoni|tenge|manats?|drams)"
_MONEY = [
    rf"(?:US\$|\$|€|£|¥)\s?{AMOUNT}",
    rf"{AMOUNT}\s+{_CURRENCY_WORD}\b",
]

_PERCENT = [rf"(?:{NUMBER}|\b{NUMBER_WORD})(?:\s?%|\s+(?:percent|per\s+cent)\b)"]

_UNIT = (
    r"(?:megawatts?|gigawatts?|kilowatts?|terawatt[- ]hours?|MWh|GWh|TWh|MW|GW|kW"
    r"|kilometres?|kilometers?|km|miles?|metres?|meters?|tonnes?|tons?|barrels?|hectares?"
    r"|kilograms?|kg|(?:billion\s+|million\s+)?cubic\s+met(?:re|er)s?|bcm|litres?|liters?)"
)
_QUANTITY = [rf"{AMOUNT}\s+{_UNIT}\b"]

PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    "DATE": tuple(re.compile(p) for p in _DATE),
    "MONEY": tuple(re.compile(p) for p in _MONEY),
    "PERCENT": tuple(re.compile(p) for p in _PERCENT),
    "QUANTITY": tuple(re.compile(p) for p in _QUANTITY),
}


def find_values(text: str, labels: frozenset[str]) -> Iterator[tuple[int, int, str]]:
    """Every match of every value pattern whose label the schema has, overlaps included."""
    for label, patterns in PATTERNS.items():
        if label not in labels:
            continue
        for pattern in patterns:
            for m in pattern.finditer(text):
                yield m.start(), m.end(), label
