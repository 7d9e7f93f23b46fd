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


def nearest_id(
    directory: OfficeDirectory, place: Place | None, topic: str | None = "advice"
) -> str:
    """The first office the office search shows (an office question without a topic asks for
    advice offices)."""
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
    assert nearest_id(directory, directory.places.find("نوردشتات")) in {
        "willkommen-europa", "lokal-willkommen-innenstadt-nord",
    }  # fmt: skip


def test_a_postcode_outside_both_cities_is_not_a_place(directory: OfficeDirectory) -> None:
    assert directory.places.find("10115") is None
    assert directory.places.by_point(GeoPoint(lat=52.52, lon=13.40)) is None


def test_dorsten_is_served_by_its_integrationsagentur(directory: OfficeDirectory) -> None:
    for written in ("46282", "Dorsten", "Дорстен", "Wulfen", "Barkenberg"):
        place = directory.places.find(written)
        assert place is not None and place.city == "dorsten", written
        assert nearest_id(directory, place) == "integrationsagentur-dorsten"


def test_dorsten_registration_goes_to_the_buergerbuero_never_to_the_volunteers(
    directory: OfficeDirectory,
) -> None:
    wulfen = directory.places.find("Wulfen")
    for citizenship in ("eu", "non_eu"):
        offices = directory.registration_offices("dorsten", citizenship, wulfen)
        assert [o.id for o in offices] == ["buergerbuero-dorsten"]
    assert "registration" not in directory.get("integrationsagentur-dorsten").topics  # type: ignore[union-attr]


def test_topic_and_language_filter(directory: OfficeDirectory) -> None:
    nordstadt = directory.places.find("Nordstadt")
    assert nordstadt is not None
    on_registration = directory.nearest(nordstadt, topic="registration", limit=10)
    assert all("registration" in o.topics for o in on_registration)
    assert directory.nearest(nordstadt, topic="no-such-topic")[0].city == "dortmund"


def test_a_bulgarian_in_the_nordstadt_is_sent_to_willkommen_europa(
    directory: OfficeDirectory,
) -> None:
    nordstadt = directory.places.find("Nordstadt")
    assert nordstadt is not None
    assert directory.nearest(nordstadt, topic="advice", lang="bg")[0].id == "willkommen-europa"
    # Someone writing Arabic there gets the office that speaks Arabic.
    assert directory.nearest(nordstadt, topic="advice", lang="ar")[0].id == (
        "lokal-willkommen-innenstadt-nord"
    )


def test_offices_come_nearest_first(directory: OfficeDirectory) -> None:
    for written in ("44388", "44359"):
        place = directory.places.find(written)
        assert place is not None
        offices = directory.nearest(place, topic="registration", limit=24)
        distances = [directory.distance(o, place) for o in offices]
        known = [d for d in distances if d is not None]
        assert known == sorted(known) or all(
            abs(a - b) < 0.5 for a, b in zip(known, sorted(known), strict=True)
        )
    luetgendortmund = directory.places.find("44388")
    mengede = directory.places.find("44359")
    assert directory.nearest(luetgendortmund, topic="registration")[0].id == (
        "buergerdienste-luetgendortmund"
    )
    assert directory.nearest(mengede, topic="registration")[0].id == "buergerdienste-mengede"


def test_open_now_decides_between_offices_equally_near(directory: OfficeDirectory) -> None:
    nordstadt = directory.places.find("Nordstadt")
    first = directory.nearest(nordstadt, topic="advice", lang="ro", open_now=lambda o: False)[0]
    assert first.id == "willkommen-europa"
    opened = directory.nearest(
        nordstadt, topic="advice", lang="pl", open_now=lambda o: o.id == "jobcenter"
    )
    assert opened[0].id != "willkommen-europa" or "jobcenter" not in {o.id for o in opened}


def test_offices_by_name_in_any_script(directory: OfficeDirectory) -> None:
    for text in ("де знаходиться MigraDO?", "Öffnungszeiten MigraDO", "где МиграДо", "ميغرادو"):
        assert [o.id for o in directory.named(text)][:1] == ["migrado"], text
    assert directory.named("Wo ist Willkommen Europa?")[0].id == "willkommen-europa"
    assert directory.named("Джобцентр адреса")[0].id == "jobcenter"
    assert directory.named("Integrationsagentur")[0].id == "integrationsagentur-dorsten"
    assert directory.named("Ausländerbehörde")[0].id == "auslaenderbehoerde"
    luetgendortmund = directory.places.find("Lütgendortmund")
    assert directory.named("Bürgeramt", luetgendortmund)[0].id == (
        "buergerdienste-luetgendortmund"
    )
    lokal = directory.named("lokal willkommen", directory.places.find("44388"))
    assert lokal[0].id == "lokal-willkommen-luetgendortmund"
    assert directory.named("Ich brauche einen Termin") == []


def test_registration_offices_by_citizenship(directory: OfficeDirectory) -> None:
    assert [o.id for o in directory.registration_offices("dortmund", "non_eu")] == [
        "auslaenderbehoerde"
    ]
    eu = {o.id for o in directory.registration_offices("dortmund", "eu")}
    assert "migrado" in eu and "buergerdienste-luetgendortmund" in eu
    assert "willkommen-europa" not in eu and "lokal-willkommen-innenstadt-nord" not in eu
