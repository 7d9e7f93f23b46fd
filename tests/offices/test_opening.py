"""Opening hours in Berlin time: the Lanstrop office hour, NRW holidays and summer time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.clock import BERLIN
from bot.offices.opening import OpeningCalendar, berlin_instant
from knowledge.loader import BUNDLED_DIR, load_knowledge
from knowledge.schema import Office


@pytest.fixture(scope="module")
def lanstrop() -> Office:
    kb = load_knowledge(BUNDLED_DIR)
    return next(o for o in kb.offices if o.id == "lokal-willkommen-lanstrop")


def berlin(y: int, m: int, d: int, hh: int, mm: int) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=BERLIN).astimezone(UTC)


def test_open_on_a_thursday_at_nine(lanstrop: Office) -> None:
    status = OpeningCalendar().status(lanstrop, berlin(2026, 11, 19, 9, 0))
    assert status.open_now and status.until == berlin(2026, 11, 19, 11, 30)


def test_closed_at_eleven_thirty_one_and_opens_next_thursday(lanstrop: Office) -> None:
    status = OpeningCalendar().status(lanstrop, berlin(2026, 11, 19, 11, 31))
    assert not status.open_now
    assert status.next_opening == berlin(2026, 11, 26, 8, 30)


def test_closed_at_eleven_thirty_sharp(lanstrop: Office) -> None:
    assert not OpeningCalendar().status(lanstrop, berlin(2026, 11, 19, 11, 30)).open_now


def test_closed_on_a_public_holiday(lanstrop: Office) -> None:
    calendar = OpeningCalendar()
    # Ascension Day (Christi Himmelfahrt) 2026 is a Thursday; so is Corpus Christi, an NRW holiday.
    for holiday in (date(2026, 5, 14), date(2026, 6, 4)):
        assert calendar.holiday_name(holiday)
        status = calendar.status(lanstrop, datetime.combine(holiday, time(9), BERLIN))
        assert not status.open_now
        assert status.next_opening is not None
        assert status.next_opening.astimezone(BERLIN).date() == date(
            holiday.year, holiday.month, holiday.day + 7
        )


def test_hours_across_the_switch_to_and_from_summer_time(lanstrop: Office) -> None:
    calendar = OpeningCalendar()
    # Winter time (UTC+1) before 29 March 2026, summer time (UTC+2) after; back on 25 October.
    assert calendar.windows(lanstrop, date(2026, 3, 26))[0][0].hour == 7
    assert calendar.windows(lanstrop, date(2026, 4, 2))[0][0].hour == 6
    assert calendar.windows(lanstrop, date(2026, 10, 22))[0][0].hour == 6
    assert calendar.windows(lanstrop, date(2026, 10, 29))[0][0].hour == 7
    for day in (date(2026, 3, 26), date(2026, 4, 2), date(2026, 10, 22), date(2026, 10, 29)):
        opens, closes = calendar.windows(lanstrop, day)[0]
        assert opens.astimezone(BERLIN).time() == time(8, 30)
        assert (closes - opens).total_seconds() == 3 * 3600


def test_a_wall_clock_time_that_does_not_exist_is_recognised() -> None:
    assert berlin_instant(date(2026, 3, 29), time(2, 30)) is None
    autumn = berlin_instant(date(2026, 10, 25), time(2, 30))
    assert autumn == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # the first 02:30 (summer time)


def test_an_office_without_hours_says_so() -> None:
    kb = load_knowledge(BUNDLED_DIR)
    migrado = next(o for o in kb.offices if o.id == "migrado")
    assert not OpeningCalendar().status(migrado, berlin(2026, 11, 19, 9, 0)).published
