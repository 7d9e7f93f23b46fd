"""Conversations: registering in Dorsten, offices by name and nearest by distance, per city."""

from __future__ import annotations

from adapters.memory import MemoryAdapter
from bot.app import Core


async def test_registering_in_dorsten_in_german(core: Core, memory: MemoryAdapter) -> None:
    replies = await memory.say("dorsten-de", "Ich wohne in Dorsten, wo muss ich mich anmelden?")
    text = replies[0].text
    assert "Bürgerbüro" in text and "Halterner Straße 5, 46284 Dorsten" in text
    assert "Friedensplatz" not in text
    replies = await memory.say("dorsten-de", "eingezogen am 20.11.")
    assert "04.12.2026" in replies[0].text
    replies = await memory.say("dorsten-de", "2")  # not an EU citizen
    where = replies[0].text
    assert "Bürgerbüro der Stadt Dorsten (Rathaus), Halterner Straße 5" in where
    assert "Friedensplatz" not in where and "Integrationsagentur" not in where


async def test_registering_in_dorsten_in_arabic(core: Core, memory: MemoryAdapter) -> None:
    replies = await memory.say("dorsten-ar", "أين أعمل Anmeldung في دورستن؟")
    text = replies[0].text
    assert "Halterner Straße 5, 46284 Dorsten" in text
    assert "بموعد فقط" in text  # by appointment only, in Arabic
    assert "Friedensplatz" not in text


async def test_a_dorsten_district_picks_dorsten_and_is_remembered(
    core: Core, memory: MemoryAdapter
) -> None:
    replies = await memory.say("dorsten-ro", "M-am mutat în Wulfen. Unde fac Anmeldung?")
    assert "Halterner Straße 5" in replies[0].text
    assert "Doar cu programare" in replies[0].text  # by appointment only, in Romanian
    assert "Friedensplatz" not in replies[0].text
    await memory.say("dorsten-ro", "0")  # leave the deadline question
    replies = await memory.say("dorsten-ro", "unde este cel mai apropiat birou de consiliere?")
    # No second question for the city; the office for the last topic (registration) in Dorsten.
    assert "Bürgerbüro der Stadt Dorsten" in replies[0].text
    assert "qtermin.de/stadt-dorsten-bb" in replies[0].text


async def test_migrado_by_name_in_ukrainian(core: Core, memory: MemoryAdapter) -> None:
    replies = await memory.say("uk", "де знаходиться MigraDO?")
    text = replies[0].text
    assert text.startswith("MigraDO")
    assert "Адреса: Friedensplatz 7, 44135 Dortmund" in text
    assert "не опубліковані" in text  # the hours are not published, said in Ukrainian


async def test_the_buergeramt_in_luetgendortmund_in_romanian(
    core: Core, memory: MemoryAdapter
) -> None:
    await memory.say("ro", "/language")
    await memory.say("ro", "Română")
    replies = await memory.say("ro", "Unde este Bürgeramt în Lütgendortmund?")
    text = replies[0].text
    assert "Bürgerdienste Lütgendortmund" in text
    assert "Limbecker Straße 31, 44388 Dortmund" in text
    assert replies[0].venue is not None


async def test_a_bulgarian_in_the_nordstadt_gets_willkommen_europa(
    core: Core, memory: MemoryAdapter
) -> None:
    await memory.say("bg", "/language")
    await memory.say("bg", "Български")
    await memory.say("bg", "къде е най-близкият офис за съвет")
    replies = await memory.say("bg", "Нордштадт")
    text = replies[0].text
    assert "Willkommen Europa" in text
    assert "0231 840 96 35" in text


async def test_nearest_office_answers_directly_for_two_postcodes(
    core: Core, memory: MemoryAdapter
) -> None:
    replies = await memory.say(
        "near-1", "welches Beratungsbüro ist am nächsten bei mir, ich wohne in 44388"
    )
    assert "lokal willkommen Lütgendortmund" in replies[0].text
    replies = await memory.say(
        "near-2", "welches Beratungsbüro ist am nächsten bei mir, ich wohne in 44357"
    )
    text = replies[0].text
    assert "lokal willkommen Mengede/Huckarde" in text
    assert "Westerfilder Straße 54, 44357 Dortmund" in text


async def test_an_office_by_appointment_only_says_so(core: Core, memory: MemoryAdapter) -> None:
    await memory.say("abh", "/language")
    await memory.say("abh", "English")
    replies = await memory.say("abh", "where is the Ausländerbehörde?")
    text = replies[0].text
    assert "Olpe 1, 44135 Dortmund" in text
    assert "By appointment only" in text
    assert "0231 50-27132" in text


async def test_a_jobcenter_appointment_is_not_booked_at_another_office(
    core: Core, memory: MemoryAdapter
) -> None:
    replies = await memory.say("jc", "Termin beim Jobcenter")
    text = replies[0].text
    assert text.startswith("Jobcenter Dortmund")
    assert "Lanstrop" not in text
    assert not any(c.key.startswith("bk:") for c in replies[0].choices)
