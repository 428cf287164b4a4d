"""API shapes of the analytics figures (``GET /api/v1/analytics``) and of the bot's
session reports (``PUT /api/v1/bot-sessions``). Definitions: docs/analytics.md.

Kept apart from ``inbox.schemas`` so this feature's contract can be read in one place.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import Field, root_validator, validator

from inbox.schemas import BaseModel

OUTCOMES = ("resolved_by_bot", "handed_off")


# -- bot → inbox ---------------------------------------------------------------------
class BotSessionIn(BaseModel):
    """One report about a bot session; the same session may be reported many times."""

    conversation_id: str = Field(..., min_length=1, max_length=255)
    session_started_at: datetime
    channel: str = Field("unknown", min_length=1, max_length=64)
    last_seen_at: datetime
    user_turns: int = Field(..., ge=0, le=1_000_000)
    handed_off: bool = False
    max_frustration_score: float | None = Field(None, ge=0.0, le=1.0)
    outcome: str | None = None

    @validator("session_started_at", "last_seen_at")
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("must carry a timezone (e.g. a trailing Z)")
        return value

    @validator("outcome")
    def _outcome(cls, value: str | None) -> str | None:
        if value is not None and value not in OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)} or null")
        return value

    @root_validator(skip_on_failure=True)
    def _order(cls, values: dict) -> dict:
        started, seen = values["session_started_at"], values["last_seen_at"]
        if seen < started - timedelta(seconds=1):
            raise ValueError("last_seen_at is before session_started_at")
        return values


class BotSessionStored(BaseModel):
    """What the inbox holds for the session after merging the report."""

    conversation_id: str
    session_started_at: datetime
    last_seen_at: datetime
    user_turns: int
    handed_off: bool
    max_frustration_score: float | None
    outcome: str | None
    created: bool = Field(..., description="true when this report created the session")


# -- analytics out ---------------------------------------------------------------------
class PeriodOut(BaseModel):
    first_day: date = Field(..., description="first local day (business timezone), inclusive")
    last_day: date = Field(..., description="last local day, inclusive")
    days: int
    timezone: str
    start: datetime = Field(..., description="UTC instant of first_day's local midnight")
    end: datetime = Field(..., description="UTC instant of the midnight after last_day (exclusive)")
    generated_at: datetime


class HandoffDay(BaseModel):
    date: date
    count: int
    abandoned: int = Field(0, description="of these, left by the customer before anyone joined")


class SessionDay(BaseModel):
    date: date
    sessions: int
    handed_off: int
    resolved_by_bot: int


class SessionFigures(BaseModel):
    total: int = Field(..., description="sessions with at least one customer message")
    handed_off: int
    resolved_by_bot: int = Field(
        ..., description="not handed off, and ended (goodbye/thanks or quiet)"
    )
    said_goodbye: int = Field(
        ..., description="of resolved_by_bot: the customer said goodbye or thanks"
    )
    in_progress: int = Field(..., description="neither yet; excluded from the share")
    bot_resolved_share: float | None = Field(
        ..., description="resolved_by_bot / (resolved_by_bot + handed_off); null without any"
    )
    in_progress_minutes: int
    per_day: list[SessionDay]


class ReasonCount(BaseModel):
    trigger: str
    count: int
    share: float | None = Field(..., description="of all handoffs in the period")


class DurationFigures(BaseModel):
    count: int
    median_seconds: float | None
    p90_seconds: float | None = Field(..., description="nearest-rank 90th percentile")


class ScoreFigures(BaseModel):
    mean: float | None
    median: float | None


class FrustrationFigures(BaseModel):
    closed: int = Field(..., description="closed handoffs in the period")
    pairs: int = Field(
        ..., description="of those, with a score at the handoff and one at the close"
    )
    missing: int
    before: ScoreFigures
    after: ScoreFigures
    fell: int = Field(
        ..., description="pairs whose score at the close is lower than at the handoff"
    )
    fell_share: float | None


class AnalyticsOut(BaseModel):
    """Everything the analytics page shows."""

    period: PeriodOut
    handoffs_total: int
    abandoned_total: int = Field(0, description="handoffs the customer left before anyone joined")
    handoffs_per_day: list[HandoffDay]
    sessions: SessionFigures
    escalation_reasons: list[ReasonCount]
    waiting: DurationFigures = Field(..., description="claimed_at - created_at")
    handling: DurationFigures = Field(..., description="closed_at - claimed_at")
    frustration: FrustrationFigures
