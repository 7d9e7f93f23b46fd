"""Notices to staff rooms outside any user's message: office notices and escalations."""

from __future__ import annotations

import asyncio
import logging
import uuid

from sqlalchemy.exc import SQLAlchemyError

from bot.errors import LotseError
from bot.handover.cases import CaseRepository
from bot.handover.roster import StaffRoster
from bot.handover.service import HandoverService
from bot.messages import Outgoing, Reply
from bot.outbox import Outbox, enqueue
from bot.ports import Clock
from bot.storage.database import Database
from bot.turn import TurnContext

log = logging.getLogger(__name__)


class StaffRoomNotifier:
    """``bot.ports.StaffNotifier`` on the staff rooms: a notice goes to the rooms that serve
    the office (rooms without offices serve all). Stored first, so a crash only delays it."""

    def __init__(self, roster: StaffRoster, outbox: Outbox, clock: Clock) -> None:
        self._roster = roster
        self._outbox = outbox
        self._clock = clock

    def reaches(self, office_id: str, rooms: tuple[str, ...] = ()) -> bool:
        serving = self._roster.rooms_for_office(office_id)
        known = {r.chat_id for r in serving} | {m.name for m in self._roster.members}
        return bool(serving) and all(room in known for room in rooms)

    async def notify(self, office_id: str, text: str) -> None:
        rooms = self._roster.rooms_for_office(office_id)
        items = tuple(
            Outgoing(to=r.ref, reply=Reply(text=text, lang="de"), id=f"notice:{uuid.uuid4().hex}")
            for r in rooms
        )
        log.info("staff notice for office %s to %d room(s)", office_id, len(items))
        await self._outbox.post(items, self._clock.now())


class CaseEscalation:
    """Every minute: cases nobody claimed in time go to every staff room."""

    def __init__(
        self,
        *,
        service: HandoverService,
        database: Database,
        outbox: Outbox,
        clock: Clock,
        every_seconds: float = 60.0,
    ) -> None:
        self._service = service
        self._database = database
        self._outbox = outbox
        self._clock = clock
        self._every = every_seconds

    async def run_once(self) -> int:
        now = self._clock.now()
        async with self._database.unit_of_work() as session:
            items = await self._service.escalate(session, now)
            for item in items:
                await enqueue(session, item, now)
        await self._outbox.deliver(items)
        return len(items)

    async def run_forever(self) -> None:
        while True:
            await asyncio.sleep(self._every)
            try:
                await self.run_once()
            except (SQLAlchemyError, LotseError, OSError):  # the next round retries
                log.exception("escalating unclaimed cases failed")


class HandoverEraser:
    """Part of /delete: the user's cases and their transcripts go."""

    async def erase(self, ctx: TurnContext) -> None:
        await CaseRepository(ctx.session).erase(ctx.message.conversation)
