"""The closed conversations list: newest first, filtered by agent, date, outcome and
rating, one page at a time (keyset: no OFFSET over 50,000 rows).

Each row carries its outcome and the customer's satisfaction (the latest rating the
widget stored for that handoff, ``inbox.csat``), read for the page's rows only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from pydantic import BaseModel
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

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


# One closed conversation, as the page shows it and ``GET /api/v1/closed`` sends it
# (a comment, not a docstring: the OpenAPI document stays as it was).
class ClosedRowOut(BaseModel):
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


@dataclass(frozen=True)
class ClosedPage:
    rows: list[ClosedRowOut]
    next_before: str | None  # the cursor of the next page (``parse_before``), None at the end


def parse_before(before: str) -> tuple[datetime, int]:
    """A ``next_before`` cursor back to (closed_at, id); ValueError when it is not one."""
    at, hid = before.rsplit("~", 1)
    return datetime.fromisoformat(at), int(hid)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


# Named as ClosedRowOut's fields, so a row fills it by name; ``handoff_id`` is the cursor's.
_COLUMNS = (
    Handoff.id.label("handoff_id"),
    Handoff.key.label("handoff_key"),
    Handoff.customer_name,
    Handoff.customer_email,
    Handoff.order_number,
    Handoff.reason,
    Handoff.wrap_up_note,
    Handoff.channel,
    Handoff.status.label("outcome"),
    Handoff.closed_at,
    Agent.display_name.label("agent_name"),
)


def _closed() -> Select:
    return select(*_COLUMNS).outerjoin(Agent, Agent.id == Handoff.claimed_by_id)


def _rows(found: Sequence[Row], *, session: Session) -> list[ClosedRowOut]:
    """Rows of ``_closed()`` with their outcome in words and satisfaction."""
    ratings = latest_ratings([r.handoff_id for r in found], session=session)
    return [
        ClosedRowOut(
            **r._mapping,
            outcome_label=OUTCOME_LABELS.get(r.outcome, r.outcome),
            rating=ratings.get(r.handoff_id, (None, None))[0],
            rating_comment=ratings.get(r.handoff_id, (None, None))[1],
        )
        for r in found
    ]


def rows_of(handoff_ids: list[int], *, session: Session) -> list[ClosedRowOut]:
    """These handoffs (e.g. a search's hits) as closed rows, in the order given."""
    if not handoff_ids:
        return []
    found = {
        r.handoff_id: r
        for r in session.execute(_closed().where(Handoff.id.in_(handoff_ids))).all()
        if r.closed_at is not None
    }
    return _rows([found[h] for h in handoff_ids if h in found], session=session)


def page(
    filters: Filters,
    *,
    session: Session,
    before: tuple[datetime, int] | None = None,
    limit: int = PAGE_SIZE,
) -> ClosedPage:
    """Up to ``limit`` rows closed before ``before`` (closed_at, id), newest first."""
    stmt = _closed()
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
    found = session.execute(
        stmt.order_by(Handoff.closed_at.desc(), Handoff.id.desc()).limit(limit)
    ).all()
    last = found[-1] if len(found) == limit else None
    return ClosedPage(
        rows=_rows(found, session=session),
        next_before=None if last is None else f"{last.closed_at.isoformat()}~{last.handoff_id}",
    )


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
