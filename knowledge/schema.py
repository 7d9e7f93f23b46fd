"""The pydantic schema of the knowledge-base YAML files: the trust boundary for admins' edits."""

from __future__ import annotations

import re
from datetime import date, time
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

CANONICAL_INTENTS: tuple[str, ...] = (
    "registration",
    "kita",
    "language_course",
    "energy_contract",
    "find_office",
    "book_appointment",
    "cancel_appointment",
    "human",
    "emergency",
    "greeting",
    "thanks",
    "help",
    "change_language",
    "unknown",
)
"""Every knowledge base provides these intents (CONTRACT.md); admins may add more."""

SUPPORTED_LANGUAGES: tuple[str, ...] = (
    "de", "en", "uk", "ru", "ar", "fa", "tr", "ro", "bg", "pl", "ps", "ku", "so", "ti", "sq", "fr",
)  # fmt: skip

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_ID = re.compile(r"^[a-z][a-z0-9_-]*$")
_TIME_RANGE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")


def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError(f"'{value}' is not a valid id: use lower-case letters, digits, _ and -")
    return value


def _check_lang(value: str) -> str:
    if value not in SUPPORTED_LANGUAGES:
        raise ValueError(
            f"unknown language code '{value}' (known: {' '.join(SUPPORTED_LANGUAGES)})"
        )
    return value


def _check_text(value: str) -> str:
    if not value.strip():
        raise ValueError("text is empty")
    return value.strip()


def parse_time_range(value: str) -> tuple[time, time]:
    """Parse ``"08:30-11:30"``; ``ValueError`` names what is wrong (25:00, end before start)."""
    match = _TIME_RANGE.match(value.strip())
    if not match:
        raise ValueError(f"'{value}' is not a time range like 08:30-11:30")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    for hour, minute in ((h1, m1), (h2, m2)):
        if hour > 23 or minute > 59:
            raise ValueError(f"'{hour:02d}:{minute:02d}' is not a time of day (00:00 to 23:59)")
    start, end = time(h1, m1), time(h2, m2)
    if end <= start:
        raise ValueError(f"'{value}' ends before it starts")
    return start, end


def _check_range(value: str) -> str:
    parse_time_range(value)
    return value.strip()


Id = Annotated[str, AfterValidator(_check_id)]
Lang = Annotated[str, AfterValidator(_check_lang)]
Text = Annotated[str, AfterValidator(_check_text)]
TimeRange = Annotated[str, AfterValidator(_check_range)]
Translations = dict[Lang, Text]


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class KbMeta(Model):
    """kb.yaml: the knowledge base's name, its required languages and fallback order."""

    name: Text
    languages: tuple[Lang, ...] = Field(min_length=1)
    fallback: tuple[Lang, ...] = Field(min_length=1)


TranslationStatus = Literal["reviewed", "machine", "unreviewed"]
"""reviewed: a person who reads the language checked it; machine: machine-translated, not
checked; unreviewed: written by a person, not yet checked by a native speaker."""


class IntentDoc(Model):
    """intents/<id>.yaml: one intent's reply per language, with its source and dates."""

    id: Id
    kind: Literal["topic", "system"]
    source: Text
    source_date: date | None = None
    """The source's own date ("Stand", publication date); empty when it has none."""
    verified: date
    """The day a person last checked the reply against its source."""
    general_law: bool = False
    office_topic: Id | None = None
    reply: Translations
    status: dict[Lang, TranslationStatus] = Field(default_factory=dict)
    """Per language: how far its reply is checked. A language not named here is unreviewed."""
    reply_by_city: dict[Id, Translations] = Field(default_factory=dict)
    """City id (places.yaml) -> language -> reply: replaces ``reply`` for users of that city."""


class AliasDoc(Model):
    """One German office word and its spellings in other scripts."""

    term: Text
    intent: Id
    variants: tuple[Text, ...] = Field(min_length=1)


class GeoPoint(Model):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    approximate: bool = False
    """True where the point is a district centre or otherwise not the exact entrance."""
    source: str = ""
    """Where the point comes from (a map or gazetteer page); approximate points need one too."""


class Address(Model):
    street: str = ""
    postcode: str = ""
    city: Text


class ClosedDay(Model):
    date: date
    note: str = ""


class Contacts(Model):
    phones: tuple[Text, ...] = ()
    emails: tuple[Text, ...] = ()
    web: str = ""
    appointments: str = ""
    """Where to get an appointment (a booking page), as the office publishes it."""


OfficeFact = Literal[
    "name", "address", "location", "hours", "appointment", "phone", "email", "web",
    "languages", "topics", "registers", "districts", "services",
]  # fmt: skip
"""The facts of an office a source can vouch for (``lotse kb coverage`` counts these)."""


class FactSource(Model):
    """Where some facts of an office come from: a public page, read on a given day."""

    facts: tuple[OfficeFact, ...] = Field(min_length=1)
    url: Text
    read: date
    """The day a person read the page and checked the facts against it."""
    source_date: date | None = None
    """The page's own date (publication, "Stand"); empty when the page shows none."""
    note: str = ""


class Service(Model):
    """A bookable service of an office: what slots it offers."""

    id: Id
    name: Translations
    slot_minutes: int = Field(ge=5, le=240)
    desks: int = Field(default=1, ge=1, le=50)
    topics: tuple[Id, ...] = ()


class BookingSettings(Model):
    """Whether an office takes bookings through Lotse. Off unless its admins turn it on; even
    then slots are offered only when the staff roster has a room for the office's notices."""

    enabled: bool = False
    notify: tuple[Text, ...] = ()
    """Staff room chat ids (roster) that must get this office's notices; empty = any room of
    the roster that serves the office."""
    max_open_per_person: int = Field(default=1, ge=1, le=10)
    """Open (upcoming) bookings one conversation may hold at this office."""


class Office(Model):
    """One advice office. Unknown facts stay empty and are named in ``unverified``."""

    id: Id
    name: Text
    city: Id
    kind: Text = "office"
    address: Address
    location: GeoPoint | None = None
    districts: tuple[Id, ...] = ()
    topics: tuple[Id, ...] = ()
    languages: tuple[Lang, ...] = ()
    hours: dict[
        Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], tuple[TimeRange, ...]
    ] = Field(default_factory=dict)
    closed: tuple[ClosedDay, ...] = ()
    contacts: Contacts = Contacts()
    services: tuple[Service, ...] = ()
    registers: tuple[Literal["eu", "non_eu"], ...] = ()
    """Whose address registration (Anmeldung) this office takes: EU citizens, others, or both."""
    description: Translations = Field(default_factory=dict)
    names: tuple[Text, ...] = ()
    """Other names people use for the office, in any script ("МиграДо", "Bürgeramt")."""
    by_appointment_only: bool = False
    """A source says: no general opening hours, visits only with an appointment."""
    source: Text
    source_date: date | None = None
    """The date of the source named in ``source`` (a press release ...), where it has one."""
    sources: tuple[FactSource, ...] = ()
    verified: date
    unverified: tuple[
        Literal["address", "location", "hours", "languages", "contacts", "districts", "services"],
        ...,
    ] = ()
    # -- booking settings and facts the Integreat import brings ---------------------------
    booking: BookingSettings = BookingSettings()
    appointment_url: str = ""
    """Where to make an appointment online (the office's own booking page)."""
    appointment_only: bool = False
    """The office sees people by prior appointment only."""
    temporarily_closed: bool = False
    imported_on: date | None = None
    """Set by an import: the day its source was read. Nobody has checked such an office, so
    its ``verified`` is that day too."""


class OfficesDoc(Model):
    offices: tuple[Office, ...]


class PlaceSource(Model):
    """Where a place's names, postcodes or centre come from."""

    url: Text
    read: date
    note: str = ""


class Quarter(Model):
    id: Id
    names: tuple[Text, ...] = Field(min_length=1)
    postcodes: tuple[str, ...] = ()
    centre: GeoPoint | None = None


class District(Model):
    """A city district (Stadtbezirk) with every spelling people use for it, in any script."""

    id: Id
    names: tuple[Text, ...] = Field(min_length=1)
    postcodes: tuple[str, ...] = ()
    centre: GeoPoint | None = None
    quarters: tuple[Quarter, ...] = ()


class City(Model):
    id: Id
    name: Text
    names: tuple[Text, ...] = ()
    centre: GeoPoint | None = None
    districts: tuple[District, ...] = ()
    postcodes: tuple[str, ...] = ()
    sources: tuple[PlaceSource, ...] = ()


class PlacesDoc(Model):
    cities: tuple[City, ...] = Field(min_length=1)


SlotUnit = Literal["day", "week", "month"]


class SlotWords(Model):
    """slots.yaml, one language: the words that answer Lotse's own questions."""

    yes: tuple[Text, ...] = ()
    no: tuple[Text, ...] = ()
    days: dict[Text, int] = Field(default_factory=dict)
    before: tuple[Text, ...] = ()
    after: tuple[Text, ...] = ()
    numbers: dict[Text, int] = Field(default_factory=dict)
    units: dict[Text, SlotUnit] = Field(default_factory=dict)
    pairs: dict[Text, SlotUnit] = Field(default_factory=dict)
    weekdays: tuple[tuple[Text, ...], ...] = ()
    parts: dict[Text, TimeRange] = Field(default_factory=dict)
    at: tuple[Text, ...] = ()
    where: tuple[Text, ...] = ()
    open: tuple[Text, ...] = ()
    book: tuple[Text, ...] = ()

    @field_validator("weekdays")
    @classmethod
    def _seven_days(cls, value: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
        if value and len(value) != 7:
            raise ValueError("weekdays needs seven lists, Monday to Sunday")
        return value


class Country(Model):
    id: Id
    eu: bool
    names: tuple[Text, ...] = Field(min_length=1)


class SlotsDoc(Model):
    """slots.yaml: per-language answer words, EU words and the countries people name."""

    languages: dict[Lang, SlotWords]
    eu_words: tuple[Text, ...] = ()
    non_eu_words: tuple[Text, ...] = ()
    countries: tuple[Country, ...] = ()


ExamplesDoc = dict[Id, list[Text]]
MessagesDoc = dict[Id, Translations]
AliasesDoc = list[AliasDoc]


SafetyKind = Literal[
    "medical",
    "fire_gas",
    "domestic_violence",
    "violence",
    "child_at_risk",
    "suicide",
    "self_harm",
    "emergency",
    "info",
]
"""The kinds of the safety layer (intents/safety.py), most urgent first."""


class Helpline(Model):
    """A number the crisis replies give, with where it was read and when."""

    id: Id
    name: Text
    numbers: tuple[Text, ...] = Field(min_length=1)
    what: Text
    source: Text
    read: date
    verified: bool
    """False when no public page confirmed the number: the admin must check it."""


class SafetyKindDoc(Model):
    """The reply of one crisis kind; every translation must name ``numbers``."""

    numbers: tuple[Text, ...] = Field(min_length=1)
    reply: Translations


class SafetyUnsureDoc(Model):
    """What the bot says when it is not sure: one line with the numbers, one question."""

    numbers: tuple[Text, ...] = Field(min_length=1)
    line: Translations
    question: Translations


class SafetyRepliesDoc(Model):
    """safety/replies.yaml: the helplines and the first step for every kind."""

    helplines: tuple[Helpline, ...] = Field(min_length=1)
    kinds: dict[SafetyKind, SafetyKindDoc]
    unsure: SafetyUnsureDoc


SafetyExampleKind = Literal[
    "medical",
    "fire_gas",
    "domestic_violence",
    "violence",
    "child_at_risk",
    "suicide",
    "self_harm",
    "harmless",
]
"""The labels of safety/examples: the crisis kinds the classifier learns, and harmless."""

SafetyExamplesDoc = dict[SafetyExampleKind, list[Text]]
"""safety/examples/<lang>.yaml: crisis messages by kind, and harmless look-alikes."""


class SafetyWordsDoc(Model):
    """safety/words/*.yaml: words and phrases of the safety layer (usually one file a language)."""

    groups: dict[Id, tuple[Text, ...]] = Field(default_factory=dict)
    sure: dict[SafetyKind, tuple[Text, ...]] = Field(default_factory=dict)
    unsure: dict[SafetyKind, tuple[Text, ...]] = Field(default_factory=dict)
    never: tuple[Text, ...] = ()
    calm: tuple[Text, ...] = ()
    yes: tuple[Text, ...] = ()
