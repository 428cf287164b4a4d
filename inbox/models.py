"""Storage shapes (SQLAlchemy 1.4, 2.0 style). Never returned directly by the API."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, registry, relationship
from sqlalchemy.orm.decl_api import DeclarativeMeta
from sqlalchemy.sql.expression import false as sa_false

from northwind_common.utc_datetime import UtcDateTime

_registry = registry()


class Base(metaclass=DeclarativeMeta):
    """The inbox's declarative base, spelled as a class so type checkers see a type.

    SQLAlchemy 1.4's ``declarative_base()`` returns a class mypy cannot use as a base.
    """

    __abstract__ = True
    registry = _registry
    metadata = _registry.metadata

    if TYPE_CHECKING:  # the constructor takes the columns as keywords

        def __init__(self, **columns: Any) -> None: ...

    else:
        __init__ = _registry.constructor


OPEN_STATUSES = ("waiting", "claimed")
# ``abandoned``: the customer left (or went silent) before anyone joined; ``customer_ended``:
# the customer ended the chat with a person. The transitions: inbox.conversation.lifecycle.
CLOSED_STATUSES = ("handed_back", "resolved", "abandoned", "customer_ended")


def utcnow() -> datetime:
    """Aware UTC now (one place, so tests could pin it)."""
    return datetime.now(timezone.utc)


R = TypeVar("R")


def rows_of_handoff(model: type[R], handoff: Handoff, *order_by: Any, session: Session) -> list[R]:
    """The rows of ``model`` (a table with a ``handoff_id``) that belong to ``handoff``,
    in ``order_by`` order: its messages, transitions, notes."""
    handoff_id = sa_inspect(model).columns["handoff_id"]
    return list(
        session.execute(select(model).where(handoff_id == handoff.id).order_by(*order_by)).scalars()
    )


class Agent(Base):
    """A person who works in the inbox (role ``agent`` or ``admin``)."""

    __tablename__ = "agents"
    id = Column(Integer, primary_key=True)
    username = Column(String(80), nullable=False, unique=True)
    display_name = Column(String(120), nullable=False)
    password_hash = Column(String(255), nullable=False)
    role = Column(String(16), nullable=False, default="agent")
    available = Column(Boolean, nullable=False, default=False)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)
    # Bumped at logout: every session cookie signed with an older epoch stops working.
    session_epoch = Column(Integer, nullable=False, default=0, server_default="0")


class Handoff(Base):
    """A conversation the bot handed to a person; ``key`` is the bot's idempotency key."""

    __tablename__ = "handoffs"
    id = Column(Integer, primary_key=True)
    key = Column(String(64), nullable=False, unique=True)
    conversation_id = Column(String(255), nullable=False, index=True)
    channel = Column(String(64), nullable=False)
    created_at = Column(UtcDateTime, nullable=False)
    received_at = Column(UtcDateTime, nullable=False, default=utcnow)
    priority = Column(String(16), nullable=False)
    priority_rank = Column(Integer, nullable=False)
    reason = Column(Text, nullable=False, default="")
    frustration_level = Column(String(16), nullable=False, default="calm")
    summary = Column(JSON, nullable=False)
    brief = Column(Text, nullable=False, default="")
    suggested_opening = Column(Text, nullable=False, default="")
    customer_name = Column(String(255), nullable=False, default="")
    customer_email = Column(String(255), nullable=False, default="")
    order_number = Column(String(64), nullable=False, default="")
    search_text = Column(Text, nullable=False, default="")
    status = Column(String(16), nullable=False, default="waiting")
    claimed_by_id = Column(Integer, ForeignKey("agents.id"), nullable=True)
    claimed_at = Column(UtcDateTime, nullable=True)
    closed_at = Column(UtcDateTime, nullable=True)
    resolution = Column(Text, nullable=True)
    customer_ended_at = Column(UtcDateTime, nullable=True)
    contact_preference = Column(String(32), nullable=True)
    contact_detail = Column(String(255), nullable=True)
    # Frustration when the bot handed off, and the latest reading while a person talks
    # (the detector keeps scoring every customer message during the handoff).
    escalation_score = Column(Float, nullable=True)
    latest_frustration_score = Column(Float, nullable=True)
    latest_frustration_level = Column(String(16), nullable=True)
    latest_frustration_trend = Column(Float, nullable=True)
    # Stored for analytics when they happen, so the report reads neither ``summary`` nor
    # messages: ``summary.escalation.trigger`` at creation (null when the summary has
    # none), and the frustration at the close (``inbox.conversation.coaching_store.note_closing_frustration``).
    escalation_trigger = Column(String(32), nullable=True)
    closing_frustration_score = Column(Float, nullable=True)
    # The agent's wrap-up note, saved when (or after) the conversation is resolved.
    wrap_up_note = Column(Text, nullable=True)
    wrap_up_saved_at = Column(UtcDateTime, nullable=True)
    wrap_up_saved_by_id = Column(Integer, ForeignKey("agents.id"), nullable=True)

    claimed_by = relationship(Agent, lazy="joined", foreign_keys=[claimed_by_id])
    wrap_up_saved_by = relationship(Agent, foreign_keys=[wrap_up_saved_by_id])

    __table_args__ = (
        Index("ix_handoffs_queue", "status", "priority_rank", "created_at"),
        Index("ix_handoffs_closed", "status", "closed_at"),
        Index("ix_handoffs_order_number", "order_number"),
        Index("ix_handoffs_customer_email", "customer_email"),
        # Covers every handoff figure of the analytics (migration 0004): SQLite would
        # otherwise walk the summary's overflow pages to reach the columns after it.
        Index(
            "ix_handoffs_analytics",
            "created_at",
            "status",
            "claimed_at",
            "closed_at",
            "escalation_score",
            "closing_frustration_score",
            "escalation_trigger",
        ),
    )


class HandoffTransition(Base):
    """One change of a handoff's status: from, to, why, who and when (``inbox.conversation.lifecycle``).

    ``actor`` is ``agent``, ``customer``, ``bot``, ``desk`` or ``inbox`` (a timer);
    ``agent_id``/``actor_name`` say which person when there was one.
    """

    __tablename__ = "handoff_transitions"
    id = Column(Integer, primary_key=True)
    handoff_id = Column(Integer, ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False)
    event = Column(String(32), nullable=False)
    from_status = Column(String(16), nullable=False)
    to_status = Column(String(16), nullable=False)
    actor = Column(String(16), nullable=False)
    agent_id = Column(Integer, ForeignKey("agents.id", ondelete="SET NULL"), nullable=True)
    actor_name = Column(String(120), nullable=True)
    at = Column(UtcDateTime, nullable=False, default=utcnow)

    __table_args__ = (Index("ix_handoff_transitions_handoff", "handoff_id", "id"),)


class Message(Base):
    """A customer, agent or system line added after the handoff (the transcript before
    it lives in ``Handoff.summary``). ``message_id`` makes customer messages exactly-once.
    """

    __tablename__ = "messages"
    id = Column(Integer, primary_key=True)
    handoff_id = Column(Integer, ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False)
    message_id = Column(String(128), nullable=False)
    sender = Column(String(16), nullable=False)
    text = Column(Text, nullable=False)
    sent_at = Column(UtcDateTime, nullable=False)
    received_at = Column(UtcDateTime, nullable=False, default=utcnow)
    agent_id = Column(Integer, ForeignKey("agents.id"), nullable=True)
    agent_name = Column(String(120), nullable=True)
    delivery_status = Column(String(16), nullable=True)
    # The detector's reading of a customer message (null for agent/system lines).
    frustration_score = Column(Float, nullable=True)
    frustration_level = Column(String(16), nullable=True)
    frustration_trend = Column(Float, nullable=True)
    frustration_signals = Column(JSON, nullable=True)
    frustration_reasons = Column(JSON, nullable=True)
    # Insults or profanity: masked in the agent's view until revealed; ``text`` keeps the original.
    abusive = Column(Boolean, nullable=False, default=False, server_default=sa_false())

    __table_args__ = (
        UniqueConstraint("handoff_id", "message_id", name="uq_messages_handoff_message_id"),
        Index("ix_messages_handoff_order", "handoff_id", "sent_at", "id"),
    )


class Delivery(Base):
    """Outbox of calls to Rasa, delivered in ``id`` order per conversation and retried.

    ``kind`` is ``reply``, ``agent_joined`` or ``handback``; ``payload`` holds what the
    Rasa client needs. A reply's status is mirrored on its message for the agent.
    """

    __tablename__ = "deliveries"
    id = Column(Integer, primary_key=True)
    handoff_id = Column(Integer, ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False)
    message_pk = Column(Integer, ForeignKey("messages.id", ondelete="CASCADE"), nullable=True)
    kind = Column(String(16), nullable=False)
    payload = Column(JSON, nullable=False)
    status = Column(String(16), nullable=False, default="pending")
    attempts = Column(Integer, nullable=False, default=0)
    last_error = Column(Text, nullable=True)
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)
    delivered_at = Column(UtcDateTime, nullable=True)

    __table_args__ = (Index("ix_deliveries_pending", "status", "handoff_id", "id"),)


class DeliveryLease(Base):
    """Which inbox replica is sending from a conversation's outbox, and until when.

    Several replicas on one database each run a delivery loop: without the lease two of
    them read the same pending reply and the customer reads it twice. A replica takes
    the lease before sending, renews it before each call and deletes it when done; a
    crashed replica's lease runs out at ``expires_at`` (``inbox.conversation.delivery_lease``).
    """

    __tablename__ = "delivery_leases"
    handoff_id = Column(Integer, ForeignKey("handoffs.id", ondelete="CASCADE"), primary_key=True)
    holder = Column(String(64), nullable=False)
    expires_at = Column(UtcDateTime, nullable=False)


class BotSession(Base):
    """One customer conversation session the bot saw, handed off or not.

    Reported by the action server so analytics can tell the share of conversations
    the bot resolved alone (the inbox otherwise only sees the ones handed off).
    """

    __tablename__ = "bot_sessions"
    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), nullable=False)
    session_started_at = Column(UtcDateTime, nullable=False)
    channel = Column(String(64), nullable=False, default="unknown")
    last_seen_at = Column(UtcDateTime, nullable=False)
    user_turns = Column(Integer, nullable=False, default=0)
    handed_off = Column(Boolean, nullable=False, default=False)
    max_frustration_score = Column(Float, nullable=True)
    outcome = Column(String(32), nullable=True)

    __table_args__ = (
        UniqueConstraint(
            "conversation_id", "session_started_at", name="uq_bot_sessions_conversation_start"
        ),
        # Covering: the analytics read only these columns of the sessions in a period.
        Index(
            "ix_bot_sessions_started",
            "session_started_at",
            "user_turns",
            "handed_off",
            "outcome",
            "last_seen_at",
        ),
    )


class Forward(Base):
    """Outbox of a handoff forwarded to a helpdesk the company already uses.

    One row per (handoff, target, event); ``progress`` remembers what the target has
    already accepted (e.g. Chatwoot's contact and conversation ids) so a retry resumes
    where it stopped and never creates a duplicate.
    """

    __tablename__ = "forwards"
    id = Column(Integer, primary_key=True)
    handoff_id = Column(Integer, ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False)
    target = Column(String(32), nullable=False)
    event = Column(String(32), nullable=False)
    payload = Column(JSON, nullable=False)
    progress = Column(JSON, nullable=False, default=dict)
    status = Column(String(16), nullable=False, default="pending")
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(UtcDateTime, nullable=True)
    last_error = Column(Text, nullable=True)
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)
    delivered_at = Column(UtcDateTime, nullable=True)

    __table_args__ = (
        UniqueConstraint("handoff_id", "target", "event", name="uq_forwards_handoff_target_event"),
        Index("ix_forwards_pending", "status", "next_attempt_at", "id"),
    )


class Rating(Base):
    """A customer's satisfaction rating (1-5, optional comment), from the web chat widget.

    Given after the customer ended the chat or after a resolve; one row per rating the
    widget opened (``rating_id``), updated when a comment follows the score. Kept with
    the conversation, and with the handoff and its agent when there was one, so
    analytics can show CSAT per day, per agent, with and without a handoff.
    """

    __tablename__ = "ratings"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), nullable=False)
    rating_id = Column(String(80), nullable=False)
    handoff_id = Column(Integer, ForeignKey("handoffs.id", ondelete="SET NULL"), nullable=True)
    handoff_key = Column(String(64), nullable=True)
    agent_id = Column(Integer, ForeignKey("agents.id", ondelete="SET NULL"), nullable=True)
    agent_name = Column(String(120), nullable=True)
    score = Column(Integer, nullable=False)
    comment = Column(Text, nullable=True)
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)
    updated_at = Column(UtcDateTime, nullable=False, default=utcnow)

    __table_args__ = (
        UniqueConstraint("conversation_id", "rating_id", name="uq_ratings_conversation_rating"),
        Index("ix_ratings_created", "created_at", "agent_id", "handoff_id", "score"),
    )
