"""Replies are written to the outbox with their turn and sent after commit, so none is lost."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import ChannelError
from bot.logcontext import conversation_tag
from bot.messages import (
    ChannelName,
    ChatId,
    Choice,
    ConversationRef,
    Document,
    Outgoing,
    Reply,
    Venue,
)
from bot.owners import owner_tag
from bot.ports import ChatAdapter
from bot.storage.database import Database
from bot.storage.models import OutboxRow

if TYPE_CHECKING:
    from bot.observability import Metrics

log = logging.getLogger(__name__)

_INSERT = insert(OutboxRow)
_DELETE = delete(OutboxRow).where(OutboxRow.id == bindparam("id"))


def reply_to_json(reply: Reply) -> str:
    data: dict[str, object] = {
        "text": reply.text,
        "lang": reply.lang,
        "feedback": reply.feedback,
        "choices": [[c.key, c.label] for c in reply.choices],
    }
    if reply.venue is not None:
        v = reply.venue
        data["venue"] = [v.name, v.address, v.lat, v.lon, v.map_url]
    if reply.document is not None:
        d = reply.document
        data["document"] = [d.filename, d.mime_type, base64.b64encode(d.content).decode()]
    return json.dumps(data, ensure_ascii=False)


def reply_from_json(text: str) -> Reply:
    data = json.loads(text)
    venue = data.get("venue")
    document = data.get("document")
    return Reply(
        text=data["text"],
        lang=data.get("lang", "de"),
        feedback=bool(data.get("feedback", False)),
        choices=tuple(Choice(key=k, label=label) for k, label in data.get("choices", [])),
        venue=Venue(name=venue[0], address=venue[1], lat=venue[2], lon=venue[3], map_url=venue[4])
        if venue
        else None,
        document=Document(
            filename=document[0], mime_type=document[1], content=base64.b64decode(document[2])
        )
        if document
        else None,
    )


async def enqueue(session: AsyncSession, outgoing: Outgoing, now: datetime) -> None:
    """Store one reply in the turn's transaction."""
    await enqueue_all(session, (outgoing,), now)


async def enqueue_all(session: AsyncSession, items: Sequence[Outgoing], now: datetime) -> None:
    """Store the replies of a turn in its transaction, with one statement."""
    if not items:
        return
    rows = [
        {
            "id": item.id,
            "channel": item.to.channel,
            "chat_id": item.to.chat_id,
            "thread_id": item.to.thread_id,
            "payload": reply_to_json(item.reply),
            "created_at": now,
            "owner": owner_tag(item.to.key),
        }
        for item in items
    ]
    await session.execute(_INSERT, rows)


class Outbox:
    """Delivers stored replies through the adapters, oldest first, and forgets delivered ones."""

    def __init__(self, database: Database, adapters: Mapping[str, ChatAdapter]) -> None:
        self._database = database
        self._adapters = dict(adapters)
        self.metrics: Metrics | None = None

    def attach(self, adapter: ChatAdapter) -> None:
        self._adapters[adapter.name] = adapter

    def adapter(self, channel: str) -> ChatAdapter | None:
        """The attached adapter of ``channel``, for optional capabilities (``ThreadOpener``)."""
        return self._adapters.get(channel)

    async def deliver(self, outgoing: tuple[Outgoing, ...]) -> None:
        for item in outgoing:
            await self._send(item.id, item.to, item.reply)

    async def post(self, items: tuple[Outgoing, ...], now: datetime) -> None:
        """Send messages that no incoming message caused (reminders, staff notices): stored
        first, so a crash before delivery only delays them."""
        async with self._database.unit_of_work() as session:
            await enqueue_all(session, items, now)
        await self.deliver(items)

    async def flush(self, older_than: datetime | None = None) -> int:
        """Send what is left over (after a restart, or a failed delivery); returns how many."""
        query = select(OutboxRow).order_by(OutboxRow.created_at, OutboxRow.id)
        if older_than is not None:
            query = query.where(OutboxRow.created_at < older_than)
        async with self._database.unit_of_work() as session:
            rows = (await session.execute(query)).scalars().all()
        pending = [
            (r.id, ConversationRef(channel=ChannelName(r.channel), chat_id=ChatId(r.chat_id),
                                   thread_id=r.thread_id),
             reply_from_json(r.payload))
            for r in rows
            if r.channel in self._adapters
        ]  # fmt: skip
        sent = 0
        for outgoing_id, to, reply in pending:
            sent += await self._send(outgoing_id, to, reply)
        return sent

    async def _send(self, outgoing_id: str, to: ConversationRef, reply: Reply) -> int:
        adapter = self._adapters.get(to.channel)
        if adapter is None:
            log.warning(
                "no adapter for channel %s; a reply to [%s] stays queued",
                to.channel,
                conversation_tag(to.key),
            )
            return 0
        try:
            await adapter.send(to, reply)
        except ChannelError as exc:
            if self.metrics is not None:
                self.metrics.delivery_failures.labels(to.channel).inc()
            # The id names the chat: logs carry the conversation's pseudonym instead.
            log.warning(
                "delivery of a reply to [%s] failed, kept for retry: %s",
                conversation_tag(to.key),
                type(exc).__name__,
            )
            return 0
        # Forgotten one by one right after each send, so a crash re-sends at most one reply.
        await self._database.execute(_DELETE, {"id": outgoing_id})
        return 1
