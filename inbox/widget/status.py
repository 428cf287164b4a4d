"""The handoff of a conversation as the customer's widget shows it.

One answer for every question the widget has: is a person involved, who, how
far in the queue, how long the wait, and is that person typing. The widget asks
on every (re)connect and while a person is involved, so its header is true after
a reload, a resolve, a hand-back or an abandonment.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.auth.agents import agents_available
from inbox.models import Agent, Handoff, Message
from inbox.queue.store import estimate_wait, queue_position


class WidgetStatus(BaseModel):
    state: Literal["none", "waiting", "with_agent", "closed"]
    handoff_key: str | None = None
    agent: str | None = None
    queue_position: int = 0
    estimated_wait_seconds: int = 0
    agent_typing: bool = False
    closed_as: str | None = None  # resolved, handed_back, customer_ended, …
    # Epoch seconds of the agent's last message (not sent: it lets typing end with it).
    last_agent_message_at: float | None = None

    class Config:
        fields = {"last_agent_message_at": {"exclude": True}}


def latest_handoff(conversation_id: str, *, session: Session) -> Handoff | None:
    return session.execute(
        select(Handoff)
        .where(Handoff.conversation_id == conversation_id)
        .order_by(Handoff.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def widget_status(
    conversation_id: str, *, session: Session, avg_handle_seconds: int
) -> WidgetStatus:
    """The state of the conversation's latest handoff (typing is added by the caller)."""
    handoff = latest_handoff(conversation_id, session=session)
    if handoff is None:
        return WidgetStatus(state="none")
    if handoff.customer_ended_at is not None and handoff.status in ("waiting", "claimed"):
        return WidgetStatus(state="closed", handoff_key=handoff.key, closed_as="customer_ended")
    if handoff.status == "waiting":
        position = queue_position(handoff, session=session)
        available = agents_available(session=session)
        return WidgetStatus(
            state="waiting",
            handoff_key=handoff.key,
            queue_position=position,
            # Nobody available: no wait can be promised (the bot said so; the header must not
            # say "about 4 min"); 0 is "unknown" to the widget.
            estimated_wait_seconds=(
                estimate_wait(position, available, avg_handle_seconds) if available else 0
            ),
        )
    if handoff.status == "claimed":
        agent = session.get(Agent, handoff.claimed_by_id) if handoff.claimed_by_id else None
        last_reply = session.execute(
            select(Message.sent_at)
            .where(Message.handoff_id == handoff.id, Message.sender == "agent")
            .order_by(Message.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        return WidgetStatus(
            state="with_agent",
            handoff_key=handoff.key,
            agent=agent.display_name if agent else None,
            last_agent_message_at=last_reply.timestamp() if last_reply else None,
        )
    return WidgetStatus(state="closed", handoff_key=handoff.key, closed_as=handoff.status)
