"""An agent's status as they chose it, remembered across logins.

Logging out still takes an agent out of routing (``inbox.auth.login.end_session``);
logging in gives them back the status they last chose, so nobody has to remember
to switch to Available every morning.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from inbox.agent_tools.models import AgentCare
from inbox.models import Agent, utcnow


def care_of(agent: Agent, *, session: Session) -> AgentCare:
    """The agent's care row, created on first use."""
    care = session.get(AgentCare, agent.id)
    if care is None:
        care = AgentCare(agent_id=agent.id, remembered_available=bool(agent.available))
        session.add(care)
        session.flush()
    return care


def choose(agent: Agent, available: bool, *, session: Session) -> Agent:
    """The agent switched the toggle: apply it now and remember it; ends a break."""
    care = care_of(agent, session=session)
    care.remembered_available = available
    care.break_until = None
    care.break_epoch = None
    agent.available = available
    session.flush()
    return agent


def restore(agent: Agent, *, session: Session) -> Agent:
    """At login: the status last chosen (a break still running keeps them away)."""
    care = session.get(AgentCare, agent.id)
    if care is None:
        return agent
    on_break = care.break_until is not None and care.break_until > utcnow()
    agent.available = care.remembered_available and not on_break
    if on_break:
        care.break_epoch = agent.session_epoch  # the break still ends on its own
    session.flush()
    return agent
