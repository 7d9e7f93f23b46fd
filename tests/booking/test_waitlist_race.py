"""The waiting list under concurrency on PostgreSQL: two cancellations at once offer the two
freed slots to the first two people waiting, and an offer never drops a hold in progress."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.booking.models import HELD, BookingRow, WaitingRow
from bot.booking.service import BookingService
from bot.offices.directory import Bookable, OfficeDirectory
from bot.offices.opening import OpeningCalendar
from bot.storage.database import Database
from knowledge.loader import load_knowledge
from tests.booking.kb import kb_with_two_bookable_offices
from tests.conftest import wipe_postgres

pytestmark = pytest.mark.postgres

NOW = datetime(2026, 11, 19, 9, 0, tzinfo=UTC)
OFFICE, SERVICE = "lokal-willkommen-luetgendortmund", "advice"


@pytest.fixture
async def database(postgres_database: str) -> AsyncIterator[Database]:
    await wipe_postgres(postgres_database)
    db = Database(postgres_database)
    await db.migrate()
    yield db
    await db.close()
    await wipe_postgres(postgres_database)


@pytest.fixture
def bookable(tmp_path: Path) -> Bookable:
    kb = load_knowledge(kb_with_two_bookable_offices(tmp_path))
    found = OfficeDirectory(kb).service(OFFICE, SERVICE)
    assert found is not None
    return found


async def _book(
    database: Database, service: BookingService, bookable: Bookable, who: str, start: datetime
) -> int:
    async with database.unit_of_work() as session:
        row = await service.hold(
            session, conversation=who, lang="uk", bookable=bookable, start=start, now=NOW
        )
        await service.confirm(session, row.id, who, NOW)
        return row.id


async def _join(
    database: Database, service: BookingService, bookable: Bookable, who: str, minute: int
) -> None:
    async with database.unit_of_work() as session:
        joined = NOW.replace(minute=minute)
        await service.wait(session, conversation=who, lang="uk", bookable=bookable, now=joined)


async def test_waitlist_race_two_cancellations_offer_two_people_in_order(
    database: Database, bookable: Bookable
) -> None:
    service = BookingService(OpeningCalendar())
    first, second = service.slots(bookable, date(2026, 11, 23), 1)[:2]
    ids = {
        "memory:x": await _book(database, service, bookable, "memory:x", first),
        "memory:y": await _book(database, service, bookable, "memory:y", second),
    }
    for minute, who in enumerate(("memory:anna", "memory:badr", "memory:cem")):
        await _join(database, service, bookable, who, minute)
    both_cancelled = asyncio.Barrier(2)

    async def cancel(who: str) -> str | None:
        async with database.unit_of_work() as session:
            _, freed = await service.cancel(session, ids[who], who)
            # Both transactions have freed their slot before either reads the waiting list.
            await both_cancelled.wait()
            offer = await service.offer(session, freed, bookable, NOW)
            return offer.conversation if offer is not None else None

    offered = await asyncio.gather(cancel("memory:x"), cancel("memory:y"))
    assert sorted(o or "" for o in offered) == ["memory:anna", "memory:badr"]
    async with database.unit_of_work() as session:
        waiting = (await session.execute(select(WaitingRow.conversation))).scalars().all()
        holds = (
            await session.execute(
                select(BookingRow.conversation, BookingRow.slot_start).where(
                    BookingRow.status == HELD
                )
            )
        ).all()
    assert waiting == ["memory:cem"]
    assert sorted(holds) == sorted(
        [(offered[0], first), (offered[1], second)]  # each freed slot to its own person
    )


async def test_waitlist_race_offer_keeps_the_persons_hold_in_progress(
    database: Database, bookable: Bookable
) -> None:
    service = BookingService(OpeningCalendar())
    first, _, third = service.slots(bookable, date(2026, 11, 23), 1)[:3]
    booked = await _book(database, service, bookable, "memory:x", first)
    await _join(database, service, bookable, "memory:anna", 0)
    async with database.unit_of_work() as session:
        # Anna is choosing another time right now: she holds the third slot.
        await service.hold(
            session, conversation="memory:anna", lang="uk", bookable=bookable, start=third, now=NOW
        )
    async with database.unit_of_work() as session:
        _, freed = await service.cancel(session, booked, "memory:x")
        offer = await service.offer(session, freed, bookable, NOW)
    assert offer is not None and offer.conversation == "memory:anna"
    async with database.unit_of_work() as session:
        held = (
            (
                await session.execute(
                    select(BookingRow.slot_start).where(
                        BookingRow.conversation == "memory:anna", BookingRow.status == HELD
                    )
                )
            )
            .scalars()
            .all()
        )
    assert sorted(held) == [first, third]
