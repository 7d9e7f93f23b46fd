"""The office search in chat: the find_office intent, a shared location and its follow-ups."""

from __future__ import annotations

from dataclasses import replace

from bot.offices.finder import BOOK_AT, OFFICE, OfficeFinder
from bot.turn import Turn, TurnContext, Understood

FLOW = "offices"


def topic_of(ctx: TurnContext) -> str | None:
    """The office topic of the question asked before ("and where do I go for that?")."""
    last = ctx.state.last_intent
    doc = ctx.kb.intents.get(last) if last else None
    return doc.office_topic if doc is not None else None


class FindOfficeHandler:
    """Answers find_office: the nearest suitable office, or first the question where."""

    def __init__(self, finder: OfficeFinder) -> None:
        self._finder = finder

    async def __call__(self, ctx: TurnContext, understood: Understood) -> Turn:
        topic = topic_of(ctx)
        place, problem = self._finder.place_of(ctx)
        if place is None and problem != "office_outside":
            place = self._finder.known_place(ctx)
        if place is not None:
            return self._finder.show(ctx, place, topic, FLOW)
        intro = ctx.texts.reply("find_office", ctx.lang).text.strip()
        if problem == "office_outside":
            return self._finder.ask_place(ctx, flow=FLOW, data={"topic": topic}, key=problem)
        return self._finder.ask_place(
            ctx, flow=FLOW, data={"topic": topic}, key="office_ask_city", intro=intro
        )


class LocationHandler:
    """A shared location: the nearest office that can help with the last topic."""

    def __init__(self, finder: OfficeFinder) -> None:
        self._finder = finder

    async def __call__(self, ctx: TurnContext) -> Turn:
        place, problem = self._finder.place_of(ctx)
        if place is None:
            return self._finder.ask_place(
                ctx, flow=FLOW, data={"topic": topic_of(ctx)}, key=problem or "office_outside"
            )
        return self._finder.show(ctx, place, topic_of(ctx), FLOW)


class OfficeFlow:
    """The steps after the office search: where do you live? which office? book there?"""

    name = FLOW

    def __init__(self, finder: OfficeFinder) -> None:
        self._finder = finder

    async def resume(self, ctx: TurnContext) -> Turn | None:
        data = ctx.state.data
        topic = data.get("topic")
        choice = ctx.choice
        if choice is not None and choice.key.startswith(BOOK_AT) and self._finder.booking:
            return await self._finder.booking.start_at(ctx, choice.key[len(BOOK_AT) :])
        if choice is not None and choice.key.startswith(OFFICE):
            office_id = choice.key[len(OFFICE) :]
            others = [o for o in data.get("others", []) if o != office_id]
            return self._finder.show_office(ctx, office_id, others=others, flow=FLOW)
        if data.get("step") != "place":
            return None
        place, problem = self._finder.place_of(ctx)
        if place is not None:
            return self._finder.show(ctx, place, topic, FLOW)
        if problem is None:
            return None
        return self._finder.ask_place(ctx, flow=FLOW, data={"topic": topic}, key=problem)


MAX_OTHERS = 3
SHORT_QUESTION_WORDS = 6
"""A short message that names an office ("where is the Ausländerbehörde?") is about that
office, whatever topic the office's name suggests to the matcher."""
KEEP_OWN_ANSWER = frozenset({"cancel_appointment", "emergency", "human", "change_language"})
BOOK = "book_appointment"


class NamedOfficeHandler:
    """An office named in the message (any script) gets its card; a message that asks for an
    office and gives a place gets the nearest offices at once instead of a menu."""

    def __init__(self, finder: OfficeFinder) -> None:
        self._finder = finder

    async def __call__(self, ctx: TurnContext, understood: Understood) -> Turn | None:
        wants_office = understood.intent == "find_office"
        booking = understood.intent == BOOK
        short = len(ctx.text.split()) <= SHORT_QUESTION_WORDS
        clear_other = understood.decision == "answer" and not wants_office and not booking
        if clear_other and (not short or understood.intent in KEEP_OWN_ANSWER):
            return None  # a clear other topic keeps its own answer
        place, _ = self._finder.place_of(ctx)
        if place is not None:
            ctx = self._finder.remember(ctx, place)
        directory = self._finder.directory(ctx.kb)
        named = directory.named(ctx.text, place or self._finder.known_place(ctx))
        if booking:
            return await self._book_at(ctx, named[0].id) if named else None
        if named:
            others = [o.id for o in named[1 : 1 + MAX_OTHERS]]
            turn = self._finder.show_office(
                ctx, named[0].id, others=others, flow=FLOW, intro=False
            )
            return replace(turn, intent="find_office")
        if place is not None and wants_office:
            return self._finder.show(ctx, place, topic_of(ctx), FLOW)
        return None

    async def _book_at(self, ctx: TurnContext, office_id: str) -> Turn:
        """An appointment at a named office: its slots where it takes bookings here, else its
        card, which says how to get an appointment there (link, phone, hours), never the slots
        of another office."""
        directory = self._finder.directory(ctx.kb)
        if self._finder.booking is not None and directory.bookable_at(office_id):
            return await self._finder.booking.start_at(ctx, office_id)
        turn = self._finder.show_office(ctx, office_id, others=[], flow=FLOW, intro=False)
        return replace(turn, intent="find_office")
