"""Back-pressure in `lotse run`: a burst waits its turn instead of exhausting the pool."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from adapters.memory import MemoryAdapter
from bot.app import build_core
from bot.clock import FrozenClock
from bot.knowledge_store import KnowledgeStore
from bot.messages import ChannelName, ChatId, ConversationRef, IncomingMessage, MessageKind, UserId
from bot.runner import InFlight
from bot.settings import Settings
from bot.storage.database import Database
from bot.turn import Understood
from bot.understanding import Understanding


def _message(n: int) -> IncomingMessage:
    ref = ConversationRef(channel=ChannelName("memory"), chat_id=ChatId(f"c{n}"))
    return IncomingMessage(
        kind=MessageKind.TEXT,
        conversation=ref,
        sender=UserId(f"u{n}"),
        message_id=str(n),
        text="hallo",
    )


async def test_backpressure_bounds_messages_in_flight_and_keeps_arrival_order() -> None:
    running = 0
    peak = 0
    started: list[str] = []

    async def handle(message: IncomingMessage) -> None:
        nonlocal running, peak
        started.append(message.message_id)
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.01)
        running -= 1

    in_flight = InFlight(handle, limit=3)
    await asyncio.gather(*(in_flight(_message(n)) for n in range(40)))
    assert peak == 3
    assert started == [str(n) for n in range(40)]


def test_backpressure_pool_size_comes_from_settings() -> None:
    settings = Settings.from_env({"LOTSE_DATABASE_POOL_SIZE": "25"})
    assert settings.database_pool_size == 25
    database = Database(
        "postgresql://lotse@127.0.0.1/lotse", pool_size=settings.database_pool_size
    )
    assert database.engine.pool.size() == 25  # type: ignore[attr-defined]


@pytest.mark.postgres
async def test_backpressure_understanding_runs_with_no_connection_held(
    postgres_url: str,
    knowledge_store: KnowledgeStore,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    memory = MemoryAdapter()
    settings = Settings(database_url=postgres_url)
    core = await build_core(settings, adapters=(memory,), clock=clock, knowledge=knowledge_store)
    memory.bind(core.dispatcher)
    held: list[int] = []
    understand = Understanding.understand

    def observed(
        self: Understanding, text: str, *, hints: Sequence[str | None] = ()
    ) -> Understood:
        held.append(core.database.engine.pool.checkedout())  # type: ignore[attr-defined]
        return understand(self, text, hints=hints)

    monkeypatch.setattr(Understanding, "understand", observed)
    try:
        replies = await memory.say("dana", "wo muss ich mich anmelden")
    finally:
        await core.close()
    assert replies
    assert held == [0], "understood once, with no pooled connection checked out"
