"""Agent accounts and availability."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inbox.auth.security import hash_password
from inbox.errors import Conflict
from inbox.models import Agent


def create_agent(
    username: str,
    password: str,
    *,
    session: Session,
    display_name: str = "",
    role: str = "agent",
    available: bool = False,
) -> Agent:
    """Add an account; raises Conflict when the username is taken.

    ``available``: starts Available (and remembers it), as the first admin of
    ``make run`` does, so a fresh install's first customer is not told everyone is busy.
    """
    if role not in ("agent", "admin"):
        raise ValueError("role must be agent or admin")
    if session.execute(select(Agent.id).where(Agent.username == username)).first():
        raise Conflict(f"username {username!r} already exists")
    agent = Agent(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        role=role,
        available=available,
    )
    session.add(agent)
    session.flush()
    if available:
        from inbox.care.status import choose  # care builds on accounts, not the reverse

        choose(agent, True, session=session)
    return agent


def agent_by_username(username: str, *, session: Session) -> Agent | None:
    result: Agent | None = session.execute(
        select(Agent).where(Agent.username == username, Agent.active.is_(True))
    ).scalar_one_or_none()
    return result


def agent_by_id(agent_id: int, *, session: Session) -> Agent | None:
    agent = session.get(Agent, agent_id)
    return agent if agent is not None and agent.active else None


def set_availability(agent: Agent, available: bool, *, session: Session) -> Agent:
    agent.available = available
    session.flush()
    return agent


def agents_available(*, session: Session) -> int:
    """Agents who receive handoffs now (a break whose time is up ends first)."""
    from inbox.care.breaks import end_due_breaks

    end_due_breaks(session=session)
    result: int = session.execute(
        select(func.count(Agent.id)).where(Agent.available.is_(True), Agent.active.is_(True))
    ).scalar_one()
    return result
