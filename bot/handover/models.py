"""The handover tables: cases, and each open case's short transcript."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base, UtcDateTime


class CaseStatus(enum.StrEnum):
    OPEN = "open"
    """Waiting for a member of staff; the bot no longer answers the user."""
    CLAIMED = "claimed"
    """A member of staff owns the conversation."""
    CLOSED = "closed"
    """Handed back to the bot; the transcript is gone and the conversation is unlinked."""


class Author(enum.StrEnum):
    USER = "user"
    STAFF = "staff"


class CaseRow(Base):
    """One handover. While active it names its conversation; closing unlinks it (the key is
    set to NULL), so "one active case per conversation" is a plain unique constraint."""

    __tablename__ = "handover_cases"
    __table_args__ = (UniqueConstraint("thread_room", "thread_id"),)

    id: Mapped[str] = mapped_column(String(8), primary_key=True)
    conversation_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    channel: Mapped[str | None] = mapped_column(String(32))
    chat_id: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str] = mapped_column(String(32))
    lang: Mapped[str] = mapped_column(String(8))
    topic: Mapped[str | None] = mapped_column(String(64))
    city: Mapped[str | None] = mapped_column(String(64))
    district: Mapped[str | None] = mapped_column(String(64))
    understood: Mapped[str | None] = mapped_column(String(200))
    """What the bot made of the message that led here ("human 0.97"): no text."""
    rooms: Mapped[str] = mapped_column(Text, default="")
    """Newline-separated keys of the staff rooms the card was posted to."""
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    """The roster name of the member of staff who owns the case."""
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    user_told_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    """When the user was last told that their message was passed on (not every message)."""
    thread_room: Mapped[str | None] = mapped_column(String(200))
    """The key of the staff room where the case has its own thread (a Telegram forum topic)."""
    thread_id: Mapped[str | None] = mapped_column(String(64))
    """That thread: a message in it belongs to this case, also after the case closed."""


class CaseMessageRow(Base):
    """A message of an active case, kept so staff see the context; deleted on close and on
    /delete, and bounded per case."""

    __tablename__ = "handover_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(
        String(8), ForeignKey("handover_cases.id", ondelete="CASCADE"), index=True
    )
    author: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    text: Mapped[str] = mapped_column(Text)
