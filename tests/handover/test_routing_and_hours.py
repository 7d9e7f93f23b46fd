"""Which rooms see a case first, escalation to everyone, office hours, and office notices."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import FrozenClock
from bot.handover.roster import load_roster
from bot.handover.service import HandoverService
from bot.handover.staff_notices import CaseEscalation, StaffRoomNotifier
from bot.knowledge_store import KnowledgeStore
from tests.handover.conftest import (
    ANA,
    RO_ROOM,
    ROOM,
    ROSTER,
    Handover,
    start_handover,
    write_roster,
)

USER = "4711"
TWO_ROOMS = ROSTER.replace(
    f'    chat_id: "{ROOM}"\n',
    f'    chat_id: "{ROOM}"\n    languages: [de, en]\n'
    f'  - channel: matrix\n    chat_id: "{RO_ROOM}"\n    languages: [ro, bg]\n'
    "    offices: [migrado]\n",
)


@pytest.fixture
async def two_rooms(
    database_url: str, tmp_path: Path, knowledge_store: KnowledgeStore, clock: FrozenClock
) -> AsyncIterator[Handover]:
    roster = write_roster(tmp_path, TWO_ROOMS)
    world = await start_handover(database_url, roster, knowledge_store, clock)
    yield world
    await world.core.close()


def escalation_of(world: Handover) -> CaseEscalation:
    core = world.core
    assert core.settings.staff_roster is not None
    service = HandoverService(
        roster=load_roster(core.settings.staff_roster), texts=core.knowledge.texts
    )
    return CaseEscalation(
        service=service, database=core.database, outbox=core.outbox, clock=core.clock
    )


async def test_a_romanian_case_goes_to_the_romanian_room_then_to_everyone(
    two_rooms: Handover,
) -> None:
    await two_rooms.users.say(USER, "/human", lang_hint="ro")
    case_id = two_rooms.last_case_id(RO_ROOM)
    card = two_rooms.room_texts(RO_ROOM)[-1]
    assert "language: ro (Română)" in card
    assert "suited (language, district): Ana" in card
    assert two_rooms.room_texts(ROOM) == []

    escalation = escalation_of(two_rooms)
    two_rooms.clock.advance(timedelta(minutes=14))
    assert await escalation.run_once() == 0
    two_rooms.clock.advance(timedelta(minutes=1))
    assert await escalation.run_once() == 1
    assert two_rooms.room_texts(ROOM)[-1].startswith("Noch offen – an alle")
    assert case_id in two_rooms.room_texts(ROOM)[-1]
    assert await escalation.run_once() == 0, "a case is escalated once"

    # Now both rooms hear the user, and whoever claims tells the other room.
    await two_rooms.users.say(USER, "Am o întrebare despre chirie")
    assert two_rooms.room_texts(ROOM)[-1] == f"[{case_id}] Am o întrebare despre chirie"
    assert two_rooms.room_texts(RO_ROOM)[-1] == f"[{case_id}] Am o întrebare despre chirie"
    await two_rooms.staff_says(ANA, f"!claim {case_id}", room=RO_ROOM)
    assert two_rooms.room_texts(ROOM)[-1] == f"{case_id}: übernommen von / claimed by Ana"
    assert two_rooms.user_texts(USER)[-1] == (
        "Ana de la biroul de consiliere vă răspunde acum aici."
    )


async def test_a_case_no_room_covers_goes_to_every_room(two_rooms: Handover) -> None:
    await two_rooms.users.say(USER, "/human", lang_hint="fr")
    assert two_rooms.room_texts(ROOM) and two_rooms.room_texts(RO_ROOM)


async def test_a_claimed_case_is_not_escalated(two_rooms: Handover) -> None:
    await two_rooms.users.say(USER, "/human", lang_hint="ro")
    await two_rooms.staff_says(ANA, f"!claim {two_rooms.last_case_id(RO_ROOM)}", room=RO_ROOM)
    two_rooms.clock.advance(timedelta(hours=1))
    assert await escalation_of(two_rooms).run_once() == 0


async def test_office_notices_go_to_the_rooms_of_the_office(two_rooms: Handover) -> None:
    assert two_rooms.core.settings.staff_roster is not None
    roster = load_roster(two_rooms.core.settings.staff_roster)
    notifier = StaffRoomNotifier(roster, two_rooms.core.outbox, two_rooms.clock)
    await notifier.notify("migrado", "Neue Buchung: Do 20.11. 10:00")
    assert two_rooms.room_texts(RO_ROOM) == ["Neue Buchung: Do 20.11. 10:00"]
    assert two_rooms.room_texts(ROOM) == ["Neue Buchung: Do 20.11. 10:00"]
    await notifier.notify("lokal-willkommen-eving-scharnhorst", "Storno")
    assert two_rooms.room_texts(RO_ROOM)[-1] != "Storno"
    assert two_rooms.room_texts(ROOM)[-1] == "Storno"


async def test_out_of_hours_the_user_hears_when_staff_are_back(handover: Handover) -> None:
    handover.clock.set(datetime(2026, 11, 21, 12, 0, tzinfo=UTC))  # a Saturday
    [reply] = await handover.users.say(USER, "/human", lang_hint="en")
    assert "The team is not at work right now" in reply.text
    assert "The next office hours start on 23.11.2026 09:00." in reply.text


async def test_without_published_hours_the_user_hears_the_honest_truth(
    database_url: str, tmp_path: Path, knowledge_store: KnowledgeStore, clock: FrozenClock
) -> None:
    no_hours = ROSTER.split("escalate_after_minutes")[1]
    roster = write_roster(tmp_path, "escalate_after_minutes" + no_hours)
    world = await start_handover(database_url, roster, knowledge_store, clock)
    try:
        [reply] = await world.users.say(USER, "/human", lang_hint="en")
        assert "as soon as possible, usually on working days" in reply.text
    finally:
        await world.core.close()


async def test_the_user_hears_passed_on_at_most_every_half_hour(handover: Handover) -> None:
    await handover.users.say(USER, "/human", lang_hint="en")
    assert await handover.users.say(USER, "one") == []
    handover.clock.advance(timedelta(minutes=31))
    [told] = await handover.users.say(USER, "two")
    assert told.text == "Your message has been passed on. A person will answer here."
    assert await handover.users.say(USER, "three") == []


async def test_installing_handover_names_the_staff_rooms_and_the_notifier(
    two_rooms: Handover,
) -> None:
    core = two_rooms.core
    assert isinstance(core.staff_notifier, StaffRoomNotifier)
    assert core.staff_rooms == {"matrix": {ROOM, RO_ROOM}}
