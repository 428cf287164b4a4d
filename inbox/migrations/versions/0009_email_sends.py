"""Email follow-up: the record of each mail's SMTP attempt (inbox.followup.models).

Revision ID: 0009_email_sends
Revises: 0008_agent_tools
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_email_sends"
down_revision: str | None = "0008_agent_tools"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "email_sends",
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("message_id"),
    )
    op.create_index("ix_email_sends_delivery_id", "email_sends", ["delivery_id"])


def downgrade() -> None:
    op.drop_index("ix_email_sends_delivery_id", table_name="email_sends")
    op.drop_table("email_sends")
