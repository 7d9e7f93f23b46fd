"""Booking: bookings and holds with a unique desk per slot, the waiting list, reminders.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bookings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("office_id", sa.String(100), nullable=False),
        sa.Column("service_id", sa.String(100), nullable=False),
        sa.Column("slot_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("slot_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("desk", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("conversation", sa.String(200), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("hold_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_bookings"),
        sa.UniqueConstraint(
            "office_id", "service_id", "slot_start", "desk", name="uq_bookings_slot_desk"
        ),
        sa.CheckConstraint("desk >= 1", name="ck_bookings_desk_positive"),
        sa.CheckConstraint("status in ('held', 'confirmed')", name="ck_bookings_status_known"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_bookings_conversation", "bookings", ["conversation"])
    op.create_table(
        "booking_waitlist",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("office_id", sa.String(100), nullable=False),
        sa.Column("service_id", sa.String(100), nullable=False),
        sa.Column("conversation", sa.String(200), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_booking_waitlist"),
        sa.UniqueConstraint(
            "office_id", "service_id", "conversation", name="uq_booking_waitlist_who"
        ),
    )
    op.create_index("ix_booking_waitlist_conversation", "booking_waitlist", ["conversation"])
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation", sa.String(200), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reminders"),
    )
    op.create_index("ix_reminders_conversation", "reminders", ["conversation"])
    op.create_index("ix_reminders_due_at", "reminders", ["due_at"])
    op.create_index("ix_reminders_booking_id", "reminders", ["booking_id"])


def downgrade() -> None:
    op.drop_index("ix_reminders_booking_id", "reminders")
    op.drop_index("ix_reminders_due_at", "reminders")
    op.drop_index("ix_reminders_conversation", "reminders")
    op.drop_table("reminders")
    op.drop_index("ix_booking_waitlist_conversation", "booking_waitlist")
    op.drop_table("booking_waitlist")
    op.drop_index("ix_bookings_conversation", "bookings")
    op.drop_table("bookings")
