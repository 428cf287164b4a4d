"""What agents do to a conversation: claim, assign, reply, hand back, resolve.

Each queues the matching Rasa calls in the delivery outbox (``inbox.conversation.rasa_delivery``).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from inbox.conversation.coaching_store import note_closing_frustration
from inbox.errors import Conflict, Forbidden
from inbox.models import Agent, Delivery, Handoff, Message, utcnow


def _require_owner(handoff: Handoff, agent: Agent) -> None:
    if handoff.status != "claimed":
        raise Conflict(f"conversation is {handoff.status}; claim it first")
    if handoff.claimed_by_id != agent.id:
        raise Forbidden("this conversation is claimed by another agent")


def _enqueue(
    handoff: Handoff,
    kind: str,
    payload: dict[str, Any],
    *,
    session: Session,
    message: Message | None = None,
) -> Delivery:
    delivery = Delivery(
        handoff_id=handoff.id,
        kind=kind,
        payload=payload,
        status="pending",
        message_pk=message.id if message is not None else None,
    )
    session.add(delivery)
    session.flush()
    return delivery


def _system_line(handoff: Handoff, text: str, *, session: Session) -> Message:
    message = Message(
        handoff_id=handoff.id,
        message_id=f"sys-{uuid.uuid4()}",
        sender="system",
        text=text,
        sent_at=utcnow(),
    )
    session.add(message)
    session.flush()
    return message


def claim(handoff: Handoff, agent: Agent, *, session: Session) -> Handoff:
    """Take a waiting conversation; 409 when someone else has it or it is closed.

    The conditional UPDATE makes two simultaneous claims race safely on every backend.
    """
    if handoff.status == "claimed" and handoff.claimed_by_id == agent.id:
        return handoff
    if handoff.status != "waiting":
        who = handoff.claimed_by.display_name if handoff.claimed_by else None
        raise Conflict(
            f"already claimed by {who}"
            if handoff.status == "claimed" and who
            else f"conversation is {handoff.status}"
        )
    now = utcnow()
    result = session.execute(
        update(Handoff)
        .where(Handoff.id == handoff.id, Handoff.status == "waiting")
        .values(status="claimed", claimed_by_id=agent.id, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict("already claimed by another agent")
    session.refresh(handoff)
    _joined(handoff, agent, session=session)
    return handoff


def _joined(handoff: Handoff, agent: Agent, *, session: Session) -> None:
    text = f"{agent.display_name} has joined the chat."
    _system_line(handoff, text, session=session)
    _enqueue(handoff, "agent_joined", {"text": text, "agent": agent.display_name}, session=session)


def assign(handoff: Handoff, admin: Agent, target: Agent, *, session: Session) -> Handoff:
    """Admin (re)assigns an open conversation to ``target``."""
    if admin.role != "admin":
        raise Forbidden("only an admin can reassign")
    if handoff.status not in ("waiting", "claimed"):
        raise Conflict(f"conversation is {handoff.status}")
    if handoff.claimed_by_id == target.id:
        return handoff
    handoff.status = "claimed"
    handoff.claimed_by_id = target.id
    handoff.claimed_at = utcnow()
    session.flush()
    session.refresh(handoff)
    _system_line(
        handoff,
        f"{admin.display_name} assigned the conversation to {target.display_name}.",
        session=session,
    )
    _joined(handoff, target, session=session)
    return handoff


def add_agent_reply(
    handoff: Handoff, agent: Agent, text: str, *, session: Session
) -> tuple[Message, Delivery]:
    """Store the reply as pending delivery and queue it for Rasa."""
    _require_owner(handoff, agent)
    message = Message(
        handoff_id=handoff.id,
        message_id=f"agent-{uuid.uuid4()}",
        sender="agent",
        text=text,
        sent_at=utcnow(),
        agent_id=agent.id,
        agent_name=agent.display_name,
        delivery_status="pending",
    )
    session.add(message)
    session.flush()
    handoff.search_text = (handoff.search_text + "\n" + text.lower())[-200_000:]
    delivery = _enqueue(
        handoff,
        "reply",
        {"text": text, "agent": agent.display_name},
        session=session,
        message=message,
    )
    return message, delivery


def _close(handoff: Handoff, status: str, *, session: Session) -> None:
    """Close the handoff and store the customer's frustration at the close (analytics)."""
    handoff.status = status
    handoff.closed_at = utcnow()
    note_closing_frustration(handoff, session=session)


def hand_back(handoff: Handoff, agent: Agent, resolution: str, *, session: Session) -> Delivery:
    """Close the conversation and queue the resume + ``agent_handback`` calls."""
    _require_owner(handoff, agent)
    _close(handoff, "handed_back", session=session)
    handoff.resolution = resolution
    _system_line(
        handoff, f"{agent.display_name} handed the conversation back to the bot.", session=session
    )
    return _enqueue(handoff, "handback", {"resolution": resolution}, session=session)


def resolve(handoff: Handoff, agent: Agent, note: str, *, session: Session) -> Delivery | None:
    """Close the conversation with a note.

    The bot is resumed as for a hand-back (with the note as resolution) so the customer
    is never left with a silent bot, unless the customer already ended the chat.
    """
    _require_owner(handoff, agent)
    _close(handoff, "resolved", session=session)
    handoff.resolution = note
    _system_line(handoff, f"{agent.display_name} resolved the conversation.", session=session)
    if handoff.customer_ended_at is not None:
        return None
    return _enqueue(handoff, "handback", {"resolution": note}, session=session)
