"""Tracker copies from a replay kept per tracker equal Rasa's copy-by-replay in every part."""

from __future__ import annotations

import random
from typing import Any

import pytest
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_server import tracker_copy
from tests.rasa_server.test_prediction_states import DOMAIN, random_event


def rasa_copy(tracker: DialogueStateTracker) -> DialogueStateTracker:
    return tracker_copy._ORIGINAL(tracker)


def _event(value: Any) -> Any:
    if isinstance(value, (UserUttered, BotUttered)):
        return (type(value).__name__, value.as_dict() | {"timestamp": None})
    return value


def state(tracker: DialogueStateTracker) -> dict[str, Any]:
    """Every attribute, events by identity, slots by their attributes."""
    result = dict(vars(tracker))
    result["events"] = (
        type(tracker.events),
        tracker.events.maxlen,
        [id(e) for e in tracker.events],
    )
    result["slots"] = {name: (type(s), vars(s)) for name, s in tracker.slots.items()}
    for name in ("latest_message", "latest_bot_utterance"):
        value = result[name]
        # Rasa's placeholders are new objects per copy; a logged message is the event itself.
        result[name] = id(value) if any(value is e for e in tracker.events) else _event(value)
    return result


def assert_same_copy(tracker: DialogueStateTracker) -> DialogueStateTracker:
    ours, expected = tracker_copy.tracker_copy(tracker), rasa_copy(tracker)
    assert type(ours) is type(expected)
    assert state(ours) == state(expected)
    return ours


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_a_copy_after_any_events_equals_rasa_s_and_is_its_own(seed: int) -> None:
    rng = random.Random(seed)
    tracker = DialogueStateTracker(f"random-{seed}", DOMAIN.slots)
    tracker.model_id = "model-1"  # Rasa's copy does not carry it: events on a copy get none
    tracker.update(ActionExecuted("action_listen"))
    for _ in range(150):
        for _ in range(rng.choice([1, 1, 3])):
            tracker.update(random_event(rng))
        copied = assert_same_copy(tracker)
        # What Rasa does with its copy (a rejected action's events) stays in the copy.
        if copied.active_loop is not None:
            copied.active_loop.is_interrupted = not copied.active_loop.is_interrupted
        copied.update(SlotSet("escalate", True))
        copied.update(ActiveLoop("order_form"))
        copied.latest_action["action_name"] = "edited"  # type: ignore[index]
        copied.latest_message.entities.append({"entity": "edited"})  # type: ignore[union-attr]
        copied.latest_message.entities.pop()  # type: ignore[union-attr]
    assert_same_copy(tracker)


def test_a_copy_replays_only_the_events_added_since(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    tracker = DialogueStateTracker("count", DOMAIN.slots)
    for _ in range(40):
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(UserUttered("hi", {"name": "greet"}))
    tracker_copy.tracker_copy(tracker)
    applied: list[int] = []
    original = DialogueStateTracker.update

    def counted(self, event, domain=None):  # type: ignore[no-untyped-def]
        applied.append(1)
        return original(self, event, domain)

    monkeypatch.setattr(DialogueStateTracker, "update", counted)
    tracker.update(ActionExecuted("utter_greet"))
    applied.clear()
    tracker_copy.tracker_copy(tracker)
    assert len(applied) == 1  # the new event, not the session's 81
    monkeypatch.setattr(DialogueStateTracker, "update", original)
    assert_same_copy(tracker)


def test_changed_events_slots_or_identity_start_the_replay_again() -> None:
    tracker = DialogueStateTracker("dana", DOMAIN.slots)
    for event in [ActionExecuted("action_listen"), UserUttered("hi", {"name": "greet"})]:
        tracker.update(event)
    assert_same_copy(tracker)
    tracker.events.pop()  # the last replayed event gone
    tracker.update(UserUttered("hello", {"name": "greet"}))
    assert_same_copy(tracker)
    tracker.sender_id = "someone else"
    assert_same_copy(tracker)
    tracker.slots = {name: slot for name, slot in list(tracker.slots.items())[:3]}
    assert_same_copy(tracker)


def test_a_tracker_without_domain_slots_or_with_a_bounded_history_is_copied_by_rasa() -> None:
    free = DialogueStateTracker("free", None)  # slots made on the fly: init_copy differs later
    bounded = DialogueStateTracker("bounded", DOMAIN.slots, max_event_history=4)
    for tracker in (free, bounded):
        for value in ("a", "b", "c"):
            tracker.update(SlotSet(f"slot_{value}", value))
            tracker.update(ActionExecuted("action_listen"))
            assert_same_copy(tracker)
            assert tracker_copy._KEPT not in vars(tracker)


def test_an_event_rasa_s_replay_stops_at_is_copied_by_rasa() -> None:
    tracker = DialogueStateTracker("nan", DOMAIN.slots)
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered("hi", {"name": "greet"}, timestamp=float("nan")))
    tracker.update(ActionExecuted("utter_greet"))
    copied = assert_same_copy(tracker)
    assert len(copied.events) == 1
