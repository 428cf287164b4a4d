"""Who each waiting handoff is offered to: an available agent with the fewest open
conversations, and never the agent whose last conversation was abusive for the next
abusive customer while someone else is free.

The queue stays shared (anyone may claim anything); the plan decides whose page
announces a new handoff (``GET /api/v1/routing``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inbox.care.abuse import abusive_ids
from inbox.models import Agent, Handoff


@dataclass(frozen=True)
class Offered:
    handoff_key: str
    agent_id: int | None
    agent_name: str | None
    abusive: bool


@dataclass
class _Free:
    agent: Agent
    load: int
    after_abuse: bool


def _free_agents(*, session: Session) -> list[_Free]:
    agents = list(
        session.execute(
            select(Agent)
            .where(Agent.available.is_(True), Agent.active.is_(True))
            .order_by(Agent.id)
        ).scalars()
    )
    if not agents:
        return []
    loads = dict(
        session.execute(
            select(Handoff.claimed_by_id, func.count(Handoff.id))
            .where(Handoff.status == "claimed", Handoff.claimed_by_id.in_([a.id for a in agents]))
            .group_by(Handoff.claimed_by_id)
        ).all()
    )
    lasts = {a.id: last_closed_id(a.id, session=session) for a in agents}
    abused = abusive_ids([h for h in lasts.values() if h is not None], session=session)
    return [_Free(a, int(loads.get(a.id, 0)), lasts[a.id] in abused) for a in agents]


def last_closed_id(agent_id: int, *, session: Session) -> int | None:
    """The id of the agent's most recently closed conversation (ix_handoffs_agent_closed)."""
    return session.execute(
        select(Handoff.id)
        .where(Handoff.claimed_by_id == agent_id, Handoff.closed_at.is_not(None))
        .order_by(Handoff.closed_at.desc(), Handoff.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def plan(*, session: Session, limit: int = 100) -> list[Offered]:
    """The waiting handoffs in queue order, each with the agent it is offered to."""
    waiting = session.execute(
        select(Handoff.id, Handoff.key)
        .where(Handoff.status == "waiting")
        .order_by(Handoff.priority_rank.desc(), Handoff.created_at, Handoff.id)
        .limit(limit)
    ).all()
    abusive = abusive_ids([w.id for w in waiting], session=session)
    free = _free_agents(session=session)
    out: list[Offered] = []
    for hid, key in waiting:
        pick = choose(free, hid in abusive)
        if pick is not None:
            pick.load += 1
            if hid in abusive:
                pick.after_abuse = True  # the next abusive one goes to someone else
        out.append(
            Offered(
                key,
                pick.agent.id if pick else None,
                pick.agent.display_name if pick else None,
                hid in abusive,
            )
        )
    return out


def choose(free: list[_Free], abusive: bool) -> _Free | None:
    """Fewest open conversations first; for an abusive customer, agents just out of an
    abusive conversation only when nobody else is free."""
    if not free:
        return None
    pool = free
    if abusive:
        spared = [f for f in free if not f.after_abuse]
        pool = spared or free
    return min(pool, key=lambda f: (f.load, f.agent.id))
