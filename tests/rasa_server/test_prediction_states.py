"""A tracker's dialogue states, kept between the policies' calls, equal Rasa's own every time."""

from __future__ import annotations

from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_server import prediction_states

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "domain.yml"))
RULE_ONLY = {"slots": ["escalate"], "loops": []}
ARGUMENTS = [
    {},
    {"omit_unset_slots": True},
    {"ignore_rule_only_turns": True, "rule_only_data": RULE_ONLY},
]


def rasa_states(tracker: DialogueStateTracker, **arguments: object) -> list:
    return prediction_states._ORIGINAL(tracker, DOMAIN, **arguments)  # type: ignore[arg-type]


def turns() -> list[list]:
    return [
        [UserUttered("hi", {"name": "greet", "confidence": 1.0}), ActionExecuted("utter_greet")],
        [
            UserUttered("where is my order", {"name": "order_status", "confidence": 0.9}),
            SlotSet("frustration_score", 0.2),
            ActionExecuted("order_form"),
            ActiveLoop("order_form"),
            SlotSet("requested_slot", "order_number"),
        ],
        [
            UserUttered("I want a person", {"name": "request_human", "confidence": 0.95}),
            SlotSet("escalate", True),
            ActionExecuted("action_handoff_to_human"),
            BotUttered("Bringing in a person"),
        ],
    ]


def test_kept_states_equal_rasa_s_after_every_event_and_survive_editing() -> None:
    tracker = DialogueStateTracker("dana", DOMAIN.slots)
    tracker.update(ActionExecuted("action_listen"))
    for events in turns():
        for event in events:
            tracker.update(event)
            for arguments in ARGUMENTS:
                expected = rasa_states(tracker, **arguments)
                first = prediction_states.past_states(tracker, DOMAIN, **arguments)  # type: ignore[arg-type]
                assert first == expected
                first[-1].clear()  # the featurizer edits the last state in place
                first[-1]["user"] = {"text": "edited"}
                again = prediction_states.past_states(tracker, DOMAIN, **arguments)  # type: ignore[arg-type]
                assert again == expected
        tracker.update(ActionExecuted("action_listen"))


def test_a_second_call_replays_nothing(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    tracker = DialogueStateTracker("dana", DOMAIN.slots)
    for event in [ActionExecuted("action_listen"), *turns()[0]]:
        tracker.update(event)
    calls: list[int] = []
    original = prediction_states._ORIGINAL

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(prediction_states, "_ORIGINAL", counted)
    prediction_states.past_states(tracker, DOMAIN)
    prediction_states.past_states(tracker, DOMAIN)
    assert len(calls) == 1
    tracker.update(ActionExecuted("action_listen"))
    prediction_states.past_states(tracker, DOMAIN)
    assert len(calls) == 2  # a new event: computed again
