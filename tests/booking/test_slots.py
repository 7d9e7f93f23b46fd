"""Slots from opening hours, in real time, across the switch to and from summer time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

from bot.booking.service import BookingService
from bot.clock import BERLIN
from bot.offices.directory import Bookable
from bot.offices.opening import OpeningCalendar
from knowledge.schema import Address, Office, Service


def bookable(hours: dict[str, tuple[str, ...]], minutes: int = 30) -> Bookable:
    service = Service(id="advice", name={"de": "Beratung"}, slot_minutes=minutes, desks=2)
    office = Office.model_validate(
        {
            "id": "night-desk",
            "name": "Test office",
            "city": "dortmund",
            "address": Address(street="Teststraße 1", city="Dortmund"),
            "hours": hours,
            "services": (service,),
            "source": "test",
            "verified": date(2026, 11, 21),
        }
    )
    return Bookable(office=office, service=service)


def local_times(slots: list[datetime]) -> list[str]:
    return [f"{s.astimezone(BERLIN):%H:%M}" for s in slots]


def test_thursday_slots_keep_their_wall_clock_time_across_both_switches() -> None:
    service = BookingService(OpeningCalendar())
    thursday = bookable({"thu": ("08:30-11:30",)})
    for day in (date(2026, 3, 26), date(2026, 4, 2), date(2026, 10, 22), date(2026, 10, 29)):
        slots = service.slots(thursday, day, 1)
        assert local_times(slots) == ["08:30", "09:00", "09:30", "10:00", "10:30", "11:00"]
    assert service.slots(thursday, date(2026, 3, 26), 1)[0] == datetime(
        2026, 3, 26, 7, 30, tzinfo=UTC
    )
    assert service.slots(thursday, date(2026, 4, 2), 1)[0] == datetime(
        2026, 4, 2, 6, 30, tzinfo=UTC
    )


def test_a_window_across_the_spring_switch_has_no_slot_in_the_missing_hour() -> None:
    night = bookable({"sun": ("01:00-04:00",)})
    slots = BookingService(OpeningCalendar()).slots(night, date(2026, 3, 29), 1)
    assert local_times(slots) == ["01:00", "01:30", "03:00", "03:30"]  # two real hours
    assert all(b - a == timedelta(minutes=30) for a, b in pairwise(slots))


def test_a_window_across_the_autumn_switch_has_the_repeated_hour_twice() -> None:
    night = bookable({"sun": ("01:00-04:00",)})
    slots = BookingService(OpeningCalendar()).slots(night, date(2026, 10, 25), 1)
    assert len(slots) == 8  # four real hours
    assert local_times(slots) == [
        "01:00", "01:30", "02:00", "02:30", "02:00", "02:30", "03:00", "03:30",
    ]  # fmt: skip
    assert len(set(slots)) == 8


def test_no_slots_on_a_public_holiday() -> None:
    thursday = bookable({"thu": ("08:30-11:30",)})
    assert BookingService(OpeningCalendar()).slots(thursday, date(2026, 5, 14), 1) == []
