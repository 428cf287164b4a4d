"""A short break offered after a conversation with an abusive customer.

The offer stands until the agent answers it (takes the break or carries on). A break
makes the agent away, so new handoffs go to others, and ends on its own: the agent is
available again when the time is up, unless they logged out meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.agent_tools.models import AgentCare
from inbox.care.abuse import is_abusive
from inbox.care.status import care_of
from inbox.models import Agent, Handoff, utcnow

BREAK_MINUTES = 5


@dataclass(frozen=True)
class Offer:
    """A break offered after the conversation ``handoff_key`` with ``customer_name``."""

    handoff_key: str
    customer_name: str
    minutes: int = BREAK_MINUTES


def last_closed(agent: Agent, *, session: Session) -> Handoff | None:
    """The agent's most recently closed conversation (index ix_handoffs_agent_closed)."""
    return session.execute(
        select(Handoff)
        .where(Handoff.claimed_by_id == agent.id, Handoff.closed_at.is_not(None))
        .order_by(Handoff.closed_at.desc(), Handoff.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def break_until(agent: Agent, *, session: Session, now: datetime | None = None) -> datetime | None:
    care = session.get(AgentCare, agent.id)
    now = now or utcnow()
    if care is None or care.break_until is None or care.break_until <= now:
        return None
    return care.break_until


def offer(agent: Agent, *, session: Session) -> Offer | None:
    """A break to offer now: the last conversation was abusive and the agent has not
    answered this offer yet, nor is on a break."""
    handoff = last_closed(agent, session=session)
    if handoff is None or not is_abusive(handoff, session=session):
        return None
    care = session.get(AgentCare, agent.id)
    if care is not None and care.offer_answered_handoff_id == handoff.id:
        return None
    if break_until(agent, session=session) is not None:
        return None
    return Offer(handoff.key, handoff.customer_name or "the customer")


def _answer_offer(agent: Agent, care: AgentCare, *, session: Session) -> None:
    handoff = last_closed(agent, session=session)
    if handoff is not None:
        care.offer_answered_handoff_id = handoff.id


def take_break(
    agent: Agent, *, session: Session, minutes: int = BREAK_MINUTES, now: datetime | None = None
) -> datetime:
    """Away for ``minutes`` (new handoffs go to others), back to the chosen status after."""
    now = now or utcnow()
    care = care_of(agent, session=session)
    if agent.available:
        care.remembered_available = True
    care.break_until = now + timedelta(minutes=minutes)
    care.break_epoch = agent.session_epoch
    _answer_offer(agent, care, session=session)
    agent.available = False
    session.flush()
    return care.break_until


def decline(agent: Agent, *, session: Session) -> None:
    """The agent carries on: the offer for this conversation is not shown again."""
    care = care_of(agent, session=session)
    _answer_offer(agent, care, session=session)
    session.flush()


def end_due_breaks(*, session: Session, now: datetime | None = None) -> list[int]:
    """End the breaks whose time is up; returns the ids of agents available again."""
    now = now or utcnow()
    due = session.execute(
        select(AgentCare, Agent)
        .join(Agent, Agent.id == AgentCare.agent_id)
        .where(AgentCare.break_until.is_not(None), AgentCare.break_until <= now)
    ).all()
    back: list[int] = []
    for care, agent in due:
        if (
            care.remembered_available
            and agent.active
            and care.break_epoch == agent.session_epoch
            and not agent.available
        ):
            agent.available = True
            back.append(agent.id)
        care.break_until = None
        care.break_epoch = None
    if due:
        session.flush()
    return back
