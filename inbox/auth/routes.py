"""Agent endpoints about the agent themself: who am I, availability, JSON login and logout."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from sqlalchemy.orm import Session

from inbox import schemas
from inbox.auth import agents
from inbox.auth.deps import require_agent, require_agent_csrf
from inbox.auth.login import authenticate, end_session, start_session
from inbox.broker import QUEUE_TOPIC
from inbox.care import status as care_status
from inbox.db import run_in_session
from inbox.models import Agent
from inbox.services import Services, services

router = APIRouter(prefix="/api/v1", tags=["agent"])


@router.get("/me", response_model=schemas.AgentOut)
async def me(agent: Agent = Depends(require_agent)) -> schemas.AgentOut:
    return schemas.AgentOut.from_orm(agent)


@router.post("/me/availability", response_model=schemas.AgentOut)
async def availability(
    body: schemas.AvailabilityIn,
    svc: Services = Depends(services),
    agent: Agent = Depends(require_agent_csrf),
) -> schemas.AgentOut:
    """Available or away; changes the wait the bot announces. Remembered: the next
    login starts with the same status (``inbox.care.status``)."""

    def unit(*, session: Session) -> schemas.AgentOut:
        me = agents.agent_by_id(agent.id, session=session)
        if me is None:  # deleted since this request's login check
            raise HTTPException(401, "Please log in again.")
        return schemas.AgentOut.from_orm(care_status.choose(me, body.available, session=session))

    out = await run_in_session(svc.factory, unit)
    svc.broker.publish(QUEUE_TOPIC, "queue", {"reason": "availability", "handoff_key": None})
    return out


@router.post("/auth/login", tags=["auth"])
async def api_login(
    body: schemas.LoginIn, request: Request, response: Response, svc: Services = Depends(services)
) -> dict:
    """JSON login for tools; returns the CSRF token to send as X-CSRF-Token."""
    if not request.headers.get("content-type", "").startswith("application/json"):
        raise HTTPException(415, "send JSON")
    agent = await authenticate(svc, request, body.username, body.password)
    csrf = start_session(response, svc, agent)
    return {"agent": schemas.AgentOut.from_orm(agent).dict(), "csrf_token": csrf}


@router.post("/auth/logout", tags=["auth"])
async def api_logout(
    response: Response,
    svc: Services = Depends(services),
    agent: Agent = Depends(require_agent_csrf),
) -> dict:
    """End the session (every cookie of this agent) and mark the agent away."""
    await end_session(response, svc, agent)
    svc.broker.publish(QUEUE_TOPIC, "queue", {"reason": "availability", "handoff_key": None})
    return {"status": "logged out"}
