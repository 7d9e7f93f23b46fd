"""Typed access to the core tables inside one unit of work (an AsyncSession)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import ConversationRef
from bot.state import ConversationState
from bot.storage.database import Database
from bot.storage.models import ConversationRow, KeyValue, ProcessedMessage


class ConversationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def load(self, ref: ConversationRef) -> ConversationState:
        row = await self._session.get(ConversationRow, ref.key)
        return ConversationState.from_json(row.state) if row else ConversationState()

    async def save(self, ref: ConversationRef, state: ConversationState, now: datetime) -> None:
        row = await self._session.get(ConversationRow, ref.key)
        if row is None:
            row = ConversationRow(key=ref.key, channel=ref.channel, version=0)
            self._session.add(row)
        row.state = state.to_json()
        row.version = (row.version or 0) + 1
        row.updated_at = now

    async def delete(self, ref: ConversationRef) -> None:
        await self._session.execute(delete(ConversationRow).where(ConversationRow.key == ref.key))


class ProcessedMessages:
    """Remembers handled message ids so redelivered messages are dropped."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def first_time(self, channel: str, message_id: str, now: datetime) -> bool:
        """Record the id; False when it was recorded before (a duplicate)."""
        existing = await self._session.get(ProcessedMessage, (channel, message_id))
        if existing is not None:
            return False
        self._session.add(
            ProcessedMessage(channel=channel, message_id=message_id, processed_at=now)
        )
        try:
            await self._session.flush()
        except IntegrityError:
            return False
        return True

    async def prune(self, older_than: datetime) -> None:
        await self._session.execute(
            delete(ProcessedMessage).where(ProcessedMessage.processed_at < older_than)
        )


class DatabaseKeyValueStore:
    """``bot.ports.KeyValueStore`` on the database: survives restarts."""

    def __init__(self, database: Database, prefix: str = "") -> None:
        self._database = database
        self._prefix = prefix

    async def get(self, key: str) -> str | None:
        async with self._database.unit_of_work() as session:
            row = await session.get(KeyValue, self._prefix + key)
            return row.value if row else None

    async def set(self, key: str, value: str) -> None:
        async with self._database.unit_of_work() as session:
            row = await session.get(KeyValue, self._prefix + key)
            if row is None:
                session.add(KeyValue(key=self._prefix + key, value=value))
            else:
                row.value = value
