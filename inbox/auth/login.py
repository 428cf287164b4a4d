"""Login and logout shared by the page form and the JSON API (one throttle for both)."""

from __future__ import annotations

import asyncio

from fastapi import HTTPException, Request, Response, status
from sqlalchemy.orm import Session

from inbox.auth import agents
from inbox.auth.security import (
    PRELOGIN_COOKIE,
    SESSION_COOKIE,
    SessionData,
    new_token,
    verify_password,
)
from inbox.auth.throttle import wait_message
from inbox.broker import QUEUE_TOPIC
from inbox.care import status as care_status
from inbox.db import run_in_session
from inbox.models import Agent
from inbox.services import Services


def client_ip(request: Request) -> str:
    """The peer address (the inbox does not trust X-Forwarded-For: no proxy is configured)."""
    return request.client.host if request.client else "unknown"


async def authenticate(svc: Services, request: Request, username: str, password: str) -> Agent:
    """Check the password under the login throttle (``inbox.auth.throttle``).

    Raises:
        HTTPException: 429 with Retry-After and a polite wait while the account or
            the address must back off, 401 when the password is wrong.
    """
    ip = client_ip(request)
    wait = await asyncio.to_thread(svc.limiter.try_attempt, username, ip)  # Redis is a network call
    if wait:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            wait_message(wait),
            headers={"Retry-After": str(wait)},
        )

    def unit(*, session: Session) -> Agent | None:
        agent = agents.agent_by_username(username, session=session)
        ok = verify_password(agent.password_hash if agent else None, password)
        if agent is not None and ok:
            care_status.restore(agent, session=session)  # the status they last chose
        return agent if ok else None

    agent = await run_in_session(svc.factory, unit)
    if agent is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong username or password")
    await asyncio.to_thread(svc.limiter.succeeded, username, ip)
    if agent.available:  # restored at login: the figures the bot announces change
        svc.broker.publish(QUEUE_TOPIC, "queue", {"reason": "availability", "handoff_key": None})
    return agent


def start_session(response: Response, svc: Services, agent: Agent) -> str:
    """Set a fresh session cookie (new CSRF token: no fixation) and return the token."""
    csrf = new_token()
    response.set_cookie(
        SESSION_COOKIE,
        svc.codec.dump(SessionData(agent.id, csrf, agent.session_epoch)),
        max_age=svc.settings.session_max_age_seconds,
        httponly=True,
        secure=svc.settings.cookie_secure,
        samesite="lax",
        path="/",
    )
    response.delete_cookie(PRELOGIN_COOKIE, path="/")
    return csrf


async def end_session(response: Response, svc: Services, agent: Agent) -> None:
    """Log out: mark the agent away (the status they chose comes back at the next login),
    revoke all its session cookies, drop the cookie."""

    def unit(*, session: Session) -> None:
        me = agents.agent_by_id(agent.id, session=session)
        if me is not None:
            me.available = False
            me.session_epoch += 1

    await run_in_session(svc.factory, unit)
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=svc.settings.cookie_secure, httponly=True, samesite="lax"
    )
