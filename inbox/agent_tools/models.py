"""Tables of the agent tools and of care for agents (migration 0008).

Kept out of ``inbox.models`` so each feature owns its storage; they share its ``Base``.
The indexes at the end serve the closed conversations list (``inbox.queue.closed``).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Text

from inbox.models import Base, Handoff, Rating, utcnow
from northwind_common.utc_datetime import UtcDateTime


class CannedReply(Base):
    """A reply admins write once and agents insert with ``/shortcut``; ``body`` may hold
    placeholders such as ``{first_name}`` (``inbox.agent_tools.canned.PLACEHOLDERS``)."""

    __tablename__ = "canned_replies"
    id = Column(Integer, primary_key=True)
    shortcut = Column(String(40), nullable=False, unique=True)
    title = Column(String(120), nullable=False)
    body = Column(Text, nullable=False)
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)
    updated_at = Column(UtcDateTime, nullable=False, default=utcnow)
    updated_by_id = Column(Integer, ForeignKey("agents.id", ondelete="SET NULL"), nullable=True)


class ConversationNote(Base):
    """A note inside a live conversation that only agents see; never sent to Rasa.

    ``kind`` is ``note`` or ``transfer`` (the note that travels with a transfer, for
    ``for_agent_id``, or for whoever claims it next when it went back to the queue).
    """

    __tablename__ = "conversation_notes"
    id = Column(Integer, primary_key=True)
    handoff_id = Column(Integer, ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False)
    kind = Column(String(16), nullable=False, default="note")
    text = Column(Text, nullable=False)
    agent_id = Column(Integer, ForeignKey("agents.id", ondelete="SET NULL"), nullable=True)
    agent_name = Column(String(120), nullable=False)
    for_agent_id = Column(Integer, ForeignKey("agents.id", ondelete="SET NULL"), nullable=True)
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)

    __table_args__ = (Index("ix_conversation_notes_handoff", "handoff_id", "id"),)


class AgentCare(Base):
    """Per agent: the status they chose (restored at login) and a break in progress.

    ``break_epoch`` is the session epoch when the break started: a break that ends
    after the agent logged out does not make them available again.
    """

    __tablename__ = "agent_care"
    agent_id = Column(Integer, ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True)
    remembered_available = Column(Boolean, nullable=False, default=False)
    break_until = Column(UtcDateTime, nullable=True)
    break_epoch = Column(Integer, nullable=True)
    # The abusive conversation whose break offer the agent already answered (taken or not).
    offer_answered_handoff_id = Column(Integer, nullable=True)


# The closed list opens on the newest and filters by agent and rating without sorting
# 50,000 rows (docs/benchmarks.md).
Index("ix_handoffs_closed_recent", Handoff.closed_at, Handoff.id)
Index("ix_handoffs_agent_closed", Handoff.claimed_by_id, Handoff.closed_at)
Index("ix_ratings_handoff", Rating.handoff_id, Rating.updated_at, Rating.score)
