"""Reminders are claimed per row: two replicas polling one database send each reminder once."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from adapters.memory import MemoryAdapter
from bot.booking.models import ReminderRow
from bot.clock import FrozenClock
from bot.storage.models import OutboxRow
from tests.booking.conftest import Booking, booking_settings, start

PEOPLE = 40


async def _two_replicas(url: str, tmp_path: Path, clock: FrozenClock) -> tuple[Booking, Booking]:
    """Two cores, each with its own engine and channel, on one database (like two processes)."""
    settings = booking_settings(url, tmp_path)
    return (
        await start(settings, MemoryAdapter(), clock),
        await start(settings, MemoryAdapter(), clock),
    )


async def _due_reminders(replica: Booking, clock: FrozenClock) -> list[str]:
    """One deadline reminder per person, all due now; returns the conversations."""
    now = clock.now()
    people = [f"memory:person{n}" for n in range(PEOPLE)]
    async with replica.core.database.unit_of_work() as session:
        for n, who in enumerate(people):
            await replica.feature.service.remind_deadline(
                session,
                conversation=who,
                lang="uk",
                due=now - timedelta(minutes=n % 5),
                deadline=date(2026, 12, 1),
            )
    return people


def _received(*replicas: Booking) -> Counter[str]:
    return Counter(s.to.key for r in replicas for s in r.memory.sent)


async def _stored(replica: Booking) -> tuple[int, int]:
    async with replica.core.database.unit_of_work() as session:
        reminders = await session.scalar(select(func.count()).select_from(ReminderRow))
        outbox = await session.scalar(select(func.count()).select_from(OutboxRow))
    return int(reminders or 0), int(outbox or 0)


@pytest.mark.postgres
async def test_reminder_claims_two_concurrent_claimers_on_postgres_send_each_once(
    postgres_database: str, tmp_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both replicas are inside their claiming transaction at the same time (neither has
    committed): the second must skip the rows the first holds instead of taking them too
    (which would send them twice) or waiting for them (which would never end here)."""
    first, second = await _two_replicas(postgres_database, tmp_path, clock)
    try:
        people = await _due_reminders(first, clock)
        both_claimed = asyncio.Barrier(2)
        claimed: list[int] = []
        for replica in (first, second):
            claim = replica.feature.service.claim_due_reminders

            async def claim_then_wait(session, now, claim=claim):  # type: ignore[no-untyped-def]
                rows = await claim(session, now)
                claimed.append(len(rows))
                # Neither transaction commits before both have claimed.
                await asyncio.wait_for(both_claimed.wait(), 10)
                return rows

            monkeypatch.setattr(replica.feature.service, "claim_due_reminders", claim_then_wait)

        queued = await asyncio.gather(
            first.feature.reminders.run_due(), second.feature.reminders.run_due()
        )
        assert sorted(claimed) == sorted(queued)
        assert sum(queued) == PEOPLE
        received = _received(first, second)
        assert set(received) == set(people)
        assert set(received.values()) == {1}
        assert await _stored(first) == (0, 0)
        # Nothing is left for a later poll of either replica.
        monkeypatch.undo()
        assert await first.feature.reminders.run_due() == 0
        assert await second.feature.reminders.run_due() == 0
        assert sum(_received(first, second).values()) == PEOPLE
    finally:
        await first.core.close()
        await second.core.close()


async def test_reminder_claims_replicas_polling_together_send_each_once(
    database_url: str, tmp_path: Path, clock: FrozenClock
) -> None:
    """Three rounds of both replicas polling at once, on SQLite and on PostgreSQL."""
    first, second = await _two_replicas(database_url, tmp_path, clock)
    try:
        people: list[str] = []
        for _ in range(3):
            people = await _due_reminders(first, clock)
            await asyncio.gather(
                first.feature.reminders.run_due(), second.feature.reminders.run_due()
            )
            clock.advance(timedelta(minutes=1))
        received = _received(first, second)
        assert set(received) == set(people)
        assert set(received.values()) == {3}  # each person's three reminders, each once
        assert await _stored(second) == (0, 0)
    finally:
        await first.core.close()
        await second.core.close()
