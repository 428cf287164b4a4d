"""Agent endpoints on one conversation: read it, claim, assign, reply, hand back, resolve (session + CSRF)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy.orm import Session

from inbox import schemas
from inbox.auth import agents
from inbox.auth.deps import require_reader
from inbox.conversation import agent_actions, views
from inbox.conversation.on_handoff import AgentOnHandoff, OnHandoff, agent_on_handoff, on_handoff
from inbox.models import Agent, Handoff, Message

router = APIRouter(prefix="/api/v1", tags=["agent"])


@router.get(
    "/handoffs/{handoff_key}",
    response_model=schemas.ConversationOut,
    dependencies=[Depends(require_reader)],
)
async def read_conversation(on: OnHandoff = Depends(on_handoff)) -> schemas.ConversationOut:
    """Summary, status and every message since the handoff."""
    return await on.conversation()


@router.post(
    "/handoffs/{handoff_key}/claim",
    response_model=schemas.ConversationOut,
    responses={409: {"description": "Claimed by someone else or closed"}},
)
async def claim(on: AgentOnHandoff = Depends(agent_on_handoff)) -> schemas.ConversationOut:
    """Take the conversation (one agent at a time); the customer is told who joined."""

    def action(h: Handoff, me: Agent, session: Session) -> None:
        claimed_before = h.claimed_at
        agent_actions.claim(h, me, session=session)
        if h.claimed_at != claimed_before:  # a new claim, not a repeat: the desks see it
            on.svc.forwarder.enqueue_claimed(h, me.display_name, "inbox", session=session)

    return await on.act_and_show(action, status_reason="claimed")


@router.post(
    "/handoffs/{handoff_key}/assign",
    response_model=schemas.ConversationOut,
    responses={403: {"description": "Not an admin"}},
)
async def assign(
    body: schemas.AssignIn, on: AgentOnHandoff = Depends(agent_on_handoff)
) -> schemas.ConversationOut:
    """Admins (re)assign an open conversation to an agent."""
    if on.agent.role != "admin":
        raise HTTPException(403, "only an admin can reassign")

    def action(handoff: Handoff, me: Agent, session: Session) -> None:
        target = agents.agent_by_username(body.username, session=session)
        if target is None:
            raise HTTPException(404, "unknown agent")
        claimed_before = handoff.claimed_at
        agent_actions.assign(handoff, me, target, session=session)
        if handoff.claimed_at != claimed_before:
            on.svc.forwarder.enqueue_claimed(handoff, target.display_name, "inbox", session=session)

    return await on.act_and_show(action, status_reason="assigned")


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
    body: schemas.ReplyIn, on: AgentOnHandoff = Depends(agent_on_handoff)
) -> schemas.MessageOut:
    """Send a reply through Rasa; stored first, so a Rasa outage only delays it."""

    def action(h: Handoff, me: Agent, session: Session) -> int:
        message, _delivery = agent_actions.add_agent_reply(h, me, body.text, session=session)
        on.svc.forwarder.enqueue_agent_message(h, message, "inbox", session=session)  # the desks
        return message.id

    _handoff, message_id = await on.act(action, status_reason=None)
    # Read again after the delivery: the line's status says whether Rasa has it.
    return await on.read(lambda _h, session: views.message_out(session.get(Message, message_id)))


async def _close(
    on: AgentOnHandoff,
    close: Callable[..., object],
    note: str,
    customer_message: str,
    tell_desks: Callable[..., None],
) -> schemas.ConversationOut:
    """Hand back or resolve (``close``, with the internal note and what the customer is
    told), and queue the desks' event in the same transaction."""

    def action(h: Handoff, me: Agent, session: Session) -> None:
        close(h, me, note, session=session, customer_message=customer_message)
        tell_desks(h, me.display_name, session=session)

    return await on.act_and_show(action, status_reason="closed")


@router.post("/handoffs/{handoff_key}/handback", response_model=schemas.ConversationOut)
async def hand_back(
    body: schemas.HandbackIn, on: AgentOnHandoff = Depends(agent_on_handoff)
) -> schemas.ConversationOut:
    """Give the conversation back to the bot with what was settled."""
    desks = on.svc.forwarder.enqueue_handed_back
    return await _close(on, agent_actions.hand_back, body.resolution, body.customer_message, desks)


@router.post("/handoffs/{handoff_key}/resolve", response_model=schemas.ConversationOut)
async def resolve(
    body: schemas.ResolveIn, on: AgentOnHandoff = Depends(agent_on_handoff)
) -> schemas.ConversationOut:
    """Close with a short note (the bot is resumed unless the customer already left)."""
    desks = on.svc.forwarder.enqueue_resolved
    return await _close(on, agent_actions.resolve, body.note, body.customer_message, desks)
