"""The dispatcher gates of handover: staff-room commands, and users whose case staff own."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.flows import delete
from bot.handover.cards import STAFF_HELP
from bot.handover.cases import CaseRepository, room_refs
from bot.handover.roster import StaffMember, StaffRoom
from bot.handover.service import HandoverService, StaffAnswer
from bot.messages import IncomingMessage, MessageKind, Reply
from bot.router import Router
from bot.safety import INFO, crisis_text
from bot.sanitise import MAX_CHARS, clean, has_words
from bot.state import ConversationState
from bot.texts import Texts
from bot.turn import Turn
from bot.understanding import Understanding
from knowledge.loader import KnowledgeBase

log = logging.getLogger(__name__)

_COMMAND = re.compile(r"^[!/]([A-Za-z]+)(?:@\S+)?(?:\s+(.*))?$", re.DOTALL)
"""``!claim K7F2`` as typed in Matrix; ``/claim@LotseBot K7F2`` as Telegram groups send it."""
STAFF_COMMANDS = frozenset({"claim", "reply", "close", "takeover", "cases", "show", "help"})
STAFF_TEXT_LIMIT = 4000
"""Staff may write more than users (an explanation, a list of documents); channels split it."""


def staff_text(text: str) -> str:
    """What staff typed, cleaned line by line: their line breaks reach the user."""
    lines = (clean(line) for line in text.split("\n"))
    return "\n".join(lines).strip()[:STAFF_TEXT_LIMIT]


class StaffRoomGate:
    """Takes every message from a staff room: roster members' commands are carried out,
    everything else (chatter, strangers) is ignored, and the bot never answers it as a user."""

    def __init__(self, service: HandoverService) -> None:
        self._service = service

    async def intercept(
        self,
        message: IncomingMessage,
        state: ConversationState,
        session: AsyncSession,
        now: datetime,
    ) -> Turn | None:
        room = self._service.roster.room(message.conversation)
        if room is None:
            return None
        quiet = Turn(replies=(), state=state, intent="staff")
        text = message.text.strip() if message.kind is MessageKind.TEXT else ""
        match = _COMMAND.match(text)
        command = match[1].casefold() if match else None
        # In a case's own thread the thread names the case: plain text answers the user.
        case_id = await self._thread_case(session, room, message)
        if command not in STAFF_COMMANDS and (case_id is None or not text or text[0] in "!/"):
            return quiet
        member = self._service.roster.member(message.conversation.channel, message.sender)
        if member is None:
            log.info("staff room: %s from someone not on the roster ignored", command or "text")
            return quiet
        if match is None or command not in STAFF_COMMANDS:
            command, args = "reply", staff_text(text)
        else:
            args = staff_text(match[2] or "")
        if case_id is not None:
            args = _for_case(command, args, case_id)
        answer = await self._carry_out(session, command, member, room, args, now)
        replies = (Reply(text=answer.answer, lang="de"),) if answer.answer else ()
        return Turn(
            replies=replies, state=state, outgoing=answer.outgoing, intent=f"staff:{command}"
        )

    @staticmethod
    async def _thread_case(
        session: AsyncSession, room: StaffRoom, message: IncomingMessage
    ) -> str | None:
        if not room.topics or message.conversation.thread_id is None:
            return None
        case = await CaseRepository(session).in_thread(message.conversation)
        return case.id if case is not None else None

    async def _carry_out(
        self,
        session: AsyncSession,
        command: str,
        member: StaffMember,
        room: StaffRoom,
        args: str,
        now: datetime,
    ) -> StaffAnswer:
        service = self._service
        target = args.split(" ", 1)[0] if args else ""
        if command == "reply":
            return await service.reply(session, member, room, args, now)
        if command == "cases":
            return await service.list_cases(session, now)
        if command == "help" or not target:
            return StaffAnswer(answer=STAFF_HELP)
        if command == "claim":
            return await service.claim(session, member, room, target, now)
        if command == "close":
            return await service.close(session, member, room, target, now)
        if command == "takeover":
            return await service.takeover(session, member, room, target, now)
        return await service.show(session, target, now)


def _for_case(command: str, args: str, case_id: str) -> str:
    """A command typed in a case's thread, completed with the thread's case id."""
    first = args.split(maxsplit=1)[0] if args else ""
    if command == "reply" and first.upper() != case_id:
        return f"{case_id} {args}"
    if command in ("claim", "close", "takeover", "show") and not args:
        return case_id
    return args


class TakeoverGate:
    """While staff own a conversation, the user's messages go to them and the bot keeps quiet,
    except that an emergency is still answered with 112/110 and /delete still works."""

    def __init__(
        self,
        service: HandoverService,
        router: Router,
        knowledge: Callable[[], tuple[KnowledgeBase, Texts, Understanding]],
    ) -> None:
        self._service = service
        self._router = router
        self._knowledge = knowledge

    async def intercept(
        self,
        message: IncomingMessage,
        state: ConversationState,
        session: AsyncSession,
        now: datetime,
    ) -> Turn | None:
        if self._service.roster.room(message.conversation) is not None:
            return None
        case = await CaseRepository(session).active_for(message.conversation)
        if case is None:
            return None
        text = clean(message.text or "")[:MAX_CHARS]
        if state.flow == delete.FLOW or text.casefold().startswith("/delete"):
            case_id, rooms = case.id, room_refs(case)
            turn = await self._router.route(message, state, session, now)
            if turn.forget:
                turn = replace(
                    turn, outgoing=turn.outgoing + self._service.erased_notice(case_id, rooms)
                )
            return turn
        emergency = self._emergency_reply(text, case.lang, state)
        return await self._service.on_user_message(
            session, case, message, state, text, now, emergency
        )

    def _emergency_reply(self, text: str, lang: str, state: ConversationState) -> Reply | None:
        if not has_words(text) or text.startswith("/"):
            return None
        kb, texts, understanding = self._knowledge()
        understood = understanding.understand(text, hints=(lang, state.lang))
        if understood.safety != "sure" or understood.safety_kind == INFO:
            return None
        local = crisis_text(kb, texts, understood.safety_kind, lang)
        return Reply(text=local.text, lang=local.lang)
