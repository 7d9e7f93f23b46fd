"""The background job: due reminders and expired holds, polled from the database."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from datetime import date

from sqlalchemy.exc import SQLAlchemyError

from bot.booking.offers import conversation_ref, offer_freed
from bot.booking.service import BookingService
from bot.errors import LotseError
from bot.messages import Outgoing, Reply
from bot.offices.card import day_text, when_text
from bot.offices.finder import OfficeFinder
from bot.outbox import Outbox, enqueue
from bot.ports import Clock
from bot.storage.database import Database
from bot.texts import Texts
from knowledge.loader import KnowledgeBase

log = logging.getLogger(__name__)

POLL_SECONDS = 60.0


class BookingReminders:
    """Stateless: everything it needs is in the database, so it picks up after a restart."""

    def __init__(
        self,
        *,
        database: Database,
        outbox: Outbox,
        clock: Clock,
        knowledge: Callable[[], KnowledgeBase],
        texts: Callable[[], Texts],
        service: BookingService,
        finder: OfficeFinder,
    ) -> None:
        self._database = database
        self._outbox = outbox
        self._clock = clock
        self._knowledge = knowledge
        self._texts = texts
        self._service = service
        self._finder = finder

    async def run_forever(self, every_seconds: float = POLL_SECONDS) -> None:
        while True:
            try:
                await self.run_due()
            except (SQLAlchemyError, LotseError, OSError):  # the next poll retries
                log.exception("reminder poll failed")
            await asyncio.sleep(every_seconds)

    async def run_due(self) -> int:
        """Queue every due reminder and pass on expired holds; returns how many were queued.

        A reminder row is claimed (deleted, see :meth:`BookingService.claim_due_reminders`) in
        the transaction that queues its message, so it is sent once even when two replicas
        poll at the same time or the bot restarts in between."""
        now = self._clock.now()
        kb, texts = self._knowledge(), self._texts()
        directory = self._finder.directory(kb)
        items: list[Outgoing] = []
        async with self._database.unit_of_work() as session:
            freed = await self._service.expired_holds(session, now)
            items.extend(
                await offer_freed(
                    session,
                    service=self._service,
                    directory=directory,
                    texts=texts,
                    freed=freed,
                    now=now,
                )
            )
            for reminder in await self._service.claim_due_reminders(session, now):
                lang = texts.serving_language(reminder.lang)
                text: str | None = None
                if reminder.kind == "booking" and reminder.booking_id is not None:
                    row = await self._service.get(session, reminder.booking_id)
                    office = directory.get(row.office_id) if row is not None else None
                    if row is not None and row.slot_start > now:
                        text = texts.message(
                            "booking_reminder",
                            lang,
                            when=when_text(texts, lang, row.slot_start),
                            office=office.name if office else row.office_id,
                        )
                elif reminder.kind == "deadline":
                    deadline = date.fromisoformat(json.loads(reminder.payload)["deadline"])
                    text = texts.message(
                        "deadline_reminder_text", lang, deadline=day_text(texts, lang, deadline)
                    )
                if text is None:
                    continue
                item = Outgoing(
                    to=conversation_ref(reminder.conversation),
                    reply=Reply(text=text, lang=lang),
                    id=f"reminder:{reminder.id}",
                )
                items.append(item)
            for item in items:
                await enqueue(session, item, now)
        await self._outbox.deliver(tuple(items))
        if items:
            log.info("queued %d reminders and offers", len(items))
        return len(items)
