"""Replies are written to the outbox with their turn and sent after commit, so none is lost."""

from __future__ import annotations

import base64
import json
import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, and_, bindparam, delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import SystemClock
from bot.errors import ChannelError, PermanentDeliveryError
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
from bot.ports import ChatAdapter, Clock, PartwiseSender, delivery_key
from bot.storage.database import Database
from bot.storage.models import OutboxRow

if TYPE_CHECKING:
    from bot.observability import Metrics

log = logging.getLogger(__name__)

_INSERT = insert(OutboxRow)
_DELETE = delete(OutboxRow).where(OutboxRow.id == bindparam("id"))
_PARTS_SENT = (
    update(OutboxRow)
    .where(OutboxRow.id == bindparam("row_id"))
    .values(parts_sent=bindparam("parts"))
)


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


# -- delivery state: claims, back-off, parking (delivery guarantees) --------------------------

CLAIM_LEASE = timedelta(minutes=5)
"""How long a sender owns a claimed row; longer than any send with its retries takes."""
MAX_ATTEMPTS = 8
"""Failed deliveries of one row before it is parked."""
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=1)

_PARKED: Counter[str] = Counter()


def parked_counts() -> dict[str, int]:
    """Rows parked by this process since start, per channel."""
    return dict(_PARKED)


PARKED_KINDS = ("forbidden", "not_found", "bad_request", "attempts", "other")
"""Why a row was parked, as a metrics label (the stored reason is free text)."""


def parked_kind(reason: str) -> str:
    """The label of a parked row's reason: blocked or not allowed in the room (forbidden), the
    chat or room is gone (not_found), the channel refused the request (bad_request), or too
    many transient failures (attempts)."""
    lowered = reason.lower()
    if reason.startswith(GAVE_UP):
        return "attempts"
    if "not found" in lowered or "m_not_found" in lowered:
        return "not_found"
    if "forbidden" in lowered:
        return "forbidden"
    if "badrequest" in lowered or any(
        code in reason for code in ("M_BAD_JSON", "M_NOT_JSON", "M_TOO_LARGE")
    ):
        return "bad_request"
    return "other"


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed delivery: 1, 2, 4 ... minutes, at most 1 h."""
    wait: timedelta = BACKOFF_FIRST * 2 ** min(max(0, attempts - 1), 20)
    return min(wait, BACKOFF_MAX)


def _claimable(now: datetime) -> ColumnElement[bool]:
    return and_(
        OutboxRow.status == PENDING,
        or_(OutboxRow.claimed_until.is_(None), OutboxRow.claimed_until < now),
    )


PENDING = "pending"
PARKED = "parked"
GAVE_UP = "gave up after"


class Outbox:
    """Delivers stored replies through the adapters, oldest first, and forgets delivered ones.

    A row is claimed before it is sent (a lease in ``claimed_until``, taken with a conditional
    UPDATE; ``FOR UPDATE SKIP LOCKED`` when a batch is picked on PostgreSQL), so the periodic
    retry never sends a row whose delivery is still under way. A permanent refusal parks the
    row with its reason; a transient one backs off exponentially up to ``MAX_ATTEMPTS``."""

    def __init__(
        self,
        database: Database,
        adapters: Mapping[str, ChatAdapter],
        clock: Clock | None = None,
    ) -> None:
        self._database = database
        self._adapters = dict(adapters)
        self.metrics: Metrics | None = None
        self._clock = clock or SystemClock()

    def attach(self, adapter: ChatAdapter) -> None:
        self._adapters[adapter.name] = adapter

    def adapter(self, channel: str) -> ChatAdapter | None:
        """The attached adapter of ``channel``, for optional capabilities (``ThreadOpener``)."""
        return self._adapters.get(channel)

    async def deliver(self, outgoing: tuple[Outgoing, ...]) -> None:
        for item in outgoing:
            claimed = await self._claim(item.id)
            if claimed is None:
                # Not stored (an apology after a failed turn): sent once, nothing to mark.
                await self._send(item.id, item.to, item.reply)
            elif claimed:
                await self._send(item.id, item.to, item.reply)

    async def post(self, items: tuple[Outgoing, ...], now: datetime) -> None:
        """Send messages that no incoming message caused (reminders, staff notices): stored
        first, so a crash before delivery only delays them."""
        async with self._database.unit_of_work() as session:
            await enqueue_all(session, items, now)
        await self.deliver(items)

    async def flush(self, older_than: datetime | None = None, *, at_start: bool = False) -> int:
        """Send what is left over (after a restart, or a failed delivery); returns how many.

        Only rows that are due and not claimed by a delivery under way are taken. ``at_start``
        takes every pending row: claims and back-offs of the last run end with it."""
        now = self._clock.now()
        lease = now + CLAIM_LEASE
        channels = list(self._adapters)
        query = (
            select(OutboxRow)
            .where(OutboxRow.status == PENDING, OutboxRow.channel.in_(channels))
            .order_by(OutboxRow.created_at, OutboxRow.id)
        )
        if not at_start:
            query = query.where(_claimable(now)).where(
                or_(OutboxRow.next_attempt_at.is_(None), OutboxRow.next_attempt_at <= now)
            )
        if older_than is not None:
            query = query.where(OutboxRow.created_at < older_than)
        if not self._database.is_sqlite:
            query = query.with_for_update(skip_locked=True)
        async with self._database.unit_of_work() as session:
            rows = (await session.execute(query)).scalars().all()
            for row in rows:
                row.claimed_until = lease
        pending = [
            (r.id, ConversationRef(channel=ChannelName(r.channel), chat_id=ChatId(r.chat_id),
                                   thread_id=r.thread_id),
             reply_from_json(r.payload), r.parts_sent)
            for r in rows
        ]  # fmt: skip
        sent = 0
        for outgoing_id, to, reply, parts_sent in pending:
            sent += await self._send(outgoing_id, to, reply, skip=parts_sent)
        return sent

    async def parked(self) -> list[tuple[str, str]]:
        """(row id, reason) of every parked row, oldest first."""
        query = (
            select(OutboxRow.id, OutboxRow.parked_reason)
            .where(OutboxRow.status == PARKED)
            .order_by(OutboxRow.created_at, OutboxRow.id)
        )
        async with self._database.unit_of_work() as session:
            return [(i, r or "") for i, r in (await session.execute(query)).all()]

    async def _claim(self, outgoing_id: str) -> bool | None:
        """Take the row for this sender; False when another sender holds it or it is gone,
        None when no such row was stored."""
        now = self._clock.now()
        statement = (
            update(OutboxRow)
            .where(OutboxRow.id == outgoing_id, _claimable(now))
            .values(claimed_until=now + CLAIM_LEASE)
        )
        async with self._database.engine.begin() as connection:
            result = await connection.execute(statement)
            if result.rowcount:
                return True
            stored = await connection.scalar(
                select(OutboxRow.id).where(OutboxRow.id == outgoing_id)
            )
        return False if stored is not None else None

    async def _send(
        self, outgoing_id: str, to: ConversationRef, reply: Reply, *, skip: int = 0
    ) -> int:
        adapter = self._adapters.get(to.channel)
        if adapter is None:
            log.warning(
                "no adapter for channel %s; a reply to [%s] stays queued",
                to.channel,
                conversation_tag(to.key),
            )
            await self._release(outgoing_id, failed=False)
            return 0
        token = delivery_key.set(outgoing_id)

        async def part_sent(parts: int) -> None:
            # Each part is marked as soon as it is out: a crash re-sends only the part in hand.
            await self._database.execute(_PARTS_SENT, {"row_id": outgoing_id, "parts": parts})

        try:
            if isinstance(adapter, PartwiseSender):
                await adapter.send_parts(to, reply, skip=skip, part_sent=part_sent)
            else:
                await adapter.send(to, reply)
        except PermanentDeliveryError as exc:
            await self._park(outgoing_id, to.channel, exc.reason)
            return 0
        except ChannelError as exc:
            if self.metrics is not None:
                self.metrics.delivery_failures.labels(to.channel).inc()
            # The id names the chat: logs carry the conversation's pseudonym instead.
            log.warning(
                "delivery of a reply to [%s] failed, kept for retry: %s",
                conversation_tag(to.key),
                type(exc).__name__,
            )
            await self._release(outgoing_id, failed=True, channel=to.channel)
            return 0
        finally:
            delivery_key.reset(token)
        # Forgotten one by one right after each send, so a crash re-sends at most one reply.
        await self._database.execute(_DELETE, {"id": outgoing_id})
        return 1

    async def _release(self, outgoing_id: str, *, failed: bool, channel: str = "") -> None:
        """Give the claim back; after a failure, count it and wait (or park at the limit)."""
        now = self._clock.now()
        async with self._database.unit_of_work() as session:
            row = await session.get(OutboxRow, outgoing_id)
            if row is None:
                return
            row.claimed_until = None
            if not failed:
                return
            row.attempts += 1
            if row.attempts >= MAX_ATTEMPTS:
                self._mark_parked(row, f"{GAVE_UP} {row.attempts} attempts")
            else:
                row.next_attempt_at = now + backoff(row.attempts)

    async def _park(self, outgoing_id: str, channel: str, reason: str) -> None:
        async with self._database.unit_of_work() as session:
            row = await session.get(OutboxRow, outgoing_id)
            if row is not None:
                row.attempts += 1
                self._mark_parked(row, reason)

    def _mark_parked(self, row: OutboxRow, reason: str) -> None:
        row.status = PARKED
        row.claimed_until = None
        row.parked_reason = reason[:200]
        _PARKED[row.channel] += 1
        if self.metrics is not None:
            self.metrics.parked.labels(row.channel, parked_kind(reason)).inc()
        # The row id names the conversation; the log names only the channel and the reason.
        log.warning("a %s reply was parked, not retried: %s", row.channel, reason)
