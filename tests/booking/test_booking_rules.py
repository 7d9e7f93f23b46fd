"""Booking only where an office takes bookings: its admins turned it on, its staff hear of it;
otherwise the way to an appointment there. One open booking per person and office."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.memory import MemoryAdapter
from bot.app import build_core
from bot.booking.service import BookingLimitError
from bot.booking.staff import RecordingStaffNotifier
from bot.booking.ways import named_offices, ways_reply
from bot.clock import FrozenClock
from bot.handover.roster import RosterDoc, StaffRoster
from bot.handover.staff_notices import StaffRoomNotifier
from bot.offices.directory import OfficeDirectory
from bot.settings import Settings
from bot.texts import Texts
from knowledge.loader import load_knowledge
from knowledge.schema import Contacts
from tests.booking.conftest import Booking, booking_settings, start
from tests.booking.kb import kb_with_two_bookable_offices
from tests.booking.test_booking_chat import english, pick

JOBCENTER = """
  - id: jobcenter-test
    name: Jobcenter Dortmund (Testeintrag)
    city: dortmund
    kind: authority
    address: {street: Beispielweg 9, postcode: "44135", city: Dortmund}
    topics: [job]
    hours:
      mon: ["08:00-12:00"]
    contacts: {phones: ["0000 000000 (Testnummer)"]}
    appointment_url: https://termine.example.test/jobcenter
    source: test data (invented, not a fact)
    verified: 2026-11-21
    unverified: [location, languages]
"""


def _kb_with_jobcenter(tmp_path: Path) -> Path:
    kb = kb_with_two_bookable_offices(tmp_path / "jobcenter")
    offices = kb / "offices.yaml"
    offices.write_text(offices.read_text(encoding="utf-8") + JOBCENTER, encoding="utf-8")
    return kb


@pytest.fixture
async def with_jobcenter(
    database_url: str, tmp_path: Path, memory: MemoryAdapter, clock: FrozenClock
) -> AsyncIterator[Booking]:
    settings = booking_settings(database_url, tmp_path).model_copy(
        update={"knowledge_dir": _kb_with_jobcenter(tmp_path)}
    )
    started = await start(settings, memory, clock)
    yield started
    await started.core.close()


async def test_termin_beim_jobcenter_never_books_another_office(
    with_jobcenter: Booking,
) -> None:
    say = with_jobcenter.memory.say
    await say("j", "/language")
    await say("j", "Deutsch")
    replies = await say("j", "Termin beim Jobcenter")
    text = "\n".join(r.text for r in replies)
    # The bundled knowledge has the real Jobcenter too: either office may be named, but the
    # answer is the way to get an appointment there, never a slot somewhere else.
    assert replies[0].text.startswith(("Bei Jobcenter Dortmund", "Jobcenter Dortmund"))
    assert "https://" in text
    # No slot of Lanstrop or Lütgendortmund, although both take bookings.
    assert "Lanstrop" not in text and "Lütgendortmund" not in text
    assert not any(c.key.startswith(("bk:", "b:office:")) for r in replies for c in r.choices)
    assert with_jobcenter.staff.notices == []


async def test_without_staff_to_tell_no_office_offers_slots(
    database_url: str, tmp_path: Path, memory: MemoryAdapter, clock: FrozenClock
) -> None:
    # Booking is on for two offices, but no roster: nobody would hear of a booking.
    settings = booking_settings(database_url, tmp_path).model_copy(update={"staff_roster": None})
    core = await build_core(settings, adapters=(memory,), clock=clock)
    memory.bind(core.dispatcher)
    try:
        await memory.say("n", "/language")
        await memory.say("n", "English")
        asked = await memory.say("n", "I want to book an appointment")
        assert "Which city do you live in?" in asked[0].text
        replies = await memory.say("n", "44388")
    finally:
        await core.close()
    text = "\n".join(r.text for r in replies)
    assert "I cannot book appointments at lokal willkommen Lütgendortmund" in text
    assert "Without an appointment during opening hours: Mon 09:00-12:00; Wed 09:00-12:00" in (
        text
    )
    assert not any(c.key.startswith("bk:") for r in replies for c in r.choices)


async def test_bundled_offices_give_the_way_not_slots(
    database_url: str, tmp_path: Path, memory: MemoryAdapter, clock: FrozenClock
) -> None:
    # The bundled knowledge base: no office has booking turned on.
    settings = Settings(database_url=database_url, semantic=False, cache_dir=tmp_path)
    core = await build_core(settings, adapters=(memory,), clock=clock)
    memory.bind(core.dispatcher)
    try:
        await memory.say("b", "/language")
        await memory.say("b", "English")
        await memory.say("b", "book an appointment")
        replies = await memory.say("b", "Lanstrop")
    finally:
        await core.close()
    text = "\n".join(r.text for r in replies)
    assert "I cannot book appointments at" in text
    assert not any(c.key.startswith("bk:") for r in replies for c in r.choices)


async def test_one_open_booking_per_person_and_office(booking: Booking) -> None:
    say = booking.memory.say
    await english(booking, "u9")
    offices = (await say("u9", "how do i make an appointment"))[-1]
    slots = (await say("u9", pick(offices, "Lütgendortmund")))[0]
    await say("u9", "1")
    booked = (await say("u9", "1"))[0]
    assert "Your appointment is booked" in booked.text
    # A second appointment at the same office: the first one is shown instead of slots.
    offices = (await say("u9", "how do i make an appointment"))[-1]
    replies = await say("u9", pick(offices, "Lütgendortmund"))
    assert replies[0].text.startswith(
        "You already have an appointment at lokal willkommen Lütgendortmund:"
    )
    assert [c.key.split(":")[1] for c in replies[0].choices] == ["move", "cancel"]
    assert slots.choices[0].label in replies[0].text
    # Another office is still fine.
    offices = (await say("u9", "how do i make an appointment"))[-1]
    replies = await say("u9", pick(offices, "Lanstrop"))
    assert "Free appointments at lokal willkommen Eving/Scharnhorst" in replies[0].text


async def test_the_service_itself_refuses_a_second_hold(booking: Booking) -> None:
    kb = booking.core.knowledge.kb
    bookable = OfficeDirectory(kb).service("lokal-willkommen-luetgendortmund", "advice")
    assert bookable is not None
    service = booking.feature.service
    now = booking.core.clock.now()
    async with booking.core.database.unit_of_work() as session:
        first, second = (await service.free_slots(session, bookable, now))[:2]
        row = await service.hold(
            session, conversation="t:1", lang="de", bookable=bookable, start=first, now=now
        )
        await service.confirm(session, row.id, "t:1", now)
    async with booking.core.database.unit_of_work() as session:
        with pytest.raises(BookingLimitError) as refused:
            await service.hold(
                session, conversation="t:1", lang="de", bookable=bookable, start=second, now=now
            )
        assert refused.value.existing.id == row.id
        # Moving the one booking is allowed (it replaces, the count stays one).
        moved = await service.hold(
            session, conversation="t:1", lang="de", bookable=bookable, start=second, now=now,
            replaces_id=row.id,
        )  # fmt: skip
        assert moved.slot_start == second


async def test_staff_notice_names_language_and_topic(booking: Booking) -> None:
    say = booking.memory.say
    await say("k", "/language")
    await say("k", "Українська")
    await say("k", "де знайти місце в дитсадку кіта")
    offices = (await say("k", "як записатися на прийом"))[-1]
    await say("k", pick(offices, "Lütgendortmund"))
    await say("k", "1")
    await say("k", "1")
    office, notice = booking.staff.notices[-1]
    assert office == "lokal-willkommen-luetgendortmund"
    assert notice.endswith("Sprache: uk. Thema: kita.")


def test_roster_rooms_decide_who_hears_of_bookings() -> None:
    roster = StaffRoster(
        RosterDoc.model_validate(
            {
                "members": [{"name": "Ana", "identities": {"matrix": "@ana:example.test"}}],
                "rooms": [
                    {"channel": "matrix", "chat_id": "!a:example.test", "offices": ["migrado"]}
                ],
            }
        )
    )
    notifier = StaffRoomNotifier(roster, outbox=None, clock=None)  # type: ignore[arg-type]
    assert notifier.reaches("migrado")
    assert notifier.reaches("migrado", ("!a:example.test", "Ana"))
    assert not notifier.reaches("migrado", ("!elsewhere:example.test",))
    assert not notifier.reaches("lokal-willkommen-lanstrop")  # no room serves it
    assert not RecordingStaffNotifier(reachable=False).reaches("migrado")


def test_an_office_named_in_the_message() -> None:
    kb = load_knowledge()
    directory = OfficeDirectory(kb)
    assert [o.id for o in named_offices(directory, "Termin bei MigraDO bitte")] == ["migrado"]
    # Dortmund's and Dorsten's foreigners' offices share the word; Dortmund's comes first.
    named = [o.id for o in named_offices(directory, "Termin in der Ausländerbehörde")]
    assert named == ["auslaenderbehoerde", "auslaenderbehoerde-dorsten"]
    assert named_offices(directory, "ich brauche einen Termin") == []
    assert named_offices(directory, "lokal willkommen Dortmund") == []


def test_the_way_to_an_appointment_comes_from_the_office_data() -> None:
    kb = load_knowledge()
    texts = Texts(kb)
    office = OfficeDirectory(kb).get("migrado")
    assert office is not None
    closed = office.model_copy(
        update={
            "temporarily_closed": True,
            "appointment_url": "https://termine.example.test/x",
            "contacts": Contacts(phones=("0000 0 (Testnummer)",)),
        }
    )
    lines = ways_reply(texts, "de", closed).text.splitlines()
    assert lines == [
        f"Bei {office.name} kann ich keine Termine buchen. So bekommen Sie dort einen Termin:",
        "Die Stelle ist zurzeit geschlossen.",
        "Online: https://termine.example.test/x",
        "Kontakt: 0000 0 (Testnummer)",
    ]
    bare = office.model_copy(update={"contacts": Contacts(), "hours": {}})
    lines = ways_reply(texts, "en", bare).text.splitlines()
    assert lines[1] == "How to get an appointment there has not been published yet."
    by_appointment = bare.model_copy(update={"appointment_only": True})
    assert "only see people with an appointment" in ways_reply(texts, "en", by_appointment).text
