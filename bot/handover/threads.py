"""A case's own thread in a staff room (a Telegram forum topic), opened after its commit."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace

from bot.errors import ChannelError
from bot.handover import cards
from bot.handover.cases import CaseRepository
from bot.handover.models import CaseRow
from bot.handover.roster import StaffRoster
from bot.messages import ConversationRef, Outgoing, Reply
from bot.outbox import Outbox, enqueue
from bot.ports import Clock, ThreadOpener
from bot.storage.database import Database

log = logging.getLogger(__name__)

TITLE_LIMIT = 128
"""Telegram's limit for a forum topic's name."""


def thread_title(case: CaseRow) -> str:
    """``Fall K7F2 · ro · Nordstadt``: case id, language and place, never who the user is."""
    place = case.district or case.city
    parts = [f"Fall {case.id}", case.lang]
    if place:
        parts.append(place.replace("-", " ").title())
    return " · ".join(parts)[:TITLE_LIMIT]


class CaseThreads:
    """Opens a case's thread in a staff room through the channel and posts the card there.

    Runs after the turn that opened the case committed, so a thread is never opened for a
    case that was rolled back. Without a channel that opens threads, or when opening fails,
    the card goes to the room itself, as in any other staff room.
    """

    def __init__(
        self, *, roster: StaffRoster, database: Database, outbox: Outbox, clock: Clock
    ) -> None:
        self._roster = roster
        self._database = database
        self._outbox = outbox
        self._clock = clock

    def opening(
        self, case_id: str, room: ConversationRef, title: str
    ) -> Callable[[], Awaitable[None]]:
        """The after-commit step that opens ``case_id``'s thread in ``room``."""

        async def open_thread() -> None:
            await self.open(case_id, room, title)

        return open_thread

    async def open(self, case_id: str, room: ConversationRef, title: str) -> None:
        thread = await self._new_thread(room, title)
        now = self._clock.now()
        async with self._database.unit_of_work() as session:
            cases = CaseRepository(session)
            case = await cases.get_active(case_id)
            if case is None:
                return
            if thread is not None:
                case.thread_room, case.thread_id = room.key, thread
                log.info("handover case %s has its own thread", case.id)
            transcript = await cases.transcript(case)
            suited = self._roster.suited_members(case.lang, case.district)
            card = cards.case_card(case, transcript, suited, now)
            item = Outgoing(
                to=replace(room, thread_id=thread),
                reply=Reply(text=card, lang="de"),
                id=f"handover:{case.id}:card:{room.key}",
            )
            await enqueue(session, item, now)
        await self._outbox.deliver((item,))

    async def _new_thread(self, room: ConversationRef, title: str) -> str | None:
        channel = self._outbox.adapter(room.channel)
        if not isinstance(channel, ThreadOpener):
            log.warning("channel %s cannot open threads; the card goes to the room", room.channel)
            return None
        try:
            return await channel.open_thread(room, title)
        except ChannelError as exc:
            log.warning("could not open a thread (%s); the card goes to the room", exc)
            return None
