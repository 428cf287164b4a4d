"""Score one customer message with the frustration detector and keep the timeline short.

The detector (actions/frustration/) is pure; this module reads its inputs from
the tracker and turns its result into slot values. Only the slots whose value
changed are set: Rasa stores, re-reads and re-sends every event of a session.

The ``frustration_timeline`` slot holds only the last ``TIMELINE_WINDOW`` turns,
so each turn's SlotSet event has the same small size however long the
conversation is (it held up to 50 entries, re-sent whole on every turn: the
session grew by O(turns²) timeline data, issue 17). Every event stays in the
tracker, so the whole series is rebuilt from them where it is read
(:func:`full_timeline`: the handoff summary's chart, the session report's
highest score).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions import names
from actions.frustration import TurnInput, TurnResult, get_detector

# Say "I'm sorry this has been frustrating" at most once in this many turns.
ACKNOWLEDGE_EVERY_TURNS = 3
# Turns the slot keeps: this one and those ``should_acknowledge`` looks back at.
TIMELINE_WINDOW = ACKNOWLEDGE_EVERY_TURNS
# Intents whose own answer already apologises or brings in a person.
NO_ACKNOWLEDGEMENT_INTENTS = frozenset(
    {names.INTENT_COMPLAINT, names.INTENT_REQUEST_HUMAN, names.INTENT_END_HANDOFF}
)


@dataclass(frozen=True)
class Scored:
    """One scored message: the detector's result, its new state and the slot's last turns with this one."""

    result: TurnResult
    state: dict[str, Any]
    timeline: list[dict[str, Any]]


def previous_bot_text(tracker: Tracker) -> str | None:
    """The bot's last message before the customer's latest one.

    None when that message was an agent's: the detector reads it for signs of the
    bot failing ("sorry, I couldn't find…"), and an agent's "sorry for the wait"
    is not the bot failing.
    """
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                return None
            seen_user = True
        elif event.get("event") == "bot" and seen_user and event.get("text"):
            if (event.get("metadata") or {}).get("source") == "agent":
                return None
            return event["text"]
    return None


def changed_slots(tracker: Tracker, values: dict[str, Any]) -> list[EventType]:
    """SlotSet events for the values that differ from the tracker's.

    Rasa stores and re-reads every event of a session on each message, so a
    slot that did not change (a calm level, no reasons) is not set again.
    """
    return [
        SlotSet(name, value) for name, value in values.items() if tracker.get_slot(name) != value
    ]


def turn_input(tracker: Tracker, message: dict[str, Any]) -> TurnInput:
    """What the detector reads of this message: text, intent and the bot's line before it."""
    intent = (message.get("intent") or {}).get("name")
    is_fallback = intent == names.INTENT_NLU_FALLBACK
    confidence = (message.get("intent") or {}).get("confidence")
    if is_fallback and message.get("intent_ranking"):
        # The fallback's own confidence says nothing: the best real intent's does.
        ranking = [
            item
            for item in message["intent_ranking"]
            if item.get("name") != names.INTENT_NLU_FALLBACK
        ]
        confidence = ranking[0].get("confidence") if ranking else confidence
    return TurnInput(
        text=message.get("text") or "",
        intent=intent,
        confidence=confidence,
        is_fallback=is_fallback,
        form_failures_total=int(tracker.get_slot(names.SLOT_FAILED_FORM_ATTEMPTS) or 0),
        previous_bot_text=previous_bot_text(tracker),
    )


def score_message(tracker: Tracker, message: dict[str, Any]) -> Scored:
    """The detector's reading of this message, with the timeline entry of this turn appended."""
    detector = get_detector()
    result, state = detector.score_turn(
        turn_input(tracker, message), tracker.get_slot(names.SLOT_FRUSTRATION_STATE)
    )
    timeline = [
        entry
        for entry in tracker.get_slot(names.SLOT_FRUSTRATION_TIMELINE) or []
        if _turn_of(entry) is not None
    ]
    timeline.append(
        {
            "turn": (_turn_of(timeline[-1]) or 0) + 1 if timeline else 1,
            "score": round(result.score, 3),
            "level": result.level,
            "during_handoff": bool(tracker.get_slot(names.SLOT_HANDOFF_ACTIVE)),
        }
    )
    return Scored(result, state, timeline[-TIMELINE_WINDOW:])


def _turn_of(entry: Any) -> int | None:
    """The turn number of a timeline entry; None for anything that is not one."""
    if isinstance(entry, Mapping) and isinstance(entry.get("turn"), int) and entry["turn"] >= 1:
        return int(entry["turn"])
    return None


def timeline_from_events(
    events: Iterable[Mapping[str, Any]],
    current: Any = None,
    keep: int | None = None,
) -> list[dict[str, Any]]:
    """The whole frustration timeline, rebuilt from the slot's events (the last ``keep`` turns).

    Each turn's SlotSet holds the last few turns, so every turn is in some event;
    a later event's entry for a turn wins (it may add ``acknowledged``). A
    restart or the slot set empty starts the series afresh, as the slot did.
    ``current`` is the slot's value now, which wins over the events (a tracker
    may hold the slot without its events). ``keep`` defaults to the detector's
    ``timeline_max``, the bound the handoff contract was sized for.
    """
    series: dict[int, dict[str, Any]] = {}

    def merge(value: Any) -> None:
        if not value:
            series.clear()
            return
        for entry in value if isinstance(value, list) else []:
            turn = _turn_of(entry)
            if turn is not None:
                series[turn] = dict(entry)

    for event in events:
        kind = event.get("event")
        if kind == "restart":
            series.clear()
        elif kind == "slot" and event.get("name") == names.SLOT_FRUSTRATION_TIMELINE:
            merge(event.get("value"))
    if current is not None:
        for entry in current if isinstance(current, list) else []:
            turn = _turn_of(entry)
            if turn is not None:
                series[turn] = dict(entry)
    keep = get_detector().config.timeline_max if keep is None else keep
    return [series[turn] for turn in sorted(series)][-keep:] if keep > 0 else []


def full_timeline(tracker: Tracker, keep: int | None = None) -> list[dict[str, Any]]:
    """The conversation's whole frustration timeline (the slot holds only its last turns)."""
    return timeline_from_events(
        tracker.events, tracker.get_slot(names.SLOT_FRUSTRATION_TIMELINE), keep
    )


def should_acknowledge(
    result: TurnResult, intent: str | None, timeline: list[dict[str, Any]]
) -> bool:
    """Frustrated, but no handoff yet: notice it now instead of answering as if all is well.

    The detector waits for a trend before handing off (one bad turn must not
    escalate a calm conversation), but a customer who has just written "that's
    useless" should hear that the bot noticed, and how to reach a person. Not
    repeated on every turn: at most once in ``ACKNOWLEDGE_EVERY_TURNS``.
    """
    if result.level != "frustrated" or result.escalate or intent in NO_ACKNOWLEDGEMENT_INTENTS:
        return False
    earlier = timeline[-ACKNOWLEDGE_EVERY_TURNS:-1] if len(timeline) > 1 else []
    return not any(entry.get("acknowledged") for entry in earlier)


def frustration_slots(scored: Scored) -> dict[str, Any]:
    """The frustration slots' values after this turn (compared with the tracker's by the caller).

    The NLU fallback count is the detector's own counter (a frustration signal and
    a summary fact): the slot publishes it, so both start afresh at a hand-back.
    """
    result = scored.result
    fallbacks = (scored.state.get("counters") or {}).get("fallbacks", 0)
    return {
        names.SLOT_NLU_FALLBACK_COUNT: float(fallbacks),
        names.SLOT_FRUSTRATION_SCORE: round(result.score, 4),
        names.SLOT_FRUSTRATION_LEVEL: result.level,
        names.SLOT_FRUSTRATION_TREND: round(result.trend, 4),
        names.SLOT_FRUSTRATION_REASONS: list(result.reasons),
        names.SLOT_FRUSTRATION_TIMELINE: scored.timeline,
        names.SLOT_FRUSTRATION_STATE: scored.state,
    }
