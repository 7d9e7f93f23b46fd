"""When an office is open: weekly hours in Berlin time, NRW public holidays and closed days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import holidays

from bot.clock import BERLIN
from knowledge.schema import WEEKDAYS, Office, parse_time_range

LOOKAHEAD_DAYS = 60
"""How far ahead "next opening" looks before it gives up."""


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenStatus:
    """Whether an office is open at a moment; times aware UTC."""

    published: bool
    """False when the office has no published hours at all."""
    open_now: bool = False
    until: datetime | None = None
    next_opening: datetime | None = None


def berlin_instant(day: date, at: time) -> datetime | None:
    """The UTC instant of a Berlin wall-clock time; None when the clock skips it (spring DST).

    In the autumn hour that happens twice, the first occurrence (summer time) is used.
    """
    local = datetime.combine(day, at, tzinfo=BERLIN)
    instant = local.astimezone(UTC)
    if instant.astimezone(BERLIN).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return instant


class OpeningCalendar:
    """Opening windows of offices; holidays come from the maintained ``holidays`` package."""

    def __init__(self) -> None:
        self._holidays = holidays.country_holidays("DE", subdiv="NW")

    def holiday_name(self, day: date) -> str | None:
        name = self._holidays.get(day)
        return str(name) if name else None

    def is_closed_day(self, office: Office, day: date) -> bool:
        return day in self._holidays or any(c.date == day for c in office.closed)

    def windows(self, office: Office, day: date) -> list[tuple[datetime, datetime]]:
        """The office's opening windows on one Berlin calendar day, as aware UTC pairs."""
        if self.is_closed_day(office, day):
            return []
        found: list[tuple[datetime, datetime]] = []
        for text in office.hours.get(WEEKDAYS[day.weekday()], ()):  # type: ignore[call-overload]
            start, end = parse_time_range(text)
            opens = berlin_instant(day, start) or _after_gap(day, start)
            closes = berlin_instant(day, end) or _after_gap(day, end)
            if opens < closes:
                found.append((opens, closes))
        return sorted(found)

    def status(self, office: Office, at: datetime) -> OpenStatus:
        if not office.hours or "hours" in office.unverified:
            return OpenStatus(published=False)
        today = at.astimezone(BERLIN).date()
        for offset in range(LOOKAHEAD_DAYS + 1):
            for opens, closes in self.windows(office, today + timedelta(days=offset)):
                if opens <= at < closes:
                    return OpenStatus(published=True, open_now=True, until=closes)
                if opens > at:
                    return OpenStatus(published=True, next_opening=opens)
        return OpenStatus(published=True)


def _after_gap(day: date, at: time) -> datetime:
    """A wall-clock time inside the spring-forward gap means the moment the clock jumps."""
    probe = datetime.combine(day, at, tzinfo=BERLIN).astimezone(UTC)
    return probe.replace(minute=0, second=0)
