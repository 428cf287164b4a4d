"""Sessions the bot saw, handed off or not (analytics: share resolved by the bot alone),
and a covering index for the analytics figures of handoffs.

Revision ID: 0004
Revises: 0003
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: Union[str, None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "bot_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("session_started_at", sa.DateTime(), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("user_turns", sa.Integer(), nullable=False),
        sa.Column("handed_off", sa.Boolean(), nullable=False),
        sa.Column("max_frustration_score", sa.Float(), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("conversation_id", "session_started_at", name="uq_bot_sessions_conversation_start"),
    )
    op.create_index("ix_bot_sessions_started", "bot_sessions",
                    ["session_started_at", "user_turns", "handed_off", "outcome", "last_seen_at"])
    op.create_index("ix_handoffs_analytics", "handoffs", ["created_at", "status", "claimed_at", "closed_at",
                                                          "escalation_score", "closing_frustration_score",
                                                          "escalation_trigger"])


def downgrade() -> None:
    op.drop_index("ix_handoffs_analytics", table_name="handoffs")
    op.drop_index("ix_bot_sessions_started", table_name="bot_sessions")
    op.drop_table("bot_sessions")
