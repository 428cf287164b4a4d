"""Agent tools and care for agents: canned replies, notes inside a conversation, the
status an agent chose and their break; indexes for the closed conversations list.

Revision ID: 0008_agent_tools
Revises: 0007_handoff_transitions
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_agent_tools"
down_revision: str | None = "0007_handoff_transitions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "canned_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shortcut", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by_id"], ["agents.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("shortcut"),
    )
    op.create_table(
        "conversation_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("agent_name", sa.String(length=120), nullable=False),
        sa.Column("for_agent_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["handoff_id"], ["handoffs.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["for_agent_id"], ["agents.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_conversation_notes_handoff", "conversation_notes", ["handoff_id", "id"])
    op.create_table(
        "agent_care",
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("remembered_available", sa.Boolean(), nullable=False),
        sa.Column("break_until", sa.DateTime(), nullable=True),
        sa.Column("break_epoch", sa.Integer(), nullable=True),
        sa.Column("offer_answered_handoff_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("agent_id"),
    )
    op.create_index("ix_handoffs_closed_recent", "handoffs", ["closed_at", "id"])
    op.create_index("ix_handoffs_agent_closed", "handoffs", ["claimed_by_id", "closed_at"])
    op.create_index("ix_ratings_handoff", "ratings", ["handoff_id", "updated_at", "score"])


def downgrade() -> None:
    op.drop_index("ix_ratings_handoff", table_name="ratings")
    op.drop_index("ix_handoffs_agent_closed", table_name="handoffs")
    op.drop_index("ix_handoffs_closed_recent", table_name="handoffs")
    op.drop_table("agent_care")
    op.drop_index("ix_conversation_notes_handoff", table_name="conversation_notes")
    op.drop_table("conversation_notes")
    op.drop_table("canned_replies")
