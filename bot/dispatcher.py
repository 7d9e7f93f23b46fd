"""The one place that does I/O for a message: dedupe, state, routing, commit, then delivery."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.logcontext import conversation_context
from bot.messages import IncomingMessage, Outgoing, Reply
from bot.outbox import Outbox, enqueue_all
from bot.owners import owner_tag
from bot.ports import Clock
from bot.router import Router
from bot.state import ConversationState
from bot.storage.database import Database
from bot.storage.repositories import ConversationRepository, ProcessedMessages
from bot.texts import Texts
from bot.turn import Turn, Understood

if TYPE_CHECKING:
    from bot.observability import Metrics

log = logging.getLogger(__name__)


class Gate(Protocol):
    """A middleware that may take a message before the router (e.g. staff own the case)."""

    async def intercept(
        self,
        message: IncomingMessage,
        state: ConversationState,
        session: AsyncSession,
        now: datetime,
    ) -> Turn | None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Handled:
    """What became of one message: for the console, tests and the benchmark."""

    duplicate: bool
    replies: tuple[Reply, ...]
    intent: str | None


class _ConversationLocks:
    """One lock per conversation, so two messages of one chat never race on its state."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class Dispatcher:
    """Handles a message end to end. Its error boundary is the only ``except Exception``."""

    def __init__(
        self,
        *,
        database: Database,
        router: Router,
        outbox: Outbox,
        clock: Clock,
        texts: TextsSource,
        gates: Sequence[Gate] = (),
    ) -> None:
        self._database = database
        self._router = router
        self._outbox = outbox
        self._clock = clock
        self._texts = texts
        self._gates = list(gates)
        self._locks = _ConversationLocks()
        self.metrics: Metrics | None = None
        self.ready: Callable[[], Awaitable[None]] | None = None
        """Awaited before a message is routed: the matcher may still be being built."""

    def add_gate(self, gate: Gate) -> None:
        self._gates.append(gate)

    async def __call__(self, message: IncomingMessage) -> None:
        await self.handle(message)

    async def handle(self, message: IncomingMessage) -> Handled:
        ref = message.conversation
        async with self._locks.hold(ref.key):
            with conversation_context(ref.key):
                try:
                    if self.ready is not None:
                        # Messages wait here, each conversation's in order (its lock is fair).
                        await self.ready()
                    handled, outgoing = await self._process(message)
                except Exception:
                    log.exception("handling a message failed; the user gets an apology")
                    handled, outgoing = await self._apology(message)
                await self._outbox.deliver(outgoing)
                return handled

    async def _process(self, message: IncomingMessage) -> tuple[Handled, tuple[Outgoing, ...]]:
        ref = message.conversation
        now = message.received_at or self._clock.now()
        ahead = await self._understand_ahead(message)
        async with self._database.unit_of_work() as session:
            if not await ProcessedMessages(session).first_time(
                ref.channel, message.message_id, now, owner_tag(ref.key)
            ):
                log.info("duplicate message dropped")
                return Handled(duplicate=True, replies=(), intent=None), ()
            conversations = ConversationRepository(session)
            state = await conversations.load(ref)
            turn: Turn | None = None
            for gate in self._gates:
                turn = await gate.intercept(message, state, session, now)
                if turn is not None:
                    break
            if turn is None:
                ahead_fits = ahead is not None and ahead[0] == state
                understood = ahead[1] if ahead is not None and ahead_fits else None
                turn = await self._router.route(message, state, session, now, ahead=understood)
            if turn.forget:
                await conversations.delete(ref)
            else:
                await conversations.save(ref, turn.state, now)
            outgoing = tuple(
                Outgoing(to=ref, reply=reply, id=f"{ref.key}:{message.message_id}:{index}")
                for index, reply in enumerate(turn.replies)
            ) + tuple(
                Outgoing(to=o.to, reply=o.reply, id=o.id or f"{ref.key}:{message.message_id}:n{i}")
                for i, o in enumerate(turn.outgoing)
            )
            await enqueue_all(session, outgoing, now)
        for callback in turn.after_commit:
            await callback()
        log.info("handled: intent=%s replies=%d", turn.intent, len(turn.replies))
        if self.metrics is not None:
            self.metrics.handled(ref.channel, turn.state.lang)
        return Handled(duplicate=False, replies=turn.replies, intent=turn.intent), outgoing

    async def _understand_ahead(
        self, message: IncomingMessage
    ) -> tuple[ConversationState, Understood | None] | None:
        """On PostgreSQL, understand the message before the unit of work opens: the state is
        read in a short transaction of its own, and the matcher (CPU-bound) then runs with no
        pooled connection held. (SQLite has no pool to exhaust; there it costs a query.)"""
        if self._database.is_sqlite or message.text is None:
            return None
        async with self._database.unit_of_work() as session:
            state = await ConversationRepository(session).load(message.conversation)
        return state, self._router.understand_ahead(message, state)

    async def _apology(self, message: IncomingMessage) -> tuple[Handled, tuple[Outgoing, ...]]:
        texts = self._texts()
        lang = texts.serving_language(None)
        try:
            async with self._database.unit_of_work() as session:
                state = await ConversationRepository(session).load(message.conversation)
                lang = texts.serving_language(state.lang or message.lang_hint)
        except Exception:
            log.warning("could not read the conversation language for the apology")
        reply = Reply(text=texts.message("error", lang), lang=lang)
        outgoing = Outgoing(
            to=message.conversation,
            reply=reply,
            id=f"{message.conversation.key}:{message.message_id}:err",
        )
        return Handled(duplicate=False, replies=(reply,), intent=None), (outgoing,)


class TextsSource(Protocol):
    def __call__(self) -> Texts: ...
