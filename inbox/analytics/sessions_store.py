"""Bot sessions as the action server reports them (analytics: share resolved by the bot).

A session may be reported several times (first customer message, handoff, goodbye)
and reports may arrive late, twice or out of order (the bot's outbox retries). The
merge is therefore monotonic and order-free: turns, last-seen time and the highest
score only grow, ``handed_off`` never goes back to false, and a handed-off session's
outcome stays ``handed_off``. Replaying any report changes nothing.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inbox.analytics.schemas import BotSessionIn
from inbox.models import BotSession


def _max(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else max(a, b)


def _find(data: BotSessionIn, *, session: Session) -> BotSession | None:
    result: BotSession | None = session.execute(
        select(BotSession)
        .where(
            BotSession.conversation_id == data.conversation_id,
            BotSession.session_started_at == data.session_started_at,
        )
        .with_for_update()
    ).scalar_one_or_none()
    return result


def merge(row: BotSession, data: BotSessionIn) -> None:
    """Fold a report into the stored session (see the module docstring)."""
    newer = data.last_seen_at >= row.last_seen_at
    row.user_turns = max(row.user_turns, data.user_turns)
    row.last_seen_at = max(row.last_seen_at, data.last_seen_at)
    row.handed_off = bool(row.handed_off or data.handed_off)
    row.max_frustration_score = _max(row.max_frustration_score, data.max_frustration_score)
    if row.handed_off:
        row.outcome = "handed_off"
    elif data.outcome is not None and (newer or row.outcome is None):
        row.outcome = data.outcome
    if row.channel == "unknown" and data.channel != "unknown":
        row.channel = data.channel


def upsert_bot_session(data: BotSessionIn, *, session: Session) -> tuple[BotSession, bool]:
    """Create or merge the session of ``data``. Returns (row, created)."""
    row = _find(data, session=session)
    if row is not None:
        merge(row, data)
        return row, False
    row = BotSession(
        conversation_id=data.conversation_id,
        session_started_at=data.session_started_at,
        channel=data.channel,
        last_seen_at=max(data.last_seen_at, data.session_started_at),
        user_turns=data.user_turns,
        handed_off=data.handed_off,
        max_frustration_score=data.max_frustration_score,
        outcome="handed_off" if data.handed_off else data.outcome,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        # Lost a race with another report of the same session: merge into the winner.
        existing = _find(data, session=session)
        if existing is None:
            raise
        merge(existing, data)
        return existing, False
    return row, True
