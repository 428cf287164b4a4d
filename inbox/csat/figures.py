"""CSAT figures: per local day, per agent, with and without a handoff.

CSAT is the share of ratings that are 4 or 5 (the usual top-two-box definition),
next to the mean score and the count, so a day with one rating is read as such.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.analytics.figures import Period
from inbox.csat.schemas import CsatAgent, CsatDay, CsatFigures, CsatOut
from inbox.models import Rating

SATISFIED_FROM = 4


def figures_of(scores: Sequence[int]) -> CsatFigures:
    if not scores:
        return CsatFigures(ratings=0, mean_score=None, csat_percent=None)
    satisfied = sum(1 for s in scores if s >= SATISFIED_FROM)
    return CsatFigures(
        ratings=len(scores),
        mean_score=round(sum(scores) / len(scores), 2),
        csat_percent=round(100.0 * satisfied / len(scores), 1),
    )


def csat_report(*, session: Session, span: Period) -> CsatOut:
    """Every rating given in the period, grouped (ratings are few: grouped in Python)."""
    rows = session.execute(
        select(Rating.created_at, Rating.score, Rating.handoff_id, Rating.agent_name).where(
            Rating.created_at >= span.start, Rating.created_at < span.end
        )
    ).all()
    inner = span.boundaries[1:-1]
    by_day: dict[int, dict[bool, list[int]]] = defaultdict(lambda: {True: [], False: []})
    by_agent: dict[str, list[int]] = defaultdict(list)
    with_handoff: list[int] = []
    without: list[int] = []
    for created_at, score, handoff_id, agent_name in rows:
        handed_off = handoff_id is not None
        by_day[bisect_right(inner, created_at)][handed_off].append(score)
        (with_handoff if handed_off else without).append(score)
        if agent_name:
            by_agent[agent_name].append(score)
    per_day = [
        CsatDay(
            date=day,
            all=figures_of(by_day[i][True] + by_day[i][False]),
            with_handoff=figures_of(by_day[i][True]),
            without_handoff=figures_of(by_day[i][False]),
        )
        for i, day in enumerate(span.days)
    ]
    return CsatOut(
        total=figures_of(with_handoff + without),
        with_handoff=figures_of(with_handoff),
        without_handoff=figures_of(without),
        per_day=per_day,
        per_agent=[
            CsatAgent(agent=name, figures=figures_of(scores))
            for name, scores in sorted(by_agent.items())
        ],
    )
