"""The delivery lease: one inbox replica at a time sends from a conversation's outbox
(inbox.conversation.delivery_lease).

Revision ID: 0011_delivery_leases
Revises: 0010_queue_order
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_delivery_leases"
down_revision: str | None = "0010_queue_order"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "delivery_leases",
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["handoff_id"], ["handoffs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("handoff_id"),
    )


def downgrade() -> None:
    op.drop_table("delivery_leases")
