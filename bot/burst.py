"""`lotse bench --burst 1000x5`: many conversations writing at the same moment, on one database.

Every message of the burst is handed to the core at once, through the same entry `lotse run`
uses (the bounded :class:`bot.runner.InFlight` in front of the dispatcher), so the pool size,
back-pressure and the per-conversation order are those of production. Only the network is
left out: the channel is in memory and records which outbox row each send belongs to.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from adapters.memory import MemoryAdapter
from bot.bench import _percentile, conversation_scripts
from bot.knowledge_store import KnowledgeStore
from bot.messages import ChatId, ConversationRef, IncomingMessage, MessageKind, Reply, UserId
from bot.ports import delivery_key
from bot.runner import InFlight
from bot.settings import Settings


def parse_burst(spec: str) -> tuple[int, int]:
    """``"1000x5"`` -> (1000 conversations, 5 messages each)."""
    conversations, sep, messages = spec.lower().partition("x")
    if not sep or not conversations.isdigit() or not messages.isdigit():
        raise ValueError(f"a burst is CONVERSATIONSxMESSAGES, e.g. 1000x5, not {spec!r}")
    if int(conversations) < 1 or int(messages) < 1:
        raise ValueError("a burst needs at least one conversation and one message")
    return int(conversations), int(messages)


class RecordingChannel(MemoryAdapter):
    """Keeps, for every send, the outbox row it delivers (``conversation:message:index``)."""

    def __init__(self, name: str = "burst") -> None:
        super().__init__(name)
        self.keys: list[str] = []

    async def send(self, to: ConversationRef, reply: Reply) -> None:
        self.keys.append(delivery_key.get() or "")
        await super().send(to, reply)


@dataclass(frozen=True, slots=True, kw_only=True)
class BurstResult:
    conversations: int
    messages: int
    answered: int
    """Messages with their first reply delivered."""
    apologies: int
    """Messages answered with the apology for a failed turn."""
    sent_twice: int
    """Outbox rows delivered more than once."""
    seconds: float
    p50_s: float
    p99_s: float
    max_s: float
    handling_p50_s: float
    handling_p99_s: float
    """From the moment the core took the message out of the queue to its answer."""
    pool_size: int
    database: str

    def as_dict(self) -> dict[str, object]:
        return {
            "burst_conversations": self.conversations,
            "burst_messages": self.messages,
            "burst_answered": self.answered,
            "burst_apologies": self.apologies,
            "burst_sent_twice": self.sent_twice,
            "burst_seconds": round(self.seconds, 1),
            "burst_per_s": round(self.messages / self.seconds, 1) if self.seconds else 0.0,
            "burst_p50_s": round(self.p50_s, 2),
            "burst_p99_s": round(self.p99_s, 2),
            "burst_max_s": round(self.max_s, 2),
            "burst_handling_p50_s": round(self.handling_p50_s, 3),
            "burst_handling_p99_s": round(self.handling_p99_s, 3),
            "burst_pool_size": self.pool_size,
            "database": self.database,
        }


def burst_texts(scripts: Sequence[tuple[str, str, str]], per_conversation: int) -> list[str]:
    """What one person writes: a greeting, a question, a typed choice, thanks, another question
    (repeated in that order when more messages are asked for)."""
    greeting, question, thanks = scripts[0]
    _, other, _ = scripts[1 % len(scripts)]
    cycle = [greeting, question, "1", thanks, other]
    return [cycle[i % len(cycle)] for i in range(per_conversation)]


async def run_burst(
    settings: Settings,
    *,
    conversations: int,
    per_conversation: int,
    knowledge: KnowledgeStore | None = None,
) -> BurstResult:
    """Send ``conversations`` x ``per_conversation`` messages at once and wait for every answer.

    A message's time runs from the moment the whole burst was handed over to the moment its
    replies were delivered, so it includes its wait in the queue. Conversation ids are new on
    every run, so a database used before does not matter."""
    from bot.app import build_core, load_knowledge_store

    store = knowledge
    if store is None:
        store = await asyncio.to_thread(load_knowledge_store, settings)
    await store.ready()
    channel = RecordingChannel()
    core = await build_core(settings, adapters=(channel,), knowledge=store)
    try:
        handling: list[float] = []

        async def handle(message: IncomingMessage) -> object:
            began = time.perf_counter()
            try:
                return await core.dispatcher.handle(message)
            finally:
                handling.append(time.perf_counter() - began)

        entry = InFlight(handle, limit=settings.database_pool_size)
        kb = store.kb
        scripts = [
            (s.greeting, s.question, s.thanks)
            for s in conversation_scripts(kb.examples, conversations + 1)
        ]
        run = uuid.uuid4().hex[:8]
        messages: list[IncomingMessage] = []
        for index in range(per_conversation):
            for person in range(conversations):
                own = scripts[person % len(scripts)], scripts[(person + 1) % len(scripts)]
                text = burst_texts(own, per_conversation)[index]
                ref = ConversationRef(channel=channel.name, chat_id=ChatId(f"{run}-{person}"))
                messages.append(
                    IncomingMessage(
                        kind=MessageKind.TEXT,
                        conversation=ref,
                        sender=UserId(f"{run}-{person}"),
                        message_id=f"{run}-{person}-{index}",
                        text=text,
                    )
                )
        latencies: list[float] = []
        started = time.perf_counter()

        async def one(message: IncomingMessage) -> None:
            await entry(message)
            latencies.append(time.perf_counter() - started)

        # Created in order, so each conversation's messages reach the core in order.
        await asyncio.gather(*(one(m) for m in messages))
        seconds = time.perf_counter() - started
    finally:
        await core.close()
    delivered = Counter(channel.keys)
    ids = {m.message_id for m in messages}
    answered = {key.split(":")[-2] for key in delivered if key.endswith(":0")} & ids
    apologies = {key.split(":")[-2] for key in delivered if key.endswith(":err")} & ids
    return BurstResult(
        conversations=conversations,
        messages=len(messages),
        answered=len(answered),
        apologies=len(apologies),
        sent_twice=sum(1 for n in delivered.values() if n > 1),
        seconds=seconds,
        p50_s=_percentile(latencies, 0.5),
        p99_s=_percentile(latencies, 0.99),
        max_s=max(latencies),
        handling_p50_s=_percentile(handling, 0.5),
        handling_p99_s=_percentile(handling, 0.99),
        pool_size=settings.database_pool_size,
        database="sqlite" if settings.database_url.startswith("sqlite") else "postgresql",
    )
