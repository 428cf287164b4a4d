"""Agent endpoints on one conversation: read it, claim, assign, reply, hand back, resolve (session + CSRF)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy.orm import Session

from inbox import schemas
from inbox.auth import agents
from inbox.auth.deps import require_agent_csrf, require_reader
from inbox.broker import QUEUE_TOPIC, handoff_topic
from inbox.conversation import agent_actions, handoffs, views
from inbox.db import run_in_session
from inbox.models import Agent, Handoff, Message
from inbox.services import Services, services

router = APIRouter(prefix="/api/v1", tags=["agent"])


def _publish_status(svc: Services, handoff: Handoff, reason: str) -> None:
    svc.broker.publish(handoff_topic(handoff.key), "status", views.status_event(handoff))
    svc.broker.publish(QUEUE_TOPIC, "queue", {"reason": reason, "handoff_key": handoff.key})


def _publish_messages(svc: Services, key: str, messages: list) -> None:
    for message in messages:
        svc.broker.publish(handoff_topic(key), "message", message.dict())


@router.get("/handoffs/{handoff_key}", response_model=schemas.ConversationOut)
async def read_conversation(
    handoff_key: str, svc: Services = Depends(services), _who: Agent | str = Depends(require_reader)
) -> schemas.ConversationOut:
    """Summary, status and every message since the handoff."""

    def unit(*, session: Session) -> schemas.ConversationOut:
        handoff = handoffs.require_handoff(handoff_key, session=session)
        return views.conversation(handoff, handoffs.messages(handoff, session=session))

    return await run_in_session(svc.factory, unit)


async def _act(svc: Services, handoff_key: str, agent: Agent, action) -> tuple:
    """Run ``action(handoff, agent, session)`` under a row lock; return (handoff, new messages, deliveries?)."""

    def unit(*, session: Session) -> tuple:
        handoff = handoffs.require_handoff(handoff_key, session=session, for_update=True)
        me = session.get(Agent, agent.id)
        before = {m.id for m in handoffs.messages(handoff, session=session)}
        result = action(handoff, me, session)
        session.flush()
        fresh = [
            views.message_out(m)
            for m in handoffs.messages(handoff, session=session)
            if m.id not in before
        ]
        return handoff, fresh, result

    return await run_in_session(svc.factory, unit)


async def _act_and_publish(
    svc: Services, handoff_key: str, agent: Agent, action, status_reason: str | None
) -> tuple:
    """One path for every agent action: apply under the row lock, then publish, wake, deliver.

    ``status_reason`` None means the status did not change (a reply), so only messages go out.
    Returns (handoff, the action's result).
    """
    handoff, fresh, result = await _act(svc, handoff_key, agent, action)
    _publish_messages(svc, handoff.key, fresh)
    if status_reason is not None:
        _publish_status(svc, handoff, status_reason)
    svc.forwarder.wake()
    if svc.deliverer is not None:
        await svc.deliverer.flush(handoff.id)
    return handoff, result


@router.post(
    "/handoffs/{handoff_key}/claim",
    response_model=schemas.ConversationOut,
    responses={409: {"description": "Claimed by someone else or closed"}},
)
async def claim(
    handoff_key: str, svc: Services = Depends(services), agent: Agent = Depends(require_agent_csrf)
) -> schemas.ConversationOut:
    """Take the conversation (one agent at a time); the customer is told who joined."""

    def action(h: Handoff, me: Agent, session: Session) -> None:
        claimed_before = h.claimed_at
        agent_actions.claim(h, me, session=session)
        if h.claimed_at != claimed_before:  # a new claim, not a repeat: the desks see it
            svc.forwarder.enqueue_claimed(h, me.display_name, "inbox", session=session)

    await _act_and_publish(svc, handoff_key, agent, action, "claimed")
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
        target = agents.agent_by_username(body.username, session=session)
        if target is None:
            raise HTTPException(404, "unknown agent")
        claimed_before = handoff.claimed_at
        agent_actions.assign(handoff, me, target, session=session)
        if handoff.claimed_at != claimed_before:
            svc.forwarder.enqueue_claimed(handoff, target.display_name, "inbox", session=session)

    await _act_and_publish(svc, handoff_key, agent, action, "assigned")
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

    def action(h: Handoff, me: Agent, session: Session) -> tuple:
        message, delivery = agent_actions.add_agent_reply(h, me, body.text, session=session)
        svc.forwarder.enqueue_agent_message(h, message, "inbox", session=session)  # the desks
        return message, delivery

    _handoff, (message, _delivery) = await _act_and_publish(svc, handoff_key, agent, action, None)

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
        agent_actions.hand_back(
            h, me, body.resolution, session=session, customer_message=body.customer_message
        )
        svc.forwarder.enqueue_handed_back(h, me.display_name, session=session)  # same transaction

    await _act_and_publish(svc, handoff_key, agent, action, "closed")
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
        agent_actions.resolve(
            h, me, body.note, session=session, customer_message=body.customer_message
        )
        svc.forwarder.enqueue_resolved(h, me.display_name, session=session)

    await _act_and_publish(svc, handoff_key, agent, action, "closed")
    return await read_conversation(handoff_key, svc, agent)
