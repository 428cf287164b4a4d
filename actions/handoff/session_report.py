"""Report each bot session to the inbox, so analytics know the share the bot resolved alone.

The inbox only hears of conversations that were handed off; this module tells it
about the others (``PUT /api/v1/bot-sessions``, docs/analytics.md). A session is one
Rasa session of one conversation, keyed by (conversation id, ``session_started``
timestamp). It is reported three times at most:

* at the customer's first message of the session (so the session exists), and again
  every ``REFRESH_EVERY_TURNS`` messages, so ``last_seen_at`` (which tells a session in
  progress from one that went quiet) is never more than a few messages old;
* when the bot hands it to a person (``handed_off``);
* when the customer says goodbye or thanks outside the order form (``outcome:
  resolved_by_bot``; a "thanks" while the form still waits for an answer is not the
  end; the inbox keeps ``handed_off`` once set, so thanks after a hand-back does not
  count).

Delivery: through the durable outbox (kind ``session_report``, keyed by
conversation, so one conversation's reports keep their order and survive an inbox
outage), but *enqueue only*. The action writes one local row, bounded by
``ENQUEUE_TIMEOUT_SECONDS``, and returns; the outbox worker delivers in the
background, and the customer's inline sends never carry these items. A failure of
any kind is logged and dropped here: a lost report costs a figure, never a turn.
The inbox merges reports monotonically, so a retry or a late report is harmless.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Tracker

from actions import names
from actions.customer_turns import typed_by_customer
from actions.to_inbox.inbox_outbox import KIND_SESSION_REPORT
from actions.turn.frustration import full_timeline

logger = logging.getLogger(__name__)

ENQUEUE_TIMEOUT_SECONDS = 0.5
REFRESH_EVERY_TURNS = 5
ENDING_INTENTS = frozenset({names.INTENT_GOODBYE, names.INTENT_THANK})
RESOLVED_BY_BOT = "resolved_by_bot"
HANDED_OFF = "handed_off"
KEY_LIMIT = 64  # the outbox's key column

Sink = Callable[[str, str, dict], Awaitable[Any]]
# Tests replace this; None means the process's outbox (``delivery.send_later``).
SINK: Sink | None = None


@dataclass(frozen=True)
class SessionReport:
    """What the inbox stores for a session (``BotSessionIn`` on the inbox side)."""

    conversation_id: str
    session_started_at: str
    channel: str
    last_seen_at: str
    user_turns: int
    handed_off: bool
    max_frustration_score: float | None
    outcome: str | None

    def payload(self) -> dict[str, Any]:
        return asdict(self)


def iso(timestamp: float) -> str:
    """A Rasa event timestamp as ISO-8601 UTC with microseconds (the session key must be exact)."""
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).isoformat().replace("+00:00", "Z")


def _since_session_start(
    events: Iterable[Mapping[str, Any]],
) -> tuple[float | None, list[Mapping[str, Any]]]:
    """The latest ``session_started`` timestamp (else the first event's) and the events after it."""
    events = list(events)
    for index in range(len(events) - 1, -1, -1):
        if events[index].get("event") == "session_started":
            return events[index].get("timestamp"), events[index + 1 :]
    return (events[0].get("timestamp") if events else None), events


def highest_score(tracker: Tracker, score: float | None) -> float | None:
    """The highest frustration of the bot's part of the conversation so far (timeline and now)."""
    timeline = full_timeline(tracker)  # the slot holds the last turns only
    scores = [
        float(entry["score"])
        for entry in timeline
        if isinstance(entry, dict)
        and not entry.get("during_handoff")
        and isinstance(entry.get("score"), (int, float))
    ]
    if score is not None:
        scores.append(float(score))
    return max(scores) if scores else None


def build(
    tracker: Tracker, *, score: float | None, handed_off: bool = False, outcome: str | None = None
) -> SessionReport | None:
    """The report for the tracker's current session; None without a customer message."""
    started, events = _since_session_start(tracker.events)
    turns = [event for event in events if typed_by_customer(event)]
    if started is None or not turns:
        return None
    score = highest_score(tracker, score)
    return SessionReport(
        conversation_id=tracker.sender_id,
        session_started_at=iso(float(started)),
        channel=(tracker.get_latest_input_channel() or "unknown")[:64],
        last_seen_at=iso(float(turns[-1].get("timestamp") or started)),
        user_turns=len(turns),
        handed_off=handed_off,
        max_frustration_score=None if score is None else round(min(1.0, max(0.0, float(score))), 4),
        outcome=HANDED_OFF if handed_off else outcome,
    )


def for_turn(tracker: Tracker, score: float | None) -> SessionReport | None:
    """A report when this customer message opens the session, refreshes it, or ends it; else None.

    Messages to a person during a handoff are not the bot's: nothing is reported.
    """
    if tracker.get_slot(names.SLOT_HANDOFF_ACTIVE):
        return None
    intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
    in_form = bool((tracker.active_loop or {}).get("name"))
    outcome = RESOLVED_BY_BOT if intent in ENDING_INTENTS and not in_form else None
    report = build(tracker, score=score, outcome=outcome)
    if report is None:
        return None
    refresh = report.user_turns == 1 or report.user_turns % REFRESH_EVERY_TURNS == 0
    return report if refresh or outcome is not None else None


def for_handoff(tracker: Tracker) -> SessionReport | None:
    """The report when the bot hands the session to a person."""
    return build(tracker, score=tracker.get_slot(names.SLOT_FRUSTRATION_SCORE), handed_off=True)


def outbox_key(conversation_id: str) -> str:
    """Per-conversation outbox key (ordering), shortened by hashing when too long."""
    key = f"session:{conversation_id}"
    return (
        key
        if len(key) <= KEY_LIMIT
        else "session:" + hashlib.sha256(conversation_id.encode()).hexdigest()[: KEY_LIMIT - 8]
    )


async def submit(report: SessionReport | None) -> None:
    """Queue ``report`` for delivery; never raises, never waits longer than the timeout."""
    if report is None:
        return
    sink = SINK
    if sink is None:
        from actions.to_inbox import delivery  # the outbox is created on first use, not at import

        sink = delivery.send_later
    try:
        await asyncio.wait_for(
            sink(KIND_SESSION_REPORT, outbox_key(report.conversation_id), report.payload()),
            timeout=ENQUEUE_TIMEOUT_SECONDS,
        )
    except Exception as error:
        logger.warning("session report for %s not queued: %r", report.conversation_id, error)
