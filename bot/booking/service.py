"""Booking rules on the database: slots, holds, confirm, cancel, move, waiting list, reminders."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.booking.models import CONFIRMED, HELD, BookingRow, ReminderRow, WaitingRow
from bot.clock import BERLIN
from bot.errors import BookingError, SlotTakenError
from bot.offices.directory import Bookable
from bot.offices.opening import OpeningCalendar

log = logging.getLogger(__name__)

HOLD_MINUTES = 10
"""How long a slot is kept while the user confirms."""
OFFER_HOLD_MINUTES = 120
"""How long a freed slot is kept for the next person on the waiting list."""
HORIZON_DAYS = 28
"""How far ahead slots are offered."""
REMINDER_TIME = time(9, 0)
"""Reminders go out at this Berlin time on the day before."""


class SlotUnavailableError(BookingError):
    """The slot is not offered: in the past, outside opening hours, or on a closed day."""


class HoldExpiredError(BookingError):
    """The hold ran out (or was given to someone else) before the user confirmed."""


class BookingNotFoundError(BookingError):
    """No such booking for this conversation."""


class BookingLimitError(BookingError):
    """The conversation already holds as many open bookings at the office as it may."""

    def __init__(self, existing: BookingRow) -> None:
        super().__init__(f"open booking {existing.id} at {existing.office_id}")
        self.existing = existing


@dataclass(frozen=True, slots=True, kw_only=True)
class Freed:
    """A slot that became free (cancelled, moved away from, or an expired hold)."""

    office_id: str
    service_id: str
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Offer:
    """A freed slot held for the next person on the waiting list."""

    booking_id: int
    conversation: str
    lang: str
    office_id: str
    service_id: str
    start: datetime
    hold_until: datetime


def _active(now: datetime) -> object:
    return or_(
        BookingRow.status == CONFIRMED,
        and_(BookingRow.status == HELD, BookingRow.hold_expires_at > now),
    )


def _freed(row: BookingRow) -> Freed:
    return Freed(
        office_id=row.office_id, service_id=row.service_id, start=row.slot_start, end=row.slot_end
    )


class BookingService:
    """Every write runs in the caller's unit of work; the database has the last word."""

    def __init__(self, calendar: OpeningCalendar) -> None:
        self._calendar = calendar

    # -- slots ----------------------------------------------------------------------------

    def slots(self, bookable: Bookable, first_day: date, days: int) -> list[datetime]:
        """Slot starts (aware UTC) from the opening hours, stepping in real time, so a window
        that spans a clock change yields exactly the slots that fit in it."""
        length = timedelta(minutes=bookable.service.slot_minutes)
        found: list[datetime] = []
        for offset in range(days):
            for opens, closes in self._calendar.windows(
                bookable.office, first_day + timedelta(offset)
            ):
                start = opens
                while start + length <= closes:
                    found.append(start)
                    start += length
        return found

    async def free_slots(
        self,
        session: AsyncSession,
        bookable: Bookable,
        now: datetime,
        *,
        first_day: date | None = None,
        days: int = HORIZON_DAYS,
    ) -> list[datetime]:
        """Slots from ``first_day`` on that start after ``now`` and have a desk free."""
        today = now.astimezone(BERLIN).date()
        first = max(first_day or today, today)
        starts = [s for s in self.slots(bookable, first, days) if s > now]
        if not starts:
            return []
        rows = await session.execute(
            select(BookingRow.slot_start).where(
                BookingRow.office_id == bookable.office.id,
                BookingRow.service_id == bookable.service.id,
                BookingRow.slot_start >= starts[0],
                BookingRow.slot_start <= starts[-1],
                _active(now),  # type: ignore[arg-type]
            )
        )
        taken: dict[datetime, int] = {}
        for (start,) in rows:
            taken[start] = taken.get(start, 0) + 1
        return [s for s in starts if taken.get(s, 0) < bookable.service.desks]

    # -- holding and confirming -----------------------------------------------------------

    async def hold(
        self,
        session: AsyncSession,
        *,
        conversation: str,
        lang: str,
        bookable: Bookable,
        start: datetime,
        now: datetime,
        minutes: int = HOLD_MINUTES,
        replaces_id: int | None = None,
        keep_other_holds: bool = False,
    ) -> BookingRow:
        """Keep a desk at ``start`` for a while. Raises SlotTakenError when all desks are
        taken: the unique key (slot, desk) decides, inside a savepoint per desk. A new hold
        replaces the conversation's other holds, unless ``keep_other_holds`` (an offer from
        the waiting list must not take away a hold the person is booking with)."""
        office, service = bookable.office, bookable.service
        local_day = start.astimezone(BERLIN).date()
        if start <= now or start not in self.slots(bookable, local_day, 1):
            raise SlotUnavailableError(f"{office.id}/{service.id} has no slot at {start}")
        if replaces_id is None:
            # One conversation's messages are handled one at a time (the dispatcher's lock),
            # so this count cannot race with another booking of the same person.
            mine = await self.open_at(session, conversation, office.id, now)
            if len(mine) >= office.booking.max_open_per_person:
                raise BookingLimitError(mine[0])
        await session.execute(
            delete(BookingRow).where(
                BookingRow.office_id == office.id,
                BookingRow.service_id == service.id,
                BookingRow.slot_start == start,
                BookingRow.status == HELD,
                BookingRow.hold_expires_at <= now,
            )
        )
        if not keep_other_holds:
            await session.execute(
                delete(BookingRow).where(
                    BookingRow.conversation == conversation, BookingRow.status == HELD
                )
            )
        for desk in range(1, service.desks + 1):
            row = BookingRow(
                office_id=office.id,
                service_id=service.id,
                slot_start=start,
                slot_end=start + timedelta(minutes=service.slot_minutes),
                desk=desk,
                status=HELD,
                conversation=conversation,
                lang=lang,
                hold_expires_at=now + timedelta(minutes=minutes),
                replaces_id=replaces_id,
                created_at=now,
            )
            try:
                async with session.begin_nested():
                    session.add(row)
            except IntegrityError:
                continue
            return row
        raise SlotTakenError(f"{office.id}/{service.id} at {start}: all desks taken")

    async def confirm(
        self, session: AsyncSession, booking_id: int, conversation: str, now: datetime
    ) -> tuple[BookingRow, list[Freed]]:
        """Turn a hold into a booking; a move frees the old slot. Schedules the reminder."""
        row = await session.get(BookingRow, booking_id)
        if row is None or row.conversation != conversation:
            raise HoldExpiredError(f"hold {booking_id} is gone")
        if row.status == CONFIRMED:
            return row, []
        if row.hold_expires_at is None or row.hold_expires_at <= now:
            await session.delete(row)
            raise HoldExpiredError(f"hold {booking_id} expired")
        row.status = CONFIRMED
        row.hold_expires_at = None
        freed: list[Freed] = []
        if row.replaces_id is not None:
            old = await session.get(BookingRow, row.replaces_id)
            if old is not None and old.conversation == conversation:
                freed.append(await self._remove(session, old))
            row.replaces_id = None
        due = datetime.combine(
            row.slot_start.astimezone(BERLIN).date() - timedelta(days=1), REMINDER_TIME, BERLIN
        )
        if due > now:
            session.add(
                ReminderRow(
                    conversation=conversation,
                    lang=row.lang,
                    kind="booking",
                    due_at=due,
                    booking_id=row.id,
                    payload="{}",
                )
            )
        await session.flush()
        return row, freed

    async def release(self, session: AsyncSession, booking_id: int, conversation: str) -> Freed:
        """Give up a hold (e.g. a declined waiting-list offer)."""
        row = await session.get(BookingRow, booking_id)
        if row is None or row.conversation != conversation:
            raise BookingNotFoundError(str(booking_id))
        return await self._remove(session, row)

    async def cancel(
        self, session: AsyncSession, booking_id: int, conversation: str
    ) -> tuple[BookingRow, Freed]:
        row = await session.get(BookingRow, booking_id)
        if row is None or row.conversation != conversation or row.status != CONFIRMED:
            raise BookingNotFoundError(str(booking_id))
        return row, await self._remove(session, row)

    async def _remove(self, session: AsyncSession, row: BookingRow) -> Freed:
        freed = _freed(row)
        await session.execute(delete(ReminderRow).where(ReminderRow.booking_id == row.id))
        await session.delete(row)
        await session.flush()
        return freed

    async def get(self, session: AsyncSession, booking_id: int) -> BookingRow | None:
        return await session.get(BookingRow, booking_id)

    async def mine(
        self, session: AsyncSession, conversation: str, now: datetime
    ) -> list[BookingRow]:
        """Upcoming confirmed appointments of a conversation, soonest first."""
        rows = await session.execute(
            select(BookingRow)
            .where(
                BookingRow.conversation == conversation,
                BookingRow.status == CONFIRMED,
                BookingRow.slot_end > now,
            )
            .order_by(BookingRow.slot_start, BookingRow.id)
        )
        return list(rows.scalars())

    async def open_at(
        self, session: AsyncSession, conversation: str, office_id: str, now: datetime
    ) -> list[BookingRow]:
        """Upcoming confirmed appointments of a conversation at one office, soonest first."""
        return [r for r in await self.mine(session, conversation, now) if r.office_id == office_id]

    # -- waiting list ---------------------------------------------------------------------

    async def wait(
        self,
        session: AsyncSession,
        *,
        conversation: str,
        lang: str,
        bookable: Bookable,
        now: datetime,
    ) -> None:
        """Join the waiting list of a service (once; joining again keeps the first place)."""
        try:
            async with session.begin_nested():
                session.add(
                    WaitingRow(
                        office_id=bookable.office.id,
                        service_id=bookable.service.id,
                        conversation=conversation,
                        lang=lang,
                        created_at=now,
                    )
                )
        except IntegrityError:
            log.debug("already on the waiting list")

    async def offer(
        self, session: AsyncSession, freed: Freed, bookable: Bookable, now: datetime
    ) -> Offer | None:
        """Hold a freed slot for the first person waiting; they leave the list."""
        if freed.start <= now:
            return None
        # Row locks on PostgreSQL: of two offers at once each takes the first person no other
        # offer has locked, so two freed slots go to two people in list order.
        query = (
            select(WaitingRow)
            .where(
                WaitingRow.office_id == freed.office_id, WaitingRow.service_id == freed.service_id
            )
            .order_by(WaitingRow.created_at, WaitingRow.id)
            .limit(1)
        )
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        person = await session.scalar(query)
        if person is None:
            return None
        try:
            async with session.begin_nested():
                row = await self.hold(
                    session,
                    conversation=person.conversation,
                    lang=person.lang,
                    bookable=bookable,
                    start=freed.start,
                    now=now,
                    minutes=OFFER_HOLD_MINUTES,
                    keep_other_holds=True,
                )
        except BookingError:
            # The slot is gone after all: the person keeps their place on the list.
            return None
        await session.delete(person)
        assert row.hold_expires_at is not None
        return Offer(
            booking_id=row.id,
            conversation=person.conversation,
            lang=person.lang,
            office_id=row.office_id,
            service_id=row.service_id,
            start=row.slot_start,
            hold_until=row.hold_expires_at,
        )

    async def expired_holds(self, session: AsyncSession, now: datetime) -> list[Freed]:
        """Remove holds that ran out; their slots are free again."""
        query = select(BookingRow).where(
            BookingRow.status == HELD, BookingRow.hold_expires_at <= now
        )
        if session.get_bind().dialect.name == "postgresql":
            # Another replica removing the same hold now keeps it: each is passed on once.
            query = query.with_for_update(skip_locked=True)
        rows = await session.execute(query)
        return [await self._remove(session, row) for row in list(rows.scalars())]

    # -- reminders and erasure ------------------------------------------------------------

    async def remind_deadline(
        self, session: AsyncSession, *, conversation: str, lang: str, due: datetime, deadline: date
    ) -> None:
        session.add(
            ReminderRow(
                conversation=conversation,
                lang=lang,
                kind="deadline",
                due_at=due,
                payload=json.dumps({"deadline": deadline.isoformat()}),
            )
        )

    async def claim_due_reminders(self, session: AsyncSession, now: datetime) -> list[ReminderRow]:
        """Take the due reminders for this transaction: they are deleted here, so the message
        queued with them in the same commit is the only one.

        Claimed per row: on PostgreSQL the rows are locked with ``FOR UPDATE SKIP LOCKED``, so
        a second replica polling at the same time takes only rows no one holds and never
        waits; on SQLite the ``DELETE`` takes the database's single write lock, and a second
        process deletes (and so sends) only what is still there after the first committed."""
        due = select(ReminderRow.id).where(ReminderRow.due_at <= now)
        if session.get_bind().dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        claimed = await session.scalars(
            delete(ReminderRow)
            .where(ReminderRow.id.in_(due))
            .returning(ReminderRow)
            .execution_options(synchronize_session=False)
        )
        return sorted(claimed, key=lambda r: (r.due_at, r.id))

    async def erase(
        self, session: AsyncSession, conversation: str
    ) -> list[tuple[BookingRow, Freed]]:
        """Delete everything stored for a conversation; returns the bookings that were freed."""
        rows = await session.execute(
            select(BookingRow).where(BookingRow.conversation == conversation)
        )
        freed = [(row, await self._remove(session, row)) for row in list(rows.scalars())]
        await session.execute(delete(WaitingRow).where(WaitingRow.conversation == conversation))
        await session.execute(delete(ReminderRow).where(ReminderRow.conversation == conversation))
        return freed
