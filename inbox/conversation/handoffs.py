"""Handoffs as the bot sends them, and the customer's messages (exactly once)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inbox import schemas
from inbox.conversation.coaching_store import (
    escalation_score,
    escalation_trigger,
    message_reading,
    note_closing_frustration,
    note_latest,
)
from inbox.conversation.contract import HandoffIn
from inbox.errors import NotFound
from inbox.json_body import storable
from inbox.models import Handoff, Message, rows_of_handoff, utcnow
from northwind_common.priorities import PRIORITY_RANK


def _search_blob(parts: Iterable[Any]) -> str:
    return "\n".join(str(p) for p in parts if p).lower()


def create_handoff(data: HandoffIn, *, session: Session) -> tuple[Handoff, bool]:
    """Store a handoff once per key. Returns (handoff, created).

    Every field is read from the one place the contract puts it (the summary holds
    the priority, the reasons, the level, the brief and the opening).
    """
    existing = handoff_by_key(data.handoff_key, session=session)
    if existing is not None:
        return existing, False
    summary = data.summary
    stored = summary.stored()
    reason = "; ".join(summary.escalation.reasons)
    handoff = Handoff(
        key=data.handoff_key,
        conversation_id=data.conversation_id,
        channel=data.channel,
        created_at=data.created_at,
        received_at=utcnow(),
        priority=summary.priority,
        priority_rank=PRIORITY_RANK[summary.priority],
        reason=reason,
        frustration_level=summary.escalation.level,
        escalation_score=escalation_score(stored),
        escalation_trigger=escalation_trigger(stored),
        summary=stored,
        brief=summary.brief,
        suggested_opening=summary.suggested_opening,
        customer_name=(summary.customer.name or "")[:255],
        customer_email=(summary.customer.email or "")[:255],
        order_number=(summary.facts.order_number or "")[:64],
        search_text=_search_blob(
            [
                summary.customer.name,
                summary.customer.email,
                summary.facts.order_number,
                reason,
                summary.brief,
                summary.goal,
            ]
            + [line.text for line in summary.transcript]
        ),
        status="waiting",
    )
    try:
        with session.begin_nested():
            session.add(handoff)
    except IntegrityError:
        # Lost a race with the same key: the first one wins.
        existing = handoff_by_key(data.handoff_key, session=session)
        if existing is None:
            raise
        return existing, False
    return handoff, True


def handoff_by_key(key: str, *, session: Session) -> Handoff | None:
    result: Handoff | None = session.execute(
        select(Handoff).where(Handoff.key == key)
    ).scalar_one_or_none()
    return result


def require_handoff(key: str, *, session: Session, for_update: bool = False) -> Handoff:
    """The handoff with ``key``, else NotFound (404)."""
    if storable(key) != key:  # a NUL from the URL: no key has one, and PostgreSQL refuses it (500)
        raise NotFound("unknown handoff")
    stmt = select(Handoff).where(Handoff.key == key)
    if for_update:
        stmt = stmt.with_for_update(of=Handoff)
    handoff: Handoff | None = session.execute(stmt).unique().scalar_one_or_none()
    if handoff is None:
        raise NotFound("unknown handoff")
    return handoff


def messages(handoff: Handoff, *, session: Session) -> list[Message]:
    """Messages in the order they were sent, then the order they arrived."""
    return rows_of_handoff(Message, handoff, Message.sent_at, Message.id, session=session)


def add_customer_message(
    handoff: Handoff, data: schemas.CustomerMessageIn, *, session: Session
) -> tuple[Message, bool]:
    """Store a customer message exactly once per ``message_id``; kept in any status."""
    existing = session.execute(
        select(Message).where(
            Message.handoff_id == handoff.id, Message.message_id == data.message_id
        )
    ).scalar_one_or_none()
    if existing is not None:
        return existing, False
    message = Message(
        handoff_id=handoff.id,
        message_id=data.message_id,
        sender="customer",
        text=data.text,
        sent_at=data.sent_at or utcnow(),
        received_at=utcnow(),
        **message_reading(data.frustration),
    )
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        existing = session.execute(
            select(Message).where(
                Message.handoff_id == handoff.id, Message.message_id == data.message_id
            )
        ).scalar_one()
        return existing, False
    note_latest(handoff, data.frustration)
    if handoff.closed_at is not None and data.frustration is not None:
        note_closing_frustration(handoff, session=session)
    handoff.search_text = (handoff.search_text + "\n" + data.text.lower())[-200_000:]
    return message, True


def mark_customer_ended(handoff: Handoff, at: datetime | None, *, session: Session) -> Handoff:
    if handoff.customer_ended_at is None:
        handoff.customer_ended_at = at or utcnow()
        session.add(
            Message(
                handoff_id=handoff.id,
                message_id=f"ended-{uuid.uuid4()}",
                sender="system",
                text="The customer ended the chat.",
                sent_at=handoff.customer_ended_at,
            )
        )
        session.flush()
    return handoff


def set_contact_preference(
    handoff: Handoff, data: schemas.ContactPreferenceIn, *, session: Session
) -> Handoff:
    handoff.contact_preference = data.contact_preference
    handoff.contact_detail = data.contact_detail
    session.flush()
    return handoff
