"""A burst on PostgreSQL through the whole core: every message answered once, no apology.

The full size (1,000 conversations x 5 messages) is `lotse bench --burst 1000x5`; this is the
same run, smaller, so it fits a test run.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.burst import parse_burst, run_burst
from bot.knowledge_store import KnowledgeStore
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.models import OutboxRow, ProcessedMessage


@pytest.mark.postgres
async def test_burst_50x5_on_postgres_answers_every_message_once(
    postgres_url: str, knowledge_store: KnowledgeStore
) -> None:
    # A small pool, so the burst has to queue (250 messages, 4 connections).
    settings = Settings(database_url=postgres_url, database_pool_size=4)
    result = await run_burst(
        settings, conversations=50, per_conversation=5, knowledge=knowledge_store
    )
    assert result.messages == 250
    assert result.answered == 250
    assert result.apologies == 0
    assert result.sent_twice == 0
    assert 0 < result.p50_s <= result.p99_s <= result.max_s
    assert 0 < result.handling_p50_s <= result.handling_p99_s <= result.max_s
    database = Database(postgres_url)
    try:
        async with database.unit_of_work() as session:
            handled = await session.scalar(select(func.count()).select_from(ProcessedMessage))
            left = await session.scalar(select(func.count()).select_from(OutboxRow))
    finally:
        await database.close()
    assert handled == 250  # each message handled once
    assert left == 0  # every reply delivered and forgotten


def test_burst_spec_is_conversations_x_messages() -> None:
    assert parse_burst("1000x5") == (1000, 5)
    for wrong in ("1000", "x5", "0x5", "ax5"):
        with pytest.raises(ValueError):
            parse_burst(wrong)
