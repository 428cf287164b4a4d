"""The frustration timeline: a small slot per turn, the whole series rebuilt from the events (issue 17)."""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.frustration import get_detector
from actions.handoff import session_report
from actions.handoff.actions import ActionHandoffToHuman
from actions.turn.frustration import TIMELINE_WINDOW, full_timeline, timeline_from_events
from actions.turn_scoring import ActionValidateSlotMappings
from tests.actions.conftest import DOMAIN, bot, make_tracker, slot, slot_values, user

LINES = [
    ("where is my order?", "order_status"),
    ("how much is shipping", "shipping_costs"),
    ("THIS IS USELESS, I'll cancel my account!!", "complaint"),
    ("do you take paypal", "payment_methods"),
    ("thanks", "thank"),
]


async def converse(turns: int) -> tuple[list[dict[str, Any]], dict[str, Any], list[int]]:
    """``turns`` customer messages scored as Rasa runs it: the events, the slots, each SlotSet's size."""
    events: list[dict[str, Any]] = []
    slots: dict[str, Any] = {}
    sizes: list[int] = []
    for number in range(1, turns + 1):
        text, intent = LINES[number % len(LINES)]
        events += [bot("Anything else?"), user(text, intent, message_id=f"m{number}")]
        returned = await ActionValidateSlotMappings().run(
            CollectingDispatcher(), make_tracker(events, slots), DOMAIN
        )
        for event in returned:
            event = {**event, "timestamp": None}
            if event["name"] == "frustration_timeline":
                sizes.append(len(json.dumps(event["value"])))
            events.append(event)
        slots.update(slot_values(returned))
    return events, slots, sizes


async def test_each_turn_sets_a_timeline_of_the_same_small_size() -> None:
    _, slots, sizes = await converse(60)
    assert len(sizes) == 60  # every turn has its entry
    assert len(slots["frustration_timeline"]) == TIMELINE_WINDOW
    # The 60th turn's event is no larger than the 5th's (it was 50 entries, growing every turn).
    assert max(sizes[4:]) <= max(sizes[:5]) + 40
    assert [entry["turn"] for entry in slots["frustration_timeline"]] == [58, 59, 60]


async def test_the_whole_series_is_rebuilt_from_the_events() -> None:
    events, slots, _ = await converse(12)
    tracker = make_tracker(events, slots)
    timeline = full_timeline(tracker)
    assert [entry["turn"] for entry in timeline] == list(range(1, 13))
    scores = [
        event["value"][-1]["score"]
        for event in events
        if event.get("name") == "frustration_timeline"
    ]
    assert [entry["score"] for entry in timeline] == scores
    # Bounded as the slot was: the last ``timeline_max`` turns.
    assert [e["turn"] for e in full_timeline(tracker, keep=5)] == [8, 9, 10, 11, 12]
    assert get_detector().config.timeline_max >= 12


def test_a_later_event_wins_and_a_restart_starts_afresh() -> None:
    first = {"turn": 1, "score": 0.2, "level": "calm"}
    second = {"turn": 2, "score": 0.8, "level": "frustrated"}
    acknowledged = {**second, "acknowledged": True}
    events = [
        slot("frustration_timeline", [first]),
        slot("frustration_timeline", [first, second]),
        slot("frustration_timeline", [first, acknowledged]),
    ]
    assert timeline_from_events(events) == [first, acknowledged]
    restarted = [*events, {"event": "restart"}, slot("frustration_timeline", [first])]
    assert timeline_from_events(restarted) == [first]
    assert timeline_from_events([*events, slot("frustration_timeline", [])]) == []


async def test_the_summary_and_the_session_report_read_the_whole_series(inbox) -> None:
    events, slots, _ = await converse(10)
    # The highest score is out of the slot's window: only the events still hold it.
    peak = max(
        (entry for entry in full_timeline(make_tracker(events, slots))), key=lambda e: e["score"]
    )
    assert peak["turn"] not in {e["turn"] for e in slots["frustration_timeline"]}
    events.append(user("I want to talk to a person", "request_human", message_id="m-person"))
    tracker = make_tracker(events, slots)

    report = session_report.build(tracker, score=0.0)
    assert report is not None and report.max_frustration_score == round(peak["score"], 4)

    await ActionHandoffToHuman().run(CollectingDispatcher(), tracker, DOMAIN)
    (handoff,) = inbox.handoffs.values()
    chart = handoff["summary"]["escalation"]["timeline"]
    assert [point["turn"] for point in chart] == list(range(1, 11))
    assert chart[peak["turn"] - 1]["score"] == peak["score"]
