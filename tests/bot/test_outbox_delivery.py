"""The outbox under faults: claims against racing retries, permanent refusals parked,
transient failures backed off up to a limit. On SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from adapters.matrix import transaction_id
from bot.clock import FrozenClock
from bot.errors import DeliveryError
from bot.messages import ChannelName, ChatId, ConversationRef, Document, Outgoing, Reply
from bot.outbox import MAX_ATTEMPTS, Outbox, backoff, enqueue_all, parked_counts
from bot.ports import MessageHandler, delivery_key
from bot.storage.database import Database
from tests.adapters.telegram_harness import CHAT, ICS, VENUE, conversation, running
from tests.doubles.telegram_api import TelegramDouble

TO = ConversationRef(channel=ChannelName("flaky"), chat_id=ChatId("5551234"))


class FlakyChannel:
    """A channel that fails ``failures`` times, then delivers; ``gate`` holds sends open."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.delivered: list[str] = []
        self.keys: list[str | None] = []
        self.gate = asyncio.Event()
        self.gate.set()
        self.entered = asyncio.Event()

    @property
    def name(self) -> ChannelName:
        return ChannelName("flaky")

    async def run(self, on_message: MessageHandler) -> None:
        await asyncio.Event().wait()

    async def send(self, to: ConversationRef, reply: Reply) -> None:
        self.keys.append(delivery_key.get())
        self.entered.set()
        await self.gate.wait()
        if self.failures:
            self.failures -= 1
            raise DeliveryError("the channel hiccupped")
        self.delivered.append(reply.text)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    await db.migrate()
    yield db
    await db.close()


async def _store(
    database: Database, clock: FrozenClock, *ids: str, to: ConversationRef = TO
) -> tuple[Outgoing, ...]:
    items = tuple(Outgoing(to=to, reply=Reply(text=f"reply {i}"), id=i) for i in ids)
    async with database.unit_of_work() as session:
        await enqueue_all(session, items, clock.now())
    return items


async def test_claim_keeps_the_periodic_retry_off_a_delivery_in_flight(
    database: Database, clock: FrozenClock
) -> None:
    channel = FlakyChannel()
    outbox = Outbox(database, {"flaky": channel}, clock)
    items = await _store(database, clock, "a:1:0")
    channel.gate.clear()
    delivering = asyncio.create_task(outbox.deliver(items))
    await channel.entered.wait()
    clock.advance(timedelta(minutes=3))  # the retry's age limit alone would take it now
    assert await outbox.flush(older_than=clock.now()) == 0
    channel.gate.set()
    await delivering
    assert await outbox.flush() == 0
    assert channel.delivered == ["reply a:1:0"]
    assert channel.keys == ["a:1:0"]


async def test_claim_expires_and_restart_reclaims(database: Database, clock: FrozenClock) -> None:
    channel = FlakyChannel()
    outbox = Outbox(database, {"flaky": channel}, clock)
    await _store(database, clock, "b:1:0")
    # A sender claimed the row and died: the start of the next run takes it over at once.
    assert await outbox._claim("b:1:0") is True
    assert await outbox.flush() == 0
    assert await outbox.flush(at_start=True) == 1
    assert channel.delivered == ["reply b:1:0"]


async def test_permanent_telegram_refusal_is_parked_not_retried(
    database: Database,
    clock: FrozenClock,
    telegram_double: TelegramDouble,
    caplog: pytest.LogCaptureFixture,
) -> None:
    tg = telegram_double
    tg.fail_next("sendMessage", status=403, description="Forbidden: bot was blocked by the user")
    before = parked_counts().get("telegram", 0)
    async with running(tg) as bot:
        outbox = Outbox(database, {"telegram": bot.adapter}, clock)
        items = await _store(database, clock, "c:1:0", to=conversation(CHAT))
        with caplog.at_level(logging.INFO):
            await outbox.deliver(items)
        clock.advance(timedelta(days=1))
        assert await outbox.flush(at_start=True) == 0
    assert tg.sent_by("sendMessage") == []
    assert [c.method for c in tg.requests].count("sendMessage") == 1
    ((row_id, reason),) = await outbox.parked()
    assert row_id == "c:1:0"
    assert "Forbidden" in reason and "blocked" in reason
    assert parked_counts()["telegram"] == before + 1
    parked_logs = [r.getMessage() for r in caplog.records if "parked" in r.getMessage()]
    assert parked_logs and all(str(CHAT) not in text for text in parked_logs)


async def test_permanent_bad_request_chat_not_found_is_parked(
    database: Database, clock: FrozenClock, telegram_double: TelegramDouble
) -> None:
    tg = telegram_double
    tg.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
    async with running(tg) as bot:
        outbox = Outbox(database, {"telegram": bot.adapter}, clock)
        items = await _store(database, clock, "d:1:0", "d:1:1", to=conversation(CHAT))
        await outbox.deliver(items)
    ((row_id, reason),) = await outbox.parked()
    assert row_id == "d:1:0" and "chat not found" in reason.lower()
    assert [str(c.params["text"]) for c in tg.sent_by("sendMessage")] == ["reply d:1:1"]


async def test_permanent_after_transient_failures_back_off_to_the_limit(
    database: Database, clock: FrozenClock
) -> None:
    channel = FlakyChannel(failures=100)
    outbox = Outbox(database, {"flaky": channel}, clock)
    items = await _store(database, clock, "e:1:0")
    await outbox.deliver(items)
    for attempt in range(1, MAX_ATTEMPTS):
        # Not due yet: nothing is tried before the back-off has passed.
        assert await outbox.flush() == 0
        assert len(channel.keys) == attempt
        clock.advance(backoff(attempt))
        await outbox.flush()
    assert len(channel.keys) == MAX_ATTEMPTS
    ((_, reason),) = await outbox.parked()
    assert reason == f"gave up after {MAX_ATTEMPTS} attempts"
    clock.advance(timedelta(days=7))
    assert await outbox.flush() == 0
    assert len(channel.keys) == MAX_ATTEMPTS


def test_backoff_doubles_up_to_an_hour() -> None:
    assert [backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert backoff(20) == timedelta(hours=1)


def test_matrix_transaction_id_is_stable_per_row_and_part() -> None:
    first = transaction_id("matrix:!room:1:0", "text")
    assert first == transaction_id("matrix:!room:1:0", "text")
    assert first != transaction_id("matrix:!room:1:0", "file")
    assert first != transaction_id("matrix:!room:1:1", "text")
    assert transaction_id(None, "text") is None


async def test_parts_of_a_reply_are_marked_one_by_one(
    database: Database, clock: FrozenClock, telegram_double: TelegramDouble
) -> None:
    tg = telegram_double
    tg.fail_next("sendVenue", status=500, times=3)  # the adapter gives up after 3 attempts
    document = Document(filename="termin.ics", mime_type="text/calendar", content=ICS)
    reply = Reply(text="Ihr Termin", venue=VENUE, document=document)
    item = Outgoing(to=conversation(CHAT), reply=reply, id="f:1:0")
    async with running(tg, max_attempts=3) as bot:
        outbox = Outbox(database, {"telegram": bot.adapter}, clock)
        async with database.unit_of_work() as session:
            await enqueue_all(session, (item,), clock.now())
        await outbox.deliver((item,))
        assert [c.method for c in tg.sent] == ["sendMessage"]
        clock.advance(backoff(1))
        assert await outbox.flush() == 1
    # The text went out once; the retry sent only the venue and the document.
    assert [c.method for c in tg.sent] == ["sendMessage", "sendVenue", "sendDocument"]
