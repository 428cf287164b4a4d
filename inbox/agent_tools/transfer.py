"""Transfer a live conversation to another agent, or back to the queue, with a note.

The note is an agent-only note (``inbox.agent_tools.notes``) addressed to the receiving
agent (or to whoever claims it next); the customer only hears who joins, or that a
colleague will be with them shortly. To an agent it is the state machine's ``assign``;
back to the queue its ``transfer_to_queue`` (``claimed -> waiting``): the state machine
stays the one place a handoff's status changes.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from inbox.agent_tools.models import ConversationNote
from inbox.agent_tools.notes import add_note
from inbox.conversation import lifecycle
from inbox.errors import Conflict, Forbidden
from inbox.models import Agent, Delivery, Handoff, Message, utcnow


def _may_transfer(handoff: Handoff, agent: Agent) -> None:
    if handoff.status != lifecycle.WITH_AGENT:
        raise Conflict(
            lifecycle.refusal(handoff, "assign")
            if handoff.status != lifecycle.WAITING
            else "Nobody has this conversation yet: claim or assign it instead."
        )
    if handoff.claimed_by_id != agent.id and agent.role != "admin":
        raise Forbidden("only the agent who has the conversation (or an admin) can transfer it")


def _tell(
    handoff: Handoff, line: str, customer_text: str, agent_name: str, *, session: Session
) -> None:
    """A system line for the agents and, through the delivery outbox, one for the customer."""
    session.add(
        Message(
            handoff_id=handoff.id,
            message_id=f"sys-{uuid.uuid4()}",
            sender="system",
            text=line,
            sent_at=utcnow(),
        )
    )
    session.add(
        Delivery(
            handoff_id=handoff.id,
            kind="agent_joined",
            payload={"text": customer_text, "agent": agent_name},
            status="pending",
        )
    )
    session.flush()


def to_agent(
    handoff: Handoff, agent: Agent, target: Agent, note: str, *, session: Session
) -> ConversationNote | None:
    """Give the conversation to ``target``, who finds ``note`` at the top of it."""
    _may_transfer(handoff, agent)
    if target.id == handoff.claimed_by_id:
        raise Conflict(f"{target.display_name} already has this conversation")
    if not target.active:
        raise Conflict(f"{target.display_name} can no longer work in the inbox")
    lifecycle.apply(
        handoff, "assign", lifecycle.Actor("agent", target, target.display_name), session=session
    )
    saved = (
        add_note(handoff, agent, note, session=session, kind="transfer", for_agent=target)
        if note.strip()
        else None
    )
    _tell(
        handoff,
        f"{agent.display_name} transferred the conversation to {target.display_name}.",
        f"{target.display_name} has joined the chat.",
        target.display_name,
        session=session,
    )
    return saved


def to_queue(
    handoff: Handoff, agent: Agent, note: str, *, session: Session
) -> ConversationNote | None:
    """Put the conversation back in the queue, where it keeps its priority and its wait."""
    _may_transfer(handoff, agent)
    lifecycle.apply(handoff, "transfer_to_queue", lifecycle.Actor.of(agent), session=session)
    saved = (
        add_note(handoff, agent, note, session=session, kind="transfer") if note.strip() else None
    )
    _tell(
        handoff,
        f"{agent.display_name} put the conversation back in the queue.",
        "A colleague will take over from here and be with you shortly.",
        agent.display_name,
        session=session,
    )
    return saved
