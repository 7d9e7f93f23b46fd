"""Calendar dates written in any supported language: "3.11.", "03/11/2026", "3 листопада"."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from anyascii import anyascii

from intents.calendar import MONTH_NAMES

PAST_WINDOW_DAYS = 300
FUTURE_WINDOW_DAYS = 90

_MONTH_NAMES = MONTH_NAMES


def _ascii_digits(text: str) -> str:
    """Arabic-Indic and Persian digits as 0-9, so "٣ نوفمبر" reads like "3 نوفمبر"."""
    return "".join(
        str(unicodedata.digit(ch)) if ch.isdigit() and not ch.isascii() else ch for ch in text
    )


_BY_NAME: dict[str, int] = {}
for _number, _names in enumerate(_MONTH_NAMES, start=1):
    for _name in _names:
        _BY_NAME[_name.casefold()] = _number
        if all(ord(ch) < 0x250 for ch in _name):  # Latin with accents: "kasim" for "kasım"
            _BY_NAME[" ".join(anyascii(_name).casefold().split())] = _number
_NAMES_PATTERN = "|".join(re.escape(n) for n in sorted(_BY_NAME, key=len, reverse=True))
_NUMERIC = re.compile(
    r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)|(?<![\d.])(\d{1,2})\s*[./]\s*(\d{1,2})\.?"
    r"(?:\s*[./]?\s*(\d{4}|\d{2})(?!\d))?"
)
_DAY_BEFORE = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?:\s*-?\s*(?:го|ое|th|st|nd|rd|er|ème|e|ci|a)(?![^\W\d_]))?\.?\s*"
    rf"(?:de\s+)?({_NAMES_PATTERN})(?![^\W\d_])",
    re.IGNORECASE,
)
_DAY_AFTER = re.compile(rf"(?<![^\W\d_])({_NAMES_PATTERN})\s*(\d{{1,2}})(?!\d)", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")


def _month(name: str) -> int | None:
    return _BY_NAME.get(name.casefold()) or _BY_NAME.get(
        " ".join(anyascii(name).casefold().split())
    )


def _pick_year(day: int, month: int, today: date) -> date | None:
    """The year that puts the date closest to today: moves are mostly recent or soon."""
    for year in (today.year, today.year - 1, today.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        delta = (candidate - today).days
        if -PAST_WINDOW_DAYS <= delta <= FUTURE_WINDOW_DAYS:
            return candidate
    return None


def _build(day: int, month: int, year: int | None, today: date) -> date | None:
    if year is None:
        return _pick_year(day, month, today)
    if year < 100:
        year += 2000
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_date(text: str, today: date) -> date | None:
    """The first calendar date in ``text`` ("3.11.", "03/11/2026", "3 листопада", "ሕዳር 3")."""
    text = _ascii_digits(text)
    iso_or_numeric = _NUMERIC.search(text)
    if iso_or_numeric:
        g = iso_or_numeric.groups()
        if g[0]:
            return _build(int(g[2]), int(g[1]), int(g[0]), today)
        year = int(g[5]) if g[5] else None
        return _build(int(g[3]), int(g[4]), year, today) if 1 <= int(g[4]) <= 12 else None
    for pattern, day_group, month_group in ((_DAY_BEFORE, 1, 2), (_DAY_AFTER, 2, 1)):
        match = pattern.search(text) or pattern.search(anyascii(text))
        if match:
            month = _month(match.group(month_group))
            if month is None:
                continue
            year_match = _YEAR.search(text)
            year = int(year_match.group(1)) if year_match else None
            return _build(int(match.group(day_group)), month, year, today)
    return None
