"""What the bot keeps and for how long: pruning by age, erasure on /delete, and the report."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.booking.models import BookingRow, ReminderRow, WaitingRow
from bot.errors import LotseError
from bot.handover.models import CaseMessageRow, CaseRow, CaseStatus
from bot.owners import owner_tag
from bot.ports import Clock
from bot.storage.database import Database
from bot.storage.models import Base, ConversationRow, OutboxRow, ProcessedMessage
from bot.turn import TurnContext

log = logging.getLogger(__name__)

_Column = InstrumentedAttribute[datetime]


@dataclass(frozen=True, slots=True, kw_only=True)
class RetentionPolicy:
    """How long each kind of row is kept. Defaults a data-protection officer can sign off."""

    conversation_days: int = 30
    """Conversation state (language, topic, dialogue step): after the last message."""
    handled_ids_days: int = 30
    """Ids of handled messages (kept only to drop redeliveries): after the message."""
    booking_days: int = 30
    """Appointments, their reminders and waiting-list places: after the appointment."""
    closed_case_days: int = 90
    """Handover cases (and any transcript left) after they were closed."""
    outbox_days: int = 30
    """Replies that could not be delivered for this long are given up."""


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredKind:
    """One line of ``lotse privacy report``."""

    what: str
    table: str
    holds: str
    kept: str
    rows: int = 0
    oldest: datetime | None = None


def _kinds(policy: RetentionPolicy) -> list[tuple[StoredKind, type[Base], _Column]]:
    p = policy
    return [
        (StoredKind(what="conversations", table="conversations",
                    holds="language, last topic, dialogue step; no message text",
                    kept=f"{p.conversation_days} days after the last message"),
         ConversationRow, ConversationRow.updated_at),
        (StoredKind(what="handled message ids", table="processed_messages",
                    holds="channel message ids (drop redeliveries)",
                    kept=f"{p.handled_ids_days} days after the message"),
         ProcessedMessage, ProcessedMessage.processed_at),
        (StoredKind(what="appointments", table="bookings",
                    holds="office, time, language, conversation key",
                    kept=f"{p.booking_days} days after the appointment"),
         BookingRow, BookingRow.slot_end),
        (StoredKind(what="reminders", table="reminders",
                    holds="due time, language, conversation key",
                    kept=f"until sent; {p.booking_days} days after due at most"),
         ReminderRow, ReminderRow.due_at),
        (StoredKind(what="waiting list", table="booking_waitlist",
                    holds="office, service, language, conversation key",
                    kept=f"{p.booking_days} days after joining"),
         WaitingRow, WaitingRow.created_at),
        (StoredKind(what="handover cases", table="handover_cases",
                    holds="case id, language, topic, place; the conversation while open",
                    kept=f"while open; {p.closed_case_days} days after closing"),
         CaseRow, CaseRow.opened_at),
        (StoredKind(what="handover transcripts", table="handover_messages",
                    holds="the last messages of an open case, for staff",
                    kept=f"while the case is open (at most {p.closed_case_days} days after)"),
         CaseMessageRow, CaseMessageRow.at),
        (StoredKind(what="undelivered replies", table="outbox",
                    holds="reply text and its chat, until sent",
                    kept=f"until sent; given up after {p.outbox_days} days"),
         OutboxRow, OutboxRow.created_at),
    ]  # fmt: skip


async def prune(session: AsyncSession, policy: RetentionPolicy, now: datetime) -> dict[str, int]:
    """Delete every row older than the policy allows; returns how many, per table."""
    day = timedelta(days=1)
    closed_cases = select(CaseRow.id).where(
        CaseRow.status == CaseStatus.CLOSED.value,
        CaseRow.closed_at < now - policy.closed_case_days * day,
    )
    old_bookings = select(BookingRow.id).where(
        BookingRow.slot_end < now - policy.booking_days * day
    )
    statements = [
        ("conversations", delete(ConversationRow).where(
            ConversationRow.updated_at < now - policy.conversation_days * day)),
        ("processed_messages", delete(ProcessedMessage).where(
            ProcessedMessage.processed_at < now - policy.handled_ids_days * day)),
        ("reminders", delete(ReminderRow).where(or_(
            ReminderRow.booking_id.in_(old_bookings),
            ReminderRow.due_at < now - policy.booking_days * day))),
        ("bookings", delete(BookingRow).where(
            BookingRow.slot_end < now - policy.booking_days * day)),
        ("booking_waitlist", delete(WaitingRow).where(
            WaitingRow.created_at < now - policy.booking_days * day)),
        ("handover_messages", delete(CaseMessageRow).where(
            CaseMessageRow.case_id.in_(closed_cases))),
        ("handover_cases", delete(CaseRow).where(CaseRow.id.in_(closed_cases))),
        ("outbox", delete(OutboxRow).where(
            OutboxRow.created_at < now - policy.outbox_days * day)),
    ]  # fmt: skip
    counts: dict[str, int] = {}
    for table, statement in statements:
        result = await session.execute(statement)
        counts[table] = int(getattr(result, "rowcount", 0) or 0)
    return counts


class RetentionJob:
    """The bot prunes its own database: at start and then every ``every``."""

    def __init__(
        self,
        database: Database,
        policy: RetentionPolicy,
        clock: Clock,
        every: timedelta = timedelta(hours=1),
    ) -> None:
        self._database = database
        self._policy = policy
        self._clock = clock
        self._every = every

    async def run_once(self) -> dict[str, int]:
        async with self._database.unit_of_work() as session:
            counts = await prune(session, self._policy, self._clock.now())
        removed = {table: n for table, n in counts.items() if n}
        if removed:
            log.info(
                "retention: removed %s", ", ".join(f"{n} from {t}" for t, n in removed.items())
            )
        return counts

    async def run_forever(self) -> None:
        while True:
            try:
                await self.run_once()
            except (SQLAlchemyError, LotseError, OSError) as exc:  # the next round retries
                log.warning("retention run failed (%s); tried again later", type(exc).__name__)
            await asyncio.sleep(self._every.total_seconds())


class CoreEraser:
    """Part of /delete: the handled-message ids and queued replies of the conversation."""

    async def erase(self, ctx: TurnContext) -> None:
        owner = owner_tag(ctx.message.conversation.key)
        await ctx.session.execute(delete(ProcessedMessage).where(ProcessedMessage.owner == owner))
        await ctx.session.execute(delete(OutboxRow).where(OutboxRow.owner == owner))


async def report(database: Database, policy: RetentionPolicy) -> list[StoredKind]:
    """Per kind of data: what it holds, how long it is kept, how many rows, the oldest."""
    lines = []
    async with database.unit_of_work() as session:
        for kind, model, column in _kinds(policy):
            count = await session.scalar(select(func.count()).select_from(model))
            oldest = await session.scalar(select(func.min(column)))
            lines.append(
                StoredKind(
                    what=kind.what,
                    table=kind.table,
                    holds=kind.holds,
                    kept=kind.kept,
                    rows=int(count or 0),
                    oldest=oldest,
                )
            )
    return lines
