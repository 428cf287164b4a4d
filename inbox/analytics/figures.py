"""Figures for the admins' analytics page and ``GET /api/v1/analytics``.

Plain functions taking ``*, session`` that never commit. Counting happens in the
database (one grouped query per figure, days bucketed with a ``CASE`` over the
business-timezone midnights so a day is a local day, DST included); only the
durations and frustration pairs, which need medians and percentiles that SQLite
cannot compute, come back as bare numbers and are ranked in Python.

Every handoff figure counts the handoffs *created* (escalated) within the range;
session figures count the sessions *started* within it. Definitions: docs/analytics.md.

The report reads only columns of the covering indexes: what it needs of the summary
(``escalation_trigger``) and of the messages (``closing_frustration_score``) is stored
on the handoff when it happens (``inbox.conversation.coaching_store``).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, and_, case, cast, func, literal, not_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from inbox.analytics.schemas import (
    AnalyticsOut,
    DurationFigures,
    FrustrationFigures,
    HandoffDay,
    PeriodOut,
    ReasonCount,
    ScoreFigures,
    SessionDay,
    SessionFigures,
)
from inbox.models import CLOSED_STATUSES, BotSession, Handoff

MAX_DAYS = 366
# A session without a handoff or a goodbye is "in progress" until the bot has heard
# nothing of it for this long (Rasa's session_expiration_time in domain.yml).
IN_PROGRESS_MINUTES = 60
TRIGGERS = ("request", "frustration", "abuse", "churn", "repeated_failure")
RESOLVED_BY_BOT = "resolved_by_bot"


@dataclass(frozen=True)
class Period:
    """Local days ``first``..``last`` (inclusive) and their UTC boundaries."""

    first: date
    last: date
    timezone: str
    boundaries: tuple[datetime, ...]  # len(days) + 1 aware UTC instants, local midnights

    @property
    def start(self) -> datetime:
        return self.boundaries[0]

    @property
    def end(self) -> datetime:
        return self.boundaries[-1]

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range(len(self.boundaries) - 1)]


def period(first: date, last: date, tz_name: str) -> Period:
    """The local days ``first``..``last`` in ``tz_name``; ValueError when reversed or too long."""
    if last < first:
        raise ValueError("the range ends before it starts")
    count = (last - first).days + 1
    if count > MAX_DAYS:
        raise ValueError(f"at most {MAX_DAYS} days")
    zone = ZoneInfo(tz_name)
    bounds = tuple(
        datetime.combine(first + timedelta(days=i), time.min, tzinfo=zone).astimezone(
            ZoneInfo("UTC")
        )
        for i in range(count + 1)
    )
    return Period(first, last, tz_name, bounds)


def last_days(days: int, tz_name: str, now: datetime) -> Period:
    """The ``days`` local days ending today (in the business timezone)."""
    today = now.astimezone(ZoneInfo(tz_name)).date()
    return period(today - timedelta(days=days - 1), today, tz_name)


# -- pure statistics ----------------------------------------------------------------
def median(values: Sequence[float]) -> float | None:
    """The middle value (mean of the two middle ones for an even count); None when empty."""
    return float(statistics.median(values)) if values else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least ``q`` of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return float(ordered[rank - 1])


def mean(values: Sequence[float]) -> float | None:
    return float(statistics.fmean(values)) if values else None


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def durations(values: Sequence[float]) -> DurationFigures:
    """Count, median and p90 of durations in seconds."""
    return DurationFigures(
        count=len(values),
        median_seconds=_rounded(median(values), 1),
        p90_seconds=_rounded(percentile(values, 0.9), 1),
    )


# -- SQL helpers ----------------------------------------------------------------------
def _day_index(column: Any, span: Period) -> ColumnElement:
    """0-based local day of ``column`` (rows must already be within the period).

    A binary search written as nested ``CASE``: about 9 comparisons a row for a
    year instead of up to 365 with a flat ``CASE``.
    """
    inner = span.boundaries[1:-1]  # the midnights between the days

    def search(low: int, high: int) -> ColumnElement:  # day index in [low, high]
        if (
            low == high
        ):  # an expression, not a bare number: PostgreSQL reads GROUP BY 0 as a position
            return cast(literal(low), Integer)
        mid = (low + high + 1) // 2  # first day of the upper half starts at inner[mid - 1]
        return case((column < inner[mid - 1], search(low, mid - 1)), else_=search(mid, high))

    return search(0, len(inner))


def _within(column: Any, span: Period) -> ColumnElement:
    return and_(column >= span.start, column < span.end)


def _closed() -> ColumnElement:
    """Closed handoffs, written so no index can serve it: otherwise SQLite (no statistics)
    prefers ``ix_handoffs_closed`` to the covering ``ix_handoffs_analytics`` on created_at."""
    return func.coalesce(Handoff.status, "").in_(CLOSED_STATUSES)


def _seconds_between(session: Session, later: Any, earlier: Any) -> ColumnElement | None:
    """``later - earlier`` in seconds as SQL, or None for a backend without a known form."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 86400.0
    if dialect == "postgresql":
        return func.extract("epoch", later - earlier)
    return None


def _duration_values(
    session: Session, span: Period, later: Any, earlier: Any, *conditions: ColumnElement
) -> list[float]:
    where = [_within(Handoff.created_at, span), later.isnot(None), earlier.isnot(None), *conditions]
    expr = _seconds_between(session, later, earlier)
    if expr is None:
        rows = session.execute(select(later, earlier).where(*where)).all()
        return [max(0.0, (a - b).total_seconds()) for a, b in rows]
    return [max(0.0, float(v)) for v in session.execute(select(expr).where(*where)).scalars()]


# -- figures ----------------------------------------------------------------------------
def handoffs_per_day(*, session: Session, span: Period) -> list[HandoffDay]:
    """Handoffs created on each local day, and how many the customer abandoned while
    waiting (left the queue or went silent before anyone joined), zero-filled."""
    day = _day_index(Handoff.created_at, span).label("day")
    abandoned = func.sum(case((Handoff.status == "abandoned", 1), else_=0))
    counts = {
        i: (int(n), int(a or 0))
        for i, n, a in session.execute(
            select(day, func.count(), abandoned)
            .where(_within(Handoff.created_at, span))
            .group_by(day)
        ).all()
    }
    return [
        HandoffDay(date=d, count=counts.get(i, (0, 0))[0], abandoned=counts.get(i, (0, 0))[1])
        for i, d in enumerate(span.days)
    ]


def _resolved_alone(cutoff: datetime) -> ColumnElement:
    """Not handed off, and ended: the customer said goodbye/thanks or went quiet."""
    return and_(
        not_(BotSession.handed_off),
        or_(BotSession.outcome == RESOLVED_BY_BOT, BotSession.last_seen_at <= cutoff),
    )


def session_figures(
    *, session: Session, span: Period, now: datetime, in_progress_minutes: int = IN_PROGRESS_MINUTES
) -> SessionFigures:
    """Sessions with a customer message, split into handed off / resolved by the bot / in progress."""
    cutoff = now - timedelta(minutes=in_progress_minutes)
    one = literal(1)
    day = _day_index(BotSession.session_started_at, span).label("day")
    rows = session.execute(
        select(
            day,
            func.count(),
            func.sum(case((BotSession.handed_off, one), else_=0)),
            func.sum(case((_resolved_alone(cutoff), one), else_=0)),
            func.sum(
                case(
                    (and_(not_(BotSession.handed_off), BotSession.outcome == RESOLVED_BY_BOT), one),
                    else_=0,
                )
            ),
        )
        .where(_within(BotSession.session_started_at, span), BotSession.user_turns >= 1)
        .group_by(day)
    ).all()
    by_day: dict[int, tuple[int, int, int, int]] = {
        int(r[0]): (int(r[1]), int(r[2] or 0), int(r[3] or 0), int(r[4] or 0)) for r in rows
    }
    total = sum(v[0] for v in by_day.values())
    handed = sum(v[1] for v in by_day.values())
    resolved = sum(v[2] for v in by_day.values())
    confirmed = sum(v[3] for v in by_day.values())
    settled = handed + resolved
    return SessionFigures(
        total=total,
        handed_off=handed,
        resolved_by_bot=resolved,
        said_goodbye=confirmed,
        in_progress=total - settled,
        bot_resolved_share=round(resolved / settled, 4) if settled else None,
        in_progress_minutes=in_progress_minutes,
        per_day=[
            SessionDay(
                date=d,
                sessions=by_day.get(i, (0, 0, 0, 0))[0],
                handed_off=by_day.get(i, (0, 0, 0, 0))[1],
                resolved_by_bot=by_day.get(i, (0, 0, 0, 0))[2],
            )
            for i, d in enumerate(span.days)
        ],
    )


def escalation_reasons(*, session: Session, span: Period) -> list[ReasonCount]:
    """Handoffs per escalation trigger (``summary.escalation.trigger``, stored at creation
    as ``escalation_trigger``); the five known triggers always appear, anything else (or
    nothing: ``unknown``) is listed after them.
    """
    trigger = func.coalesce(Handoff.escalation_trigger, "unknown").label("trigger")
    counts = {
        str(t): int(n)
        for t, n in session.execute(
            select(trigger, func.count()).where(_within(Handoff.created_at, span)).group_by(trigger)
        ).all()
    }
    total = sum(counts.values())
    others = sorted((t for t in counts if t not in TRIGGERS), key=lambda t: (-counts[t], t))
    return [
        ReasonCount(
            trigger=t,
            count=counts.get(t, 0),
            share=round(counts.get(t, 0) / total, 4) if total else None,
        )
        for t in (*TRIGGERS, *others)
    ]


def waiting_times(*, session: Session, span: Period) -> DurationFigures:
    """Escalation until an agent claimed it (``claimed_at - created_at``), claimed handoffs only."""
    return durations(_duration_values(session, span, Handoff.claimed_at, Handoff.created_at))


def handling_times(*, session: Session, span: Period) -> DurationFigures:
    """Claim until closed (``closed_at - claimed_at``), handoffs both claimed and closed."""
    return durations(
        _duration_values(session, span, Handoff.closed_at, Handoff.claimed_at, _closed())
    )


def frustration_change(*, session: Session, span: Period) -> FrustrationFigures:
    """Frustration when the bot handed off vs at the close, over closed handoffs having both.

    The score at the close (``closing_frustration_score``) is stored when the handoff closes:
    the last scored customer message sent at or before the close, else the latest reading.
    """
    rows = session.execute(
        select(Handoff.escalation_score, Handoff.closing_frustration_score).where(
            _within(Handoff.created_at, span), _closed(), Handoff.closed_at.isnot(None)
        )
    ).all()
    pairs = [(float(b), float(a)) for b, a in rows if b is not None and a is not None]
    before = [b for b, _ in pairs]
    after = [a for _, a in pairs]
    fell = sum(1 for b, a in pairs if a < b)
    return FrustrationFigures(
        closed=len(rows),
        pairs=len(pairs),
        missing=len(rows) - len(pairs),
        before=ScoreFigures(mean=_rounded(mean(before), 4), median=_rounded(median(before), 4)),
        after=ScoreFigures(mean=_rounded(mean(after), 4), median=_rounded(median(after), 4)),
        fell=fell,
        fell_share=round(fell / len(pairs), 4) if pairs else None,
    )


def report(
    *, session: Session, span: Period, now: datetime, in_progress_minutes: int = IN_PROGRESS_MINUTES
) -> AnalyticsOut:
    """Every figure for ``span`` (what the page shows and the API returns)."""
    per_day = handoffs_per_day(session=session, span=span)
    return AnalyticsOut(
        period=PeriodOut(
            first_day=span.first,
            last_day=span.last,
            days=len(span.days),
            timezone=span.timezone,
            start=span.start,
            end=span.end,
            generated_at=now,
        ),
        handoffs_total=sum(d.count for d in per_day),
        abandoned_total=sum(d.abandoned for d in per_day),
        handoffs_per_day=per_day,
        sessions=session_figures(
            session=session, span=span, now=now, in_progress_minutes=in_progress_minutes
        ),
        escalation_reasons=escalation_reasons(session=session, span=span),
        waiting=waiting_times(session=session, span=span),
        handling=handling_times(session=session, span=span),
        frustration=frustration_change(session=session, span=span),
    )
