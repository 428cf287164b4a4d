"""One inbox replica at a time sends from a conversation's outbox.

Each replica runs its own delivery loop (``inbox.conversation.rasa_delivery``); its
in-process lock orders the calls of one conversation only within that process. The
lease is the same rule across processes, kept in the database every replica shares: a
row per conversation naming the holder and when its claim runs out. Taking it is one
conditional ``UPDATE`` (free, expired, or already ours) or, when there is no row yet,
an ``INSERT`` that the primary key lets only one replica win — the same on SQLite and
PostgreSQL, without engine-specific locks. A replica that dies while holding a lease
blocks that one conversation until ``expires_at``; then another replica sends on, and
the outbox's ``delivery_id`` check keeps a line it may have sent from showing twice.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inbox.models import DeliveryLease, utcnow


def take(handoff_id: int, holder: str, seconds: float, *, session: Session) -> bool:
    """Take or renew the lease on ``handoff_id``'s outbox for ``seconds``; False when
    another replica holds it."""
    now = utcnow()
    until = now + timedelta(seconds=seconds)
    renewed = session.execute(
        update(DeliveryLease)
        .where(
            DeliveryLease.handoff_id == handoff_id,
            or_(DeliveryLease.holder == holder, DeliveryLease.expires_at < now),
        )
        .values(holder=holder, expires_at=until)
        .execution_options(synchronize_session=False)
    )
    if renewed.rowcount == 1:
        return True
    if session.get(DeliveryLease, handoff_id) is not None:
        return False  # held by another replica, and not expired
    try:
        with session.begin_nested():
            session.add(DeliveryLease(handoff_id=handoff_id, holder=holder, expires_at=until))
    except IntegrityError:
        return False  # another replica inserted it first
    return True


def release(handoff_id: int, holder: str, *, session: Session) -> None:
    """Give the lease up (only if still ours: an expired one may have been taken over)."""
    session.execute(
        delete(DeliveryLease)
        .where(DeliveryLease.handoff_id == handoff_id, DeliveryLease.holder == holder)
        .execution_options(synchronize_session=False)
    )
