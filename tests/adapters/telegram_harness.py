"""Running a TelegramAdapter against the Bot API double in tests: a recorder, a runner."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from adapters.telegram import TelegramAdapter, WebhookConfig
from bot.errors import DeliveryError
from bot.messages import ChannelName, ChatId, ConversationRef, IncomingMessage, Reply, Venue
from tests.doubles.telegram_api import TelegramDouble

CHAT = 424242
ReplyFor = Callable[[IncomingMessage], Reply | None]


def echo(message: IncomingMessage) -> Reply | None:
    return Reply(text=f"echo: {message.text or message.choice or message.kind.value}")


class Recorder:
    """An on_message for tests: records every message and answers with ``reply_for``."""

    def __init__(self, adapter: TelegramAdapter, reply_for: ReplyFor = echo) -> None:
        self.adapter = adapter
        self.reply_for = reply_for
        self.messages: list[IncomingMessage] = []
        self.errors: list[Exception] = []
        self._arrived = asyncio.Event()

    async def __call__(self, message: IncomingMessage) -> None:
        self.messages.append(message)
        self._arrived.set()
        reply = self.reply_for(message)
        if reply is not None:
            try:
                await self.adapter.send(message.conversation, reply)
            except DeliveryError as exc:
                self.errors.append(exc)

    async def wait_for(self, n: int) -> list[IncomingMessage]:
        async with asyncio.timeout(10):
            while len(self.messages) < n:
                self._arrived.clear()
                await self._arrived.wait()
        return self.messages


def make_adapter(
    tg: TelegramDouble,
    *,
    webhook: WebhookConfig | None = None,
    request_timeout: float = 5.0,
    max_attempts: int = 5,
) -> TelegramAdapter:
    return TelegramAdapter(
        token=tg.token,
        base_url=tg.base_url,
        webhook=webhook,
        poll_timeout=2.0,
        request_timeout=request_timeout,
        max_attempts=max_attempts,
        backoff=0.05,
    )


def conversation(chat_id: int) -> ConversationRef:
    return ConversationRef(channel=ChannelName("telegram"), chat_id=ChatId(str(chat_id)))


@asynccontextmanager
async def running(
    tg: TelegramDouble,
    reply_for: ReplyFor = echo,
    *,
    webhook: WebhookConfig | None = None,
    request_timeout: float = 5.0,
    max_attempts: int = 5,
) -> AsyncIterator[Recorder]:
    """Run an adapter against ``tg`` for the block; cancel it and check it stopped after."""
    adapter = make_adapter(
        tg, webhook=webhook, request_timeout=request_timeout, max_attempts=max_attempts
    )
    recorder = Recorder(adapter, reply_for)
    async with asyncio.TaskGroup() as group:
        task = group.create_task(adapter.run(recorder))
        first_fetch = "setWebhook" if webhook else "getUpdates"
        await tg.wait_for_request(first_fetch)
        try:
            yield recorder
        finally:
            task.cancel()
    assert task.cancelled()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def texts(tg: TelegramDouble) -> list[str]:
    return [str(call.params["text"]) for call in tg.sent_by("sendMessage")]


VENUE = Venue(
    name="Migrationsberatung Nord",
    address="Schützenstraße 42, 44147 Dortmund",
    lat=51.5225,
    lon=7.4611,
    map_url="https://www.openstreetmap.org/?mlat=51.5225&mlon=7.4611",
)
ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
