"""An office's bookings for its staff: a list, a CSV file, an iCalendar file. Who booked (the
chat) is never part of it: staff see the time, the service, the language and the status."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from icalendar import Calendar, Event
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.booking.models import CONFIRMED, HELD, BookingRow
from bot.clock import BERLIN


@dataclass(frozen=True, slots=True, kw_only=True)
class StaffBooking:
    id: int
    office_id: str
    service_id: str
    start: datetime
    end: datetime
    status: str
    lang: str


async def office_bookings(
    session: AsyncSession, office_id: str, now: datetime, *, include_past: bool = False
) -> list[StaffBooking]:
    """Confirmed bookings (and holds not yet run out) at an office, soonest first."""
    query = select(BookingRow).where(
        BookingRow.office_id == office_id,
        or_(
            BookingRow.status == CONFIRMED,
            (BookingRow.status == HELD) & (BookingRow.hold_expires_at > now),
        ),
    )
    if not include_past:
        query = query.where(BookingRow.slot_end > now)
    rows = await session.execute(query.order_by(BookingRow.slot_start, BookingRow.id))
    return [
        StaffBooking(
            id=row.id,
            office_id=row.office_id,
            service_id=row.service_id,
            start=row.slot_start,
            end=row.slot_end,
            status=row.status,
            lang=row.lang,
        )
        for row in rows.scalars()
    ]


def as_lines(bookings: Sequence[StaffBooking]) -> str:
    """One line a booking, Berlin time: ``Do 2026-11-26 08:30-09:00  advice  uk  confirmed``."""
    lines = []
    for b in bookings:
        start, end = b.start.astimezone(BERLIN), b.end.astimezone(BERLIN)
        lines.append(
            f"{start:%a %Y-%m-%d %H:%M}-{end:%H:%M}  {b.service_id}  {b.lang}  {b.status}  #{b.id}"
        )
    return "\n".join(lines)


def as_csv(bookings: Sequence[StaffBooking]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "office", "service", "start", "end", "status", "language"])
    for b in bookings:
        writer.writerow(
            [
                b.id,
                b.office_id,
                b.service_id,
                b.start.astimezone(BERLIN).isoformat(),
                b.end.astimezone(BERLIN).isoformat(),
                b.status,
                b.lang,
            ]
        )
    return out.getvalue()


def as_ics(bookings: Sequence[StaffBooking], now: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Lotse//Termine//DE")
    calendar.add("version", "2.0")
    for b in bookings:
        event = Event()
        event.add("uid", f"booking-{b.id}@lotse")
        event.add("dtstamp", now)
        event.add("dtstart", b.start)
        event.add("dtend", b.end)
        event.add("summary", f"Termin {b.service_id} ({b.lang})")
        if b.status != CONFIRMED:
            event.add("status", "TENTATIVE")
        calendar.add_component(event)
    result: bytes = calendar.to_ical()
    return result
