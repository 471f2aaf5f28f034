"""The numbers a verbatim quote writes, in the forms papers use, and whether a metric's number is among them.

Papers write one number many ways: `2.81×`, `2.81x`, `$2.81\\times$`, `28,356`, `281%`, ranges such as
`22.6×~37.1×`, `7.5–10.5` or `41$-$137`, `10-fold`, `two orders of magnitude`. The quote is copied from the
paper, so the matcher reads those forms rather than asking contributors to rewrite the quote.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

# A number as written: optional thousands separators (28,356 or 1,048,576), an optional fraction.
_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?!\.?\d)")
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "hundred": 100, "thousand": 1000}
_COUNT = r"(?:" + "|".join(_WORDS) + r"|\d+)"
# `two orders of magnitude`, and the counts of `two and four orders of magnitude, respectively`
_MAGNITUDE = re.compile(rf"\b({_COUNT}(?:\s*(?:,|and|or|to|-|–)\s*{_COUNT})*)\s+orders?\s+of\s+magnitude",
                        re.IGNORECASE)
_COUNT_WORD = re.compile(_COUNT, re.IGNORECASE)
_FOLD = re.compile(r"\b(" + "|".join(_WORDS) + r")[- ]fold\b", re.IGNORECASE)
_TWICE = re.compile(r"\b(twice|double|doubles|doubled)\b", re.IGNORECASE)
# A % sign after the number, or after the range it starts: `25 to 45 %`, `12%–33%`.
_PERCENT_AFTER = re.compile(r"(?:\s*(?:to|–|-|~)\s*\d+(?:\.\d+)?)?\s*(?:\\?%|percent\b|percentage points?\b|pp\b)")


@dataclass(frozen=True)
class Written:
    """One number found in a quote; `percent` when a % sign (or the word) follows it."""

    value: float
    percent: bool


_MARKUP = ("$", "\\", "{", "}", "\u2009", "\u202f")


def _plain(quote: str) -> str:
    """The quote with LaTeX math and digit-splitting marks taken out: `$13.5\\times $` -> `13.5×`."""
    text = quote.replace("\\times", "×").replace("$", " ").replace("{", "").replace("}", "")
    text = re.sub(r"\\[,;!: ]", "", text)  # thin spaces: 28\,356
    return text.replace("\u2009", "").replace("\u202f", "")  # thin and narrow no-break spaces inside numbers


@lru_cache(maxsize=1024)
def numbers_in(quote: str) -> tuple[Written, ...]:
    """Every number `quote` writes, as digits or in the word forms papers use."""
    text = _plain(quote) if any(mark in quote for mark in _MARKUP) else quote
    found: list[Written] = []
    for match in _NUMBER.finditer(text):
        value = float(match.group(1).replace(",", "") + (match.group(2) or ""))
        found.append(Written(value, bool(_PERCENT_AFTER.match(text, match.end()))))
    lower = text.lower()
    for match in _MAGNITUDE.finditer(text) if "magnitude" in lower else ():
        for count in _COUNT_WORD.finditer(match.group(1)):
            word = count.group(0).lower()
            power = int(word) if word.isdigit() else _WORDS[word]
            if power <= 30:
                found.append(Written(10.0 ** power, False))
    for match in _FOLD.finditer(text) if "fold" in lower else ():
        found.append(Written(float(_WORDS[match.group(1).lower()]), False))
    if ("twice" in lower or "doubl" in lower) and _TWICE.search(text):
        found.append(Written(2.0, False))
    return tuple(found)


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def quote_holds(quote: str, number: float, ratio: bool, percent: bool) -> bool:
    """Whether `quote` writes `number` (its magnitude: `42% less` holds -42 %).

    For a percentage, the quote must write it as one (`5%`, `25 to 45 %`), or as a ratio (`2.81×` for 281 %):
    a bare 5 is some other quantity. For a ratio (unit x) a percentage also counts (`281%` for 2.81x), since
    papers state one result in either form.
    """
    wanted = abs(number)
    for written in numbers_in(quote):
        if _same(written.value, wanted) and (written.percent or not percent):
            return True
        if ratio and written.percent and _same(written.value, wanted * 100):
            return True
        if percent and not written.percent and _same(written.value * 100, wanted):
            return True
    return False


def shown_numbers(quote: str, limit: int = 5) -> str:
    """The numbers of `quote` as a short list for a message: '2.8, 3.1' (or 'no number')."""
    values: list[str] = []
    for written in numbers_in(quote):
        text = f"{written.value:g}" + ("%" if written.percent else "")
        if text not in values:
            values.append(text)
    if not values:
        return "no number"
    more = f" and {len(values) - limit} more" if len(values) > limit else ""
    return ", ".join(values[:limit]) + more
