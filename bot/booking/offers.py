"""Freed slots go to the next person waiting: a hold for them and a message with two choices."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.booking.service import BookingService, Freed
from bot.messages import Choice, ConversationRef, Outgoing, Reply
from bot.offices.card import when_text
from bot.offices.directory import OfficeDirectory
from bot.storage.repositories import ConversationRepository
from bot.texts import Texts

FLOW = "booking"
TAKE = "bk:take:"
PASS = "bk:pass:"


def conversation_ref(key: str) -> ConversationRef:
    return ConversationRef.from_key(key)


async def offer_freed(
    session: AsyncSession,
    *,
    service: BookingService,
    directory: OfficeDirectory,
    texts: Texts,
    freed: list[Freed],
    now: datetime,
) -> tuple[Outgoing, ...]:
    """Offer each freed slot to the first person waiting; their dialogue moves to the offer."""
    messages: list[Outgoing] = []
    for slot in freed:
        bookable = directory.service(slot.office_id, slot.service_id)
        if bookable is None:
            continue
        offer = await service.offer(session, slot, bookable, now)
        if offer is None:
            continue
        lang = texts.serving_language(offer.lang)
        choices = (
            Choice(key=f"{TAKE}{offer.booking_id}", label=texts.message("yes", lang)),
            Choice(key=f"{PASS}{offer.booking_id}", label=texts.message("no", lang)),
        )
        text = texts.message(
            "booking_offer",
            lang,
            office=bookable.office.name,
            when=when_text(texts, lang, offer.start),
            until=when_text(texts, lang, offer.hold_until),
        )
        ref = conversation_ref(offer.conversation)
        conversations = ConversationRepository(session)
        state = await conversations.load(ref)
        data = {"step": "offer", "hold": offer.booking_id}
        await conversations.save(ref, state.with_flow(FLOW, data, choices=choices), now)
        reply = Reply(text=text, choices=choices, lang=lang)
        messages.append(Outgoing(to=ref, reply=reply, id=f"offer:{offer.booking_id}"))
    return tuple(messages)
