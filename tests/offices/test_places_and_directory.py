"""The office directory on the bundled knowledge base: places in any script, nearest office."""

from __future__ import annotations

import pytest

from bot.offices.directory import OfficeDirectory
from bot.offices.places import Place
from knowledge.loader import BUNDLED_DIR, KnowledgeBase, load_knowledge
from knowledge.schema import GeoPoint


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge(BUNDLED_DIR)


@pytest.fixture(scope="module")
def directory(kb: KnowledgeBase) -> OfficeDirectory:
    return OfficeDirectory(kb)


def nearest_id(directory: OfficeDirectory, place: Place | None, topic: str | None = None) -> str:
    assert place is not None
    return directory.nearest(place, topic=topic)[0].id


def test_a_location_in_luetgendortmund_finds_the_luetgendortmund_office(
    directory: OfficeDirectory,
) -> None:
    # Near the Lütgendortmund market place.
    place = directory.places.by_point(GeoPoint(lat=51.4985, lon=7.3520))
    assert place is not None and place.district == "luetgendortmund"
    assert nearest_id(directory, place) == "lokal-willkommen-luetgendortmund"


def test_postcode_44388_is_luetgendortmund(directory: OfficeDirectory) -> None:
    place = directory.places.find("Meine PLZ ist 44388")
    assert place == Place(city="dortmund", district="luetgendortmund")
    assert nearest_id(directory, place) == "lokal-willkommen-luetgendortmund"


@pytest.mark.parametrize(
    "written", ["Хёрде", "Херде", "Хьорде", "هورده", "هيرده", "Hörde", "hoerde", "Hörd", "в Хёрде"]
)
def test_hoerde_in_any_script_and_with_typos(directory: OfficeDirectory, written: str) -> None:
    place = directory.places.find(written)
    assert place is not None and place.district == "hoerde", written
    assert nearest_id(directory, place) == "lokal-willkommen-hoerde-hombruch"


@pytest.mark.parametrize(
    ("written", "district"),
    [
        ("Eving", "eving"), ("Scharnhorst", "scharnhorst"), ("Brackel", "brackel"),
        ("Aplerbeck", "aplerbeck"), ("Hombruch", "hombruch"), ("Huckarde", "huckarde"),
        ("Mengede", "mengede"), ("Innenstadt-West", "innenstadt-west"),
        ("Innenstadt Nord", "innenstadt-nord"), ("Innenstadt-Ost", "innenstadt-ost"),
        ("Lütgendortmund", "luetgendortmund"), ("Hörde", "hoerde"),
    ],
)  # fmt: skip
def test_all_twelve_city_districts(
    directory: OfficeDirectory, written: str, district: str
) -> None:
    place = directory.places.find(written)
    assert place is not None and place.district == district


def test_quarters_lead_to_their_own_office(directory: OfficeDirectory) -> None:
    assert nearest_id(directory, directory.places.find("Ланстроп")) == "lokal-willkommen-lanstrop"
    assert nearest_id(directory, directory.places.find("نوردشتات")) == "willkommen-europa"


def test_a_postcode_outside_both_cities_is_not_a_place(directory: OfficeDirectory) -> None:
    assert directory.places.find("10115") is None
    assert directory.places.by_point(GeoPoint(lat=52.52, lon=13.40)) is None


def test_dorsten_is_served_by_its_integrationsagentur(directory: OfficeDirectory) -> None:
    for written in ("46282", "Dorsten", "Дорстен"):
        assert nearest_id(directory, directory.places.find(written)) == (
            "integrationsagentur-dorsten"
        )


def test_topic_and_language_filter(directory: OfficeDirectory) -> None:
    nordstadt = directory.places.find("Nordstadt")
    assert nordstadt is not None
    on_registration = directory.nearest(nordstadt, topic="registration", limit=10)
    assert all("registration" in o.topics for o in on_registration)
    assert on_registration[0].id == "willkommen-europa"
    assert directory.nearest(nordstadt, topic="no-such-topic")[0].id == "willkommen-europa"


def test_registration_offices_by_citizenship(directory: OfficeDirectory) -> None:
    assert [o.id for o in directory.registration_offices("dortmund", "non_eu")] == [
        "auslaenderbehoerde"
    ]
    assert {o.id for o in directory.registration_offices("dortmund", "eu")} == {
        "migrado", "buergerdienste",
    }  # fmt: skip
