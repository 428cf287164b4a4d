"""The ``forwards`` table as the worker uses it: plain functions taking ``*, session``.

Rows of one handoff go to one target in ``id`` order (``handoff.resolved`` never
overtakes ``handoff.created``); different targets never wait for each other. A row
is *claimed* by pushing its ``next_attempt_at`` past the attempt's lease with a
conditional UPDATE, so two inbox replicas never send the same row at once.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from httpkit.retry import RetryPolicy
from inbox.forwarding.base import ForwardError, Job, PermanentError, RetryableError
from inbox.models import Forward, Handoff, utcnow

MAX_RETRY_AFTER_SECONDS = 3600.0


def enqueue(
    handoff: Handoff,
    event: dict[str, Any],
    targets: Sequence[str],
    *,
    session: Session,
    row_event: str | None = None,
) -> list[Forward]:
    """Queue ``event`` once per target, in the caller's transaction (the handoff's own).

    ``row_event`` names the row when one handoff has many events of a type: a customer
    message is ``message:<its row id>``, so each is queued once and sent in order.
    """
    if not targets:
        return []
    name = row_event or event["type"]
    already = set(
        session.execute(
            select(Forward.target).where(Forward.handoff_id == handoff.id, Forward.event == name)
        ).scalars()
    )
    rows = [
        Forward(
            handoff_id=handoff.id,
            target=target,
            event=name,
            payload=event,
            progress={},
            status="pending",
            attempts=0,
            next_attempt_at=utcnow(),
        )
        for target in targets
        if target not in already
    ]
    session.add_all(rows)
    return rows


@dataclass(frozen=True)
class Due:
    """Rows whose turn it is, and when the next deferred one is due (for the loop's sleep)."""

    ids: list[int]
    next_at: datetime | None


def due(now: datetime, *, session: Session) -> Due:
    """The first pending row of every (handoff, target) whose attempt time has come."""
    heads: dict[tuple[int, str], tuple[int, datetime | None]] = {}
    for row_id, handoff_id, target, at in session.execute(
        select(Forward.id, Forward.handoff_id, Forward.target, Forward.next_attempt_at)
        .where(Forward.status == "pending")
        .order_by(Forward.id)
    ):
        heads.setdefault((handoff_id, target), (row_id, at))
    ready = [row_id for row_id, at in heads.values() if at is None or at <= now]
    later = [at for _, at in heads.values() if at is not None and at > now]
    return Due(ids=sorted(ready), next_at=min(later) if later else None)


def claim(row_id: int, now: datetime, lease_until: datetime, *, session: Session) -> Job | None:
    """Take the row for one attempt; None when another worker has it or it is done."""
    taken = session.execute(
        update(Forward)
        .where(
            Forward.id == row_id,
            Forward.status == "pending",
            or_(Forward.next_attempt_at.is_(None), Forward.next_attempt_at <= now),
        )
        .values(next_attempt_at=lease_until)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        return None
    row = session.get(Forward, row_id)
    earlier = {
        event: dict(progress or {})
        for event, progress in session.execute(
            select(Forward.event, Forward.progress).where(
                Forward.handoff_id == row.handoff_id,
                Forward.target == row.target,
                Forward.status == "delivered",
                Forward.id < row.id,
            )
        )
    }
    return Job(
        id=row.id,
        target=row.target,
        event=row.event,
        payload=dict(row.payload),
        progress=dict(row.progress or {}),
        earlier=earlier,
    )


def save_progress(row_id: int, progress: dict[str, Any], *, session: Session) -> None:
    """Remember what the target accepted, before the next step is tried."""
    session.execute(
        update(Forward)
        .where(Forward.id == row_id)
        .values(progress=dict(progress))
        .execution_options(synchronize_session=False)
    )


def backoff(
    attempts: int, base: float, cap: float, rng: Callable[[], float] = random.random
) -> float:
    """The shared retry schedule (``httpkit.retry``): exponential with equal jitter, capped."""
    return RetryPolicy(base_seconds=base, cap_seconds=cap).delay(attempts, rng)


def record(
    row_id: int,
    error: ForwardError | None,
    *,
    session: Session,
    max_attempts: int,
    base: float,
    cap: float,
    rng: Callable[[], float] = random.random,
    now: datetime | None = None,
) -> str:
    """Store the attempt's outcome; returns the new status (``now``: the forwarder's clock)."""
    row = session.get(Forward, row_id)
    row.attempts += 1
    now = now or utcnow()
    if error is None:
        row.status, row.delivered_at, row.last_error, row.next_attempt_at = (
            "delivered",
            now,
            None,
            None,
        )
        return row.status
    row.last_error = str(error)[:1000]
    if isinstance(error, PermanentError) or row.attempts >= max_attempts:
        row.status, row.next_attempt_at = "failed", None
        return row.status
    delay = backoff(row.attempts, base, cap, rng)
    if isinstance(error, RetryableError) and error.retry_after is not None:
        delay = max(
            delay, min(error.retry_after, MAX_RETRY_AFTER_SECONDS)
        )  # never sooner than asked
    row.next_attempt_at = now + timedelta(seconds=delay)
    return row.status


def listing(status: str | None, limit: int, *, session: Session) -> list[tuple[Forward, str]]:
    """Rows (newest first) with their handoff key, for the admin endpoint."""
    stmt = select(Forward, Handoff.key).join(Handoff, Handoff.id == Forward.handoff_id)
    if status:
        stmt = stmt.where(Forward.status == status)
    return [
        (row, key) for row, key in session.execute(stmt.order_by(Forward.id.desc()).limit(limit))
    ]


def retry(row_id: int, *, session: Session) -> Forward | None:
    """Give a ``failed`` row a fresh set of attempts (after fixing the configuration)."""
    row = session.get(Forward, row_id)
    if row is None:
        return None
    if row.status == "failed":
        row.status, row.attempts, row.next_attempt_at = "pending", 0, utcnow()
    return row
