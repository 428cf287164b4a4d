"""API shapes (pydantic 1.10), separate for input and output.

Nothing here carries a password hash: agents leave the service only as ``AgentOut``.
The bot's handoff is typed by the contract (``HandoffIn``, in
inbox/conversation/contract.py, checked against docs/contract/handoff.schema.json).
"""

from __future__ import annotations

import logging
import math
import re
from datetime import datetime, timezone
from typing import Any

from pydantic import BaseModel as _PydanticModel
from pydantic import Field, ValidationError, validator

from inbox.conversation.contract import HandoffIn  # noqa: F401  (the bot's body, typed by the contract)
from inbox.followup.mail import valid_email

logger = logging.getLogger(__name__)


def iso_utc(value: datetime) -> str:
    """ISO-8601 in UTC with a ``Z``, as the contract writes times."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


class BaseModel(_PydanticModel):
    """Every API shape writes times as ``…Z``."""

    class Config:
        json_encoders = {datetime: iso_utc}


LEVELS = ("calm", "annoyed", "frustrated")
STATUSES = ("waiting", "claimed", "handed_back", "resolved", "abandoned", "customer_ended")


class QueueFigures(BaseModel):
    """What the bot tells the customer while they wait."""

    agents_available: int
    queue_length: int
    estimated_wait_seconds: int
    within_business_hours: bool
    next_opening: datetime | None
    # An SMTP server is configured: the bot may offer a reply by email (else it must not).
    email_follow_up: bool = False


class HandoffCreated(BaseModel):
    """Response to create (``201`` new, ``200`` same key again)."""

    handoff_key: str
    status: str
    queue_position: int
    agents_available: int
    estimated_wait_seconds: int
    within_business_hours: bool
    next_opening: datetime | None
    email_follow_up: bool = False


SIGNAL_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_SIGNALS = 40
MAX_REASONS = 12
MAX_REASON_CHARS = 300
MAX_CONTRIBUTION = 50.0


class FrustrationIn(BaseModel):
    """The detector's reading of one customer message (bounded: it is stored per message)."""

    score: float = Field(..., ge=0, le=1)
    level: str = "calm"
    trend: float = Field(0.0, ge=-1, le=1)  # slope of scores per turn; scores are 0..1
    reasons: list[str] = Field(default_factory=list, max_items=MAX_REASONS)
    signals: dict[str, float] = Field(
        default_factory=dict
    )  # signal id -> contribution (logit units)
    abusive: bool = False

    @validator("level")
    def _level(cls, value: str) -> str:
        if value not in LEVELS:
            raise ValueError(f"level must be one of {', '.join(LEVELS)}")
        return value

    @validator("reasons", each_item=True)
    def _reason(cls, value: str) -> str:
        return value[:MAX_REASON_CHARS]

    @validator("signals")
    def _signals(cls, value: dict[str, float]) -> dict[str, float]:
        if len(value) > MAX_SIGNALS:
            raise ValueError(f"at most {MAX_SIGNALS} signals")
        for name, contribution in value.items():
            if not SIGNAL_ID.match(name):
                raise ValueError(f"bad signal id {name[:50]!r}")
            if not math.isfinite(contribution) or abs(contribution) > MAX_CONTRIBUTION:
                raise ValueError(f"contribution of {name} out of range")
        return value


class CustomerMessageIn(BaseModel):
    """A customer message forwarded by the bot while a person owns the chat.

    ``frustration`` is optional (older bots do not send it). A reading that fails
    validation is dropped with a warning rather than refusing the message: the bot
    cannot resend it differently, and the customer's words matter more than a score.
    """

    message_id: str = Field(..., min_length=1, max_length=128)
    text: str = Field(..., max_length=10000)
    sent_at: datetime | None = None
    sender: str = "customer"
    frustration: FrustrationIn | None = None

    @validator("sender")
    def _sender(cls, value: str) -> str:
        if value != "customer":
            raise ValueError("the bot only forwards customer messages")
        return value

    @validator("frustration", pre=True)
    def _frustration(cls, value: Any) -> FrustrationIn | None:
        if value is None or isinstance(value, FrustrationIn):
            return value
        try:
            return FrustrationIn.parse_obj(value)
        except (ValidationError, TypeError) as exc:
            logger.warning("ignored an invalid frustration reading: %s", str(exc)[:300])
            return None


class CustomerEndedIn(BaseModel):
    sent_at: datetime | None = None


class ContactPreferenceIn(BaseModel):
    """The customer's choice when nobody can take the chat now (optional endpoint)."""

    contact_preference: str = Field(..., regex="^(wait|callback|email)$")
    contact_detail: str | None = Field(None, max_length=255)

    @validator("contact_detail")
    def _email_is_an_address(cls, value: str | None, values: dict[str, Any]) -> str | None:
        if values.get("contact_preference") == "email" and not valid_email(value or ""):
            raise ValueError("contact_detail must be an email address")
        return value


class Accepted(BaseModel):
    status: str
    duplicate: bool = False


class AgentOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    available: bool

    class Config:
        orm_mode = True
        json_encoders = {datetime: iso_utc}


class MessageFrustrationOut(BaseModel):
    """The detector's reading of a customer message, as stored."""

    score: float
    level: str | None
    trend: float | None
    signals: dict[str, float]
    reasons: list[str]


class MessageOut(BaseModel):
    """A message; ``text`` is always the original, ``abusive`` tells pages to mask it."""

    id: int
    message_id: str
    sender: str
    text: str
    sent_at: datetime
    agent_name: str | None
    delivery_status: str | None
    abusive: bool = False
    frustration: MessageFrustrationOut | None = None

    class Config:
        orm_mode = True
        json_encoders = {datetime: iso_utc}


class QueueItem(BaseModel):
    """One waiting or claimed handoff in the queue."""

    handoff_key: str
    conversation_id: str
    customer_name: str
    customer_email: str
    channel: str
    reason: str
    priority: str
    frustration_level: str
    status: str
    created_at: datetime
    waiting_seconds: int
    claimed_by: str | None
    # "Mine" is matched on the id: two agents may share a display name.
    claimed_by_id: int | None = None
    new_messages: int = 0


class QueueOut(BaseModel):
    items: list[QueueItem]
    total_waiting: int
    figures: QueueFigures


class CoachingCueOut(BaseModel):
    signal: str
    text: str


class CoachingOut(BaseModel):
    """Live coaching: the customer's current frustration and what to do about it."""

    score: float | None
    level: str
    trend: float | None
    direction: str  # rising | falling | steady
    cues: list[CoachingCueOut]


class TransitionOut(BaseModel):
    """One status change of a handoff (inbox.conversation.lifecycle)."""

    event: str
    from_status: str
    to_status: str
    actor: str
    actor_name: str | None
    at: datetime


class ConversationOut(BaseModel):
    """A conversation as the agent page and tools see it."""

    handoff_key: str
    conversation_id: str
    channel: str
    status: str
    priority: str
    frustration_level: str
    reason: str
    brief: str
    suggested_opening: str
    summary: dict[str, Any]
    created_at: datetime
    claimed_by: AgentOut | None
    claimed_at: datetime | None
    closed_at: datetime | None
    resolution: str | None
    customer_ended_at: datetime | None
    contact_preference: str | None
    # The address (or number) the customer left for a reply: email follow-up.
    contact_detail: str | None = None
    messages: list[MessageOut]
    coaching: CoachingOut | None = None
    wrap_up_note: str | None = None
    wrap_up_saved_at: datetime | None = None
    wrap_up_saved_by: str | None = None
    # "left after 2 min" when the customer abandoned the queue; every status change.
    left_after: str | None = None
    transitions: list[TransitionOut] = []


class SearchHit(BaseModel):
    handoff_key: str
    customer_name: str
    customer_email: str
    order_number: str
    status: str
    closed_at: datetime | None
    reason: str
    wrap_up_note: str | None = None


class SearchOut(BaseModel):
    items: list[SearchHit]


class ReplyIn(BaseModel):
    text: str = Field(..., min_length=1, max_length=5000)


class HandbackIn(BaseModel):
    """``resolution`` is the internal note (inbox only); ``customer_message`` is what the bot tells the customer."""

    resolution: str = Field("", max_length=2000)
    customer_message: str = Field("", max_length=1000)


class ResolveIn(BaseModel):
    """``note`` is internal (inbox only); ``customer_message`` is what was settled, in the
    customer's words, for the closing line."""

    note: str = Field("", max_length=2000)
    customer_message: str = Field("", max_length=1000)


class WrapUpIn(BaseModel):
    note: str = Field(..., min_length=1, max_length=10000)

    @validator("note")
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the note is empty")
        return value


class WrapUpOut(BaseModel):
    """The proposed wrap-up note and the one the agent saved (if any)."""

    handoff_key: str
    draft: str
    saved_note: str | None
    saved_at: datetime | None
    saved_by: str | None


class AssignIn(BaseModel):
    username: str


class AvailabilityIn(BaseModel):
    available: bool


class LoginIn(BaseModel):
    username: str
    password: str
