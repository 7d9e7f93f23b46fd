"""Typed access to the core tables inside one unit of work (an AsyncSession)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Executable, bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import ConversationRef
from bot.state import ConversationState
from bot.storage.database import Database
from bot.storage.models import ConversationRow, KeyValue, ProcessedMessage


def _on_postgresql(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


# Built once with bound parameters: building and hashing a statement per message costs more
# than running it on SQLite.
_LOAD = select(ConversationRow.state).where(ConversationRow.key == bindparam("key"))


def _save(insert: type[postgresql.Insert] | type[sqlite.Insert]) -> Executable:
    statement = insert(ConversationRow)
    return statement.on_conflict_do_update(
        index_elements=[ConversationRow.key],
        set_={
            "state": statement.excluded.state,
            "version": ConversationRow.version + 1,
            "updated_at": statement.excluded.updated_at,
        },
    )


def _first_time(insert: type[postgresql.Insert] | type[sqlite.Insert]) -> Executable:
    statement = insert(ProcessedMessage).on_conflict_do_nothing()
    return statement.returning(ProcessedMessage.message_id)


_SAVE = {True: _save(postgresql.Insert), False: _save(sqlite.Insert)}
_FIRST_TIME = {True: _first_time(postgresql.Insert), False: _first_time(sqlite.Insert)}


class ConversationRepository:
    """Conversation state, read and written with one statement each (no ORM bookkeeping)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def load(self, ref: ConversationRef) -> ConversationState:
        state = await self._session.scalar(_LOAD, {"key": ref.key})
        return ConversationState.from_json(state) if state is not None else ConversationState()

    async def save(self, ref: ConversationRef, state: ConversationState, now: datetime) -> None:
        """Insert or update in one statement; ``version`` counts the saves."""
        values = {
            "key": ref.key,
            "channel": ref.channel,
            "state": state.to_json(),
            "version": 1,
            "updated_at": now,
        }
        await self._session.execute(_SAVE[_on_postgresql(self._session)], values)

    async def delete(self, ref: ConversationRef) -> None:
        await self._session.execute(delete(ConversationRow).where(ConversationRow.key == ref.key))


class ProcessedMessages:
    """Remembers handled message ids so redelivered messages are dropped."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def first_time(
        self, channel: str, message_id: str, now: datetime, owner: str | None = None
    ) -> bool:
        """Record the id; False when it was recorded before (a duplicate).

        One ``INSERT ... ON CONFLICT DO NOTHING RETURNING``: a row comes back only when the id
        is new. On PostgreSQL a second transaction inserting the same id waits for the first
        and then gets nothing back, so of two concurrent deliveries exactly one goes on.
        """
        values = {
            "channel": channel,
            "message_id": message_id,
            "processed_at": now,
            "owner": owner,
        }
        inserted = await self._session.scalar(_FIRST_TIME[_on_postgresql(self._session)], values)
        return inserted is not None

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
