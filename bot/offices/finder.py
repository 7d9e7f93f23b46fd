"""Finding the user's place in chat (choice, postcode, district, location) and showing offices."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Protocol

from bot.expects import expecting
from bot.messages import Choice, Reply
from bot.offices.card import office_choice, office_text, venue
from bot.offices.directory import OfficeDirectory
from bot.offices.opening import OpeningCalendar
from bot.offices.places import Place
from bot.slots import SlotReader
from bot.turn import Turn, TurnContext
from knowledge.loader import KnowledgeBase
from knowledge.schema import GeoPoint

DEFAULT_TOPIC = "advice"
"""An office question without a topic ("the nearest advice office") wants advice offices."""
CITY = "c:"
OFFICE = "o:"
BOOK_AT = "b:office:"
MAX_WORDS_OF_A_PLACE = 4
"""A longer message in a place step is taken as a new question, not a misspelt place."""


class BookingStarter(Protocol):
    """The booking dialogue, as far as the office search needs it."""

    async def start_at(self, ctx: TurnContext, office_id: str) -> Turn: ...

    def takes_bookings(self, kb: KnowledgeBase, office_id: str) -> bool: ...


class OfficeFinder:
    """Shared by the office search, the deadline dialogue and booking: one cached directory."""

    def __init__(self) -> None:
        self.calendar = OpeningCalendar()
        self.booking: BookingStarter | None = None
        self._cached: tuple[KnowledgeBase, OfficeDirectory] | None = None
        self._reader: tuple[KnowledgeBase, SlotReader] | None = None

    def directory(self, kb: KnowledgeBase) -> OfficeDirectory:
        if self._cached is None or self._cached[0] is not kb:
            self._cached = (kb, OfficeDirectory(kb))
        return self._cached[1]

    def reader(self, kb: KnowledgeBase) -> SlotReader:
        """Reads dates, times, yes/no and nationality with this knowledge base's tables."""
        if self._reader is None or self._reader[0] is not kb:
            self._reader = (kb, SlotReader(kb.slots))
        return self._reader[1]

    # -- the place ------------------------------------------------------------------------

    def known_place(self, ctx: TurnContext) -> Place | None:
        if not ctx.state.city:
            return None
        return self.directory(ctx.kb).places.by_area(ctx.state.city, ctx.state.district)

    def place_of(self, ctx: TurnContext) -> tuple[Place | None, str | None]:
        """The place this message gives, or the message key explaining why there is none.

        ``(None, None)`` means the message is not about a place at all.
        """
        places = self.directory(ctx.kb).places
        if ctx.choice is not None and ctx.choice.key.startswith(CITY):
            return places.by_area(ctx.choice.key[len(CITY) :], None), None
        if ctx.message.location is not None:
            point = GeoPoint(lat=ctx.message.location.lat, lon=ctx.message.location.lon)
            found = places.by_point(point)
            return (found, None) if found else (None, "office_outside")
        code = places.postcode_in(ctx.text)
        if code is not None:
            found = places.by_postcode(code)
            return (found, None) if found else (None, "office_outside")
        found = places.by_name(ctx.text)
        if found is not None:
            return found, None
        if ctx.text and len(ctx.text.split()) <= MAX_WORDS_OF_A_PLACE:
            return None, "office_place_unknown"
        return None, None

    def city_choices(self, ctx: TurnContext) -> tuple[Choice, ...]:
        places = self.directory(ctx.kb).places
        return tuple(
            Choice(key=f"{CITY}{city_id}", label=city.name)
            for city_id in places.city_ids
            if (city := places.city(city_id)) is not None
        )

    def ask_place(
        self, ctx: TurnContext, *, flow: str, data: Mapping[str, Any], key: str, intro: str = ""
    ) -> Turn:
        """Ask where the user lives; the flow's ``resume`` takes the answer."""
        choices = self.city_choices(ctx)
        text = "\n\n".join(p for p in (intro, ctx.msg(key)) if p)
        step = {**data, "step": "place", **expecting("city")}
        state = ctx.state.with_flow(flow, step, choices=choices)
        return Turn(replies=(ctx.reply(text, choices=choices),), state=state)

    def city_of(self, ctx: TurnContext) -> str | None:
        """The user's city: named in this message (a postcode, district or city), else the one
        remembered in the conversation."""
        place, _ = self.place_of(ctx)
        return place.city if place is not None else ctx.state.city

    def remember(self, ctx: TurnContext, place: Place) -> TurnContext:
        """The context with the place kept in the conversation: city, district or quarter,
        and the postcode when the message gave one."""
        places = self.directory(ctx.kb).places
        code = places.postcode_in(ctx.text) if ctx.text else None
        area = place.quarter or place.district
        if code is None and (ctx.state.city, ctx.state.district) == (place.city, area):
            code = ctx.state.postcode
        state = replace(ctx.state, city=place.city, district=area, postcode=code)
        return replace(ctx, state=state)

    # -- offices --------------------------------------------------------------------------

    def show(self, ctx: TurnContext, place: Place, topic: str | None, flow: str) -> Turn:
        """The nearest suitable office as a card; other offices and booking as choices."""
        ctx = self.remember(ctx, place)
        directory = self.directory(ctx.kb)
        offices = directory.nearest(
            place,
            topic=topic or DEFAULT_TOPIC,
            lang=ctx.lang,
            open_now=lambda o: self.calendar.status(o, ctx.now).open_now,
        )
        if not offices:
            return self.ask_place(ctx, flow=flow, data={"topic": topic}, key="office_ask_city")
        best = offices[0]
        return self.show_office(ctx, best.id, others=[o.id for o in offices[1:]], flow=flow)

    def show_office(
        self,
        ctx: TurnContext,
        office_id: str,
        *,
        others: list[str],
        flow: str,
        intro: bool = True,
    ) -> Turn:
        directory = self.directory(ctx.kb)
        office = directory.get(office_id)
        if office is None:
            return Turn(replies=(ctx.reply(ctx.msg("error")),), state=ctx.state.cleared())
        card = office_text(ctx.texts, ctx.lang, office, self.calendar, ctx.now)
        text = ctx.msg("office_nearest") + "\n\n" + card if intro else card
        choices: list[Choice] = []
        if self.booking is not None and self.booking.takes_bookings(ctx.kb, office.id):
            choices.append(Choice(key=f"{BOOK_AT}{office.id}", label=ctx.msg("office_book_here")))
        for other_id in others:
            other = directory.get(other_id)
            if other is not None:
                choices.append(office_choice(other))
        reply = Reply(text=text, choices=tuple(choices), venue=venue(office), lang=ctx.lang)
        data = {"step": "shown", "others": [office_id, *others], **expecting("choice")}
        shown = replace(ctx.state, office=office.id)
        state = shown.with_flow(flow, data, choices=tuple(choices)) if choices else shown.cleared()
        return Turn(replies=(reply,), state=state, intent="find_office")
