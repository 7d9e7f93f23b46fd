"""A core with handover on: users on one in-memory channel, a staff room on another."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from adapters.memory import MemoryAdapter
from bot.app import Core, build_core
from bot.clock import FrozenClock
from bot.handover.models import CaseMessageRow, CaseRow
from bot.knowledge_store import KnowledgeStore
from bot.messages import (
    ChannelName,
    ChatId,
    ConversationRef,
    IncomingMessage,
    Reply,
    UserId,
)
from bot.settings import Settings

ROOM = "!staff:lotse.test"
RO_ROOM = "!ro-team:lotse.test"
ANA = "@ana:lotse.test"
JONAS = "@jonas:lotse.test"
STRANGER = "@mallory:lotse.test"

ROSTER = f"""\
office_hours:
  mon: ["09:00-16:00"]
  tue: ["09:00-16:00"]
  wed: ["09:00-16:00"]
  thu: ["09:00-16:00"]
  fri: ["09:00-13:00"]
escalate_after_minutes: 15
members:
  - name: Ana
    identities: {{matrix: "{ANA}", telegram: 5001}}
    offices: [migrado]
    districts: [nordstadt]
    languages: [de, ro]
  - name: Jonas
    identities: {{matrix: "{JONAS}"}}
    languages: [de, en, uk]
rooms:
  - channel: matrix
    chat_id: "{ROOM}"
"""

CASE_ID = re.compile(r"(?:new case|neuer Fall / new case) ([A-Z0-9]{4,8})")


def write_roster(tmp_path: Path, text: str = ROSTER) -> Path:
    path = tmp_path / "staff-roster.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class Handover:
    """The running core with a user channel ("telegram") and a staff channel ("matrix")."""

    core: Core
    users: MemoryAdapter
    staff: MemoryAdapter
    clock: FrozenClock

    async def staff_says(self, sender: str, text: str, room: str = ROOM) -> list[Reply]:
        message = IncomingMessage(
            conversation=self.staff.ref(room),
            sender=UserId(sender),
            message_id=f"${uuid.uuid4().hex}",
            text=text,
        )
        return await self.staff.deliver(message)

    def room_texts(self, room: str = ROOM) -> list[str]:
        return [r.text for r in self.staff.replies_to(room)]

    def user_texts(self, chat: str) -> list[str]:
        return [r.text for r in self.users.replies_to(chat)]

    def last_case_id(self, room: str = ROOM) -> str:
        for text in reversed(self.room_texts(room)):
            found = CASE_ID.search(text)
            if found:
                return found.group(1)
        raise AssertionError(f"no case card in {room}: {self.room_texts(room)}")

    async def case(self, case_id: str) -> CaseRow | None:
        async with self.core.database.unit_of_work() as session:
            return await session.get(CaseRow, case_id)

    async def transcript_size(self) -> int:
        async with self.core.database.unit_of_work() as session:
            return int((await session.execute(select(func.count(CaseMessageRow.id)))).scalar_one())


def user_ref(chat: str) -> ConversationRef:
    return ConversationRef(channel=ChannelName("telegram"), chat_id=ChatId(chat))


async def start_handover(
    database_url: str,
    roster: Path,
    knowledge: KnowledgeStore,
    clock: FrozenClock,
    users: MemoryAdapter | None = None,
    staff: MemoryAdapter | None = None,
) -> Handover:
    users = users or MemoryAdapter("telegram")
    staff = staff or MemoryAdapter("matrix")
    settings = Settings(database_url=database_url, staff_roster=roster)
    core = await build_core(settings, adapters=(users, staff), clock=clock, knowledge=knowledge)
    users.bind(core.dispatcher)
    staff.bind(core.dispatcher)
    return Handover(core=core, users=users, staff=staff, clock=clock)


@pytest.fixture
async def handover(
    database_url: str, tmp_path: Path, knowledge_store: KnowledgeStore, clock: FrozenClock
) -> AsyncIterator[Handover]:
    world = await start_handover(database_url, write_roster(tmp_path), knowledge_store, clock)
    yield world
    await world.core.close()
