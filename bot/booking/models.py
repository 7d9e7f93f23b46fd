"""Booking tables: bookings and holds (one row per desk and slot), the waiting list, reminders."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base, UtcDateTime

HELD = "held"
CONFIRMED = "confirmed"


class BookingRow(Base):
    """A desk at a slot, held or confirmed. The unique key makes double booking impossible."""

    __tablename__ = "bookings"
    __table_args__ = (
        UniqueConstraint(
            "office_id", "service_id", "slot_start", "desk", name="uq_bookings_slot_desk"
        ),
        CheckConstraint("desk >= 1", name="desk_positive"),
        CheckConstraint("status in ('held', 'confirmed')", name="status_known"),
        # Ids travel in choice keys: never reuse one for someone else's booking.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    office_id: Mapped[str] = mapped_column(String(100))
    service_id: Mapped[str] = mapped_column(String(100))
    slot_start: Mapped[datetime] = mapped_column(UtcDateTime())
    slot_end: Mapped[datetime] = mapped_column(UtcDateTime())
    desk: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    conversation: Mapped[str] = mapped_column(String(200), index=True)
    """``channel:chat_id``: where to write; no name, no phone number."""
    lang: Mapped[str] = mapped_column(String(8))
    hold_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    replaces_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """For a move: the booking this hold replaces once confirmed."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class WaitingRow(Base):
    """Someone waiting for any free slot of a service; first come, first offered."""

    __tablename__ = "booking_waitlist"
    __table_args__ = (
        UniqueConstraint(
            "office_id", "service_id", "conversation", name="uq_booking_waitlist_who"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    office_id: Mapped[str] = mapped_column(String(100))
    service_id: Mapped[str] = mapped_column(String(100))
    conversation: Mapped[str] = mapped_column(String(200), index=True)
    lang: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ReminderRow(Base):
    """A message due at a time (the day before an appointment, before a deadline). Deleted
    in the same transaction that queues its message, so it fires once, also after a restart."""

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation: Mapped[str] = mapped_column(String(200), index=True)
    lang: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(16))
    """"booking" or "deadline"."""
    due_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    booking_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    payload: Mapped[str] = mapped_column(Text, default="{}")
