"""The database tables of the core: conversations, processed messages and adapter bookkeeping."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, Dialect, Integer, MetaData, String, Text, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC in and out, also on SQLite (which keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ConversationRow(Base):
    """One conversation's state. Holds no message text: only language, topic and dialogue step."""

    __tablename__ = "conversations"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    channel: Mapped[str] = mapped_column(String(32), index=True)
    state: Mapped[str] = mapped_column(Text, default="{}")
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ProcessedMessage(Base):
    """Ids of messages already handled, so a redelivered message is not answered twice."""

    __tablename__ = "processed_messages"

    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    owner: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    """:func:`bot.owners.owner_tag` of the conversation, so ``/delete`` finds its ids."""


class KeyValue(Base):
    """Small adapter bookkeeping: the Matrix sync token and the like."""

    __tablename__ = "key_values"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class OutboxRow(Base):
    """A reply committed with its turn and not yet delivered: sent again after a restart."""

    __tablename__ = "outbox"

    id: Mapped[str] = mapped_column(String(250), primary_key=True)
    channel: Mapped[str] = mapped_column(String(32), index=True)
    chat_id: Mapped[str] = mapped_column(String(200))
    thread_id: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    owner: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    """:func:`bot.owners.owner_tag` of the conversation the reply belongs to (for ``/delete``)."""
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    """``pending`` (to be sent) or ``parked`` (failed for good; kept with the reason)."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    """Set while one sender owns the row (a lease), so no other sends it at the same time."""
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    parked_reason: Mapped[str | None] = mapped_column(String(200))
    parts_sent: Mapped[int] = mapped_column(Integer, default=0)
    """Parts of the reply already delivered (texts, venue, document), skipped on a retry."""
