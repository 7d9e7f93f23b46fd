"""HandoverService: opens cases, passes messages between user and staff, claims and closes."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import BERLIN
from bot.handover import cards
from bot.handover.cases import (
    CaseFacts,
    CaseRepository,
    add_rooms,
    conversation_of,
    room_refs,
)
from bot.handover.models import Author, CaseRow, CaseStatus
from bot.handover.roster import StaffMember, StaffRoom, StaffRoster
from bot.handover.threads import CaseThreads, thread_title
from bot.messages import (
    Choice,
    ConversationRef,
    IncomingMessage,
    MessageKind,
    Outgoing,
    Reply,
)
from bot.state import ConversationState
from bot.storage.repositories import ConversationRepository
from bot.texts import Texts
from bot.turn import Turn, TurnContext

log = logging.getLogger(__name__)

AFTER_FLOW = "handover_after"
"""The dialogue step after a case closed: the user says how it went."""
HELPED, NEED_MORE = "h:helped", "h:more"
TELL_AGAIN_AFTER_S = 30 * 60
"""While nobody has claimed the case, the user hears "passed on" at most this often."""


@dataclass(frozen=True, slots=True, kw_only=True)
class StaffAnswer:
    """What a staff command leads to: an answer in the room, messages to users and rooms."""

    answer: str | None = None
    outgoing: tuple[Outgoing, ...] = ()


class HandoverService:
    """The handover rules. Works inside the caller's unit of work and returns values only."""

    def __init__(
        self,
        *,
        roster: StaffRoster,
        texts: Callable[[], Texts],
        threads: CaseThreads | None = None,
    ) -> None:
        self.roster = roster
        self._texts = texts
        self._threads = threads

    # -- the user's side ----------------------------------------------------------------------

    async def open_for(self, ctx: TurnContext, reason: str, understood: str | None) -> Turn:
        """Open a case for the user's conversation; the card goes to staff, the user is told."""
        ref = ctx.message.conversation
        cases = CaseRepository(ctx.session)
        state = replace(ctx.state.cleared(), misses=0)
        if await cases.active_for(ref) is not None:
            return Turn(replies=(ctx.reply(ctx.msg("handover_passed_on")),), state=state)
        facts = CaseFacts(
            reason=reason,
            lang=ctx.lang,
            topic=ctx.state.last_intent,
            city=ctx.state.city,
            district=ctx.state.district,
            understood=understood,
        )
        first = self.roster.first_rooms(facts.lang, facts.district)
        case = await cases.open(ref, facts, [room.ref for room in first], ctx.now)
        if ctx.choice is None and _worth_forwarding(ctx.message, ctx.text):
            await cases.record(case, Author.USER, ctx.text, ctx.now)
        case.user_told_at = ctx.now
        log.info("handover case %s opened (%s, lang %s)", case.id, reason, case.lang)
        card = await self._card(cases, case, ctx.now)
        # A forum room gets the card in the case's own topic, opened once the case is committed.
        forum = next((room for room in first if room.topics), None) if self._threads else None
        outgoing = tuple(
            Outgoing(to=room.ref, reply=_staff(card)) for room in first if room is not forum
        )
        after_commit: tuple[Callable[[], Awaitable[None]], ...] = ()
        if forum is not None and self._threads is not None:
            after_commit = (self._threads.opening(case.id, forum.ref, thread_title(case)),)
        text = "\n".join(
            (
                ctx.msg("handover_opened"),
                self.availability(ctx.texts, ctx.lang, ctx.now),
                ctx.msg("handover_emergency"),
            )
        )
        return Turn(
            replies=(ctx.reply(text),),
            state=state,
            outgoing=outgoing,
            intent="human",
            after_commit=after_commit,
        )

    def availability(self, texts: Texts, lang: str, now: datetime) -> str:
        """When a person will answer: now, at the next office hours, or honestly unknown."""
        if self.roster.at_work(now):
            return texts.message("handover_at_work", lang)
        opening = self.roster.next_opening(now)
        if opening is None:
            return texts.message("handover_when_unknown", lang)
        when = opening.astimezone(BERLIN).strftime("%d.%m.%Y %H:%M")
        return texts.message("handover_after_hours", lang, when=when)

    async def on_user_message(
        self,
        session: AsyncSession,
        case: CaseRow,
        message: IncomingMessage,
        state: ConversationState,
        text: str,
        now: datetime,
        emergency: Reply | None = None,
    ) -> Turn:
        """A message from a user whose conversation staff own: passed on, the bot stays quiet."""
        texts = self._texts()
        cases = CaseRepository(session)
        replies: list[Reply] = [emergency] if emergency is not None else []
        shown_text = _as_staff_sees(message, text)
        if shown_text is None:
            if message.kind is MessageKind.UNSUPPORTED:
                replies.append(_to_user(texts, case, "handover_text_only"))
            return Turn(replies=tuple(replies), state=state, intent="handover")
        await cases.record(case, Author.USER, shown_text, now)
        line = cards.forwarded(case, shown_text, emergency=emergency is not None)
        outgoing = tuple(Outgoing(to=room, reply=_staff(line)) for room in room_refs(case))
        waiting = case.status == CaseStatus.OPEN.value
        told = case.user_told_at
        if waiting and (told is None or (now - told).total_seconds() >= TELL_AGAIN_AFTER_S):
            case.user_told_at = now
            replies.append(_to_user(texts, case, "handover_passed_on"))
        return Turn(replies=tuple(replies), state=state, outgoing=outgoing, intent="handover")

    def erased_notice(
        self, case_id: str, rooms: Sequence[ConversationRef]
    ) -> tuple[Outgoing, ...]:
        text = (
            f"[{case_id}] Nutzer hat seine Daten gelöscht, Fall geschlossen / "
            "user deleted their data, case closed."
        )
        return tuple(Outgoing(to=room, reply=_staff(text)) for room in rooms)

    # -- the staff side -----------------------------------------------------------------------

    async def claim(
        self,
        session: AsyncSession,
        member: StaffMember,
        room: StaffRoom,
        case_id: str,
        now: datetime,
    ) -> StaffAnswer:
        cases = CaseRepository(session)
        case = await cases.get_active(case_id)
        if case is None:
            return StaffAnswer(answer=_no_case(case_id))
        if case.claimed_by == member.name:
            return StaffAnswer(answer=f"{case.id} ist schon bei dir / is already yours.")
        if case.claimed_by is not None:
            return StaffAnswer(
                answer=f"{case.id} ist bei {case.claimed_by} / is with {case.claimed_by}. "
                f"Übernehmen / take over: !takeover {case.id}"
            )
        return self._claimed(cases, case, member, room, now)

    async def takeover(
        self,
        session: AsyncSession,
        member: StaffMember,
        room: StaffRoom,
        target: str,
        now: datetime,
    ) -> StaffAnswer:
        """Take a case (from whoever has it), or any user's conversation by its key."""
        cases = CaseRepository(session)
        case = await cases.get(target) if ":" not in target else None
        if case is not None and case.status != CaseStatus.CLOSED.value:
            before = case.claimed_by
            if before == member.name:
                return StaffAnswer(answer=f"{case.id} ist schon bei dir / is already yours.")
            return self._claimed(cases, case, member, room, now, previous=before)
        ref = _conversation_key(target)
        if ref is None or self.roster.room(ref) is not None:
            return StaffAnswer(answer=_no_case(target))
        active = await cases.active_for(ref)
        if active is not None:
            return self._claimed(cases, active, member, room, now, previous=active.claimed_by)
        state = await ConversationRepository(session).load(ref)
        lang = self._texts().serving_language(state.lang)
        facts = CaseFacts(
            reason="takeover",
            lang=lang,
            topic=state.last_intent,
            city=state.city,
            district=state.district,
        )
        case = await cases.open(ref, facts, [room.ref], now)
        log.info("handover case %s opened by staff takeover", case.id)
        answer = self._claimed(cases, case, member, room, now)
        card = await self._card(cases, case, now)
        return replace(answer, answer=f"{card}\n\n{answer.answer}")

    def _claimed(
        self,
        cases: CaseRepository,
        case: CaseRow,
        member: StaffMember,
        room: StaffRoom,
        now: datetime,
        *,
        previous: str | None = None,
    ) -> StaffAnswer:
        cases.claim(case, member.name, now)
        add_rooms(case, [room.ref])
        log.info("handover case %s claimed", case.id)
        note = f"{case.id}: übernommen von / claimed by {member.name}"
        if previous:
            note += f" (vorher / before: {previous})"
        others = tuple(
            Outgoing(to=r, reply=_staff(note)) for r in room_refs(case) if r.key != room.ref.key
        )
        user = Outgoing(
            to=conversation_of(case),
            reply=_to_user(self._texts(), case, "handover_claimed", name=member.name),
        )
        answer = f"{note}. Antworten / answer: !reply {case.id} <Text>"
        return StaffAnswer(answer=answer, outgoing=(user, *others))

    async def reply(
        self, session: AsyncSession, member: StaffMember, room: StaffRoom, args: str, now: datetime
    ) -> StaffAnswer:
        """``K7F2 text``, or just ``text`` when the member has exactly one case."""
        cases = CaseRepository(session)
        first, rest = [*args.split(maxsplit=1), "", ""][:2]
        case = await cases.get(first) if first else None
        text = rest.strip() if case is not None else args.strip()
        if case is None:
            mine = await cases.claimed_by(member.name)
            if len(mine) != 1:
                return StaffAnswer(answer="Welcher Fall? / which case? !reply K7F2 <Text>")
            case = await cases.get(mine[0].id)
            assert case is not None
        if case.status == CaseStatus.CLOSED.value:
            return StaffAnswer(answer=_no_case(case.id))
        if case.claimed_by not in (None, member.name):
            return StaffAnswer(answer=f"{case.id} ist bei / is with {case.claimed_by}.")
        if not text:
            return StaffAnswer(answer=f"Kein Text / no text: !reply {case.id} <Text>")
        claimed: tuple[Outgoing, ...] = ()
        if case.claimed_by is None:
            claimed = self._claimed(cases, case, member, room, now).outgoing[1:]
        await cases.record(case, Author.STAFF, text, now)
        reply = Reply(text=f"{member.name}: {text}", lang=case.lang)
        return StaffAnswer(outgoing=(Outgoing(to=conversation_of(case), reply=reply), *claimed))

    async def close(
        self,
        session: AsyncSession,
        member: StaffMember,
        room: StaffRoom,
        case_id: str,
        now: datetime,
    ) -> StaffAnswer:
        """Hand the conversation back to the bot, which asks the user how it went."""
        cases = CaseRepository(session)
        case = await cases.get_active(case_id)
        if case is None:
            return StaffAnswer(answer=_no_case(case_id))
        if case.claimed_by not in (None, member.name):
            return StaffAnswer(answer=f"{case.id} ist bei / is with {case.claimed_by}.")
        user = conversation_of(case)
        rooms = room_refs(case)
        texts = self._texts()
        choices = (
            Choice(key=HELPED, label=texts.message("handover_helped", case.lang)),
            Choice(key=NEED_MORE, label=texts.message("handover_need_more", case.lang)),
        )
        conversations = ConversationRepository(session)
        state = await conversations.load(user)
        await conversations.save(user, state.with_flow(AFTER_FLOW, choices=choices), now)
        await cases.close(case, now)
        log.info("handover case %s closed", case_id.upper())
        question = Reply(
            text=texts.message("handover_closed", case.lang), choices=choices, lang=case.lang
        )
        note = (
            f"{case.id}: geschlossen von / closed by {member.name}; "
            "der Bot antwortet wieder / the bot is back."
        )
        others = tuple(Outgoing(to=r, reply=_staff(note)) for r in rooms if r.key != room.ref.key)
        return StaffAnswer(answer=note, outgoing=(Outgoing(to=user, reply=question), *others))

    async def show(self, session: AsyncSession, case_id: str, now: datetime) -> StaffAnswer:
        cases = CaseRepository(session)
        case = await cases.get_active(case_id)
        if case is None:
            return StaffAnswer(answer=_no_case(case_id))
        return StaffAnswer(answer=await self._card(cases, case, now, heading="Fall / case"))

    async def list_cases(self, session: AsyncSession, now: datetime) -> StaffAnswer:
        return StaffAnswer(answer=cards.case_list(await CaseRepository(session).active(), now))

    async def escalate(self, session: AsyncSession, now: datetime) -> tuple[Outgoing, ...]:
        """Cases nobody claimed in time go to every staff room (or remind the only one)."""
        cases = CaseRepository(session)
        outgoing: list[Outgoing] = []
        for case in await cases.unescalated(now - self.roster.escalate_after):
            seen = room_refs(case)
            seen_keys = {r.key for r in seen}
            others = [r.ref for r in self.roster.rooms if r.ref.key not in seen_keys]
            targets = others or list(seen)
            card = await self._card(
                cases, case, now, heading="Noch offen – an alle / still unclaimed – to everyone:"
            )
            add_rooms(case, others)
            case.escalated_at = now
            log.info("handover case %s escalated to %d room(s)", case.id, len(targets))
            outgoing += [
                Outgoing(to=r, reply=_staff(card), id=f"handover:{case.id}:escalated:{r.key}")
                for r in targets
            ]
        return tuple(outgoing)

    async def _card(
        self, cases: CaseRepository, case: CaseRow, now: datetime, *, heading: str | None = None
    ) -> str:
        transcript = await cases.transcript(case)
        suited = self.roster.suited_members(case.lang, case.district)
        if heading is None:
            return cards.case_card(case, transcript, suited, now)
        return cards.case_card(case, transcript, suited, now, heading=heading)


def _staff(text: str) -> Reply:
    return Reply(text=text, lang="de")


def _to_user(texts: Texts, case: CaseRow, key: str, **values: object) -> Reply:
    return Reply(text=texts.message(key, case.lang, **values), lang=case.lang)


def _no_case(case_id: str) -> str:
    return f"Kein offener Fall {case_id.upper()} / no open case {case_id.upper()}."


def _conversation_key(target: str) -> ConversationRef | None:
    channel, _, chat_id = target.partition(":")
    if not channel or not chat_id:
        return None
    return ConversationRef.from_key(target)


def _worth_forwarding(message: IncomingMessage, text: str) -> bool:
    return message.kind is MessageKind.TEXT and bool(text) and not text.startswith("/")


def _as_staff_sees(message: IncomingMessage, text: str) -> str | None:
    """The message as a line for staff; None for what cannot be passed on."""
    if message.kind is MessageKind.TEXT:
        return text or None
    if message.kind is MessageKind.CHOICE:
        return f"[Auswahl / choice: {message.choice}]"
    if message.kind is MessageKind.LOCATION and message.location is not None:
        point = message.location
        return f"[Standort / location: {point.lat:.4f}, {point.lon:.4f}]"
    return None
