"""The detector's readings on customer messages, the handoff's latest one and the one
at its close, and the escalation trigger stored for analytics.

Separate from ``inbox.conversation.handoffs`` so storing a message stays one small function and
the reading is applied in one place (live coaching and analytics read these columns).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox import schemas
from inbox.conversation.coaching import RECENT_MESSAGES
from inbox.models import Handoff, Message


def message_reading(reading: schemas.FrustrationIn | None) -> dict[str, Any]:
    """The message columns for a reading (none without one: an older bot)."""
    if reading is None:
        return {}
    return {
        "frustration_score": reading.score,
        "frustration_level": reading.level,
        "frustration_trend": reading.trend,
        "frustration_signals": {name: round(value, 3) for name, value in reading.signals.items()},
        "frustration_reasons": list(reading.reasons),
        "abusive": reading.abusive,
    }


def note_latest(handoff: Handoff, reading: schemas.FrustrationIn | None) -> None:
    """Make the reading the handoff's latest (live coaching and analytics read it).

    Without a reading the handoff keeps what it had: coaching then shows the level
    the bot handed off with.
    """
    if reading is None:
        return
    handoff.latest_frustration_score = reading.score
    handoff.latest_frustration_level = reading.level
    handoff.latest_frustration_trend = reading.trend


def escalation_score(summary: dict[str, Any]) -> float | None:
    """The score the bot handed off with (``summary.escalation.score``), if it is a number 0..1."""
    escalation = summary.get("escalation")
    score = escalation.get("score") if isinstance(escalation, dict) else None
    if isinstance(score, (int, float)) and not isinstance(score, bool) and 0 <= score <= 1:
        return float(score)
    return None


def escalation_trigger(summary: dict[str, Any]) -> str | None:
    """``summary.escalation.trigger`` as the analytics group it (at most 32 characters);
    None when absent or null (the report shows ``unknown``). A non-string is kept as JSON.
    """
    escalation = summary.get("escalation")
    trigger = escalation.get("trigger") if isinstance(escalation, dict) else None
    if trigger is None:
        return None
    text = trigger if isinstance(trigger, str) else json.dumps(trigger, separators=(",", ":"))
    return text[:32]


def note_closing_frustration(handoff: Handoff, *, session: Session) -> None:
    """Store the frustration at the close: the score of the last scored customer message
    sent at or before ``closed_at``, else ``latest_frustration_score``; null while open.

    Called by the state machine on every transition (``inbox.conversation.lifecycle``)
    and when a scored customer message reaches a closed handoff (a late delivery may predate the close,
    and it changes the latest score).
    """
    if handoff.closed_at is None:
        handoff.closing_frustration_score = None
        return
    last = session.execute(
        select(Message.frustration_score)
        .where(
            Message.handoff_id == handoff.id,
            Message.sender == "customer",
            Message.frustration_score.is_not(None),
            Message.sent_at <= handoff.closed_at,
        )
        .order_by(Message.sent_at.desc(), Message.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    handoff.closing_frustration_score = (
        last if last is not None else handoff.latest_frustration_score
    )


def recent_scored_messages(
    handoff: Handoff, *, session: Session, limit: int = RECENT_MESSAGES
) -> list[Message]:
    """The last ``limit`` customer messages with a reading, oldest first."""
    rows = session.execute(
        select(Message)
        .where(
            Message.handoff_id == handoff.id,
            Message.sender == "customer",
            Message.frustration_score.is_not(None),
        )
        .order_by(Message.sent_at.desc(), Message.id.desc())
        .limit(limit)
    ).scalars()
    return list(reversed(list(rows)))
