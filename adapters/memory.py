"""An in-memory channel for tests: messages are pushed in by code, replies collected in a list."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass

from bot.messages import (
    ChannelName,
    ChatId,
    ConversationRef,
    IncomingMessage,
    Location,
    MessageKind,
    Reply,
    UserId,
)
from bot.ports import MessageHandler


@dataclass(frozen=True, slots=True, kw_only=True)
class Sent:
    to: ConversationRef
    reply: Reply


class MemoryAdapter:
    """A channel with no network. ``say`` delivers a message and returns the replies to it."""

    def __init__(self, name: str = "memory") -> None:
        self._name = ChannelName(name)
        self.sent: list[Sent] = []
        self._ids = itertools.count(1)
        self._on_message: MessageHandler | None = None
        self._stopped = asyncio.Event()

    @property
    def name(self) -> ChannelName:
        return self._name

    def ref(self, chat: str) -> ConversationRef:
        return ConversationRef(channel=self._name, chat_id=ChatId(chat))

    async def run(self, on_message: MessageHandler) -> None:
        self._on_message = on_message
        await self._stopped.wait()

    def bind(self, on_message: MessageHandler) -> None:
        """Use without ``run``: tests call ``say`` directly."""
        self._on_message = on_message

    async def send(self, to: ConversationRef, reply: Reply) -> None:
        self.sent.append(Sent(to=to, reply=reply))

    def replies_to(self, chat: str) -> list[Reply]:
        return [s.reply for s in self.sent if s.to == self.ref(chat)]

    async def deliver(self, message: IncomingMessage) -> list[Reply]:
        if self._on_message is None:
            raise RuntimeError("MemoryAdapter is not bound to a handler")
        before = len(self.sent)
        await self._on_message(message)
        return [s.reply for s in self.sent[before:] if s.to == message.conversation]

    async def say(
        self,
        chat: str,
        text: str = "",
        *,
        kind: MessageKind = MessageKind.TEXT,
        choice: str | None = None,
        location: Location | None = None,
        lang_hint: str | None = None,
        message_id: str | None = None,
    ) -> list[Reply]:
        message = IncomingMessage(
            conversation=self.ref(chat),
            sender=UserId(chat),
            message_id=message_id or f"m{next(self._ids)}",
            kind=kind,
            text=text,
            choice=choice,
            location=location,
            lang_hint=lang_hint,
        )
        return await self.deliver(message)

    def stop(self) -> None:
        self._stopped.set()
