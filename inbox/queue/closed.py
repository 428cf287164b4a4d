"""The closed conversations list: newest first, filtered by agent, date, outcome and
rating, one page at a time (keyset: no OFFSET over 50,000 rows).

Each row carries its outcome and the customer's satisfaction (the latest rating the
widget stored for that handoff, ``inbox.csat``), read for the page's rows only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from inbox.models import CLOSED_STATUSES, Agent, Handoff, Rating

OUTCOME_LABELS = {
    "resolved": "Resolved",
    "handed_back": "Handed back to the bot",
    "abandoned": "Left before anyone joined",
    "customer_ended": "Customer ended the chat",
}
PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    """``agent_id``: who had it; ``since``/``until``: closed on those days (inclusive,
    UTC); ``outcome``: a closed status; ``rating``: 1-5, or 0 for "not rated"."""

    agent_id: int | None = None
    since: date | None = None
    until: date | None = None
    outcome: str | None = None
    rating: int | None = None

    def __post_init__(self) -> None:
        if self.outcome is not None and self.outcome not in CLOSED_STATUSES:
            raise ValueError(f"outcome must be one of {', '.join(CLOSED_STATUSES)}")
        if self.rating is not None and not 0 <= self.rating <= 5:
            raise ValueError("rating must be 1-5, or 0 for not rated")


@dataclass(frozen=True)
class ClosedRow:
    handoff_id: int
    handoff_key: str
    customer_name: str
    customer_email: str
    order_number: str
    reason: str
    wrap_up_note: str | None
    channel: str
    agent_name: str | None
    outcome: str
    outcome_label: str
    closed_at: datetime
    rating: int | None
    rating_comment: str | None


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def page(
    filters: Filters,
    *,
    session: Session,
    before: tuple[datetime, int] | None = None,
    limit: int = PAGE_SIZE,
) -> list[ClosedRow]:
    """Up to ``limit`` rows closed before ``before`` (closed_at, id), newest first."""
    stmt = select(
        Handoff.id,
        Handoff.key,
        Handoff.customer_name,
        Handoff.customer_email,
        Handoff.order_number,
        Handoff.reason,
        Handoff.wrap_up_note,
        Handoff.channel,
        Handoff.status,
        Handoff.closed_at,
        Agent.display_name,
    ).outerjoin(Agent, Agent.id == Handoff.claimed_by_id)
    if filters.outcome:
        stmt = stmt.where(Handoff.status == filters.outcome)
    else:
        # ``status || ''`` keeps the planner off the status index: walking
        # ix_handoffs_closed_recent backwards reads only the page's rows, where the
        # status index would sort every closed row first.
        stmt = stmt.where(Handoff.status.concat("").in_(CLOSED_STATUSES))
    stmt = stmt.where(Handoff.closed_at.is_not(None))
    if filters.agent_id is not None:
        stmt = stmt.where(Handoff.claimed_by_id == filters.agent_id)
    if filters.since:
        stmt = stmt.where(Handoff.closed_at >= _midnight(filters.since))
    if filters.until:
        stmt = stmt.where(Handoff.closed_at < _midnight(filters.until + timedelta(days=1)))
    if filters.rating is not None:
        rated = exists().where(Rating.handoff_id == Handoff.id)
        if filters.rating == 0:
            stmt = stmt.where(~rated)
        else:
            stmt = stmt.where(
                exists().where(Rating.handoff_id == Handoff.id, Rating.score == filters.rating)
            )
    if before is not None:
        at, hid = before
        stmt = stmt.where(
            or_(Handoff.closed_at < at, and_(Handoff.closed_at == at, Handoff.id < hid))
        )
    rows = session.execute(
        stmt.order_by(Handoff.closed_at.desc(), Handoff.id.desc()).limit(limit)
    ).all()
    ratings = latest_ratings([r.id for r in rows], session=session)
    return [
        ClosedRow(
            handoff_id=r.id,
            handoff_key=r.key,
            customer_name=r.customer_name,
            customer_email=r.customer_email,
            order_number=r.order_number,
            reason=r.reason,
            wrap_up_note=r.wrap_up_note,
            channel=r.channel,
            agent_name=r.display_name,
            outcome=r.status,
            outcome_label=OUTCOME_LABELS.get(r.status, r.status),
            closed_at=r.closed_at,
            rating=ratings.get(r.id, (None, None))[0],
            rating_comment=ratings.get(r.id, (None, None))[1],
        )
        for r in rows
    ]


def latest_ratings(
    handoff_ids: list[int], *, session: Session
) -> dict[int, tuple[int, str | None]]:
    """The newest rating of each handoff: (score, comment)."""
    if not handoff_ids:
        return {}
    out: dict[int, tuple[int, str | None]] = {}
    for hid, score, comment in session.execute(
        select(Rating.handoff_id, Rating.score, Rating.comment)
        .where(Rating.handoff_id.in_(handoff_ids))
        .order_by(Rating.handoff_id, Rating.updated_at, Rating.id)
    ):
        out[hid] = (score, comment)  # the last one per handoff wins
    return out
