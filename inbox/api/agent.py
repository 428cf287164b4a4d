"""Agent endpoints: reads for agents and tools, actions with session + CSRF."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from sqlalchemy.orm import Session

from inbox import crud, schemas, views
from inbox.auth import require_agent, require_agent_csrf, require_reader
from inbox.broker import QUEUE_TOPIC, handoff_topic
from inbox.db import run_in_session
from inbox.login import authenticate, end_session, start_session
from inbox.models import Agent, Handoff, Message
from inbox.services import Services, services

router = APIRouter(prefix="/api/v1", tags=["agent"])


def _publish_status(svc: Services, handoff: Handoff, reason: str) -> None:
    svc.broker.publish(handoff_topic(handoff.key), "status", views.status_event(handoff))
    svc.broker.publish(QUEUE_TOPIC, "queue", {"reason": reason, "handoff_key": handoff.key})


def _publish_messages(svc: Services, key: str, messages: list) -> None:
    for message in messages:
        svc.broker.publish(handoff_topic(key), "message", message.dict())


@router.get("/queue", response_model=schemas.QueueOut)
async def read_queue(
    limit: int = Query(100, ge=1, le=1000),
    svc: Services = Depends(services),
    _who: Agent | str = Depends(require_reader),
) -> Response:
    """Waiting handoffs by priority then waiting time, then those being handled.

    Shared between callers until the queue changes (see ``inbox.queue_cache``).
    """

    def unit(*, session: Session) -> bytes:
        waiting, claimed, total = crud.queue(session=session, limit=limit)
        counts = crud.new_customer_message_counts(
            [h.id for h in waiting + claimed], session=session
        )
        figures = crud.figures(
            session=session, hours=svc.hours, avg_handle_seconds=svc.settings.avg_handle_seconds
        )
        items = [views.queue_item(h, counts.get(h.id, 0)) for h in waiting + claimed]
        return (
            schemas.QueueOut.construct(items=items, total_waiting=total, figures=figures)
            .json()
            .encode()
        )

    body = await svc.queue_cache.get(
        svc.broker.version(QUEUE_TOPIC), limit, lambda: run_in_session(svc.factory, unit)
    )
    return Response(body, media_type="application/json")


@router.get("/handoffs/{handoff_key}", response_model=schemas.ConversationOut)
async def read_conversation(
    handoff_key: str, svc: Services = Depends(services), _who: Agent | str = Depends(require_reader)
) -> schemas.ConversationOut:
    """Summary, status and every message since the handoff."""

    def unit(*, session: Session) -> schemas.ConversationOut:
        handoff = crud.require_handoff(handoff_key, session=session)
        return views.conversation(handoff, crud.messages(handoff, session=session))

    return await run_in_session(svc.factory, unit)


@router.get("/search", response_model=schemas.SearchOut)
async def search(
    q: str = Query("", max_length=200),
    include_open: bool = False,
    svc: Services = Depends(services),
    _who: Agent | str = Depends(require_reader),
) -> schemas.SearchOut:
    """Closed conversations by customer name/email, order number or message text."""

    def unit(*, session: Session) -> schemas.SearchOut:
        rows = crud.search(q, session=session, closed_only=not include_open)
        return schemas.SearchOut(
            items=[
                schemas.SearchHit(
                    handoff_key=h.key,
                    customer_name=h.customer_name,
                    customer_email=h.customer_email,
                    order_number=h.order_number,
                    status=h.status,
                    closed_at=h.closed_at,
                    reason=h.reason,
                    wrap_up_note=h.wrap_up_note,
                )
                for h in rows
            ]
        )

    return await run_in_session(svc.factory, unit)


async def _act(svc: Services, handoff_key: str, agent: Agent, action) -> tuple:  # type: ignore[no-untyped-def]
    """Run ``action(handoff, agent, session)`` under a row lock; return (handoff, new messages, deliveries?)."""

    def unit(*, session: Session) -> tuple:
        handoff = crud.require_handoff(handoff_key, session=session, for_update=True)
        me = session.get(Agent, agent.id)
        before = {m.id for m in crud.messages(handoff, session=session)}
        result = action(handoff, me, session)
        session.flush()
        fresh = [
            views.message_out(m)
            for m in crud.messages(handoff, session=session)
            if m.id not in before
        ]
        return handoff, fresh, result

    return await run_in_session(svc.factory, unit)


async def _deliver(svc: Services, handoff: Handoff) -> None:
    if svc.deliverer is not None:
        await svc.deliverer.flush(handoff.id)


@router.post(
    "/handoffs/{handoff_key}/claim",
    response_model=schemas.ConversationOut,
    responses={409: {"description": "Claimed by someone else or closed"}},
)
async def claim(
    handoff_key: str, svc: Services = Depends(services), agent: Agent = Depends(require_agent_csrf)
) -> schemas.ConversationOut:
    """Take the conversation (one agent at a time); the customer is told who joined."""
    handoff, fresh, _ = await _act(
        svc, handoff_key, agent, lambda h, me, session: crud.claim(h, me, session=session)
    )
    _publish_messages(svc, handoff.key, fresh)
    _publish_status(svc, handoff, "claimed")
    await _deliver(svc, handoff)
    return await read_conversation(handoff_key, svc, agent)


@router.post(
    "/handoffs/{handoff_key}/assign",
    response_model=schemas.ConversationOut,
    responses={403: {"description": "Not an admin"}},
)
async def assign(
    handoff_key: str,
    body: schemas.AssignIn,
    svc: Services = Depends(services),
    agent: Agent = Depends(require_agent_csrf),
) -> schemas.ConversationOut:
    """Admins (re)assign an open conversation to an agent."""
    if agent.role != "admin":
        raise HTTPException(403, "only an admin can reassign")

    def action(handoff: Handoff, me: Agent, session: Session) -> None:
        target = crud.agent_by_username(body.username, session=session)
        if target is None:
            raise HTTPException(404, "unknown agent")
        crud.assign(handoff, me, target, session=session)

    handoff, fresh, _ = await _act(svc, handoff_key, agent, action)
    _publish_messages(svc, handoff.key, fresh)
    _publish_status(svc, handoff, "assigned")
    await _deliver(svc, handoff)
    return await read_conversation(handoff_key, svc, agent)


@router.post(
    "/handoffs/{handoff_key}/replies",
    response_model=schemas.MessageOut,
    status_code=201,
    responses={
        403: {"description": "Claimed by another agent"},
        409: {"description": "Not claimed"},
    },
)
async def reply(
    handoff_key: str,
    body: schemas.ReplyIn,
    svc: Services = Depends(services),
    agent: Agent = Depends(require_agent_csrf),
) -> schemas.MessageOut:
    """Send a reply through Rasa; stored first, so a Rasa outage only delays it."""
    handoff, fresh, (message, _delivery) = await _act(
        svc,
        handoff_key,
        agent,
        lambda h, me, session: crud.add_agent_reply(h, me, body.text, session=session),
    )
    _publish_messages(svc, handoff.key, fresh)
    await _deliver(svc, handoff)

    def reread(*, session: Session) -> schemas.MessageOut:
        return views.message_out(session.get(Message, message.id))

    return await run_in_session(svc.factory, reread)


@router.post("/handoffs/{handoff_key}/handback", response_model=schemas.ConversationOut)
async def hand_back(
    handoff_key: str,
    body: schemas.HandbackIn,
    svc: Services = Depends(services),
    agent: Agent = Depends(require_agent_csrf),
) -> schemas.ConversationOut:
    """Give the conversation back to the bot with what was settled."""

    def action(h: Handoff, me: Agent, session: Session) -> None:
        crud.hand_back(h, me, body.resolution, session=session)
        if svc.forwarder is not None:
            svc.forwarder.enqueue_handed_back(
                h, me.display_name, session=session
            )  # same transaction

    handoff, fresh, _ = await _act(svc, handoff_key, agent, action)
    _publish_messages(svc, handoff.key, fresh)
    _publish_status(svc, handoff, "closed")
    if svc.forwarder is not None:
        svc.forwarder.wake()
    await _deliver(svc, handoff)
    return await read_conversation(handoff_key, svc, agent)


@router.post("/handoffs/{handoff_key}/resolve", response_model=schemas.ConversationOut)
async def resolve(
    handoff_key: str,
    body: schemas.ResolveIn,
    svc: Services = Depends(services),
    agent: Agent = Depends(require_agent_csrf),
) -> schemas.ConversationOut:
    """Close with a short note (the bot is resumed unless the customer already left)."""

    def action(h: Handoff, me: Agent, session: Session) -> None:
        crud.resolve(h, me, body.note, session=session)
        if svc.forwarder is not None:
            svc.forwarder.enqueue_resolved(h, me.display_name, session=session)

    handoff, fresh, _ = await _act(svc, handoff_key, agent, action)
    _publish_messages(svc, handoff.key, fresh)
    _publish_status(svc, handoff, "closed")
    if svc.forwarder is not None:
        svc.forwarder.wake()
    await _deliver(svc, handoff)
    return await read_conversation(handoff_key, svc, agent)


@router.get("/me", response_model=schemas.AgentOut)
async def me(agent: Agent = Depends(require_agent)) -> schemas.AgentOut:
    return schemas.AgentOut.from_orm(agent)


@router.post("/me/availability", response_model=schemas.AgentOut)
async def availability(
    body: schemas.AvailabilityIn,
    svc: Services = Depends(services),
    agent: Agent = Depends(require_agent_csrf),
) -> schemas.AgentOut:
    """Available or away; changes the wait the bot announces."""

    def unit(*, session: Session) -> schemas.AgentOut:
        me = crud.agent_by_id(agent.id, session=session)
        return schemas.AgentOut.from_orm(crud.set_availability(me, body.available, session=session))

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
