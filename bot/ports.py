"""The interfaces the core expects from the outside: chat channels and the clock."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import datetime
from typing import Protocol, runtime_checkable

from bot.messages import ChannelName, ConversationRef, IncomingMessage, Reply

MessageHandler = Callable[[IncomingMessage], Awaitable[None]]
"""What an adapter calls for every message it receives. Returns once the message is handled
(its replies were handed back to the adapters through ``send``)."""


@runtime_checkable
class ChatAdapter(Protocol):
    """One chat channel. Implementations live in ``adapters/`` and nowhere else."""

    @property
    def name(self) -> ChannelName:
        """The channel name that ``ConversationRef.channel`` carries for this adapter."""
        ...

    async def run(self, on_message: MessageHandler) -> None:
        """Receive messages until cancelled, calling ``on_message`` for each, in order per chat.

        Cancellation is the way to stop; an adapter finishes the message in hand first where
        it can, and raises ``bot.errors.ChannelError`` subclasses for channel failures.
        """
        ...

    async def send(self, to: ConversationRef, reply: Reply) -> None:
        """Deliver one reply. Raises ``bot.errors.DeliveryError`` when it cannot."""
        ...


@runtime_checkable
class PartwiseSender(Protocol):
    """A channel that delivers a reply as several messages (text parts, venue, document) and
    can report each one, so the outbox marks them one by one and a retry skips the sent ones."""

    async def send_parts(
        self,
        to: ConversationRef,
        reply: Reply,
        *,
        skip: int,
        part_sent: Callable[[int], Awaitable[None]],
    ) -> None:
        """Deliver the parts after the first ``skip``; after each, await ``part_sent`` with the
        number of parts delivered so far. Raises ``bot.errors.DeliveryError`` like ``send``."""
        ...


@runtime_checkable
class ThreadOpener(Protocol):
    """A channel that can open a new thread in a group chat (a Telegram forum topic)."""

    async def open_thread(self, chat: ConversationRef, title: str) -> str:
        """Open a thread named ``title`` in ``chat``; returns its ``ConversationRef.thread_id``.
        Raises ``bot.errors.DeliveryError`` when it cannot."""
        ...


class Clock(Protocol):
    """The current time, aware UTC. Injected so tests can freeze it."""

    def now(self) -> datetime: ...


class KeyValueStore(Protocol):
    """A small durable store for adapter bookkeeping (Matrix sync token, Telegram offsets ...)."""

    async def get(self, key: str) -> str | None: ...

    async def set(self, key: str, value: str) -> None: ...


class StaffNotifier(Protocol):
    """Tells the staff of an office about something (a booking, a cancellation, a case)."""

    async def notify(self, office_id: str, text: str) -> None: ...

    def reaches(self, office_id: str, rooms: tuple[str, ...] = ()) -> bool:
        """True when notices for the office reach a person: some staff room serves it, and
        every room in ``rooms`` (room chat ids or staff member names) is configured."""
        ...


delivery_key: ContextVar[str | None] = ContextVar("delivery_key", default=None)
"""Set by the outbox while it sends one of its rows (the row id). A channel with idempotent
sends derives its keys from it (Matrix transaction ids), so a re-send of the same row is
recognised by the server and not shown twice."""
