"""A tracker's dialogue states, kept between the policies' calls, equal Rasa's own every time."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    BotUttered,
    Event,
    FollowupAction,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
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


def test_a_second_call_replays_nothing_and_a_new_event_replays_only_itself(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    tracker = DialogueStateTracker("dana", DOMAIN.slots)
    for events in turns():
        for event in [ActionExecuted("action_listen"), *events]:
            tracker.update(event)
    computed: list[int] = []
    original = Domain.get_active_state

    def counted(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        computed.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Domain, "get_active_state", counted)
    first = prediction_states.past_states(tracker, DOMAIN)
    assert len(computed) == len(first) == 7  # every prior tracker once
    prediction_states.past_states(tracker, DOMAIN)
    assert len(computed) == 7  # no new event: the kept states
    tracker.update(ActionExecuted("action_listen"))
    states = prediction_states.past_states(tracker, DOMAIN)
    assert len(computed) == 7 + 2  # the new step and the current state, not the session again
    assert states == rasa_states(tracker)


def test_the_rule_policy_s_new_dict_of_the_same_rule_data_continues_the_replay(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # RulePolicy builds its rule-only data afresh on every call.
    tracker = DialogueStateTracker("dana", DOMAIN.slots)
    for events in turns():
        for event in [ActionExecuted("action_listen"), *events]:
            tracker.update(event)
    arguments = {"ignore_rule_only_turns": True}
    prediction_states.past_states(tracker, DOMAIN, rule_only_data=dict(RULE_ONLY), **arguments)  # type: ignore[arg-type]
    tracker.update(ActionExecuted("action_listen"))
    computed: list[int] = []
    original = Domain.get_active_state

    def counted(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        computed.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Domain, "get_active_state", counted)
    states = prediction_states.past_states(
        tracker, DOMAIN, rule_only_data=dict(RULE_ONLY), **arguments
    )  # type: ignore[arg-type]
    assert len(computed) <= 2  # the new step and the current state
    monkeypatch.setattr(Domain, "get_active_state", original)
    assert states == rasa_states(tracker, rule_only_data=RULE_ONLY, **arguments)
    other = {"slots": ["escalate", "pending_confirmation"], "loops": []}
    assert prediction_states.past_states(tracker, DOMAIN, rule_only_data=other, **arguments) == (  # type: ignore[arg-type]
        rasa_states(tracker, rule_only_data=other, **arguments)
    )


# Events of every kind Rasa's replay treats differently: forms running (their repeated
# execution undoes the previous one), rejected, deactivated; reverted actions and
# utterances; restarts and new sessions; hidden rule turns; follow-up actions.
INTENTS = ["greet", "order_status", "request_human", "inform", "affirm", "complaint"]
ACTIONS = ["utter_greet", "action_handoff_to_human", "utter_ask_order_number", "action_clarify"]


def random_event(rng: random.Random) -> Event:
    kind = rng.choices(
        [
            "user",
            "listen",
            "action",
            "form",
            "loop",
            "loop_off",
            "slot",
            "bot",
            "rejected",
            "revert_user",
            "revert_action",
            "restart",
            "session",
            "followup",
        ],
        weights=[14, 14, 10, 8, 4, 3, 8, 6, 2, 2, 2, 1, 1, 1],
    )[0]
    if kind == "user":
        intent = rng.choice(INTENTS)
        entities = [{"entity": "order_number", "value": "10482"}] if rng.random() < 0.2 else []
        return UserUttered(
            f"text {rng.randint(0, 3)}", {"name": intent, "confidence": 0.9}, entities
        )
    if kind == "listen":
        return ActionExecuted("action_listen", hide_rule_turn=rng.random() < 0.2)
    if kind == "action":
        return ActionExecuted(rng.choice(ACTIONS), hide_rule_turn=rng.random() < 0.3)
    if kind == "form":
        return ActionExecuted("order_form", hide_rule_turn=rng.random() < 0.3)
    if kind == "loop":
        return ActiveLoop("order_form")
    if kind == "loop_off":
        return ActiveLoop(None)
    if kind == "slot":
        name, value = rng.choice(
            [
                ("escalate", rng.random() < 0.5),
                ("requested_slot", rng.choice(["order_number", "order_verifier", None])),
                ("pending_confirmation", rng.choice([None, "handoff"])),
                ("frustration_score", rng.random()),
            ]
        )
        return SlotSet(name, value)
    if kind == "bot":
        return BotUttered(f"line {rng.randint(0, 3)}")
    if kind == "rejected":
        return ActionExecutionRejected("order_form")
    if kind == "revert_user":
        return UserUtteranceReverted()
    if kind == "revert_action":
        return ActionReverted()
    if kind == "restart":
        return Restarted()
    if kind == "session":
        return SessionStarted()
    return FollowupAction(rng.choice(ACTIONS))


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_replaying_only_new_events_gives_rasa_s_states_after_every_event(seed: int) -> None:
    rng = random.Random(seed)
    tracker = DialogueStateTracker(f"random-{seed}", DOMAIN.slots)
    tracker.update(ActionExecuted("action_listen"))
    for _ in range(160):
        tracker.update(random_event(rng))
        # Not every event is asked about (Rasa asks after some): several events per replay too.
        if rng.random() < 0.6:
            for arguments in ARGUMENTS:
                expected = rasa_states(tracker, **arguments)
                assert prediction_states.past_states(tracker, DOMAIN, **arguments) == expected  # type: ignore[arg-type]


def test_a_form_named_for_the_first_time_late_in_the_session_is_read_as_rasa_reads_it() -> None:
    # Rasa's applied_events looks for form names in the whole session: a form activated
    # late changes how its earlier executions count.
    tracker = DialogueStateTracker("late-form", DOMAIN.slots)
    events = [
        ActionExecuted("action_listen"),
        UserUttered("where", {"name": "order_status", "confidence": 0.9}),
        ActionExecuted("order_form"),
        ActionExecuted("action_listen"),
        UserUttered("10482", {"name": "inform", "confidence": 0.9}),
        ActionExecuted("order_form"),
        ActiveLoop("order_form"),
        ActionExecuted("order_form"),
    ]
    for event in events:
        tracker.update(event)
        for arguments in ARGUMENTS:
            assert prediction_states.past_states(tracker, DOMAIN, **arguments) == rasa_states(  # type: ignore[arg-type]
                tracker, **arguments
            )
