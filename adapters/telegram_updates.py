"""Telegram updates as the core's IncomingMessage, handled in order within each chat."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import CallbackQuery, Chat, Message, Update, User
from telegram.constants import ChatType
from telegram.ext import BaseUpdateProcessor

from adapters.telegram_replies import FEEDBACK_DATA
from bot.messages import (
    ChannelName,
    ChatId,
    ConversationRef,
    IncomingMessage,
    Location,
    MessageKind,
    UserId,
)

CHANNEL = ChannelName("telegram")


def incoming_from_update(update: Update) -> IncomingMessage | None:
    """What the core should see for ``update``; ``None`` for updates it does not care about."""
    query = update.callback_query
    if query is not None:
        return _incoming_from_callback(query)
    message = update.message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return None
    # Only a forum topic is a thread of its own; a reply thread in a plain group is not.
    thread = message.message_thread_id if message.is_topic_message else None
    conversation = ConversationRef(
        channel=CHANNEL,
        chat_id=ChatId(str(message.chat.id)),
        thread_id=str(thread) if thread is not None else None,
        member=_member(message.chat, message.from_user),
    )
    common: dict[str, Any] = {
        "conversation": conversation,
        "sender": UserId(str(message.from_user.id)),
        "message_id": f"{message.chat.id}:{message.message_id}",
        "lang_hint": _language(message.from_user.language_code),
        "received_at": message.date,
    }
    if message.text is not None:
        return IncomingMessage(kind=MessageKind.TEXT, text=_plain_command(message.text), **common)
    if message.location is not None:
        point = Location(lat=message.location.latitude, lon=message.location.longitude)
        return IncomingMessage(kind=MessageKind.LOCATION, location=point, **common)
    if _has_attachment(message):
        return IncomingMessage(kind=MessageKind.UNSUPPORTED, text=message.caption or "", **common)
    return None


def _incoming_from_callback(query: CallbackQuery) -> IncomingMessage | None:
    data = query.data
    if data is None:
        return None
    chat = query.message.chat if query.message is not None else None
    chat_id = chat.id if chat is not None else query.from_user.id
    member = _member(chat, query.from_user) if chat is not None else None
    common: dict[str, Any] = {
        "conversation": ConversationRef(
            channel=CHANNEL, chat_id=ChatId(str(chat_id)), member=member
        ),
        "sender": UserId(str(query.from_user.id)),
        "message_id": f"cb:{query.id}",
        "lang_hint": _language(query.from_user.language_code),
    }
    if data in FEEDBACK_DATA:
        return IncomingMessage(kind=MessageKind.FEEDBACK, text=FEEDBACK_DATA[data], **common)
    return IncomingMessage(kind=MessageKind.CHOICE, choice=data, **common)


def _plain_command(text: str) -> str:
    """In groups Telegram addresses commands to a bot ("/help@lotse_bot"); the core wants
    "/help"."""
    if not text.startswith("/"):
        return text
    command, space, rest = text.partition(" ")
    return command.split("@", 1)[0] + space + rest


def _has_attachment(message: Message) -> bool:
    return any(
        (
            message.photo,
            message.voice,
            message.video,
            message.video_note,
            message.sticker,
            message.document,
            message.audio,
            message.animation,
            message.contact,
            message.poll,
            message.dice,
        )
    )


def _language(code: str | None) -> str | None:
    """Telegram sends IETF tags ("pt-br"); the core speaks ISO 639-1 ("pt")."""
    if not code:
        return None
    return code.split("-", 1)[0].lower() or None


class ChatOrderedUpdateProcessor(BaseUpdateProcessor):
    """Handles updates of different chats at the same time, and those of one chat in order.

    PTB starts one task per update in arrival order and each takes its chat's lock first
    thing, so the lock's FIFO queue is the chat's order. PTB's own semaphore sits in front
    of that lock and could reorder waiters, so it is made too wide to ever be contended.
    """

    def __init__(self) -> None:
        super().__init__(max_concurrent_updates=2**16)
        self._locks: dict[int | None, asyncio.Lock] = {}
        self._waiting: dict[int | None, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        key = chat.id if chat is not None else None
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key], self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def _member(chat: Chat, user: User) -> UserId | None:
    """In a group each member has a conversation of their own (bookings, case, /delete)."""
    return None if chat.type == ChatType.PRIVATE else UserId(str(user.id))
