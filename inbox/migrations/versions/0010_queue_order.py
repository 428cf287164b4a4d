"""The queue's two lists read in index order: waiting by priority (highest first), then
waiting time, then id; claimed newest first. The queue answer (inbox/queue/answer.py)
then reads only the rows it shows instead of sorting every open handoff.

Revision ID: 0010_queue_order
Revises: 0009_email_sends
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_queue_order"
down_revision: str | None = "0009_email_sends"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_handoffs_waiting_order",
        "handoffs",
        ["status", sa.text("priority_rank DESC"), "created_at", "id"],
    )
    op.create_index("ix_handoffs_claimed_order", "handoffs", ["status", "claimed_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_handoffs_claimed_order", table_name="handoffs")
    op.drop_index("ix_handoffs_waiting_order", table_name="handoffs")
