"""Whole dialogues: answers to the bot's own questions and follow-ups, in many languages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.memory import MemoryAdapter
from bot.app import Core, build_core
from bot.clock import FrozenClock
from bot.expects import expected_answer
from bot.messages import Reply
from bot.settings import Settings
from bot.state import ConversationState
from bot.storage.repositories import ConversationRepository
from tests.booking.kb import kb_booking_at_lanstrop, staff_roster

REGISTRATION_ANSWER = {
    "de": "Wohnungsgeberbestätigung",
    "ar": "Wohnungsgeberbestätigung",
}


async def state_of(core: Core, memory: MemoryAdapter, chat: str) -> ConversationState:
    async with core.database.unit_of_work() as session:
        return await ConversationRepository(session).load(memory.ref(chat))


async def choose_language(memory: MemoryAdapter, chat: str, label: str) -> None:
    picker = await memory.say(chat, "/language")
    number = [c.label for c in picker[0].choices].index(label) + 1
    await memory.say(chat, str(number))


def is_city_question(reply: Reply) -> bool:
    return [c.label for c in reply.choices] == ["Dortmund", "Dorsten"]


# (language picker label, registration question, "yesterday", "no" + a non-EU nationality,
#  Dortmund, "where is that?", reply language)
REGISTRATION_DIALOGUES = [
    ("Deutsch", "wo muss ich mich anmelden", "gestern", "nein, ich bin Syrer", "Dortmund",
     "und wo ist das?", "de"),
    ("العربية", "أين أسجل عنواني", "امس", "لا انا سوري", "دورتموند", "ووين هذا؟", "ar"),
    ("Українська", "де зробити анмельдунг", "вчора", "ні я з україни", "Дортмунд", "а де це?",
     "uk"),
    ("Română", "unde mă înregistrez", "ieri", "nu, sunt sirian", "Dortmund",
     "unde este asta?", "ro"),
    ("Türkçe", "Anmeldung nerede yapılır", "dün", "hayır suriyeliyim", "Dortmund",
     "orası nerede?", "tr"),
    ("فارسی / دری", "ثبت آدرس (Anmeldung) کجا انجام میشه", "دیروز", "نه افغانی هستم",
     "دورتموند", "کجاست؟", "fa"),
    ("Русский", "где регистрироваться", "вчера", "нет, я из Сирии", "Дортмунд", "а где это?",
     "ru"),
    ("Български", "къде да се регистрирам", "вчера", "не, от Сирия съм", "Дортмунд",
     "къде е това?", "bg"),
    ("Polski", "gdzie mam się zameldować", "wczoraj", "nie, jestem z Syrii", "Dortmund",
     "a gdzie to jest?", "pl"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("label", "question", "yesterday", "no_nationality", "city", "where", "lang"),
    REGISTRATION_DIALOGUES,
    ids=[row[-1] for row in REGISTRATION_DIALOGUES],
)
async def test_registration_dialogue_reads_typed_answers_and_where_is_that(
    core: Core,
    memory: MemoryAdapter,
    label: str,
    question: str,
    yesterday: str,
    no_nationality: str,
    city: str,
    where: str,
    lang: str,
) -> None:
    chat = f"reg-{lang}"
    await choose_language(memory, chat, label)
    await memory.say(chat, question)
    assert expected_answer(await state_of(core, memory, chat)) == "date"
    # "yesterday": moved in on Wed 18 November, so the last day is Wed 2 December.
    replies = await memory.say(chat, yesterday)
    assert "18.11.2026" in replies[0].text and "02.12.2026" in replies[0].text
    assert replies[0].lang == lang
    assert expected_answer(await state_of(core, memory, chat)) == "nationality"
    # "no, I'm Syrian": not an EU citizen; the next question is the city, in the same language.
    replies = await memory.say(chat, no_nationality)
    assert replies[0].lang == lang and is_city_question(replies[0])
    assert expected_answer(await state_of(core, memory, chat)) == "city"
    replies = await memory.say(chat, city)
    assert "Ausländerbehörde Dortmund" in replies[0].text
    assert "Bezirksverwaltungsstelle" not in replies[0].text  # no EU office is named
    assert "Dienstleistungszentrum Innenstadt" not in replies[0].text
    # "where is that?": the office's location card, not the whole answer again.
    replies = await memory.say(chat, where)
    assert len(replies) == 1 and replies[0].lang == lang
    assert replies[0].text.splitlines()[0].startswith("Ausländerbehörde Dortmund")
    assert "Wohnungsgeberbestätigung" not in replies[0].text
    state = await state_of(core, memory, chat)
    assert state.office == "auslaenderbehoerde" and state.city == "dortmund"


async def test_an_eu_nationality_typed_goes_to_the_eu_offices(
    core: Core, memory: MemoryAdapter
) -> None:
    await choose_language(memory, "eu", "Română")
    await memory.say("eu", "unde mă înregistrez")
    await memory.say("eu", "acum o săptămână")
    replies = await memory.say("eu", "sunt din România")
    assert is_city_question(replies[0])
    replies = await memory.say("eu", "1")  # picked by number: Dortmund
    assert "Bürgerdienste" in replies[0].text or "MigraDO" in replies[0].text
    assert "Ausländerbehörde" not in replies[0].text


async def test_the_reminder_question_takes_a_typed_yes(core: Core, memory: MemoryAdapter) -> None:
    await choose_language(memory, "yes", "Українська")
    await memory.say("yes", "де зробити анмельдунг")
    await memory.say("yes", "тиждень тому")  # Thu 12.11., last day Thu 26.11.
    await memory.say("yes", "ні я з україни")
    replies = await memory.say("yes", "Дортмунд")
    assert expected_answer(await state_of(core, memory, "yes")) == "yes_no"
    replies = await memory.say("yes", "так")
    assert "24.11.2026" in replies[0].text  # reminded two days before the last day


async def test_a_deadline_on_a_holiday_names_the_last_working_day(
    core: Core, memory: MemoryAdapter
) -> None:
    await choose_language(memory, "xmas", "English")
    replies = await memory.say("xmas", "I moved in on 11 December, where do I register")
    text = replies[-1].text
    assert "25.12.2026" in text and "holiday" in text and "closed" in text
    assert "Thu 24.12.2026" in text


async def test_a_deadline_on_a_saturday_names_the_friday(
    core: Core, memory: MemoryAdapter
) -> None:
    await choose_language(memory, "sat", "Deutsch")
    await memory.say("sat", "anmeldung")
    replies = await memory.say("sat", "am 7.11. eingezogen")
    text = replies[0].text
    assert "Sa 21.11.2026" in text and "Wochenende" in text and "Fr 20.11.2026" in text


async def test_a_deadline_on_a_working_day_says_nothing_about_closing(
    core: Core, memory: MemoryAdapter
) -> None:
    await choose_language(memory, "mon", "Deutsch")
    await memory.say("mon", "anmeldung")
    replies = await memory.say("mon", "gestern")
    assert "geschlossen" not in replies[0].text


@pytest.mark.parametrize(
    ("label", "question", "someone", "lang"),
    [
        ("English", "where do I register", "and for my wife?", "en"),
        ("English", "where do I register", "for my wife too", "en"),
        ("Українська", "де зробити анмельдунг", "а для дружини?", "uk"),
        ("Русский", "где регистрироваться", "а для жены?", "ru"),
        ("العربية", "أين أسجل عنواني", "ولزوجتي؟", "ar"),
        ("Română", "unde mă înregistrez", "și pentru soția mea?", "ro"),
    ],
)
async def test_registration_for_a_family_member_keeps_the_topic(
    core: Core, memory: MemoryAdapter, label: str, question: str, someone: str, lang: str
) -> None:
    chat = f"family-{lang}-{len(someone)}"
    await choose_language(memory, chat, label)
    await memory.say(chat, question)
    replies = await memory.say(chat, someone)
    household = core.knowledge.texts().message("registration_household", lang)
    assert [r.text for r in replies] == [household]


async def test_kita_with_a_postcode_does_not_ask_where(core: Core, memory: MemoryAdapter) -> None:
    await choose_language(memory, "kita", "Deutsch")
    replies = await memory.say("kita", "kita platz 44388")
    assert "Betreuungsplatz" in replies[0].text  # the Kita answer
    assert "lokal willkommen Lütgendortmund" in replies[1].text  # and the office, unasked
    assert not any(is_city_question(r) for r in replies)
    assert "Postleitzahl" not in replies[0].text  # the answer no longer asks for it
    state = await state_of(core, memory, "kita")
    assert (state.city, state.district, state.postcode) == ("dortmund", "luetgendortmund", "44388")
    # "where is that?": the address card only.
    replies = await memory.say("kita", "wo ist das?")
    assert len(replies) == 1
    assert replies[0].text.startswith("lokal willkommen Lütgendortmund")
    assert "Lütgendortmunder Straße 128" in replies[0].text
    assert "Betreuungsplatz" not in replies[0].text
    assert replies[0].venue is not None
    replies = await memory.say("kita", "und wann ist das offen?")
    assert replies[0].text.startswith("lokal willkommen Lütgendortmund")
    assert "Öffnungszeiten" in replies[0].text and "Betreuungsplatz" not in replies[0].text


@pytest.mark.parametrize(
    ("label", "district", "lang"),
    [("Deutsch", "Scharnhorst", "de"), ("English", "Scharnhorst", "en"),
     ("Русский", "Шарнхорст", "ru"), ("العربية", "شارنهورست", "ar")],
)  # fmt: skip
async def test_a_district_alone_after_a_topic_gives_its_offices(
    core: Core, memory: MemoryAdapter, label: str, district: str, lang: str
) -> None:
    chat = f"district-{lang}"
    await choose_language(memory, chat, label)
    first = await memory.say(chat, "kita")
    replies = await memory.say(chat, district)
    assert len(replies) == 1 and replies[0].text != first[0].text
    assert "lokal willkommen Eving/Scharnhorst" in replies[0].text
    assert (await state_of(core, memory, chat)).district == "scharnhorst"


async def test_where_is_that_after_a_topic_asks_the_place_once_then_remembers(
    core: Core, memory: MemoryAdapter
) -> None:
    await choose_language(memory, "where", "English")
    await memory.say("where", "kita")
    replies = await memory.say("where", "where is that?")
    assert is_city_question(replies[0]) and "daycare" not in replies[0].text
    replies = await memory.say("where", "44388")
    assert "lokal willkommen Lütgendortmund" in replies[0].text
    replies = await memory.say("where", "and when is it open?")
    assert replies[0].text.startswith("lokal willkommen Lütgendortmund")


@pytest.fixture
async def booking_core(
    database_url: str, tmp_path: Path, memory: MemoryAdapter, clock: FrozenClock
) -> AsyncIterator[Core]:
    """The bundled knowledge with booking turned on at Lanstrop and a staff room to tell."""
    settings = Settings(
        database_url=database_url,
        knowledge_dir=kb_booking_at_lanstrop(tmp_path),
        staff_roster=staff_roster(tmp_path),
    )
    built = await build_core(settings, adapters=(memory,), clock=clock)
    memory.bind(built.dispatcher)
    yield built
    await built.close()


# Lanstrop (bundled knowledge, booking turned on for the test): an office hour on Thursdays
# 08:30-11:30. The clock stands on Thursday 19 November 2026, 10:00 in Berlin.
BOOKING_DIALOGUES = [
    ("English", "when is it open?", "Thu 08:30-11:30", "book there", "next Thursday", "at 11",
     "my appointments", "en"),
    ("Deutsch", "und wann ist da offen?", "Do 08:30-11:30", "Termin dort", "nächsten Donnerstag",
     "um 11 Uhr", "meine Termine", "de"),
    ("Українська", "а коли працює?", "Чт 08:30-11:30", "записатися туди", "наступного четверга",
     "о 11", "мої записи", "uk"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("label", "open_q", "hours", "book", "thursday", "at_eleven", "mine", "lang"),
    BOOKING_DIALOGUES,
    ids=[row[-1] for row in BOOKING_DIALOGUES],
)
async def test_office_follow_ups_then_booking_by_day_and_time(
    booking_core: Core,
    memory: MemoryAdapter,
    label: str,
    open_q: str,
    hours: str,
    book: str,
    thursday: str,
    at_eleven: str,
    mine: str,
    lang: str,
) -> None:
    chat = f"book-{lang}"
    await choose_language(memory, chat, label)
    replies = await memory.say(chat, "Lanstrop")  # a quarter alone: its office
    assert "Sprechstunde Lanstrop" in replies[0].text
    replies = await memory.say(chat, open_q)
    assert replies[0].text.startswith("lokal willkommen Eving/Scharnhorst – Sprechstunde Lanstrop")
    assert hours in replies[0].text
    replies = await memory.say(chat, book)
    assert replies[0].choices[0].label.endswith("19.11.2026 10:30")
    assert expected_answer(await state_of(booking_core, memory, chat)) == "date"
    replies = await memory.say(chat, thursday)
    assert replies[0].choices[0].label.endswith("26.11.2026 08:30")
    replies = await memory.say(chat, at_eleven)
    assert replies[0].choices[0].label.endswith("11:00")
    # Inside the slot list, "my appointments" leaves the list and shows them (none yet).
    replies = await memory.say(chat, mine)
    assert replies[0].text == booking_core.knowledge.texts().message("booking_mine_none", lang)
    assert (await state_of(booking_core, memory, chat)).flow is None


async def test_cancel_inside_the_slot_list_and_a_typed_yes_confirms(
    booking_core: Core, memory: MemoryAdapter
) -> None:
    await choose_language(memory, "cancel", "English")
    await memory.say("cancel", "Lanstrop")
    await memory.say("cancel", "book there")
    held = await memory.say("cancel", "1")
    assert expected_answer(await state_of(booking_core, memory, "cancel")) == "yes_no"
    assert "10:30" in held[0].text
    booked = await memory.say("cancel", "yes")
    assert "booked" in booked[0].text
    await memory.say("cancel", "book there")  # back in a slot list
    replies = await memory.say("cancel", "cancel my appointment")
    assert "Thu 19.11.2026 10:30" in replies[0].choices[0].label  # the list of bookings


@pytest.mark.parametrize(
    ("question", "moved", "answer", "lang"),
    [
        ("where do I register", "I moved in yesterday", "no", "en"),
        ("де зробити анмельдунг", "вчора", "ні я з україни", "uk"),
        ("أين أسجل عنواني", "امس", "لا انا سوري", "ar"),
    ],
)
async def test_a_typed_no_keeps_the_dialogue_and_the_detected_language(
    core: Core, memory: MemoryAdapter, question: str, moved: str, answer: str, lang: str
) -> None:
    chat = f"detected-{lang}"
    await memory.say(chat, question)  # no language chosen: it is detected
    await memory.say(chat, moved)
    replies = await memory.say(chat, answer)
    assert replies[0].lang == lang and is_city_question(replies[0])
    state = await state_of(core, memory, chat)
    assert state.flow == "registration" and state.lang == lang and not state.lang_explicit


async def test_a_postcode_given_with_the_question_is_not_asked_again(
    core: Core, memory: MemoryAdapter
) -> None:
    await choose_language(memory, "pc", "Deutsch")
    await memory.say("pc", "Anmeldung, ich wohne in 44388")
    await memory.say("pc", "vorgestern")
    replies = await memory.say("pc", "nein")
    assert not is_city_question(replies[0])
    assert "Ausländerbehörde Dortmund" in replies[0].text


async def test_a_greeting_that_names_the_city_stays_a_greeting(
    core: Core, memory: MemoryAdapter
) -> None:
    replies = await memory.say("hello", "Hallo aus Dortmund")
    assert "Lotse" in replies[0].text
    assert (await state_of(core, memory, "hello")).office is None


async def test_where_is_that_after_a_new_topic_means_that_topics_office(
    core: Core, memory: MemoryAdapter
) -> None:
    await choose_language(memory, "two", "Deutsch")
    await memory.say("two", "wo muss ich mich anmelden")
    await memory.say("two", "gestern")
    await memory.say("two", "nein")
    await memory.say("two", "Dortmund")  # the Ausländerbehörde was shown
    await memory.say("two", "Kitaplatz für mein Kind")
    replies = await memory.say("two", "wo ist das?")
    assert "Ausländerbehörde" not in replies[0].text
    assert (await state_of(core, memory, "two")).office in {
        o.id for o in core.knowledge.kb.offices if "kita" in o.topics
    }
