"""Short messages about what was just shown: "where is that?", "when is it open?", "book
there", a district name after a topic answer; and a place named together with a topic."""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from bot.messages import Reply
from bot.offices.card import hours_text, location_text, venue
from bot.offices.finder import OfficeFinder
from bot.offices.handlers import FLOW, topic_of
from bot.slots.vocabulary import words_of
from bot.turn import Turn, TurnContext, Understood
from intents.context import REFERENCES, looks_like_follow_up, mentions_someone

MAX_FOLLOW_UP_WORDS = 7
MAX_PLACE_ALONE_WORDS = 3
""""Scharnhorst", "in 44388", "Hörde bitte": a place and little else."""


class KnowledgeAnswer(Protocol):
    def knowledge_answer(self, ctx: TurnContext, intent: str) -> Turn: ...


class Answerer(Protocol):
    async def answer(self, ctx: TurnContext, understood: Understood) -> Turn: ...


def _topics(ctx: TurnContext) -> frozenset[str]:
    return frozenset(i for i, doc in ctx.kb.intents.items() if doc.kind == "topic")


class FollowUps:
    """Asked by the router before the matcher's answer; None lets the matcher decide."""

    def __init__(self, finder: OfficeFinder, answers: Answerer) -> None:
        self._finder = finder
        self._answers = answers

    async def __call__(self, ctx: TurnContext, understood: Understood) -> Turn | None:
        words = words_of(ctx.text)
        if not words or len(words) > MAX_FOLLOW_UP_WORDS:
            return None
        last = ctx.state.last_intent
        if (
            last in _topics(ctx)
            and mentions_someone(ctx.text, ctx.lang)
            and looks_like_follow_up(ctx.text, ctx.lang)
        ):
            # "for my wife too", "а для дітей?": the same topic, for someone else.
            assert last is not None
            same = Understood(intent=last, confidence=1.0, decision="answer", lang=ctx.lang)
            return await self._answers.answer(ctx, same)
        sure = understood.decision == "answer" and understood.intent != "unknown"
        new_topic = sure and understood.intent in _topics(ctx) and understood.intent != last
        # "Hallo aus Dortmund" stays a greeting; "Scharnhorst" is about the last topic.
        # Unsure and with no topic before, only a place on its own ("Scharnhorst", "44388") is
        # taken as asking for offices there; "Hallo aus Dortmund" is not.
        after_topic = last in _topics(ctx)
        about_place = (not sure and (after_topic or len(words) == 1)) or understood.intent in (
            "find_office",
            last,
        )
        if len(words) <= MAX_PLACE_ALONE_WORDS and about_place:
            place, _ = self._finder.place_of(ctx)
            if place is not None:
                # A district alone after a topic answer: that topic's offices there.
                return self._finder.show(ctx, place, topic_of(ctx), FLOW)
        short = len(words) <= MAX_PLACE_ALONE_WORDS or looks_like_follow_up(ctx.text, ctx.lang)
        if new_topic or not short:
            return None
        asks = self._finder.reader(ctx.kb).asks(ctx.text, (ctx.lang, ctx.state.lang))
        if asks is None:
            return None
        office_id = ctx.state.office
        directory = self._finder.directory(ctx.kb)
        office = directory.get(office_id) if office_id else None
        if office is None:
            return self._nearest_for_topic(ctx)
        if asks == "book":
            if self._finder.booking is None or not self._points_back(ctx, words):
                return None
            # The office just shown, bookable or not: its slots, or the way to an appointment
            # there. Never the matcher's guess, which picks the nearest office that speaks
            # the user's language (another office than the one on the card).
            return await self._finder.booking.start_at(ctx, office.id)
        if asks == "open":
            text = hours_text(ctx.texts, ctx.lang, office, self._finder.calendar, ctx.now)
        else:
            text = location_text(ctx.texts, ctx.lang, office)
        reply = Reply(text=text, venue=venue(office), lang=ctx.lang)
        return Turn(replies=(reply,), state=ctx.state.cleared(), intent="find_office")

    def _nearest_for_topic(self, ctx: TurnContext) -> Turn | None:
        """ "Where is that?" after a topic answer that named no office: the nearest office for
        that topic, or the question where the user lives. Never the whole answer again."""
        topic = topic_of(ctx)
        if topic is None:
            return None
        place = self._finder.known_place(ctx)
        if place is not None:
            return self._finder.show(ctx, place, topic, FLOW)
        return self._finder.ask_place(ctx, flow=FLOW, data={"topic": topic}, key="office_ask_city")

    @staticmethod
    def _points_back(ctx: TurnContext, words: tuple[str, ...]) -> bool:
        """ "book there", "Termin dort", "записатися туди": a word pointing at the office."""
        references = frozenset().union(
            *(REFERENCES.get(code, frozenset()) for code in (ctx.lang, "en", "de"))
        )
        return len(words) <= 2 or any(word in references for word in words)


class TopicWithPlace:
    """A topic answer; when the message also names a place ("kita platz 44388"), the
    nearest office for the topic follows at once, so the bot does not ask where."""

    def __init__(self, answers: KnowledgeAnswer, finder: OfficeFinder) -> None:
        self._answers = answers
        self._finder = finder

    async def __call__(self, ctx: TurnContext, understood: Understood) -> Turn:
        answer = self._answers.knowledge_answer(ctx, understood.intent)
        doc = ctx.kb.intents.get(understood.intent)
        topic = doc.office_topic if doc is not None else None
        if topic is None:
            return answer
        place, _ = self._finder.place_of(replace(ctx, choice=None))
        if place is None or not ctx.text:
            return answer
        shown = self._finder.show(replace(ctx, state=answer.state), place, topic, FLOW)
        replies = tuple(_without_postcode_prompt(ctx, r) for r in answer.replies)
        return replace(shown, replies=(*replies, *shown.replies), intent=understood.intent)


def _without_postcode_prompt(ctx: TurnContext, reply: Reply) -> Reply:
    """The answer without its closing "write your postcode ..." sentence: the place is known."""
    prompt = ctx.texts.message("postcode_prompt", reply.lang).strip()
    text = reply.text.rstrip()
    if prompt and text.endswith(prompt) and len(text) > len(prompt):
        return replace(reply, text=text[: -len(prompt)].rstrip())
    return reply
