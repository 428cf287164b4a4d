"""The handoff the inbox receives from the bot (docs/contract/handoff.schema.json).

The schema in docs/ is the contract; these are the inbox's models of it (the bot
has its own, and neither side imports the other). tests/contract checks both
against the schema and feeds every recorded conversation's summary from the bot
into ``HandoffIn``. Every field arrives once: priority, brief and the opening are
read from the summary, nowhere else.

Version 1 bodies (priority, reason, level, brief and opening also at the top, the
summary untyped) still come from bots older than the contract and from handoffs
waiting in a bot's outbox during an upgrade: ``upgrade_version_1`` turns them into
version 2 in one place.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConstrainedStr, Extra, Field, root_validator

from northwind_common.priorities import Priority

Level = Literal["calm", "annoyed", "frustrated"]
Speaker = Literal["customer", "bot", "agent"]


class Line(ConstrainedStr):
    """One line of a list: an item, a refund."""

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
    trigger: str = Field(..., min_length=1, max_length=32)  # kept even when unknown
    reasons: list[Reason] = Field(..., max_items=12)
    score: float = Field(..., ge=0, le=1)
    level: Level
    timeline: list[TimelineEntry] = Field(..., max_items=200)


class TranscriptLine(_Strict):
    speaker: Speaker
    text: str = Field(..., max_length=10000)
    at: datetime
    abusive: bool | None = None


class SummaryIn(_Strict):
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

    def stored(self) -> dict[str, Any]:
        """The summary as the inbox stores it (JSON types, only the fields sent)."""
        stored: dict[str, Any] = _jsonable(self.dict(exclude_unset=True))
        return stored


class HandoffIn(_Strict):
    """``POST /api/v1/handoffs`` body (bot)."""

    handoff_key: str = Field(..., min_length=1, max_length=64)
    conversation_id: str = Field(..., min_length=1, max_length=255)
    channel: str = Field(..., min_length=1, max_length=64)
    created_at: datetime
    summary: SummaryIn

    @root_validator(pre=True)
    def _version_1(cls, values: Any) -> Any:
        if isinstance(values, dict) and _is_version_1(values):
            return upgrade_version_1(values)
        return values


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    return value


def _is_version_1(body: dict[str, Any]) -> bool:
    summary = body.get("summary")
    return not isinstance(summary, dict) or summary.get("version", 1) == 1


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _pick(value: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    source = _mapping(value)
    return {key: source[key] for key in keys if key in source}


def _level(value: Any) -> str:
    """Version 1 let an unknown level through as calm."""
    return value if value in ("calm", "annoyed", "frustrated") else "calm"


def upgrade_version_1(body: dict[str, Any]) -> dict[str, Any]:
    """A version 1 handoff body as version 2: the one place that knows the old shape."""
    summary = _mapping(body.get("summary"))
    conversation = _mapping(summary.get("conversation"))
    escalation = _mapping(summary.get("escalation"))
    created = body.get("created_at") or datetime.utcnow().isoformat() + "Z"
    reasons = [str(r)[:300] for r in escalation.get("reasons") or [] if r][:12]
    if not reasons and (escalation.get("explanation") or body.get("reason")):
        reasons = [str(escalation.get("explanation") or body.get("reason"))[:300]]
    customer = _mapping(summary.get("customer"))
    return {
        **_pick(body, ("handoff_key", "conversation_id")),
        "channel": body.get("channel") or "unknown",
        "created_at": created,
        "summary": {
            "version": 2,
            "customer": {
                "name": customer.get("name"),
                "email": customer.get("email"),
                "verified": bool(customer.get("verified")),
            },
            "conversation": {
                "language": conversation.get("language") or "en",
                "started_at": conversation.get("started_at") or created,
                "escalated_at": conversation.get("escalated_at") or created,
                "conversation_seconds": int(conversation.get("conversation_seconds") or 0),
            },
            "goal": str(summary.get("goal") or "")[:500],
            "facts": _pick(summary.get("facts"), tuple(Facts.__fields__)),
            "bot_attempts": [
                _pick(item, ("what", "outcome")) for item in summary.get("bot_attempts") or []
            ],
            "escalation": {
                "trigger": str(escalation.get("trigger") or "frustration")[:32],
                "reasons": reasons,
                "score": escalation.get("score") or 0.0,
                "level": _level(escalation.get("level") or body.get("frustration_level")),
                "timeline": [
                    _pick(item, tuple(TimelineEntry.__fields__))
                    for item in escalation.get("timeline") or []
                ],
            },
            "priority": body.get("priority") or summary.get("priority") or "normal",
            "brief": body.get("brief") or summary.get("brief") or "",
            "suggested_opening": body.get("suggested_opening")
            or summary.get("suggested_opening")
            or "",
            "transcript": [
                _pick(item, tuple(TranscriptLine.__fields__))
                for item in summary.get("transcript") or []
            ],
        },
    }
