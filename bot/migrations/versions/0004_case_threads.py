"""Threads: a case's own thread in a staff room, and the thread of a queued reply.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("handover_cases") as batch:
        batch.add_column(sa.Column("thread_room", sa.String(200), nullable=True))
        batch.add_column(sa.Column("thread_id", sa.String(64), nullable=True))
        batch.create_unique_constraint(
            "uq_handover_cases_thread_room", ["thread_room", "thread_id"]
        )
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("thread_id", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("thread_id")
    with op.batch_alter_table("handover_cases") as batch:
        batch.drop_constraint("uq_handover_cases_thread_room", type_="unique")
        batch.drop_column("thread_id")
        batch.drop_column("thread_room")
