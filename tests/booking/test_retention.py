"""Retention and erasure: old rows go by age, /delete leaves no row that names the user."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, text

from bot.app import retention_policy
from bot.clock import FrozenClock
from bot.handover.models import CaseMessageRow, CaseRow, CaseStatus
from bot.messages import ChatId, ConversationRef, Outgoing, Reply
from bot.outbox import enqueue
from bot.owners import owner_tag
from bot.retention import RetentionJob, report
from bot.storage.models import Base
from tests.booking.conftest import Booking

CHAT = "4917612345678"


async def book(booking: Booking, chat: str) -> None:
    say = booking.memory.say
    await say(chat, "/language", message_id=f"{chat}:1")
    await say(chat, "English", message_id=f"{chat}:2")
    await say(chat, "how do i make an appointment", message_id=f"{chat}:3")
    await say(chat, "1", message_id=f"{chat}:4")
    await say(chat, "1", message_id=f"{chat}:5")
    replies = await say(chat, "1", message_id=f"{chat}:6")
    assert "Your appointment is booked" in replies[0].text


async def rows_naming(booking: Booking, *needles: str) -> list[str]:
    """Every row of every table whose text contains one of ``needles``."""
    found = []
    async with booking.core.database.unit_of_work() as session:
        for table in Base.metadata.sorted_tables:
            rows = (await session.execute(text(f'SELECT * FROM "{table.name}"'))).all()
            found += [
                f"{table.name}: {row}" for row in rows if any(n in str(row) for n in needles)
            ]
    return found


async def counts(booking: Booking) -> dict[str, int]:
    lines = await report(booking.core.database, retention_policy(booking.settings))
    return {line.table: line.rows for line in lines}


async def test_privacy_delete_leaves_no_row_of_the_user(booking: Booking) -> None:
    await book(booking, CHAT)
    await booking.memory.say("someone-else", "hallo")
    # A staff reply that could not be delivered yet, queued for the user.
    user = ConversationRef(channel=booking.memory.name, chat_id=ChatId(CHAT))
    async with booking.core.database.unit_of_work() as session:
        reply = Reply(text="Frau K., Ihre PLZ 44145 passt.", lang="de")
        await enqueue(
            session, Outgoing(to=user, reply=reply, id="staff:1"), booking.core.clock.now()
        )
    tag = owner_tag(user.key)
    assert await rows_naming(booking, CHAT, tag)
    await booking.memory.say(CHAT, "/delete", message_id=f"{CHAT}:7")
    await booking.memory.say(CHAT, "1", message_id=f"{CHAT}:8")
    assert await rows_naming(booking, CHAT, tag, "44145") == []
    # Someone else's data stays.
    assert await rows_naming(booking, "someone-else")


async def test_retention_prunes_by_age_and_keeps_what_is_young(
    booking: Booking, clock: FrozenClock
) -> None:
    await book(booking, CHAT)
    async with booking.core.database.unit_of_work() as session:
        session.add(
            CaseRow(
                id="K7F2",
                status=CaseStatus.CLOSED.value,
                reason="human",
                lang="de",
                rooms="",
                opened_at=clock.now(),
                closed_at=clock.now(),
            )
        )
        await session.flush()
        session.add(CaseMessageRow(case_id="K7F2", author="user", at=clock.now(), text="x"))
    job = RetentionJob(booking.core.database, retention_policy(booking.settings), clock)
    before = await counts(booking)
    assert before["conversations"] == 1 and before["bookings"] == 1
    assert before["processed_messages"] == 6 and before["handover_cases"] == 1
    clock.advance(timedelta(days=29))
    await job.run_once()
    assert await counts(booking) == before  # nothing is old enough yet
    # 30 days after the last message: conversation and handled ids go; the appointment (next
    # Thursday) stays until 30 days after it took place.
    clock.advance(timedelta(days=1, minutes=1))
    removed = await job.run_once()
    assert removed["conversations"] == 1 and removed["processed_messages"] == 6
    after = await counts(booking)
    assert after["conversations"] == 0 and after["processed_messages"] == 0
    assert after["bookings"] == 1 and after["handover_cases"] == 1
    clock.advance(timedelta(days=7))
    await job.run_once()
    assert (await counts(booking))["bookings"] == 0
    clock.advance(timedelta(days=60))
    await job.run_once()
    after = await counts(booking)
    assert after["handover_cases"] == 0 and after["handover_messages"] == 0
    assert await rows_naming(booking, CHAT) == []


async def test_retention_is_configurable(booking: Booking, clock: FrozenClock) -> None:
    await book(booking, CHAT)
    short = booking.settings.model_copy(update={"retention_conversation_days": 2})
    job = RetentionJob(booking.core.database, retention_policy(short), clock)
    clock.advance(timedelta(days=2, minutes=1))
    removed = await job.run_once()
    assert removed["conversations"] == 1 and removed["processed_messages"] == 0


async def test_retention_runs_as_a_background_job_of_the_bot(booking: Booking) -> None:
    jobs = [job.__self__ for job in booking.core.background if hasattr(job, "__self__")]
    assert any(isinstance(job, RetentionJob) for job in jobs)
    rows = await select_one(booking)
    assert rows == 0


async def select_one(booking: Booking) -> int:
    async with booking.core.database.unit_of_work() as session:
        return len((await session.execute(select(CaseRow.id))).all())
