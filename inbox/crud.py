"""Data access: plain functions taking ``*, session``. They never commit; the caller's
``factory.begin()`` block owns the transaction.
"""
from __future__ import annotations

import re
import uuid
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from inbox import schemas
from inbox.errors import Conflict, Forbidden, NotFound
from inbox.hours import BusinessHours
from inbox.models import (
    CLOSED_STATUSES,
    PRIORITY_RANK,
    Agent,
    Delivery,
    Handoff,
    Message,
    utcnow,
)
from inbox.security import hash_password

# ---------------------------------------------------------------- agents


def create_agent(
    username: str, password: str, *, session: Session, display_name: str = "", role: str = "agent"
) -> Agent:
    """Add an account; raises Conflict when the username is taken."""
    if role not in ("agent", "admin"):
        raise ValueError("role must be agent or admin")
    if session.execute(select(Agent.id).where(Agent.username == username)).first():
        raise Conflict(f"username {username!r} already exists")
    agent = Agent(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        role=role,
        available=False,
    )
    session.add(agent)
    session.flush()
    return agent


def agent_by_username(username: str, *, session: Session) -> Optional[Agent]:
    return session.execute(
        select(Agent).where(Agent.username == username, Agent.active.is_(True))
    ).scalar_one_or_none()


def agent_by_id(agent_id: int, *, session: Session) -> Optional[Agent]:
    agent = session.get(Agent, agent_id)
    return agent if agent is not None and agent.active else None


def set_availability(agent: Agent, available: bool, *, session: Session) -> Agent:
    agent.available = available
    session.flush()
    return agent


def agents_available(*, session: Session) -> int:
    return session.execute(
        select(func.count(Agent.id)).where(Agent.available.is_(True), Agent.active.is_(True))
    ).scalar_one()


# ---------------------------------------------------------------- handoffs


def _search_blob(parts: Iterable[Any]) -> str:
    return "\n".join(str(p) for p in parts if p).lower()


def _customer(summary: Dict[str, Any]) -> Dict[str, Any]:
    customer = summary.get("customer")
    return customer if isinstance(customer, dict) else {}


def create_handoff(data: schemas.HandoffIn, *, session: Session) -> Tuple[Handoff, bool]:
    """Store a handoff once per key. Returns (handoff, created)."""
    existing = handoff_by_key(data.handoff_key, session=session)
    if existing is not None:
        return existing, False
    summary = data.summary or {}
    customer = _customer(summary)
    facts = summary.get("facts") if isinstance(summary.get("facts"), dict) else {}
    transcript = summary.get("transcript") if isinstance(summary.get("transcript"), list) else []
    handoff = Handoff(
        key=data.handoff_key,
        conversation_id=data.conversation_id,
        channel=data.channel,
        created_at=data.created_at or utcnow(),
        received_at=utcnow(),
        priority=data.priority,
        priority_rank=PRIORITY_RANK[data.priority],
        reason=data.reason,
        frustration_level=data.frustration_level,
        summary=summary,
        brief=data.brief,
        suggested_opening=data.suggested_opening or str(summary.get("suggested_opening") or ""),
        customer_name=str(customer.get("name") or "")[:255],
        customer_email=str(customer.get("email") or "")[:255],
        order_number=str(facts.get("order_number") or "")[:64],
        search_text=_search_blob(
            [customer.get("name"), customer.get("email"), facts.get("order_number"),
             data.reason, data.brief, summary.get("goal")]
            + [t.get("text") for t in transcript if isinstance(t, dict)]
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


def handoff_by_key(key: str, *, session: Session) -> Optional[Handoff]:
    return session.execute(select(Handoff).where(Handoff.key == key)).scalar_one_or_none()


def require_handoff(key: str, *, session: Session, for_update: bool = False) -> Handoff:
    stmt = select(Handoff).where(Handoff.key == key)
    if for_update:
        stmt = stmt.with_for_update(of=Handoff)
    handoff = session.execute(stmt).unique().scalar_one_or_none()
    if handoff is None:
        raise NotFound("unknown handoff")
    return handoff


def queue_position(handoff: Handoff, *, session: Session) -> int:
    """1-based position among waiting handoffs (0 when not waiting)."""
    if handoff.status != "waiting":
        return 0
    ahead = session.execute(
        select(func.count(Handoff.id)).where(
            Handoff.status == "waiting",
            or_(
                Handoff.priority_rank > handoff.priority_rank,
                and_(Handoff.priority_rank == handoff.priority_rank,
                     or_(Handoff.created_at < handoff.created_at,
                         and_(Handoff.created_at == handoff.created_at, Handoff.id < handoff.id))),
            ),
        )
    ).scalar_one()
    return int(ahead) + 1


def waiting_count(*, session: Session) -> int:
    return session.execute(
        select(func.count(Handoff.id)).where(Handoff.status == "waiting")
    ).scalar_one()


def estimate_wait(position: int, available: int, avg_handle_seconds: int) -> int:
    """Queue position x average handle time / max(1, agents available)."""
    return int(position * avg_handle_seconds / max(1, available))


def figures(
    *, session: Session, hours: BusinessHours, avg_handle_seconds: int,
    now: Optional[datetime] = None, position: Optional[int] = None,
) -> schemas.QueueFigures:
    """Queue figures; the wait is for ``position`` (default: a new arrival)."""
    now = now or utcnow()
    available = agents_available(session=session)
    length = waiting_count(session=session)
    pos = length + 1 if position is None else position
    return schemas.QueueFigures(
        agents_available=available,
        queue_length=length,
        estimated_wait_seconds=estimate_wait(pos, available, avg_handle_seconds),
        within_business_hours=hours.is_open(now),
        next_opening=hours.next_opening(now),
    )


QUEUE_COLUMNS = (
    Handoff.id, Handoff.key, Handoff.conversation_id, Handoff.customer_name, Handoff.customer_email,
    Handoff.channel, Handoff.reason, Handoff.priority, Handoff.frustration_level, Handoff.status,
    Handoff.created_at, Handoff.claimed_at, Handoff.closed_at, Agent.display_name.label("claimed_by_name"),
)


def queue(*, session: Session, limit: int = 100) -> Tuple[List[Any], List[Any], int]:
    """(waiting by priority then waiting time, claimed open ones, total waiting).

    Plain rows of the queue columns, not ORM objects: pages re-read the queue after
    every event, so this is the hottest read of the service.
    """
    base = select(*QUEUE_COLUMNS).outerjoin(Agent, Agent.id == Handoff.claimed_by_id)
    waiting = session.execute(
        base.where(Handoff.status == "waiting")
        .order_by(Handoff.priority_rank.desc(), Handoff.created_at, Handoff.id)
        .limit(limit)
    ).all()
    claimed = session.execute(
        base.where(Handoff.status == "claimed")
        .order_by(Handoff.claimed_at.desc(), Handoff.id)
        .limit(limit)
    ).all()
    return list(waiting), list(claimed), waiting_count(session=session)


def new_customer_message_counts(handoff_ids: Sequence[int], *, session: Session) -> Dict[int, int]:
    """Customer messages per handoff that arrived after it was created (queue badges)."""
    if not handoff_ids:
        return {}
    rows = session.execute(
        select(Message.handoff_id, func.count(Message.id))
        .where(Message.handoff_id.in_(handoff_ids), Message.sender == "customer")
        .group_by(Message.handoff_id)
    ).all()
    return {hid: int(n) for hid, n in rows}


def messages(handoff: Handoff, *, session: Session) -> List[Message]:
    """Messages in the order they were sent, then the order they arrived."""
    return list(
        session.execute(
            select(Message).where(Message.handoff_id == handoff.id).order_by(Message.sent_at, Message.id)
        ).scalars()
    )


def add_customer_message(
    handoff: Handoff, data: schemas.CustomerMessageIn, *, session: Session
) -> Tuple[Message, bool]:
    """Store a customer message exactly once per ``message_id``; kept in any status."""
    existing = session.execute(
        select(Message).where(Message.handoff_id == handoff.id, Message.message_id == data.message_id)
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
    )
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        existing = session.execute(
            select(Message).where(Message.handoff_id == handoff.id, Message.message_id == data.message_id)
        ).scalar_one()
        return existing, False
    handoff.search_text = (handoff.search_text + "\n" + data.text.lower())[-200_000:]
    return message, True


def mark_customer_ended(handoff: Handoff, at: Optional[datetime], *, session: Session) -> Handoff:
    if handoff.customer_ended_at is None:
        handoff.customer_ended_at = at or utcnow()
        session.add(
            Message(
                handoff_id=handoff.id, message_id=f"ended-{uuid.uuid4()}", sender="system",
                text="The customer ended the chat.", sent_at=handoff.customer_ended_at,
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


# ---------------------------------------------------------------- agent actions


def _require_owner(handoff: Handoff, agent: Agent) -> None:
    if handoff.status != "claimed":
        raise Conflict(f"conversation is {handoff.status}; claim it first")
    if handoff.claimed_by_id != agent.id:
        raise Forbidden("this conversation is claimed by another agent")


def _enqueue(handoff: Handoff, kind: str, payload: Dict[str, Any], *, session: Session,
             message: Optional[Message] = None) -> Delivery:
    delivery = Delivery(handoff_id=handoff.id, kind=kind, payload=payload, status="pending",
                        message_pk=message.id if message is not None else None)
    session.add(delivery)
    session.flush()
    return delivery


def _system_line(handoff: Handoff, text: str, *, session: Session) -> Message:
    message = Message(handoff_id=handoff.id, message_id=f"sys-{uuid.uuid4()}", sender="system",
                      text=text, sent_at=utcnow())
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
        raise Conflict(f"already claimed by {who}" if handoff.status == "claimed" and who
                       else f"conversation is {handoff.status}")
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
    _system_line(handoff, f"{admin.display_name} assigned the conversation to {target.display_name}.",
                 session=session)
    _joined(handoff, target, session=session)
    return handoff


def add_agent_reply(handoff: Handoff, agent: Agent, text: str, *, session: Session) -> Tuple[Message, Delivery]:
    """Store the reply as pending delivery and queue it for Rasa."""
    _require_owner(handoff, agent)
    message = Message(
        handoff_id=handoff.id, message_id=f"agent-{uuid.uuid4()}", sender="agent", text=text,
        sent_at=utcnow(), agent_id=agent.id, agent_name=agent.display_name, delivery_status="pending",
    )
    session.add(message)
    session.flush()
    handoff.search_text = (handoff.search_text + "\n" + text.lower())[-200_000:]
    delivery = _enqueue(handoff, "reply", {"text": text, "agent": agent.display_name},
                        session=session, message=message)
    return message, delivery


def hand_back(handoff: Handoff, agent: Agent, resolution: str, *, session: Session) -> Delivery:
    """Close the conversation and queue the resume + ``agent_handback`` calls."""
    _require_owner(handoff, agent)
    handoff.status = "handed_back"
    handoff.closed_at = utcnow()
    handoff.resolution = resolution
    _system_line(handoff, f"{agent.display_name} handed the conversation back to the bot.", session=session)
    return _enqueue(handoff, "handback", {"resolution": resolution}, session=session)


def resolve(handoff: Handoff, agent: Agent, note: str, *, session: Session) -> Optional[Delivery]:
    """Close the conversation with a note.

    The bot is resumed as for a hand-back (with the note as resolution) so the customer
    is never left with a silent bot, unless the customer already ended the chat.
    """
    _require_owner(handoff, agent)
    handoff.status = "resolved"
    handoff.closed_at = utcnow()
    handoff.resolution = note
    _system_line(handoff, f"{agent.display_name} resolved the conversation.", session=session)
    if handoff.customer_ended_at is not None:
        return None
    return _enqueue(handoff, "handback", {"resolution": note}, session=session)


def search(q: str, *, session: Session, closed_only: bool = True, limit: int = 50) -> List[Handoff]:
    """Conversations whose customer, order number or text contains ``q``.

    An exact order number or email hits an index first; only when that finds
    nothing does the ``LIKE '%q%'`` scan over the search text run.
    """
    needle = q.strip().lower()
    light = select(Handoff).options(defer(Handoff.summary), defer(Handoff.search_text))
    newest_first = (Handoff.closed_at.desc(), Handoff.id.desc())
    if not needle:
        stmt = light.where(Handoff.status.in_(CLOSED_STATUSES)) if closed_only else light
        return list(session.execute(stmt.order_by(*newest_first).limit(limit)).unique().scalars())
    order = re.sub(r"^(#|ord-)", "", needle)
    # Only the two indexed columns in the WHERE, so every planner uses their indexes;
    # the few hits are filtered and sorted here.
    exact = [
        h for h in session.execute(
            light.where(or_(Handoff.order_number == order, Handoff.customer_email == needle))
        ).unique().scalars()
        if not closed_only or h.status in CLOSED_STATUSES
    ]
    if exact:
        far_past = datetime.min.replace(tzinfo=timezone.utc)
        exact.sort(key=lambda h: (h.closed_at or far_past, h.id), reverse=True)
        return exact[:limit]
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    stmt = light.where(Handoff.search_text.like(f"%{escaped}%", escape="\\"))
    if closed_only:
        # ``status || ''`` keeps the planner off the status index: nearly every row is
        # closed, and one sequential scan beats 50,000 index look-ups (SQLite has no stats).
        stmt = stmt.where(Handoff.status.concat("").in_(CLOSED_STATUSES))
    return list(session.execute(stmt.order_by(*newest_first).limit(limit)).unique().scalars())
