"""The handoff the bot sends the inbox, as typed models (docs/contract/handoff.schema.json).

The schema in docs/ is the contract; this is the bot's side of it (the inbox has
its own models, and neither side imports the other). tests/contract checks both
against the schema and feeds what ``build_summary`` produces into the inbox's.
Every field is sent once: priority, brief and the opening live in the summary.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConstrainedStr, Extra, Field, ValidationError

from northwind_common.priorities import Priority

logger = logging.getLogger(__name__)

Level = Literal["calm", "annoyed", "frustrated"]
Speaker = Literal["customer", "bot", "agent"]


class Line(ConstrainedStr):
    """One line of a list: an item, a refund, a reason."""

    max_length = 500


class Reason(ConstrainedStr):
    max_length = 300


class _Strict(BaseModel):
    class Config:
        extra = Extra.forbid


class Customer(_Strict):
    name: str | None = Field(..., max_length=255)
    email: str | None = Field(..., max_length=255)
    verified: bool


class Conversation(_Strict):
    language: str = Field(..., regex=r"^[a-z]{2}$")
    started_at: datetime
    escalated_at: datetime
    conversation_seconds: int = Field(..., ge=0)


class Facts(_Strict):
    order_number: str | None = Field(None, max_length=64)
    order_verified: bool | None = None
    order_status: str | None = Field(None, max_length=500)
    items: list[Line] | None = None
    order_total: str | None = Field(None, max_length=64)
    placed_on: str | None = Field(None, max_length=64)
    carrier: str | None = Field(None, max_length=120)
    tracking_number: str | None = Field(None, max_length=120)
    tracking_url: str | None = Field(None, max_length=2000)
    refunds: list[Line] | None = None


class Attempt(_Strict):
    what: str = Field(..., max_length=500)
    outcome: str = Field(..., max_length=1000)


class TimelineEntry(_Strict):
    turn: int = Field(..., ge=1)
    score: float = Field(..., ge=0, le=1)
    level: Level
    during_handoff: bool | None = None
    acknowledged: bool | None = None


class Escalation(_Strict):
    trigger: str = Field(..., min_length=1, max_length=32)  # actions.frustration.schema.Trigger
    reasons: list[Reason] = Field(..., max_items=12)
    score: float = Field(..., ge=0, le=1)
    level: Level
    timeline: list[TimelineEntry] = Field(..., max_items=200)


class TranscriptLine(_Strict):
    speaker: Speaker
    text: str = Field(..., max_length=10000)
    at: datetime
    abusive: bool | None = None


class Summary(_Strict):
    version: Literal[2]
    customer: Customer
    conversation: Conversation
    goal: str = Field(..., max_length=500)
    facts: Facts
    bot_attempts: list[Attempt] = Field(..., max_items=50)
    escalation: Escalation
    priority: Priority
    brief: str = Field(..., max_length=4000)
    suggested_opening: str = Field(..., max_length=2000)
    transcript: list[TranscriptLine] = Field(..., max_items=500)


class Handoff(_Strict):
    """The whole body of ``POST /api/v1/handoffs``."""

    handoff_key: str = Field(..., min_length=1, max_length=64)
    conversation_id: str = Field(..., min_length=1, max_length=255)
    channel: str = Field(..., min_length=1, max_length=64)
    created_at: datetime
    summary: Summary


def handoff_payload(
    *,
    handoff_key: str,
    conversation_id: str,
    channel: str,
    created_at: datetime,
    summary: dict[str, Any],
) -> dict[str, Any]:
    """The JSON body of ``POST /api/v1/handoffs``, checked against the contract.

    A summary that breaks the contract is a bug here, but the customer asked for a
    person and must still reach one: it is logged and sent as built, and the
    inbox's own check has the last word.
    """
    body: dict[str, Any] = {
        "handoff_key": handoff_key,
        "conversation_id": conversation_id,
        "channel": channel or "unknown",
        "created_at": created_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "summary": summary,
    }
    try:
        Handoff.parse_obj(body)
    except ValidationError as error:
        logger.error("handoff %s breaks the contract: %s", handoff_key, error)
    return body
