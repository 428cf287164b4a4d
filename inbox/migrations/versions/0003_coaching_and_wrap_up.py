"""Frustration on customer messages and handoffs (live coaching), abuse masking, wrap-up notes,
and what the analytics report reads stored on the handoff (escalation trigger, frustration at the close).

Backfill: ``escalation_trigger`` is copied from ``summary.escalation.trigger`` of the handoffs
already there (as ``inbox.conversation.coaching_store.escalation_trigger`` does for new ones).
``closing_frustration_score`` needs none: it derives from the message and handoff scores that
this same revision adds, so every handoff older than it has none and the value is null.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("frustration_score", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("frustration_level", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("frustration_trend", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("frustration_signals", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("frustration_reasons", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("abusive", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("escalation_score", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("latest_frustration_score", sa.Float(), nullable=True))
        batch_op.add_column(
            sa.Column("latest_frustration_level", sa.String(length=16), nullable=True)
        )
        batch_op.add_column(sa.Column("latest_frustration_trend", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("wrap_up_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("wrap_up_saved_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("wrap_up_saved_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_handoffs_wrap_up_saved_by", "agents", ["wrap_up_saved_by_id"], ["id"]
        )
        batch_op.add_column(sa.Column("escalation_trigger", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("closing_frustration_score", sa.Float(), nullable=True))
    handoffs = sa.table(
        "handoffs", sa.column("summary", sa.JSON()), sa.column("escalation_trigger", sa.String())
    )
    trigger = handoffs.c.summary[("escalation", "trigger")].as_string()
    op.execute(handoffs.update().values(escalation_trigger=sa.func.substr(trigger, 1, 32)))


def downgrade() -> None:
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.drop_constraint("fk_handoffs_wrap_up_saved_by", type_="foreignkey")
        for name in (
            "closing_frustration_score",
            "escalation_trigger",
            "wrap_up_saved_by_id",
            "wrap_up_saved_at",
            "wrap_up_note",
            "latest_frustration_trend",
            "latest_frustration_level",
            "latest_frustration_score",
            "escalation_score",
        ):
            batch_op.drop_column(name)
    with op.batch_alter_table("messages", schema=None) as batch_op:
        for name in (
            "abusive",
            "frustration_reasons",
            "frustration_signals",
            "frustration_trend",
            "frustration_level",
            "frustration_score",
        ):
            batch_op.drop_column(name)
