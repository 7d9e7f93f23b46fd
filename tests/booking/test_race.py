"""No double booking, ever: many concurrent attempts at one slot, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, select

from bot.booking.models import BookingRow
from bot.booking.service import BookingService
from bot.errors import SlotTakenError
from bot.offices.directory import OfficeDirectory
from bot.offices.opening import OpeningCalendar
from bot.storage.database import Database
from knowledge.loader import load_knowledge
from tests.booking.conftest import Booking
from tests.booking.kb import kb_with_two_bookable_offices

ATTEMPTS = 60
NOW = datetime(2026, 11, 19, 9, 0, tzinfo=UTC)


async def test_concurrent_holds_fill_exactly_the_desks(database_url: str, tmp_path: Path) -> None:
    kb = load_knowledge(kb_with_two_bookable_offices(tmp_path))
    bookable = OfficeDirectory(kb).service("lokal-willkommen-luetgendortmund", "advice")
    assert bookable is not None and bookable.service.desks == 3
    service = BookingService(OpeningCalendar())
    slot = service.slots(bookable, date(2026, 11, 23), 1)[0]
    database = Database(database_url)
    await database.migrate()

    async def attempt(n: int) -> str:
        try:
            async with database.unit_of_work() as session:
                row = await service.hold(
                    session,
                    conversation=f"memory:user{n}",
                    lang="uk",
                    bookable=bookable,
                    start=slot,
                    now=NOW,
                )
                await service.confirm(session, row.id, f"memory:user{n}", NOW)
        except SlotTakenError:
            return "taken"
        return "booked"

    try:
        outcomes = await asyncio.gather(*(attempt(n) for n in range(ATTEMPTS)))
        async with database.unit_of_work() as session:
            count = await session.scalar(select(func.count()).select_from(BookingRow))
            desks = (await session.execute(select(BookingRow.desk))).scalars().all()
    finally:
        await database.close()
    assert outcomes.count("booked") == 3
    assert outcomes.count("taken") == ATTEMPTS - 3
    assert count == 3 and sorted(desks) == [1, 2, 3]


async def test_fifty_users_choosing_the_same_slot_in_chat(booking: Booking) -> None:
    """Through the whole dispatcher: one wins the desk, every other user gets other times."""
    memory = booking.memory
    chats = [f"racer{n}" for n in range(50)]
    for chat in chats:
        await memory.say(chat, "how do i make an appointment", lang_hint="en")
        replies = await memory.say(chat, "1")
        assert replies[0].choices[0].label == "Thu 19.11.2026 10:30"
    answers = await asyncio.gather(*(memory.say(chat, "1") for chat in chats))
    held = [a for a in answers if "Book it?" in a[0].text]
    taken = [a for a in answers if a[0].text.startswith("Sorry, someone else just booked")]
    assert len(held) == 1 and len(taken) == 49
    assert all(a[0].choices[0].label == "Thu 19.11.2026 11:00" for a in taken)
    async with booking.core.database.unit_of_work() as session:
        assert await session.scalar(select(func.count()).select_from(BookingRow)) == 1
