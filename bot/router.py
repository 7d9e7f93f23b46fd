"""Decides what answers a message: a command, the dialogue in progress, or the matcher."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot import pages_answer
from bot.expects import expected_answer
from bot.flows import delete, language
from bot.messages import Choice, IncomingMessage, MessageKind, Reply
from bot.safety import INFO, answers_expected, crisis_text, unsure_text
from bot.sanitise import MAX_CHARS, clean, has_words
from bot.state import ConversationState
from bot.texts import Texts
from bot.turn import (
    DataEraser,
    Flow,
    FollowUpHandler,
    IntentHandler,
    LocationHandler,
    Turn,
    TurnContext,
    TurnObserver,
    Understood,
)
from bot.understanding import Understanding
from intents.context import looks_like_follow_up
from knowledge.loader import KnowledgeBase

if TYPE_CHECKING:
    from bot.observability import Metrics

log = logging.getLogger(__name__)

_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")
_STOP_WORDS = frozenset({"0", "stop", "/stop", "/cancel", "cancel", "abbrechen", "стоп", "توقف"})
ASK_BACK = "ask_back"
MAX_ASK_CHOICES = 3


def topic_intents(kb: KnowledgeBase) -> frozenset[str]:
    return frozenset(i for i, doc in kb.intents.items() if doc.kind == "topic")


class Router:
    """Routes one message to a handler and returns its Turn. Does no I/O of its own."""

    def __init__(
        self,
        *,
        knowledge: Callable[[], tuple[KnowledgeBase, Texts, Understanding]],
        flows: Mapping[str, Flow] | None = None,
        handlers: Mapping[str, IntentHandler] | None = None,
        location_handler: LocationHandler | None = None,
        miss_handler: IntentHandler | None = None,
        feedback_handler: IntentHandler | None = None,
    ) -> None:
        self._knowledge = knowledge
        self.metrics: Metrics | None = None
        self._erasers: list[DataEraser] = []
        self._flows: dict[str, Flow] = {
            language.FLOW: language.LanguageFlow(),
            delete.FLOW: delete.DeleteFlow(self._erasers),
            **(flows or {}),
        }
        self._handlers = dict(handlers or {})
        self._location_handler = location_handler
        self._miss_handler = miss_handler
        self._feedback_handler = feedback_handler
        self._follow_up: FollowUpHandler | None = None
        self._topic_handler: IntentHandler | None = None
        self._observers: list[TurnObserver] = []
        self._city_of: Callable[[TurnContext], str | None] | None = None
        self._office_named: NamedOfficeHandler | None = None

    def add_flow(self, flow: Flow) -> None:
        self._flows[flow.name] = flow

    def add_handler(self, intent: str, handler: IntentHandler) -> None:
        """Answer ``intent`` with ``handler`` instead of the knowledge base's text."""
        self._handlers[intent] = handler

    def add_eraser(self, eraser: DataEraser) -> None:
        """Also erase this kind of data when a user asks /delete."""
        self._erasers.append(eraser)

    def set_location_handler(self, handler: LocationHandler) -> None:
        self._location_handler = handler

    def set_miss_handler(self, handler: IntentHandler) -> None:
        """Called on the second message in a row the bot does not understand."""
        self._miss_handler = handler

    def set_feedback_handler(self, handler: IntentHandler) -> None:
        self._feedback_handler = handler

    def set_follow_up_handler(self, handler: FollowUpHandler) -> None:
        """Asked first about a message outside any dialogue step: "where is that?", a
        district name after a topic answer ... It returns None to let the matcher decide."""
        self._follow_up = handler

    def set_topic_handler(self, handler: IntentHandler) -> None:
        """Answers topic intents that have no handler of their own (instead of the plain
        knowledge answer), e.g. to add the nearest office when the message named a place."""
        self._topic_handler = handler

    def add_observer(self, observer: TurnObserver) -> None:
        """Called after every routed message, in its unit of work (e.g. what went unanswered)."""
        self._observers.append(observer)

    def set_city_resolver(self, city_of: Callable[[TurnContext], str | None]) -> None:
        """How to tell the user's city (remembered, or named in the message): it picks a
        topic's per-city reply."""
        self._city_of = city_of

    def set_named_office_handler(self, handler: NamedOfficeHandler) -> None:
        """Asked first for a message the matcher is unsure of, or that asks for an office: an
        office named in it (or a place to search near) may answer directly."""
        self._office_named = handler

    # -- understanding ahead of the unit of work (back-pressure) ---------------------------

    def understand_ahead(
        self, message: IncomingMessage, state: ConversationState
    ) -> Understood | None:
        """The CPU-bound part of ``route``, run before the unit of work opens so no database
        connection is held meanwhile; ``route`` uses it when given (same text, same state)."""
        _, _, understanding = self._knowledge()
        text = clean((message.text or "")[: MAX_CHARS * 4])[:MAX_CHARS]
        if self._picked_choice(message, text, state) is not None:
            return None
        if not has_words(text) or text.startswith("/"):
            return None
        return understanding.understand(text, hints=(state.lang, message.lang_hint))

    async def route(
        self,
        message: IncomingMessage,
        state: ConversationState,
        session: AsyncSession,
        now: datetime,
        *,
        ahead: Understood | None = None,
    ) -> Turn:
        kb, texts, understanding = self._knowledge()
        raw = message.text or ""
        text = clean(raw[: MAX_CHARS * 4])
        truncated = len(text) > MAX_CHARS
        text = text[:MAX_CHARS]
        choice = self._picked_choice(message, text, state)
        understood: Understood | None = None
        if choice is None and has_words(text) and not text.startswith("/"):
            if self.metrics is None:
                understood = ahead or understanding.understand(
                    text, hints=(state.lang, message.lang_hint)
                )
            else:
                with self.metrics.understanding():
                    understood = ahead or understanding.understand(
                        text, hints=(state.lang, message.lang_hint)
                    )
                unknown = understood.intent == "unknown"
                self.metrics.decided("unknown" if unknown else understood.decision)
        lang = self._language(state, understood, message, texts)
        ctx = TurnContext(
            message=message,
            text=text,
            state=state if state.lang_explicit else replace(state, lang=lang),
            lang=lang,
            now=now,
            session=session,
            kb=kb,
            texts=texts,
            choice=choice,
            understood=understood,
        )
        turn = await self._route(ctx, understood)
        turn = self._with_safety_check(ctx, understood, turn)
        for observer in self._observers:
            await observer(ctx, understood, turn)
        if truncated:
            notice = ctx.reply(ctx.msg("too_long"))
            turn = replace(turn, replies=(notice, *turn.replies))
        return turn

    # -- language -------------------------------------------------------------------------

    @staticmethod
    def _language(
        state: ConversationState,
        understood: Understood | None,
        message: IncomingMessage,
        texts: Texts,
    ) -> str:
        if state.lang_explicit and state.lang:
            return texts.serving_language(state.lang)
        if understood is not None and (understood.lang_confidence >= 0.5 or state.lang is None):
            return texts.serving_language(understood.lang)
        return texts.serving_language(state.lang or message.lang_hint or texts.languages[0])

    # -- safety -------------------------------------------------------------------------

    def _crisis(self, ctx: TurnContext, understood: Understood | None) -> Turn | None:
        """A sure crisis is answered first, always: in any dialogue, before any command.
        So is a "yes" to the question "are you or someone else in danger right now?"."""
        if understood is not None and understood.safety == "sure":
            return self.crisis_answer(ctx, understood.safety_kind)
        if ctx.state.safety_asked and ctx.text:
            _kb, _texts, understanding = self._knowledge()
            if understanding.is_yes(ctx.text):
                return self.crisis_answer(ctx, "emergency")
        return None

    def crisis_answer(self, ctx: TurnContext, kind: str | None) -> Turn:
        """The first step for a crisis of ``kind`` (numbers first), then the offer of a person."""
        local = crisis_text(ctx.kb, ctx.texts, kind, ctx.lang)
        state = replace(ctx.state.cleared(), misses=0)
        if kind == INFO:
            return Turn(replies=(Reply(text=local.text, lang=local.lang),), state=state,
                        intent="emergency")  # fmt: skip
        choices = (Choice(key="i:human", label=ctx.msg("a_person")),)
        reply = Reply(text=local.text, lang=local.lang, choices=choices)
        return Turn(
            replies=(reply,), state=state.with_flow(ASK_BACK, choices=choices), intent="emergency"
        )

    def _with_safety_check(
        self, ctx: TurnContext, understood: Understood | None, turn: Turn
    ) -> Turn:
        """When unsure, one line with 112/110 and one question go before the normal answer;
        the dialogue and what was typed are kept. Not when the message is the date, time or
        number the dialogue step asked for."""
        unsure = (
            understood is not None
            and understood.safety == "unsure"
            and turn.intent != "emergency"
            and not answers_expected(expected_answer(ctx.state), ctx.text)
        )
        local = (
            unsure_text(ctx.kb, ctx.texts, ctx.lang, understood.safety_kind)
            if unsure and understood is not None
            else None
        )
        state = replace(turn.state, safety_asked=local is not None)
        if local is None:
            return turn if state == turn.state else replace(turn, state=state)
        line = Reply(text=local.text, lang=local.lang)
        return replace(turn, replies=(line, *turn.replies), state=state)

    # -- choices --------------------------------------------------------------------------

    @staticmethod
    def _picked_choice(
        message: IncomingMessage, text: str, state: ConversationState
    ) -> Choice | None:
        if message.kind is MessageKind.CHOICE and message.choice:
            for offered in state.choices:
                if offered.key == message.choice:
                    return offered
            return Choice(key=message.choice, label="")
        if not state.choices:
            return None
        number = _NUMBER.match(text)
        if number and 1 <= int(number.group(1)) <= len(state.choices):
            return state.choices[int(number.group(1)) - 1]
        folded = text.casefold().strip(" .!")
        for offered in state.choices:
            if folded and offered.label.casefold() == folded:
                return offered
        return None

    # -- the decision ---------------------------------------------------------------------

    async def _route(self, ctx: TurnContext, understood: Understood | None) -> Turn:
        message = ctx.message
        if message.kind is MessageKind.UNSUPPORTED:
            return self._say(ctx, "non_text", keep_flow=True)
        if message.kind is MessageKind.FEEDBACK:
            return await self._feedback(ctx)
        if message.kind is MessageKind.LOCATION:
            if self._location_handler is not None:
                return await self._location_handler(ctx)
            return await self.answer(ctx, _sure("find_office", ctx.lang))
        crisis = self._crisis(ctx, understood)
        if crisis is not None:
            return crisis
        if ctx.text.startswith("/"):
            return await self._command(ctx)
        if ctx.state.flow and ctx.text.casefold() in _STOP_WORDS:
            return Turn(replies=(ctx.reply(ctx.msg("flow_cancelled")),), state=ctx.state.cleared())
        if ctx.choice is not None:
            turn = await self._choice(ctx)
            if turn is not None:
                return turn
        if ctx.state.flow:
            flow = self._flows.get(ctx.state.flow)
            turn = await flow.resume(ctx) if flow else None
            if turn is not None:
                return turn
            if ctx.state.choices and _NUMBER.match(ctx.text):
                return self._invalid_choice(ctx)
            ctx = replace(ctx, state=ctx.state.cleared())
        if not ctx.text or understood is None:
            key = "empty" if not ctx.text else "non_text"
            return self._say(ctx, key)
        if self._follow_up is not None:
            turn = await self._follow_up(ctx, understood)
            if turn is not None:
                return turn
        return await self.answer(ctx, self._with_context(ctx, understood))

    async def _choice(self, ctx: TurnContext) -> Turn | None:
        assert ctx.choice is not None
        key = ctx.choice.key
        if key.startswith("i:"):
            intent = key[2:]
            ctx = replace(ctx, state=ctx.state.cleared())
            return await self.answer(ctx, _sure(intent, ctx.lang))
        if key.startswith("l:"):
            return language.switch_to(ctx, key[2:])
        if key.startswith(pages_answer.PAGE_CHOICE):
            answerer = self._knowledge()[2].pages
            return pages_answer.picked(replace(ctx, state=ctx.state.cleared()), answerer, key)
        return None

    def _invalid_choice(self, ctx: TurnContext) -> Turn:
        choices = ctx.state.choices
        reply = ctx.reply(ctx.msg("invalid_choice", n=len(choices)), choices=choices)
        return Turn(replies=(reply,), state=ctx.state)

    async def _command(self, ctx: TurnContext) -> Turn:
        command = ctx.text.split()[0][1:].split("@")[0].casefold()
        cleared = replace(ctx, state=ctx.state.cleared())
        if command == "start":
            greeting = ctx.texts.reply("greeting", ctx.lang).text
            return language.picker(cleared, intro=greeting)
        if command == "language":
            return language.picker(cleared)
        if command == "delete":
            return delete.ask(cleared)
        if command in ("stop", "cancel"):
            return Turn(replies=(ctx.reply(ctx.msg("flow_cancelled")),), state=cleared.state)
        intent = {"human": "human", "help": "help"}.get(command, "help")
        return await self.answer(cleared, _sure(intent, ctx.lang))

    def _with_context(self, ctx: TurnContext, understood: Understood) -> Understood:
        """A short follow-up ("and for my wife?") keeps to the previous topic."""
        last = ctx.state.last_intent
        if (
            understood.decision != "answer"
            and last in topic_intents(ctx.kb)
            and looks_like_follow_up(ctx.text, ctx.lang)
        ):
            assert last is not None
            return replace(understood, intent=last, decision="answer", confidence=0.6)
        return understood

    # -- answering ------------------------------------------------------------------------

    async def answer(self, ctx: TurnContext, understood: Understood) -> Turn:
        """Answer a message whose meaning is decided (or ask back, or admit not knowing)."""
        if understood.intent == "emergency" and understood.safety != "sure":
            understood = self._without_emergency(understood)
        intent = understood.intent
        if self._office_named is not None and intent != "emergency":
            direct = await self._office_named(ctx, understood)
            if direct is not None:
                return direct
        searched = False
        if ctx.choice is None and ctx.text and pages_answer.consults_pages(understood):
            # Open world: what no intent clearly covers is looked up in the city's pages.
            answerer = self._knowledge()[2].pages
            city = self._city_of(ctx) if self._city_of is not None else ctx.state.city
            found = pages_answer.look_up(answerer, ctx.kb, ctx.text, city, ctx.lang)
            if found is not None:
                turn = pages_answer.page_turn(ctx, understood, found)
                if turn is not None:
                    return turn
                searched = True
        if understood.decision == "ask" and intent != "emergency":
            return self._ask_back(ctx, understood)
        if understood.decision == "unknown" or intent == "unknown":
            return await self._miss(ctx, understood, pages_searched=searched)
        if intent == "change_language":
            return language.change_language(ctx)
        handler = self._handlers.get(intent)
        if handler is not None:
            return await handler(ctx, understood)
        if self._topic_handler is not None and intent in topic_intents(ctx.kb):
            return await self._topic_handler(ctx, understood)
        return self.knowledge_answer(ctx, intent)

    @staticmethod
    def _without_emergency(understood: Understood) -> Understood:
        """A guess of the encoder alone is no emergency: the safety line is shown (see
        ``_with_safety_check``) and the message is answered as its next likeliest meaning."""
        if not understood.alternatives:
            return replace(understood, intent="unknown", decision="unknown")
        (intent, confidence), *rest = understood.alternatives
        return replace(
            understood, intent=intent, confidence=confidence, decision="ask",
            alternatives=tuple(rest),
        )  # fmt: skip

    def knowledge_answer(self, ctx: TurnContext, intent: str) -> Turn:
        """The knowledge base's reply for ``intent``, in the user's language."""
        doc = ctx.kb.intents.get(intent)
        city = self._city_of(ctx) if self._city_of is not None else ctx.state.city
        local = ctx.texts.reply(intent, ctx.lang, city=city)
        is_topic = doc is not None and doc.kind == "topic"
        state = replace(
            ctx.state.cleared(),
            last_intent=intent if is_topic else ctx.state.last_intent,
            misses=0,
            # A new topic: "where is that?" now means its office, not the one shown before.
            office=None if is_topic else ctx.state.office,
            city=city or ctx.state.city,
            district=ctx.state.district if city in (None, ctx.state.city) else None,
        )
        reply = Reply(text=local.text, lang=local.lang, feedback=is_topic)
        return Turn(replies=(reply,), state=state, intent=intent)

    def _ask_back(self, ctx: TurnContext, understood: Understood) -> Turn:
        ranked = [understood.intent, *(i for i, _ in understood.alternatives)]
        candidates: list[str] = []
        for intent in ranked:
            wanted = intent not in ("unknown", "human") and intent in ctx.kb.intents
            if wanted and intent not in candidates:
                candidates.append(intent)
        candidates = candidates[:MAX_ASK_CHOICES]
        choices = (
            *(Choice(key=f"i:{i}", label=ctx.texts.topic_name(i, ctx.lang)) for i in candidates),
            Choice(key="i:unknown", label=ctx.msg("something_else")),
            Choice(key="i:human", label=ctx.msg("a_person")),
        )
        state = ctx.state.with_flow(ASK_BACK, choices=choices)
        reply = ctx.reply(ctx.msg("ask_back"), choices=choices)
        return Turn(replies=(reply,), state=state, intent="unknown")

    async def _miss(
        self, ctx: TurnContext, understood: Understood, *, pages_searched: bool = False
    ) -> Turn:
        misses = ctx.state.misses + 1
        if misses >= 2 and self._miss_handler is not None:
            ctx = replace(ctx, state=replace(ctx.state.cleared(), misses=misses))
            return replace(await self._miss_handler(ctx, understood), unanswered=True)
        if pages_searched:
            return replace(pages_answer.not_found(ctx), unanswered=True)
        ctx = replace(ctx, state=replace(ctx.state.cleared(), misses=misses))
        local = ctx.texts.reply("unknown", ctx.lang)
        reply = Reply(text=local.text, lang=local.lang)
        return Turn(replies=(reply,), state=ctx.state, intent="unknown", unanswered=True)

    async def _feedback(self, ctx: TurnContext) -> Turn:
        if self._feedback_handler is not None:
            return await self._feedback_handler(ctx, _sure("unknown", ctx.lang))
        if ctx.message.text.strip() == "-1":
            choices = (Choice(key="i:human", label=ctx.msg("a_person")),)
            reply = ctx.reply(ctx.msg("feedback_sorry"), choices=choices)
            return Turn(replies=(reply,), state=ctx.state.with_flow(ASK_BACK, choices=choices))
        return self._say(ctx, "feedback_thanks", keep_flow=True)

    @staticmethod
    def _say(ctx: TurnContext, key: str, *, keep_flow: bool = False) -> Turn:
        state = ctx.state if keep_flow else ctx.state.cleared()
        choices = state.choices if keep_flow else ()
        return Turn(replies=(ctx.reply(ctx.msg(key), choices=choices),), state=state)


class NamedOfficeHandler(Protocol):
    async def __call__(self, ctx: TurnContext, understood: Understood) -> Turn | None: ...


def _sure(intent: str, lang: str) -> Understood:
    return Understood(
        intent=intent, confidence=1.0, decision="answer", lang=lang, lang_confidence=1.0
    )
