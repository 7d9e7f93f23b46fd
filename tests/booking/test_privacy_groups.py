"""Privacy in group chats: each member's bookings, /delete and handover are their own."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from bot.booking.models import BookingRow
from bot.messages import ChatId, ConversationRef, IncomingMessage, MessageKind, Reply, UserId
from tests.booking.conftest import Booking

GROUP = ChatId("-100777")
_ids = itertools.count(1)


async def member_says(booking: Booking, member: str, text: str) -> list[Reply]:
    """A message in the group chat, written by ``member`` (as the Telegram adapter sees it)."""
    message = IncomingMessage(
        conversation=ConversationRef(
            channel=booking.memory.name, chat_id=GROUP, member=UserId(member)
        ),
        sender=UserId(member),
        message_id=f"{GROUP}:{next(_ids)}",
        kind=MessageKind.TEXT,
        text=text,
    )
    return await booking.memory.deliver(message)


async def test_privacy_group_member_cannot_see_or_delete_anothers_booking(
    booking: Booking,
) -> None:
    for member in ("alice", "bob"):
        await member_says(booking, member, "/language")
        await member_says(booking, member, "English")
    await member_says(booking, "alice", "how do i make an appointment")
    await member_says(booking, "alice", "1")
    await member_says(booking, "alice", "1")
    booked = await member_says(booking, "alice", "1")
    assert "Your appointment is booked" in booked[0].text
    # Bob, in the same group, has no appointment and cannot list Alice's.
    replies = await member_says(booking, "bob", "cancel my appointment")
    assert not any(c.label.startswith("Thu") for r in replies for c in r.choices)
    assert replies[0].text == "You have no booked appointments."
    # Bob's /delete erases only what is Bob's.
    await member_says(booking, "bob", "/delete")
    replies = await member_says(booking, "bob", "1")
    assert replies and replies[0].choices == ()
    async with booking.core.database.unit_of_work() as session:
        owners = (await session.execute(select(BookingRow.conversation))).scalars().all()
    assert owners == [f"memory:{GROUP}|alice"]
    # Alice still sees hers; Alice's /delete takes it.
    replies = await member_says(booking, "alice", "cancel my appointment")
    assert replies[0].choices[0].label.startswith("Thu 19.11.2026")
    await member_says(booking, "alice", "0")
    await member_says(booking, "alice", "/delete")
    await member_says(booking, "alice", "1")
    async with booking.core.database.unit_of_work() as session:
        assert (await session.execute(select(BookingRow.id))).scalars().all() == []
