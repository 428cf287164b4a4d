"""The detector's readings on customer messages, and the handoff's latest one.

Separate from ``crud.handoffs`` so storing a message stays one small function and
the reading is applied in one place (live coaching and analytics read these columns).
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox import schemas
from inbox.coaching import RECENT_MESSAGES
from inbox.models import Handoff, Message


def message_reading(reading: Optional[schemas.FrustrationIn]) -> Dict[str, Any]:
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


def note_latest(handoff: Handoff, reading: Optional[schemas.FrustrationIn]) -> None:
    """Make the reading the handoff's latest (live coaching and analytics read it).

    Without a reading the handoff keeps what it had: coaching then shows the level
    the bot handed off with.
    """
    if reading is None:
        return
    handoff.latest_frustration_score = reading.score
    handoff.latest_frustration_level = reading.level
    handoff.latest_frustration_trend = reading.trend


def escalation_score(summary: Dict[str, Any]) -> Optional[float]:
    """The score the bot handed off with (``summary.escalation.score``), if it is a number 0..1."""
    escalation = summary.get("escalation")
    score = escalation.get("score") if isinstance(escalation, dict) else None
    if isinstance(score, (int, float)) and not isinstance(score, bool) and 0 <= score <= 1:
        return float(score)
    return None


def recent_scored_messages(handoff: Handoff, *, session: Session, limit: int = RECENT_MESSAGES) -> List[Message]:
    """The last ``limit`` customer messages with a reading, oldest first."""
    rows = session.execute(
        select(Message)
        .where(Message.handoff_id == handoff.id, Message.sender == "customer",
               Message.frustration_score.is_not(None))
        .order_by(Message.sent_at.desc(), Message.id.desc())
        .limit(limit)
    ).scalars()
    return list(reversed(list(rows)))
