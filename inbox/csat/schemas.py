"""Shapes of the rating API and the CSAT figures."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel


class RatingOut(BaseModel):
    rating_id: str
    score: int
    handoff_key: str | None
    agent: str | None
    created: bool


class CsatFigures(BaseModel):
    """Ratings of a group: how many, the mean score, and CSAT = share of 4s and 5s (%)."""

    ratings: int
    mean_score: float | None
    csat_percent: float | None


class CsatDay(BaseModel):
    date: date
    all: CsatFigures
    with_handoff: CsatFigures
    without_handoff: CsatFigures


class CsatAgent(BaseModel):
    agent: str
    figures: CsatFigures


class CsatOut(BaseModel):
    """CSAT for a period: in total, per local day, per agent, with and without a handoff."""

    total: CsatFigures
    with_handoff: CsatFigures
    without_handoff: CsatFigures
    per_day: list[CsatDay]
    per_agent: list[CsatAgent]
