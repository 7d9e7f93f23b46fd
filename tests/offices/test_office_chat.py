"""The office search and the deadline in chat, on the bundled knowledge base."""

from __future__ import annotations

from adapters.memory import MemoryAdapter
from bot.app import Core
from bot.messages import Location, MessageKind


async def test_a_shared_location_in_luetgendortmund(core: Core, memory: MemoryAdapter) -> None:
    replies = await memory.say(
        "a", kind=MessageKind.LOCATION, location=Location(lat=51.4985, lon=7.3520)
    )
    text = replies[0].text
    assert "lokal willkommen Lütgendortmund" in text
    assert "Lütgendortmunder Straße 128" in text
    assert "openstreetmap.org/search?query=L%C3%BCtgendortmunder%20Stra%C3%9Fe%20128" in text
    assert replies[0].venue is not None


async def test_lanstrop_is_open_now_on_thursday_morning(core: Core, memory: MemoryAdapter) -> None:
    # The frozen clock says Thursday 10:00 in Berlin.
    await memory.say("b", "/language")
    await memory.say("b", "English")
    replies = await memory.say("b", "where is the nearest office")
    assert replies[-1].choices, replies[-1].text
    replies = await memory.say("b", "Lanstrop")
    assert "Sprechstunde Lanstrop" in replies[0].text
    assert "Open now, until 11:30." in replies[0].text
    # Its admins have not turned booking on (and no staff roster is configured): no slots.
    assert not any(c.key.startswith("b:office:") for c in replies[0].choices)


async def test_an_office_without_a_confirmed_address_gets_no_pin(
    core: Core, memory: MemoryAdapter
) -> None:
    await memory.say("c", "/language")
    await memory.say("c", "English")
    await memory.say("c", "where is the nearest office")
    replies = await memory.say("c", "Eving")
    assert "lokal willkommen Eving/Scharnhorst" in replies[0].text
    assert "not confirmed" in replies[0].text
    assert "openstreetmap" not in replies[0].text and replies[0].venue is None
    assert "not published" in replies[0].text


async def test_hoerde_office_has_its_street_hours_and_contacts(
    core: Core, memory: MemoryAdapter
) -> None:
    """Schildplatz 7 and the office hours come from the 2018 opening notice; the postcode is
    not published there, so the card gives the street and the city only."""
    await memory.say("h", "/language")
    await memory.say("h", "English")
    await memory.say("h", "where is the nearest office")
    replies = await memory.say("h", "Hörde")
    text = replies[0].text
    assert "lokal willkommen Hörde/Hombruch" in text
    assert "Address: Schildplatz 7, Dortmund" in text
    assert "Next opening: Thu 19.11.2026 14:00" in text  # the clock: Thursday 10:00
    assert "lokalwillkommen.HH@stadtdo.de" in text


async def test_a_postcode_outside_both_cities_gets_a_clear_answer(
    core: Core, memory: MemoryAdapter
) -> None:
    await memory.say("d", "/language")
    await memory.say("d", "English")
    await memory.say("d", "where is the nearest office")
    replies = await memory.say("d", "10115")
    assert "not in Dortmund or Dorsten" in replies[0].text
    assert [c.label for c in replies[0].choices] == ["Dortmund", "Dorsten"]
    replies = await memory.say("d", "2")
    assert "Integrationsagentur Dorsten" in replies[0].text
    assert "02362 77 70 420" in replies[0].text


async def test_registration_deadline_in_ukrainian(core: Core, memory: MemoryAdapter) -> None:
    await memory.say("e", "/language")
    await memory.say("e", "Українська")
    await memory.say("e", "де зробити анмельдунг")
    replies = await memory.say("e", "я заселився 3 листопада")
    assert "17.11.2026" in replies[0].text
    assert "Два тижні закінчилися" in replies[0].text  # the deadline passed on 17 November
    replies = await memory.say("e", "2")  # not an EU citizen
    assert replies[0].choices  # which city?
    replies = await memory.say("e", "Дортмунд")
    assert "Ausländerbehörde Dortmund" in replies[0].text
    assert "Wohnungsgeberbestätigung" in replies[0].text
    replies = await memory.say("e", "1")  # remind me
    assert "Добре" in replies[0].text
