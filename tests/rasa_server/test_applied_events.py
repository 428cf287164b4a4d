"""A tracker's applied events, folded from its new events only, equal Rasa's own every time."""

from __future__ import annotations

import random
from collections import deque

import pytest
from rasa.shared.core.events import ActionExecuted, ActiveLoop, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_server import applied_events
from tests.rasa_server.test_prediction_states import DOMAIN, random_event


def rasa_applied(tracker: DialogueStateTracker) -> list:
    return applied_events._ORIGINAL(tracker)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_folding_only_new_events_gives_rasa_s_applied_events_after_every_event(seed: int) -> None:
    # Forms (repeated executions undo earlier ones), reverts, restarts, sessions, rejections.
    rng = random.Random(seed)
    tracker = DialogueStateTracker(f"random-{seed}", DOMAIN.slots)
    tracker.update(ActionExecuted("action_listen"))
    for _ in range(200):
        for _ in range(rng.choice([1, 1, 2, 5])):  # several events between calls too
            tracker.update(random_event(rng))
        expected = rasa_applied(tracker)
        got = applied_events.applied_events(tracker)
        assert len(got) == len(expected)
        assert all(a is b for a, b in zip(got, expected))


def test_a_form_named_late_refolds_the_session_as_rasa_does() -> None:
    tracker = DialogueStateTracker("late-form", DOMAIN.slots)
    for event in [
        ActionExecuted("action_listen"),
        UserUttered("where", {"name": "order_status", "confidence": 0.9}),
        ActionExecuted("order_form"),
        ActionExecuted("action_listen"),
        UserUttered("10482", {"name": "inform", "confidence": 0.9}),
        ActionExecuted("order_form"),
    ]:
        tracker.update(event)
    before = applied_events.applied_events(tracker)
    assert before == rasa_applied(tracker)
    late = [ActiveLoop("order_form"), ActionExecuted("order_form")]
    for event in late:  # earlier order_form runs now count as the loop's
        tracker.update(event)
    expected = rasa_applied(tracker)
    assert len(expected) < len(before) + len(late)  # continuing the old fold would differ
    assert applied_events.applied_events(tracker) == expected


def test_callers_get_their_own_list_and_edited_events_start_again() -> None:
    tracker = DialogueStateTracker("edits", DOMAIN.slots)
    for event in [ActionExecuted("action_listen"), UserUttered("hi", {"name": "greet"})]:
        tracker.update(event)
    first = applied_events.applied_events(tracker)
    first.clear()  # a caller editing its list changes nothing kept
    assert applied_events.applied_events(tracker) == rasa_applied(tracker)
    tracker.events.pop()  # the last folded event gone: fold again
    tracker.update(ActionExecuted("utter_greet"))
    assert applied_events.applied_events(tracker) == rasa_applied(tracker)
    tracker.events = deque([ActionExecuted("action_listen")])  # another container
    assert applied_events.applied_events(tracker) == rasa_applied(tracker)


def test_a_second_call_folds_no_old_event(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    tracker = DialogueStateTracker("count", DOMAIN.slots)
    for _ in range(50):
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(UserUttered("hi", {"name": "greet"}))
    applied_events.applied_events(tracker)
    folded: list[int] = []
    original = applied_events.fold

    def counted(tracker, names, applied, new):  # type: ignore[no-untyped-def]
        folded.append(len(new))
        return original(tracker, names, applied, new)

    monkeypatch.setattr(applied_events, "fold", counted)
    tracker.update(ActionExecuted("utter_greet"))
    assert applied_events.applied_events(tracker) == rasa_applied(tracker)
    assert folded == [1]


def test_a_bounded_history_is_rasa_s_own() -> None:
    tracker = DialogueStateTracker("bounded", DOMAIN.slots, max_event_history=3)
    for _ in range(5):
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(UserUttered("hi", {"name": "greet"}))
        assert applied_events.applied_events(tracker) == rasa_applied(tracker)
