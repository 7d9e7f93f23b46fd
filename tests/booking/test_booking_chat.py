"""The booking dialogue end to end through the dispatcher, with bad input at every step."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.booking.models import BookingRow
from bot.messages import Reply
from tests.booking.conftest import Booking


def pick(reply: Reply, label_part: str) -> str:
    """The number to type for the choice whose label contains ``label_part``."""
    for number, choice in enumerate(reply.choices, start=1):
        if label_part in choice.label:
            return str(number)
    raise AssertionError(f"no choice with {label_part!r} in {[c.label for c in reply.choices]}")


async def english(booking: Booking, chat: str) -> None:
    await booking.memory.say(chat, "/language")
    await booking.memory.say(chat, "English")


async def count_bookings(booking: Booking) -> int:
    async with booking.core.database.unit_of_work() as session:
        return int(await session.scalar(select(func.count()).select_from(BookingRow)) or 0)


async def test_book_list_and_cancel_with_bad_input_on_the_way(booking: Booking) -> None:
    say = booking.memory.say
    await english(booking, "u1")
    replies = await say("u1", "how do i make an appointment")
    offices = replies[-1]
    assert "Where would you like an appointment?" in offices.text
    # Free text instead of a number: a clear answer, and the same choices again.
    replies = await say("u1", "hmm")
    assert "number from 1 to 3" in replies[0].text and replies[0].choices == offices.choices
    replies = await say("u1", pick(offices, "Lanstrop"))
    slots = replies[0]
    assert "Free appointments at lokal willkommen Eving/Scharnhorst" in slots.text
    # Thursday 19 November, 10:00 now: the next slots are 10:30 and 11:00 today.
    assert slots.choices[0].label == "Thu 19.11.2026 10:30"
    assert slots.choices[1].label == "Thu 19.11.2026 11:00"
    # A slot number out of range.
    replies = await say("u1", "42")
    assert "number from 1 to" in replies[0].text and replies[0].choices == slots.choices
    # A date in the past.
    replies = await say("u1", "12.11.")
    assert "in the past" in replies[0].text and replies[0].choices == slots.choices
    # A date with no office hour: the next free times from then on.
    replies = await say("u1", "24.11.")
    assert "no free time on Tue 24.11.2026" in replies[0].text
    assert replies[0].choices[0].label == "Thu 26.11.2026 08:30"
    replies = await say("u1", "1")
    assert "Thu 26.11.2026 08:30" in replies[0].text and "10 minutes" in replies[0].text
    replies = await say("u1", "7")  # out of range at the confirm step
    assert "number from 1 to 2" in replies[0].text
    replies = await say("u1", "1")
    booked = replies[0]
    assert "Your appointment is booked" in booked.text and "Nadlerweg 1" in booked.text
    assert booked.document is not None and booked.document.filename == "termin.ics"
    ics = booked.document.content.decode()
    assert "DTSTART:20261126T073000Z" in ics and "Nadlerweg 1" in ics
    assert booked.venue is not None
    assert booking.staff.notices == [
        ("lokal-willkommen-lanstrop", "Neuer Termin: Beratung, Do 26.11.2026 08:30. "
         "Die Person schreibt über den Lotse-Chat. Sprache: en. Thema: Beratung.")
    ]  # fmt: skip
    replies = await say("u1", "1")  # My appointments
    assert replies[0].choices[0].label.startswith("Thu 26.11.2026 08:30")
    replies = await say("u1", "1")
    assert [c.label for c in replies[0].choices] == ["Cancel it", "Move it"]
    replies = await say("u1", "1")
    assert "cancelled" in replies[0].text
    assert booking.staff.notices[-1][1].startswith("Termin abgesagt: Beratung, Do 26.11.2026")
    assert await count_bookings(booking) == 0


async def test_leave_at_any_step(booking: Booking) -> None:
    say = booking.memory.say
    await english(booking, "u2")
    await say("u2", "how do i make an appointment")
    await say("u2", "1")
    replies = await say("u2", "1")  # a slot is held
    assert "Book it?" in replies[0].text
    replies = await say("u2", "0")
    assert "stopped" in replies[0].text
    replies = await say("u2", "1")  # no longer a choice: nothing is booked by accident
    assert await count_bookings(booking) <= 1  # the hold stays until it expires
    async with booking.core.database.unit_of_work() as session:
        statuses = (await session.execute(select(BookingRow.status))).scalars().all()
    assert "confirmed" not in statuses


async def test_move_an_appointment(booking: Booking) -> None:
    say = booking.memory.say
    await english(booking, "u3")
    await say("u3", "how do i make an appointment")
    await say("u3", "1")
    await say("u3", "1")
    await say("u3", "1")  # booked Thursday 10:30
    replies = await say("u3", "cancel my appointment")
    assert replies[0].choices[0].label.startswith("Thu 19.11.2026 10:30")
    await say("u3", "1")
    replies = await say("u3", "2")  # move
    assert replies[0].choices[0].label == "Thu 19.11.2026 11:00"  # 10:30 is still taken
    await say("u3", "1")
    replies = await say("u3", "1")
    assert "moved" in replies[0].text
    async with booking.core.database.unit_of_work() as session:
        rows = (await session.execute(select(BookingRow))).scalars().all()
    assert [(r.slot_start, r.status) for r in rows] == [
        (datetime(2026, 11, 19, 10, 0, tzinfo=UTC), "confirmed")
    ]


async def test_delete_erases_bookings(booking: Booking) -> None:
    say = booking.memory.say
    await english(booking, "u4")
    await say("u4", "how do i make an appointment")
    await say("u4", "1")
    await say("u4", "1")
    await say("u4", "1")
    assert await count_bookings(booking) == 1
    await say("u4", "/delete")
    await say("u4", "1")
    assert await count_bookings(booking) == 0
