"""Care for agents over the API: the break offer and the break, the routing plan, and
abuse exposure per agent for admins."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy.orm import Session

from inbox.agent_tools import schemas as s
from inbox.agent_tools.models import AgentCare
from inbox.auth.deps import require_admin, require_agent, require_agent_csrf, require_reader
from inbox.broker import QUEUE_TOPIC
from inbox.care import breaks, exposure, routing
from inbox.db import run_in_session
from inbox.models import Agent, utcnow
from inbox.services import Services, services

router = APIRouter(prefix="/api/v1", tags=["care for agents"])


def _care(me: Agent, *, session: Session) -> s.CareOut:
    breaks.end_due_breaks(session=session)
    session.refresh(me)
    row = session.get(AgentCare, me.id)
    offer = breaks.offer(me, session=session)
    return s.CareOut(
        available=me.available,
        remembered_available=row.remembered_available if row else me.available,
        break_until=breaks.break_until(me, session=session),
        offer=s.OfferOut(**offer.__dict__) if offer else None,
    )


@router.get("/me/care", response_model=s.CareOut)
async def my_care(
    svc: Services = Depends(services), agent: Agent = Depends(require_agent)
) -> s.CareOut:
    """My status, a break running, and a break offered after an abusive conversation."""

    def unit(*, session: Session) -> tuple[list[int], s.CareOut]:
        ended = breaks.end_due_breaks(session=session)
        return ended, _care(session.get(Agent, agent.id), session=session)

    ended, out = await run_in_session(svc.factory, unit)
    if ended:  # back from a break: the figures the bot announces change
        svc.broker.publish(QUEUE_TOPIC, "queue", {"reason": "availability", "handoff_key": None})
    return out


@router.post("/me/break", response_model=s.CareOut)
async def take_break(
    body: s.BreakIn | None = None,
    svc: Services = Depends(services),
    agent: Agent = Depends(require_agent_csrf),
) -> s.CareOut:
    """Take a few minutes (5 by default): away now, new handoffs go to others, back after."""
    minutes = body.minutes if body else breaks.BREAK_MINUTES

    def unit(*, session: Session) -> s.CareOut:
        me = session.get(Agent, agent.id)
        breaks.take_break(me, session=session, minutes=minutes)
        return _care(me, session=session)

    out = await run_in_session(svc.factory, unit)
    svc.broker.publish(QUEUE_TOPIC, "queue", {"reason": "availability", "handoff_key": None})
    return out


@router.post("/me/break/decline", response_model=s.CareOut)
async def decline_break(
    svc: Services = Depends(services), agent: Agent = Depends(require_agent_csrf)
) -> s.CareOut:
    """Carry on without a break; the offer for that conversation is not shown again."""

    def unit(*, session: Session) -> s.CareOut:
        me = session.get(Agent, agent.id)
        breaks.decline(me, session=session)
        return _care(me, session=session)

    return await run_in_session(svc.factory, unit)


# The plan changes only with the queue, availability or a close, which all publish on
# QUEUE_TOPIC: one computation per queue version, shared by every agent's page.
_plans: dict[int, tuple[int, bytes]] = {}


@router.get("/routing", response_model=s.RoutingOut)
async def routing_plan(
    svc: Services = Depends(services), _who: Agent | str = Depends(require_reader)
) -> Response:
    """Whom each waiting handoff is offered to (whose page announces it)."""
    ended = await run_in_session(
        svc.factory, lambda *, session: breaks.end_due_breaks(session=session)
    )
    if ended:
        svc.broker.publish(QUEUE_TOPIC, "queue", {"reason": "availability", "handoff_key": None})
    version = svc.broker.version(QUEUE_TOPIC)
    cached = _plans.get(id(svc))
    if cached is not None and cached[0] == version:
        return Response(cached[1], media_type="application/json")

    def unit(*, session: Session) -> bytes:
        items = [s.RoutedOut(**o.__dict__) for o in routing.plan(session=session)]
        return s.RoutingOut(items=items).json().encode()

    body = await run_in_session(svc.factory, unit)
    _plans[id(svc)] = (version, body)
    return Response(body, media_type="application/json")


@router.get("/analytics/abuse-exposure", response_model=s.ExposureReportOut)
async def abuse_exposure(
    days: int = Query(30, ge=1, le=366),
    svc: Services = Depends(services),
    _admin: Agent = Depends(require_admin),
) -> s.ExposureReportOut:
    """Per agent: conversations closed in the last ``days``, how many had an abusive
    customer, and how many abusive messages they read."""
    until = utcnow()
    since = until - timedelta(days=days)

    def unit(*, session: Session) -> s.ExposureReportOut:
        rows = exposure.per_agent(session=session, since=since, until=until)
        return s.ExposureReportOut(
            since=since,
            until=until,
            agents=[s.ExposureOut(**e.__dict__, share=round(e.share, 3)) for e in rows],
        )

    return await run_in_session(svc.factory, unit)
