"""Reminders that survive a restart, and the waiting list that offers a freed slot."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from adapters.memory import MemoryAdapter
from bot.booking import reminders_for
from bot.clock import BERLIN, FrozenClock
from tests.booking.conftest import Booking, booking_settings, start


async def book_first_slot_on_26th(booking: Booking, chat: str) -> None:
    say = booking.memory.say
    await say(chat, "/language")
    await say(chat, "Українська")
    replies = await say(chat, "як записатися на прийом")
    assert "Де ви хочете записатися" in replies[-1].text
    await say(chat, "1")  # Lanstrop
    replies = await say(chat, "26.11.")
    assert replies[0].choices[0].label == "Чт 26.11.2026 08:30"
    await say(chat, "1")
    replies = await say(chat, "1")
    assert "Вас записано" in replies[0].text


async def test_the_reminder_fires_once_after_a_restart(
    database_url: str, tmp_path: Path, clock: FrozenClock
) -> None:
    settings = booking_settings(database_url, tmp_path)
    first = await start(settings, MemoryAdapter(), clock)
    await book_first_slot_on_26th(first, "olena")
    await first.core.close()

    clock.set(datetime(2026, 11, 25, 9, 5, tzinfo=BERLIN))  # the day before, after 09:00
    memory = MemoryAdapter()
    second = await start(settings, memory, clock)
    try:
        assert await reminders_for(second.core).run_due() == 1
        assert await reminders_for(second.core).run_due() == 0
        texts = [r.text for r in memory.replies_to("olena")]
        assert texts == [
            "Нагадування: завтра у вас прийом, Чт 26.11.2026 08:30, у lokal willkommen "
            "Eving/Scharnhorst – Sprechstunde Lanstrop. Якщо не зможете прийти, скасуйте його, "
            "будь ласка."
        ]
    finally:
        await second.core.close()


async def test_no_reminder_before_it_is_due(booking: Booking, clock: FrozenClock) -> None:
    await book_first_slot_on_26th(booking, "petro")
    clock.set(datetime(2026, 11, 25, 8, 55, tzinfo=BERLIN))
    assert await booking.feature.reminders.run_due() == 0
    clock.advance(timedelta(minutes=10))
    assert await booking.feature.reminders.run_due() == 1


async def fill_lanstrop(booking: Booking) -> None:
    """Every Lanstrop slot of the next weeks booked by someone else."""
    directory = booking.feature.offices.finder.directory(booking.core.knowledge.kb)
    bookable = directory.service("lokal-willkommen-lanstrop", "advice")
    assert bookable is not None
    service, now = booking.feature.service, booking.core.clock.now()
    async with booking.core.database.unit_of_work() as session:
        for n, slot in enumerate(await service.free_slots(session, bookable, now)):
            row = await service.hold(
                session, conversation=f"memory:other{n}", lang="de", bookable=bookable,
                start=slot, now=now,
            )  # fmt: skip
            await service.confirm(session, row.id, f"memory:other{n}", now)


async def test_a_freed_slot_goes_to_the_first_person_waiting(booking: Booking) -> None:
    say = booking.memory.say
    await fill_lanstrop(booking)
    for chat in ("first", "second"):
        await say(chat, "/language")
        await say(chat, "English")
        await say(chat, "how do i make an appointment")
        replies = await say(chat, "1")
        assert "no free appointment" in replies[0].text
        replies = await say(chat, "1")
        assert "waiting list" in replies[0].text
    # other0 cancels the 10:30 slot today.
    replies = await say("other0", "cancel my appointment")
    await say("other0", "1")
    await say("other0", "1")
    offer = booking.memory.replies_to("first")[-1]
    assert "An appointment became free" in offer.text and "Thu 19.11.2026 10:30" in offer.text
    assert booking.memory.replies_to("second")[-1].text.startswith("You are on the waiting list")
    replies = await say("first", "2")  # no, thanks: it goes on to the next person
    assert "next person" in replies[0].text
    offer = booking.memory.replies_to("second")[-1]
    assert "An appointment became free" in offer.text
    replies = await say("second", "1")
    assert "Your appointment is booked" in replies[0].text


async def test_an_offer_that_runs_out_goes_to_the_next_person(
    booking: Booking, clock: FrozenClock
) -> None:
    say = booking.memory.say
    await fill_lanstrop(booking)
    for chat in ("slow", "quick"):
        await say(chat, "/language")
        await say(chat, "English")
        await say(chat, "how do i make an appointment")
        await say(chat, "1")
        await say(chat, "1")
    await say("other3", "cancel my appointment")
    await say("other3", "1")
    await say("other3", "1")
    assert "became free" in booking.memory.replies_to("slow")[-1].text
    clock.advance(timedelta(hours=2, minutes=1))
    assert await booking.feature.reminders.run_due() == 1
    assert "became free" in booking.memory.replies_to("quick")[-1].text
    replies = await say("slow", "1")  # too late
    assert "no longer kept for you" in replies[0].text
