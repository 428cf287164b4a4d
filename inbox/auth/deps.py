"""Who is calling: the bot (shared bearer secret) or an agent (session cookie + CSRF).

Anything else is refused: 401 without valid credentials, 403 for a missing or wrong
CSRF token or a role that may not do this.
"""

from __future__ import annotations

import hmac

from fastapi import Depends, HTTPException, Request, status

from inbox.auth import agents
from inbox.auth.security import CSRF_HEADER, SESSION_COOKIE, SessionData, tokens_match
from inbox.db import run_in_session
from inbox.models import Agent
from inbox.services import Services, services

BOT = "bot"


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def is_bot(request: Request, svc: Services) -> bool:
    token = _bearer(request)
    return token is not None and hmac.compare_digest(
        token.encode(), svc.settings.handoff_secret.encode()
    )


def require_bot(request: Request, svc: Services = Depends(services)) -> str:
    """Dependency: the caller holds HANDOFF_SECRET, else 401."""
    if not is_bot(request, svc):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "bot credentials required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return BOT


def session_data(request: Request, svc: Services) -> SessionData | None:
    return svc.codec.load(request.cookies.get(SESSION_COOKIE))


async def optional_agent(request: Request, svc: Services = Depends(services)) -> Agent | None:
    """The logged-in agent or None (pages redirect to login)."""
    data = session_data(request, svc)
    if data is None:
        return None
    agent = await run_in_session(svc.factory, agents.agent_by_id, data.agent_id)
    if agent is None or agent.session_epoch != data.epoch:
        return None
    request.state.csrf = data.csrf
    return agent


async def require_agent(agent: Agent | None = Depends(optional_agent)) -> Agent:
    """Dependency: a valid agent session, else 401 (reads; no CSRF needed)."""
    if agent is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "agent session required")
    return agent


async def require_agent_csrf(request: Request, agent: Agent = Depends(require_agent)) -> Agent:
    """Dependency for state-changing agent calls: session plus matching X-CSRF-Token."""
    if not tokens_match(getattr(request.state, "csrf", None), request.headers.get(CSRF_HEADER)):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "missing or invalid CSRF token")
    return agent


def ensure_admin(agent: Agent) -> Agent:
    """403 unless ``agent`` is an admin (for use after ``require_agent_csrf`` too)."""
    if agent.role != "admin":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "admins only")
    return agent


async def require_admin(agent: Agent = Depends(require_agent)) -> Agent:
    """Dependency: an admin's session (401 without a session, 403 for an agent)."""
    return ensure_admin(agent)


async def require_reader(
    request: Request,
    svc: Services = Depends(services),
    agent: Agent | None = Depends(optional_agent),
) -> Agent | str:
    """Reads are open to the bot/tools (bearer) and to agents (session)."""
    if agent is not None:
        return agent
    if is_bot(request, svc):
        return BOT
    raise HTTPException(status.HTTP_401_UNAUTHORIZED, "credentials required")
