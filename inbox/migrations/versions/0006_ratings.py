"""Satisfaction ratings from the web chat widget (CSAT per day, per agent, with and without handoff).

Revision ID: 0006_ratings
Revises: 0005
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0006_ratings"
down_revision: Union[str, None] = "0005"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("rating_id", sa.String(length=80), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=True),
        sa.Column("handoff_key", sa.String(length=64), nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("agent_name", sa.String(length=120), nullable=True),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["handoff_id"], ["handoffs.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("conversation_id", "rating_id", name="uq_ratings_conversation_rating"),
    )
    op.create_index("ix_ratings_created", "ratings", ["created_at", "agent_id", "handoff_id", "score"])


def downgrade() -> None:
    op.drop_index("ix_ratings_created", table_name="ratings")
    op.drop_table("ratings")
