"""Answers to the bot's questions as values: yes/no, EU or not, a date, a time of day."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Literal

from bot.slots.dates import find_date
from bot.slots.vocabulary import Found, WordTable, words_of
from knowledge.schema import SlotsDoc, SlotWords, parse_time_range

Prefer = Literal["past", "future"]
YES_NO_WITHIN = 2
""""no" must come among the first words: "no, I'm Syrian", not "... no idea"."""

_CLOCK = re.compile(
    r"(?<![\d.:])([01]?\d|2[0-3])\s*(?::|h)\s*([0-5]\d)(?!\d)"
    r"|(?<![\d.:])([01]?\d|2[0-3])\s*(?:uhr|h|o'?\s?clock|ч|час|год)(?![^\W\d_])"
    r"|(?<![\d.:])(1[0-2]|0?\d)\s*(am|pm|a\.m\.|p\.m\.)(?![^\W\d_])",
    re.IGNORECASE,
)


def _add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier); the month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


@dataclass(frozen=True, slots=True, kw_only=True)
class Nationality:
    """What a user said about their citizenship: a country (if named) and whether it is EU."""

    eu: bool
    country: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeWish:
    """A wished time of day: one moment ("at 10") or a window ("in the morning")."""

    start: time
    end: time

    @property
    def exact(self) -> bool:
        return self.start == self.end

    def contains(self, at: time) -> bool:
        return at == self.start if self.exact else self.start <= at < self.end


@dataclass(frozen=True, slots=True)
class _Unit:
    unit: str
    count: int = 1


class _Language:
    """One language's tables, ready for matching."""

    def __init__(self, words: SlotWords) -> None:
        self.yes_no = WordTable([*((w, True) for w in words.yes), *((w, False) for w in words.no)])
        self.days = WordTable(words.days.items())
        self.direction = WordTable(
            [*((w, -1) for w in words.before), *((w, 1) for w in words.after)]
        )
        self.numbers = WordTable(words.numbers.items())
        self.units = WordTable(
            [
                *((w, _Unit(u)) for w, u in words.units.items()),
                *((w, _Unit(u, 2)) for w, u in words.pairs.items()),
            ]
        )
        self.weekdays = WordTable(
            (name, index) for index, names in enumerate(words.weekdays) for name in names
        )
        self.parts = WordTable((w, parse_time_range(r)) for w, r in words.parts.items())
        self.at = WordTable((w, True) for w in words.at)
        self.where = WordTable((w, True) for w in words.where)
        self.open = WordTable((w, True) for w in words.open)
        self.book = WordTable((w, True) for w in words.book)


class SlotReader:
    """Reads answers with the tables of ``slots.yaml``. Pure: no clock, no I/O."""

    def __init__(self, doc: SlotsDoc | None) -> None:
        self._languages = {
            lang: _Language(words) for lang, words in (doc.languages if doc else {}).items()
        }
        self._non_eu = WordTable((w, True) for w in (doc.non_eu_words if doc else ()))
        self._eu = WordTable((w, True) for w in (doc.eu_words if doc else ()))
        self._countries = WordTable(
            ((name, (c.id, c.eu)) for c in (doc.countries if doc else ()) for name in c.names),
            prefixes=True,
        )

    def _tables(self, langs: Iterable[str | None]) -> list[_Language]:
        seen: list[str] = []
        for lang in (*langs, "en", "de"):
            if lang and lang not in seen and lang in self._languages:
                seen.append(lang)
        return [self._languages[lang] for lang in seen]

    # -- yes / no -------------------------------------------------------------------------

    def yes_no(self, text: str, langs: Sequence[str | None]) -> bool | None:
        """True for yes, False for no, None when the message starts with neither."""
        words = words_of(text)
        for i in range(min(YES_NO_WITHIN, len(words))):
            for table in self._tables(langs):
                hit = table.yes_no.at(words, i, fuzzy=False)
                if hit is not None:
                    return hit.value
        return None

    # -- nationality ----------------------------------------------------------------------

    def nationality(self, text: str) -> Nationality | None:
        """A country or "EU" / "not EU" in any language; None when neither is named."""
        words = words_of(text)
        country = self._countries.first(words)
        if country is not None:
            country_id, eu = country.value
            return Nationality(eu=eu, country=country_id)
        if self._non_eu.first(words, fuzzy=False) is not None:
            return Nationality(eu=False)
        if self._eu.first(words, fuzzy=False) is not None:
            return Nationality(eu=True)
        return None

    def citizenship(self, text: str, langs: Sequence[str | None]) -> bool | None:
        """The answer to "are you a citizen of an EU country?": a named country decides
        ("no, I'm Romanian" is EU), else yes or no."""
        named = self.nationality(text)
        if named is not None:
            return named.eu
        return self.yes_no(text, langs)

    # -- dates ----------------------------------------------------------------------------

    def read_date(
        self, text: str, langs: Sequence[str | None], today: date, *, prefer: Prefer = "past"
    ) -> date | None:
        """A calendar date ("3.11.", "3 грудня") or one relative to ``today`` ("gestern",
        "vor einer Woche", "امس", "next Thursday", "in two days")."""
        absolute = find_date(text, today)
        if absolute is not None:
            return absolute
        words = words_of(text)
        tables = self._tables(langs)
        for table in tables:
            day = table.days.first(words)
            if day is not None:
                return today + timedelta(days=day.value)
        for table in tables:
            found = self._relative(table, words, today, prefer)
            if found is not None:
                return found
        return None

    def _relative(
        self, table: _Language, words: Sequence[str], today: date, prefer: Prefer
    ) -> date | None:
        directions = table.direction.find_all(words, fuzzy=False)
        direction = directions[0].value if directions else None
        unit = table.units.first(words)
        weekday = table.weekdays.first(words)
        if unit is not None:
            count = self._count(table, words, unit)
            is_weekday_too = weekday is not None and weekday.start == unit.start
            if not (is_weekday_too and count is None and direction is None):
                sign = direction if direction is not None else (-1 if prefer == "past" else 1)
                n = (count or 1) * unit.value.count * sign
                if unit.value.unit == "month":
                    return _add_months(today, n)
                return today + timedelta(days=n * (7 if unit.value.unit == "week" else 1))
        if weekday is not None:
            ahead = (weekday.value - today.weekday()) % 7
            if direction == 1:
                return today + timedelta(days=ahead or 7)
            if direction == -1:
                return today - timedelta(days=(7 - ahead) % 7 or 7)
            if prefer == "future":
                return today + timedelta(days=ahead)
            return today - timedelta(days=(7 - ahead) % 7)
        return None

    @staticmethod
    def _count(table: _Language, words: Sequence[str], unit: Found[_Unit]) -> int | None:
        """The number right before or after the unit word ("zwei Wochen", "hefte du")."""
        for i in (unit.start - 1, unit.end):
            if 0 <= i < len(words):
                if words[i].isdigit() and 0 < int(words[i]) < 100:
                    return int(words[i])
                number = table.numbers.at(words, i, fuzzy=False)
                if number is not None:
                    return int(number.value)
        return None

    # -- times ----------------------------------------------------------------------------

    def read_time(self, text: str, langs: Sequence[str | None]) -> TimeWish | None:
        """A time of day: "14:30", "10 Uhr", "at 10", "о 10", "tomorrow morning"."""
        words = words_of(text)
        tables = self._tables(langs)
        part: tuple[time, time] | None = None
        for table in tables:
            found = table.parts.first(words)
            if found is not None:
                part = found.value
                break
        exact = self._clock(text) or self._hour_after_at(tables, words)
        if exact is not None:
            if part is not None and exact.hour < 12 <= part[0].hour:
                exact = exact.replace(hour=exact.hour + 12)  # "at 3 in the afternoon"
            return TimeWish(start=exact, end=exact)
        if part is not None:
            return TimeWish(start=part[0], end=part[1])
        return None

    @staticmethod
    def _clock(text: str) -> time | None:
        match = _CLOCK.search(text.replace("\u060c", ","))
        if match is None:
            return None
        if match.group(1):
            return time(int(match.group(1)), int(match.group(2)))
        if match.group(3):
            return time(int(match.group(3)))
        hour = int(match.group(4)) % 12
        if match.group(5).lower().startswith("p"):
            hour += 12
        return time(hour)

    @staticmethod
    def _hour_after_at(tables: Sequence[_Language], words: Sequence[str]) -> time | None:
        for table in tables:
            for hit in table.at.find_all(words, fuzzy=False):
                rest = words[hit.end : hit.end + 2]
                if rest and rest[0].isdigit() and int(rest[0]) <= 23:
                    minutes = int(rest[1]) if len(rest) > 1 and rest[1].isdigit() else 0
                    return time(int(rest[0]), minutes if minutes < 60 else 0)
        return None

    # -- follow-ups -----------------------------------------------------------------------

    def asks(self, text: str, langs: Sequence[str | None]) -> str | None:
        """Which follow-up a short message asks about the office just shown: "book",
        "open" (its hours) or "where" (its address); None for none of them."""
        words = words_of(text)
        tables = self._tables(langs)
        for kind in ("book", "open", "where"):
            for table in tables:
                if getattr(table, kind).first(words, fuzzy=False) is not None:
                    return kind
        return None
