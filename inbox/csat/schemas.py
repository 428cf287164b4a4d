"""Shapes of the rating API and the CSAT figures."""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel, Field, validator

MAX_COMMENT_CHARS = 1000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class RatingIn(BaseModel):
    """A rating as the web chat server passes it on (customer text: untrusted)."""

    score: int = Field(..., ge=1, le=5)
    comment: str | None = Field(None, max_length=MAX_COMMENT_CHARS)
    handoff_key: str | None = Field(None, max_length=64)

    class Config:
        extra = "forbid"

    @validator("comment")
    def clean_comment(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = _CONTROL.sub("", value).strip()
        return value or None


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
