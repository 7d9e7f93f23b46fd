"""The staff roster: who may take over conversations, where they work, and the staff rooms."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

from bot.clock import BERLIN
from bot.errors import ConfigError
from bot.messages import ChannelName, ChatId, ConversationRef
from knowledge.schema import WEEKDAYS, Id, Lang, TimeRange, parse_time_range
from knowledge.yaml_source import line_of, parse_yaml, validate

ChannelText = Annotated[str, BeforeValidator(lambda v: str(v) if isinstance(v, int) else v)]
"""Telegram ids are numbers in YAML; the core keeps every channel id as text."""
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StaffMember(_Model):
    """A person who may claim, answer and close cases. ``identities``: channel -> user id."""

    name: str = Field(min_length=1)
    identities: dict[str, ChannelText] = Field(min_length=1)
    offices: tuple[Id, ...] = ()
    districts: tuple[Id, ...] = ()
    """District or quarter ids (places.yaml) the person serves; empty = the whole city."""
    languages: tuple[Lang, ...] = ()

    def serves(self, lang: str | None, district: str | None) -> bool:
        """Speaks ``lang`` and serves ``district`` (an unknown district counts as served)."""
        speaks = lang is not None and lang in self.languages
        return speaks and (not self.districts or district is None or district in self.districts)


class StaffRoom(_Model):
    """A staff group chat (a Matrix room, a Telegram group) where case cards are posted."""

    channel: str = Field(min_length=1)
    chat_id: ChannelText = Field(min_length=1)
    offices: tuple[Id, ...] = ()
    """Offices whose notices (bookings ...) go here; empty = every office."""
    languages: tuple[Lang, ...] = ()
    """Languages of the cases this room sees first; empty = every language."""
    districts: tuple[Id, ...] = ()
    """Districts of the cases this room sees first; empty = every district."""
    topics: bool = False
    """A Telegram group with topics (a forum): every case gets its own topic there."""

    @model_validator(mode="after")
    def _topics_on_telegram(self) -> StaffRoom:
        if self.topics and self.channel != "telegram":
            raise ValueError("topics: true works only for a Telegram group")
        return self

    @property
    def ref(self) -> ConversationRef:
        return ConversationRef(channel=ChannelName(self.channel), chat_id=ChatId(self.chat_id))

    def covers(self, lang: str | None, district: str | None) -> bool:
        lang_ok = not self.languages or lang in self.languages
        district_ok = not self.districts or district is None or district in self.districts
        return lang_ok and district_ok

    def serves_office(self, office_id: str) -> bool:
        return not self.offices or office_id in self.offices


class RosterDoc(_Model):
    """The YAML file named by LOTSE_STAFF_ROSTER."""

    office_hours: dict[Weekday, tuple[TimeRange, ...]] = Field(default_factory=dict)
    """When staff answer (Europe/Berlin); empty = not published."""
    escalate_after_minutes: int = Field(default=15, ge=1, le=24 * 60)
    """An unclaimed case goes to every staff room after this long."""
    members: tuple[StaffMember, ...] = Field(min_length=1)
    rooms: tuple[StaffRoom, ...] = Field(min_length=1)


class StaffRoster:
    """Answers who is staff, which rooms see a case first, and whether staff are at work."""

    def __init__(self, doc: RosterDoc) -> None:
        self.doc = doc
        self._by_identity = {
            (channel, user_id): member
            for member in doc.members
            for channel, user_id in member.identities.items()
        }

    @property
    def members(self) -> tuple[StaffMember, ...]:
        return self.doc.members

    @property
    def rooms(self) -> tuple[StaffRoom, ...]:
        return self.doc.rooms

    @property
    def escalate_after(self) -> timedelta:
        return timedelta(minutes=self.doc.escalate_after_minutes)

    def member(self, channel: str, user_id: str) -> StaffMember | None:
        """The roster member behind a channel identity, or None for anyone else."""
        return self._by_identity.get((channel, user_id))

    def room(self, ref: ConversationRef) -> StaffRoom | None:
        for room in self.doc.rooms:
            if room.channel == ref.channel and room.chat_id == ref.chat_id:
                return room
        return None

    def room_ids(self, channel: str) -> frozenset[str]:
        """The chat ids of the staff rooms on one channel (for the adapter's configuration)."""
        return frozenset(r.chat_id for r in self.doc.rooms if r.channel == channel)

    def first_rooms(self, lang: str | None, district: str | None) -> tuple[StaffRoom, ...]:
        """The rooms that see a case first: those covering its language and district, else
        all."""
        suited = tuple(r for r in self.doc.rooms if r.covers(lang, district))
        return suited or self.doc.rooms

    def suited_members(self, lang: str | None, district: str | None) -> tuple[StaffMember, ...]:
        return tuple(m for m in self.doc.members if m.serves(lang, district))

    def rooms_for_office(self, office_id: str) -> tuple[StaffRoom, ...]:
        return tuple(r for r in self.doc.rooms if r.serves_office(office_id))

    @property
    def publishes_hours(self) -> bool:
        return any(self.doc.office_hours.values())

    def at_work(self, now: datetime) -> bool:
        local = now.astimezone(BERLIN)
        return any(start <= local.time() < end for start, end in self._ranges(local.weekday()))

    def next_opening(self, now: datetime) -> datetime | None:
        """The next start of office hours after ``now`` (aware UTC), None if none are set."""
        local = now.astimezone(BERLIN)
        for days in range(8):
            day = (local + timedelta(days=days)).date()
            for start, _end in sorted(self._ranges(day.weekday())):
                opening = datetime.combine(day, start, tzinfo=BERLIN)
                if opening > local:
                    return opening.astimezone(now.tzinfo)
        return None

    def _ranges(self, weekday: int) -> list[tuple[time, time]]:
        ranges = self.doc.office_hours.get(WEEKDAYS[weekday], ())  # type: ignore[call-overload]
        return [parse_time_range(r) for r in ranges]


def load_roster(path: Path) -> StaffRoster:
    """Read and check the roster; every problem is reported as ``path:line: message``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}:1: cannot read the staff roster: {exc}") from exc
    raw, syntax = parse_yaml(text)
    if syntax is not None:
        raise ConfigError(f"{path}:{syntax[0]}: {syntax[1]}")
    doc, invalid = validate(raw, RosterDoc)
    if invalid:
        raise ConfigError("\n".join(f"{path}:{line}: {message}" for line, message in invalid))
    problems: list[str] = []
    problems.extend(_duplicates(path, raw, doc))
    if problems:
        raise ConfigError("\n".join(problems))
    return StaffRoster(doc)


def _duplicates(path: Path, raw: Any, doc: RosterDoc) -> list[str]:
    """One identity may belong to one member only, or authorisation would be ambiguous."""
    problems = []
    seen: dict[tuple[str, str], str] = {}
    for index, member in enumerate(doc.members):
        for channel, user_id in member.identities.items():
            owner = seen.setdefault((channel, user_id), member.name)
            if owner != member.name:
                line = line_of(raw, ("members", index, "identities", channel))
                problems.append(f"{path}:{line}: {channel} identity is also {owner}'s")
    return problems
