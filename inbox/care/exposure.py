"""Abuse exposure per agent, for admins: how many of the conversations each agent
closed in a period had an abusive customer, and how many abusive messages they read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from inbox.models import Agent, Handoff, Message


@dataclass(frozen=True)
class Exposure:
    agent_id: int
    agent_name: str
    conversations: int
    abusive_conversations: int
    abusive_messages: int

    @property
    def share(self) -> float:
        return self.abusive_conversations / self.conversations if self.conversations else 0.0


def per_agent(*, session: Session, since: datetime, until: datetime) -> list[Exposure]:
    """Every agent who closed a conversation in [since, until), most exposed first.

    Counts the escalation trigger and the flagged messages after the handoff, which
    are columns; the chat with the bot before it is judged by the trigger.
    """
    in_period = and_(
        Handoff.claimed_by_id.is_not(None), Handoff.closed_at >= since, Handoff.closed_at < until
    )
    abusive_msgs = (
        select(Message.handoff_id, func.count(Message.id).label("n"))
        .where(Message.abusive.is_(True), Message.sender == "customer")
        .group_by(Message.handoff_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Agent.id,
            Agent.display_name,
            func.count(Handoff.id),
            func.sum(
                case(
                    (or_(Handoff.escalation_trigger == "abuse", abusive_msgs.c.n > 0), 1),
                    else_=0,
                )
            ),
            func.coalesce(func.sum(abusive_msgs.c.n), 0),
        )
        .join(Agent, Agent.id == Handoff.claimed_by_id)
        .outerjoin(abusive_msgs, abusive_msgs.c.handoff_id == Handoff.id)
        .where(in_period)
        .group_by(Agent.id, Agent.display_name)
    ).all()
    out = [
        Exposure(aid, name, int(total), int(abusive or 0), int(msgs or 0))
        for aid, name, total, abusive, msgs in rows
    ]
    out.sort(key=lambda e: (-e.abusive_conversations, -e.abusive_messages, e.agent_name))
    return out
