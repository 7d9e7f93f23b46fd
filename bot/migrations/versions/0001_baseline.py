"""Baseline: conversations, processed messages, key-values, outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_conversations"),
    )
    op.create_index("ix_conversations_channel", "conversations", ["channel"])
    op.create_table(
        "processed_messages",
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("message_id", sa.String(200), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel", "message_id", name="pk_processed_messages"),
    )
    op.create_index(
        "ix_processed_messages_processed_at", "processed_messages", ["processed_at"]
    )
    op.create_table(
        "key_values",
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_key_values"),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.String(250), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("chat_id", sa.String(200), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
    )
    op.create_index("ix_outbox_channel", "outbox", ["channel"])
    op.create_index("ix_outbox_created_at", "outbox", ["created_at"])


def downgrade() -> None:
    op.drop_table("outbox")
    op.drop_table("key_values")
    op.drop_index("ix_processed_messages_processed_at", "processed_messages")
    op.drop_table("processed_messages")
    op.drop_index("ix_conversations_channel", "conversations")
    op.drop_table("conversations")
