"""The queue, its figures for the bot, and search over closed conversations."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Index, and_, func, or_, select
from sqlalchemy.orm import Session, defer

from inbox import schemas
from inbox.auth.agents import agents_available
from inbox.models import CLOSED_STATUSES, Agent, Handoff, Message, utcnow
from inbox.queue.hours import BusinessHours


def queue_position(handoff: Handoff, *, session: Session) -> int:
    """1-based position among waiting handoffs (0 when not waiting)."""
    if handoff.status != "waiting":
        return 0
    ahead = session.execute(
        select(func.count(Handoff.id)).where(
            Handoff.status == "waiting",
            or_(
                Handoff.priority_rank > handoff.priority_rank,
                and_(
                    Handoff.priority_rank == handoff.priority_rank,
                    or_(
                        Handoff.created_at < handoff.created_at,
                        and_(Handoff.created_at == handoff.created_at, Handoff.id < handoff.id),
                    ),
                ),
            ),
        )
    ).scalar_one()
    return int(ahead) + 1


def waiting_count(*, session: Session) -> int:
    result: int = session.execute(
        select(func.count(Handoff.id)).where(Handoff.status == "waiting")
    ).scalar_one()
    return result


def estimate_wait(position: int, available: int, avg_handle_seconds: int) -> int:
    """Queue position x average handle time / max(1, agents available)."""
    return int(position * avg_handle_seconds / max(1, available))


def figures(
    *,
    session: Session,
    hours: BusinessHours,
    avg_handle_seconds: int,
    now: datetime | None = None,
    position: int | None = None,
    queue_length: int | None = None,
) -> schemas.QueueFigures:
    """Queue figures; the wait is for ``position`` (default: a new arrival).

    ``queue_length``: the waiting count when the caller has just read it.
    """
    now = now or utcnow()
    available = agents_available(session=session)
    length = waiting_count(session=session) if queue_length is None else queue_length
    pos = length + 1 if position is None else position
    return schemas.QueueFigures(
        agents_available=available,
        queue_length=length,
        estimated_wait_seconds=estimate_wait(pos, available, avg_handle_seconds),
        within_business_hours=hours.is_open(now),
        next_opening=hours.next_opening(now),
    )


QUEUE_COLUMNS = (
    Handoff.id,
    Handoff.key,
    Handoff.conversation_id,
    Handoff.customer_name,
    Handoff.customer_email,
    Handoff.channel,
    Handoff.reason,
    Handoff.priority,
    Handoff.frustration_level,
    Handoff.status,
    Handoff.created_at,
    Handoff.claimed_at,
    Handoff.closed_at,
    Handoff.claimed_by_id,
    Agent.display_name.label("claimed_by_name"),
)


# Migration 0010: both lists are read in index order, only the rows shown.
Index(
    "ix_handoffs_waiting_order",
    Handoff.status,
    Handoff.priority_rank.desc(),
    Handoff.created_at,
    Handoff.id,
)
Index("ix_handoffs_claimed_order", Handoff.status, Handoff.claimed_at, Handoff.id)


def queue(*, session: Session, limit: int = 100) -> tuple[list[Any], list[Any], int]:
    """(waiting by priority then waiting time, claimed open ones newest first, total waiting).

    Plain rows of the queue columns plus ``new_messages`` (customer messages since the
    handoff, for the badges), not ORM objects: pages re-read the queue after every
    event, so this is the hottest read of the service.
    """
    new_messages = (
        select(func.count(Message.id))
        .where(Message.handoff_id == Handoff.id, Message.sender == "customer")
        .scalar_subquery()
        .label("new_messages")
    )
    base = select(*QUEUE_COLUMNS, new_messages).outerjoin(Agent, Agent.id == Handoff.claimed_by_id)
    waiting = session.execute(
        base.where(Handoff.status == "waiting")
        .order_by(Handoff.priority_rank.desc(), Handoff.created_at, Handoff.id)
        .limit(limit)
    ).all()
    claimed = session.execute(
        base.where(Handoff.status == "claimed")
        .order_by(Handoff.claimed_at.desc(), Handoff.id.desc())
        .limit(limit)
    ).all()
    return list(waiting), list(claimed), waiting_count(session=session)


def _printable(text: str) -> str:
    """``text`` without control characters and lone surrogates.

    SQLite ends a LIKE pattern at a NUL (so ``"\\x00..."`` matched every row) and
    PostgreSQL refuses NUL in a string (500); nobody searches for them.
    """
    return "".join(
        ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cs") or ch in "\t\n"
    )


def search(q: str, *, session: Session, closed_only: bool = True, limit: int = 50) -> list[Handoff]:
    """Conversations whose customer, order number or text contains ``q``.

    An exact order number or email hits an index first; only when that finds
    nothing does the ``LIKE '%q%'`` scan over the search text run.
    """
    printable = _printable(q)
    needle = printable.strip().lower()
    if not needle and printable != q:
        return []  # only control characters: a query for nothing, not for everything
    light = select(Handoff).options(defer(Handoff.summary), defer(Handoff.search_text))
    newest_first = (Handoff.closed_at.desc(), Handoff.id.desc())
    if not needle:
        stmt = light.where(Handoff.status.in_(CLOSED_STATUSES)) if closed_only else light
        return list(session.execute(stmt.order_by(*newest_first).limit(limit)).unique().scalars())
    order = re.sub(r"^(#|ord-)", "", needle)
    # Only the two indexed columns in the WHERE, so every planner uses their indexes;
    # the few hits are filtered and sorted here.
    exact = [
        h
        for h in session.execute(
            light.where(or_(Handoff.order_number == order, Handoff.customer_email == needle))
        )
        .unique()
        .scalars()
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
