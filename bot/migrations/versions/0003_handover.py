"""Handover: cases and the transcripts of open cases.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handover_cases",
        sa.Column("id", sa.String(8), nullable=False),
        sa.Column("conversation_key", sa.String(200), nullable=True),
        sa.Column("channel", sa.String(32), nullable=True),
        sa.Column("chat_id", sa.String(200), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("topic", sa.String(64), nullable=True),
        sa.Column("city", sa.String(64), nullable=True),
        sa.Column("district", sa.String(64), nullable=True),
        sa.Column("understood", sa.String(200), nullable=True),
        sa.Column("rooms", sa.Text(), nullable=False),
        sa.Column("claimed_by", sa.String(200), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("user_told_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_handover_cases"),
        sa.UniqueConstraint("conversation_key", name="uq_handover_cases_conversation_key"),
    )
    op.create_index("ix_handover_cases_status", "handover_cases", ["status"])
    op.create_table(
        "handover_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(8), nullable=False),
        sa.Column("author", sa.String(8), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["handover_cases.id"],
            name="fk_handover_messages_case_id_handover_cases",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_handover_messages"),
    )
    op.create_index("ix_handover_messages_case_id", "handover_messages", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_handover_messages_case_id", "handover_messages")
    op.drop_table("handover_messages")
    op.drop_index("ix_handover_cases_status", "handover_cases")
    op.drop_table("handover_cases")
