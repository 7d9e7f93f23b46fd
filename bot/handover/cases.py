"""Typed access to handover cases and their transcripts inside one unit of work."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handover.models import Author, CaseMessageRow, CaseRow, CaseStatus
from bot.messages import ChannelName, ChatId, ConversationRef

CASE_ID_ALPHABET = "ACDEFHJKLMNPRTUVWXY34679"
"""Letters and digits nobody confuses when reading or typing them (no O/0, I/1, S/5, B/8 ...)."""
CASE_ID_LENGTH = 4
TRANSCRIPT_LIMIT = 20
"""Messages kept per open case: enough context for staff, little data held."""
TRANSCRIPT_CHARS = 1000
ACTIVE = (CaseStatus.OPEN.value, CaseStatus.CLAIMED.value)


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseFacts:
    """What a new case knows about its user: language, topic, place and what the bot made of it."""

    reason: str
    lang: str
    topic: str | None = None
    city: str | None = None
    district: str | None = None
    understood: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TranscriptLine:
    author: Author
    at: datetime
    text: str


def conversation_of(case: CaseRow) -> ConversationRef:
    """The user's conversation of an active case."""
    if case.channel is None or case.chat_id is None:
        raise ValueError(f"case {case.id} is closed and no longer names a conversation")
    if case.conversation_key:
        # In a group the case is one member's: their state, their replies (in the group chat).
        return ConversationRef.from_key(case.conversation_key)
    return ConversationRef(channel=ChannelName(case.channel), chat_id=ChatId(case.chat_id))


def room_refs(case: CaseRow) -> tuple[ConversationRef, ...]:
    """The staff rooms that know the case; in the room where it has a thread, that thread."""
    refs = []
    for key in filter(None, case.rooms.split("\n")):
        channel, _, chat_id = key.partition(":")
        thread = case.thread_id if key == case.thread_room else None
        refs.append(
            ConversationRef(
                channel=ChannelName(channel), chat_id=ChatId(chat_id), thread_id=thread
            )
        )
    return tuple(refs)


def add_rooms(case: CaseRow, rooms: Sequence[ConversationRef]) -> None:
    keys = [r.key for r in room_refs(case)]
    keys += [r.key for r in rooms if r.key not in keys]
    case.rooms = "\n".join(keys)


class CaseRepository:
    """Cases of one unit of work. Active cases are read ``FOR UPDATE`` where the database can,
    so a staff command and a user's message never change one case at the same time."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def active_for(self, ref: ConversationRef) -> CaseRow | None:
        query = select(CaseRow).where(CaseRow.conversation_key == ref.key).with_for_update()
        return (await self._session.execute(query)).scalar_one_or_none()

    async def get(self, case_id: str) -> CaseRow | None:
        query = select(CaseRow).where(CaseRow.id == case_id.upper()).with_for_update()
        return (await self._session.execute(query)).scalar_one_or_none()

    async def get_active(self, case_id: str) -> CaseRow | None:
        """The case if it exists and is not closed (locked for this unit of work)."""
        case = await self.get(case_id)
        return None if case is None or case.status == CaseStatus.CLOSED.value else case

    async def in_thread(self, ref: ConversationRef) -> CaseRow | None:
        """The case whose own thread ``ref`` is (open or closed), if any."""
        if ref.thread_id is None:
            return None
        query = (
            select(CaseRow)
            .where(CaseRow.thread_room == ref.chat_key, CaseRow.thread_id == ref.thread_id)
            .with_for_update()
        )
        return (await self._session.execute(query)).scalar_one_or_none()

    async def active(self) -> Sequence[CaseRow]:
        query = select(CaseRow).where(CaseRow.status.in_(ACTIVE)).order_by(CaseRow.opened_at)
        return (await self._session.execute(query)).scalars().all()

    async def claimed_by(self, name: str) -> Sequence[CaseRow]:
        query = select(CaseRow).where(
            CaseRow.status == CaseStatus.CLAIMED.value, CaseRow.claimed_by == name
        )
        return (await self._session.execute(query)).scalars().all()

    async def unescalated(self, opened_before: datetime) -> Sequence[CaseRow]:
        query = (
            select(CaseRow)
            .where(
                CaseRow.status == CaseStatus.OPEN.value,
                CaseRow.escalated_at.is_(None),
                CaseRow.opened_at <= opened_before,
            )
            .with_for_update()
        )
        return (await self._session.execute(query)).scalars().all()

    async def open(
        self,
        ref: ConversationRef,
        facts: CaseFacts,
        rooms: Sequence[ConversationRef],
        now: datetime,
    ) -> CaseRow:
        case = CaseRow(
            id=await self._new_id(),
            conversation_key=ref.key,
            channel=ref.channel,
            chat_id=ref.chat_id,
            status=CaseStatus.OPEN.value,
            reason=facts.reason,
            lang=facts.lang,
            topic=facts.topic,
            city=facts.city,
            district=facts.district,
            understood=facts.understood,
            rooms="",
            opened_at=now,
        )
        add_rooms(case, rooms)
        self._session.add(case)
        await self._session.flush()
        return case

    async def _new_id(self) -> str:
        length = CASE_ID_LENGTH
        for attempt in range(40):
            # After many collisions the id space is crowded: one more character.
            length = CASE_ID_LENGTH + attempt // 10
            candidate = "".join(secrets.choice(CASE_ID_ALPHABET) for _ in range(length))
            if await self._session.get(CaseRow, candidate) is None:
                return candidate
        raise RuntimeError("no free case id")  # pragma: no cover - 24^7 ids tried

    @staticmethod
    def claim(case: CaseRow, name: str, now: datetime) -> None:
        case.status = CaseStatus.CLAIMED.value
        case.claimed_by = name
        case.claimed_at = now

    async def close(self, case: CaseRow, now: datetime) -> None:
        """Close and unlink the case: its transcript is deleted, its conversation forgotten."""
        await self._session.execute(
            delete(CaseMessageRow).where(CaseMessageRow.case_id == case.id)
        )
        case.status = CaseStatus.CLOSED.value
        case.closed_at = now
        case.conversation_key = None
        case.channel = None
        case.chat_id = None
        case.rooms = ""

    async def erase(self, ref: ConversationRef) -> None:
        """Remove every case of the conversation with its transcript (the user's /delete)."""
        ids = select(CaseRow.id).where(CaseRow.conversation_key == ref.key)
        await self._session.execute(delete(CaseMessageRow).where(CaseMessageRow.case_id.in_(ids)))
        await self._session.execute(delete(CaseRow).where(CaseRow.conversation_key == ref.key))

    async def record(self, case: CaseRow, author: Author, text: str, now: datetime) -> None:
        """Add to the transcript, keeping only the newest ``TRANSCRIPT_LIMIT`` messages."""
        self._session.add(
            CaseMessageRow(
                case_id=case.id, author=author.value, at=now, text=text[:TRANSCRIPT_CHARS]
            )
        )
        await self._session.flush()
        old = (
            select(CaseMessageRow.id)
            .where(CaseMessageRow.case_id == case.id)
            .order_by(CaseMessageRow.id.desc())
            .offset(TRANSCRIPT_LIMIT)
        )
        stale = (await self._session.execute(old)).scalars().all()
        if stale:
            await self._session.execute(delete(CaseMessageRow).where(CaseMessageRow.id.in_(stale)))

    async def transcript(
        self, case: CaseRow, last: int = TRANSCRIPT_LIMIT
    ) -> list[TranscriptLine]:
        query = (
            select(CaseMessageRow)
            .where(CaseMessageRow.case_id == case.id)
            .order_by(CaseMessageRow.id.desc())
            .limit(last)
        )
        rows = (await self._session.execute(query)).scalars().all()
        return [
            TranscriptLine(author=Author(r.author), at=r.at, text=r.text) for r in reversed(rows)
        ]
