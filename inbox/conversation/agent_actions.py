"""What agents do to a conversation: claim, assign, reply, hand back, resolve; and the
customer leaving, which the bot reports like any relayed message.

Status changes go through ``inbox.conversation.lifecycle``; each queues the matching
Rasa calls in the delivery outbox (``inbox.conversation.rasa_delivery``), the only
path by which the bot is un-paused.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.conversation import lifecycle
from inbox.errors import Conflict, Forbidden
from inbox.models import Agent, Delivery, Handoff, Message, utcnow
from northwind_common.store_clock import store_date


def _require_owner(handoff: Handoff, agent: Agent) -> None:
    if handoff.status != lifecycle.WITH_AGENT:
        raise Conflict(lifecycle.refusal(handoff, "reply"))
    if handoff.claimed_by_id != agent.id:
        raise Forbidden("this conversation is claimed by another agent")


def enqueue_delivery(
    handoff: Handoff,
    kind: str,
    payload: dict[str, Any],
    *,
    session: Session,
    message: Message | None = None,
) -> Delivery:
    """Queue a Rasa call in the delivery outbox (also used for what desk agents do)."""
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


def _store_line(
    handoff: Handoff, sender: str, id_prefix: str, text: str, *, session: Session, **columns: Any
) -> Message:
    """Store a line of the conversation, sent now, under a fresh ``<id_prefix>-<uuid>`` id."""
    message = Message(
        handoff_id=handoff.id,
        message_id=f"{id_prefix}-{uuid.uuid4()}",
        sender=sender,
        text=text,
        sent_at=utcnow(),
        **columns,
    )
    session.add(message)
    session.flush()
    return message


def system_line(handoff: Handoff, text: str, *, session: Session) -> Message:
    """Store a line the inbox shows in the conversation (who joined, who assigned)."""
    return _store_line(handoff, "system", "sys", text, session=session)


def pending_agent_message(
    handoff: Handoff, agent: Agent, text: str, *, id_prefix: str, session: Session
) -> Message:
    """Store what an agent sends (chat reply or email) as a message awaiting delivery."""
    return _store_line(
        handoff,
        "agent",
        id_prefix,
        text,
        session=session,
        agent_id=agent.id,
        agent_name=agent.display_name,
        delivery_status="pending",
    )


def claim(handoff: Handoff, agent: Agent, *, session: Session) -> Handoff:
    """Take a waiting conversation; 409 when someone else has it or it is closed.

    The conditional UPDATE makes two simultaneous claims race safely on every backend.
    """
    if handoff.status == lifecycle.WITH_AGENT and handoff.claimed_by_id == agent.id:
        return handoff
    lifecycle.apply(handoff, "claim", lifecycle.Actor.of(agent), session=session)
    _joined(handoff, agent, session=session)
    return handoff


def _joined(handoff: Handoff, agent: Agent, *, session: Session) -> None:
    text = f"{agent.display_name} has joined the chat."
    system_line(handoff, text, session=session)
    enqueue_delivery(
        handoff, "agent_joined", {"text": text, "agent": agent.display_name}, session=session
    )


def _give_to(
    handoff: Handoff, agent: Agent, *, actor_kind: str, why: str, session: Session
) -> None:
    """The ``assign`` transition to ``agent``: a line saying why, then the joined line."""
    lifecycle.apply(
        handoff, "assign", lifecycle.Actor(actor_kind, agent, agent.display_name), session=session
    )
    system_line(handoff, why, session=session)
    _joined(handoff, agent, session=session)


def assign(handoff: Handoff, admin: Agent, target: Agent, *, session: Session) -> Handoff:
    """Admin (re)assigns an open conversation to ``target``."""
    if admin.role != "admin":
        raise Forbidden("only an admin can reassign")
    if not lifecycle.allowed(handoff, "assign"):
        raise Conflict(lifecycle.refusal(handoff, "assign"))
    if handoff.claimed_by_id == target.id:
        return handoff
    _give_to(
        handoff,
        target,
        actor_kind="agent",
        why=f"{admin.display_name} assigned the conversation to {target.display_name}.",
        session=session,
    )
    return handoff


def add_agent_reply(
    handoff: Handoff, agent: Agent, text: str, *, session: Session
) -> tuple[Message, Delivery]:
    """Store the reply as pending delivery and queue it for Rasa."""
    _require_owner(handoff, agent)
    message = pending_agent_message(handoff, agent, text, id_prefix="agent", session=session)
    handoff.search_text = (handoff.search_text + "\n" + text.lower())[-200_000:]
    delivery = enqueue_delivery(
        handoff,
        "reply",
        {"text": text, "agent": agent.display_name},
        session=session,
        message=message,
    )
    return message, delivery


def _close(handoff: Handoff, event: str, agent: Agent, *, session: Session) -> None:
    """Close the handoff (the state machine stores the frustration at the close)."""
    lifecycle.apply(handoff, event, lifecycle.Actor.of(agent), session=session)


def hand_back(
    handoff: Handoff,
    agent: Agent,
    internal_note: str,
    *,
    session: Session,
    customer_message: str = "",
) -> Delivery:
    """Close the conversation and queue the resume + ``agent_handback`` calls.

    ``internal_note`` stays in the inbox; only ``customer_message`` (optional, the
    agent's words for the customer) travels to the bot, which says it on hand-back.
    """
    _require_owner(handoff, agent)
    _close(handoff, "hand_back", agent, session=session)
    handoff.resolution = internal_note
    system_line(
        handoff, f"{agent.display_name} handed the conversation back to the bot.", session=session
    )
    return enqueue_delivery(handoff, "handback", {"resolution": customer_message}, session=session)


def closing_line(agent_name: str, settled: str) -> str:
    """What the customer reads when an agent resolves: who, what was settled, how to come back."""
    settled = " ".join(settled.split()).rstrip(".")
    what = f" {settled}." if settled else " Thank you for your patience."
    return (
        f"{agent_name} from our team has closed this chat.{what} "
        "If you need anything else, just write here: the assistant will answer, "
        "and you can ask for a person again at any time."
    )


def resolve(
    handoff: Handoff,
    agent: Agent,
    internal_note: str,
    *,
    session: Session,
    customer_message: str = "",
) -> Delivery | None:
    """Close the conversation: the note stays internal, the customer gets the closing line.

    ``customer_message`` is what was settled in the customer's words (the agent edits it). The
    bot is resumed quietly after the closing line so the customer is never left with a
    silent bot.
    """
    _require_owner(handoff, agent)
    _close(handoff, "resolve", agent, session=session)
    handoff.resolution = internal_note
    system_line(handoff, f"{agent.display_name} resolved the conversation.", session=session)
    return enqueue_delivery(
        handoff,
        "resolve",
        {"text": closing_line(agent.display_name, customer_message), "agent": agent.display_name},
        session=session,
    )


def customer_left(handoff: Handoff, at: datetime | None, *, session: Session) -> bool:
    """The customer ended the chat (reported by the bot): close it and give the
    conversation back to the bot through the outbox. False when already closed (a
    retried report, or the agent closed it first): nothing is queued twice.
    """
    if not lifecycle.allowed(handoff, "customer_left"):
        return False
    lifecycle.apply(handoff, "customer_left", lifecycle.CUSTOMER, session=session, at=at)
    enqueue_delivery(handoff, "end_handoff", {}, session=session)
    return True


def abandon_silent(*, session: Session, silence: timedelta) -> list[Handoff]:
    """The timer's pass: waiting customers silent for ``silence`` are closed as abandoned
    and the bot is un-paused for them, exactly as when they leave."""
    closed = []
    for handoff in lifecycle.silent_waiting(session=session, silence=silence):
        try:
            lifecycle.apply(handoff, "silent_timeout", lifecycle.INBOX_TIMER, session=session)
        except Conflict:  # claimed or left meanwhile
            continue
        enqueue_delivery(handoff, "end_handoff", {}, session=session)
        closed.append(handoff)
    return closed


def notice(handoff: Handoff, text: str, *, session: Session) -> Delivery:
    """A line from the team's system to the customer (shown in the conversation too)."""
    system_line(handoff, text, session=session)
    return enqueue_delivery(handoff, "notice", {"text": text}, session=session)


def route_to_earlier_agent(handoff: Handoff, *, session: Session) -> Agent | None:
    """A second handoff of the same conversation on the same store day goes straight to
    the agent who had the first, when they are available: the customer need not start
    over with someone new. Returns that agent, or None (the handoff waits as usual)."""
    if handoff.status != lifecycle.WAITING:
        return None
    day = store_date(handoff.created_at)
    earlier = session.execute(
        select(Handoff)
        .where(
            Handoff.conversation_id == handoff.conversation_id,
            Handoff.id != handoff.id,
            Handoff.claimed_by_id.isnot(None),
            Handoff.created_at >= handoff.created_at - timedelta(days=1),
        )
        .order_by(Handoff.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if earlier is None or store_date(earlier.created_at) != day:
        return None
    agent: Agent | None = session.get(Agent, earlier.claimed_by_id)
    if agent is None or not (agent.available and agent.active):
        return None
    _give_to(
        handoff,
        agent,
        actor_kind="inbox",
        why=f"Back again today: given to {agent.display_name}, who had this customer earlier.",
        session=session,
    )
    return agent
