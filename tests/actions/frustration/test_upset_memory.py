"""Earlier upset is remembered: a customer who complained for several turns and then
asks politely for a person is handed off as upset, not "calm" (issue 13).

The memory fades turn by turn and is let go only on real calming (thanks, relief,
"perfect", "👍"), not on a polite "ok" or "please". It holds the level at "annoyed"
or above (and so the handoff priority at high), never the score.
"""

from __future__ import annotations

import pytest

from actions.frustration.detector import Detector
from actions.frustration.schema import TurnInput
from actions.frustration.signals.memory import (
    DECAY,
    STILL_UPSET,
    is_real_calming,
    next_upset,
    release,
)
from actions.handoff.summary import priority_from
from tests.actions.frustration.helpers import run_conversation

COMPLAINTS = [
    "my order was supposed to come on monday and it's still not here",
    "that doesn't help at all, I already checked the tracking page",
    "honestly this is so annoying, I needed it for the weekend",
]
REQUEST = "could I speak to someone please?"


def test_a_polite_request_after_several_complaints_is_not_calm(detector: Detector) -> None:
    _, state = run_conversation(detector, COMPLAINTS)
    assert state["upset"] >= 0.8
    request, _ = detector.score_turn(
        TurnInput(text=REQUEST, intent="request_human", confidence=0.95), state
    )
    assert request.escalate and request.trigger == "request"
    assert request.level != "calm", (request.score, request.signals)
    assert STILL_UPSET in request.reasons
    assert priority_from(request.trigger, 0, request.level) in ("high", "urgent")


def test_the_same_request_from_a_calm_customer_stays_calm(detector: Detector) -> None:
    request, state = detector.score_turn(
        TurnInput(text=REQUEST, intent="request_human", confidence=0.95), None
    )
    assert request.trigger == "request"
    assert request.level == "calm" and state["upset"] == 0.0
    assert priority_from(request.trigger, 0, request.level) == "normal"


def test_real_calming_lets_go_of_earlier_upset(detector: Detector) -> None:
    _, state = run_conversation(detector, COMPLAINTS + ["thanks, that helps a lot"])
    assert state["upset"] < 0.1
    request, _ = detector.score_turn(
        TurnInput(text=REQUEST, intent="request_human", confidence=0.95), state
    )
    assert request.level == "calm", (request.score, request.signals)
    assert STILL_UPSET not in request.reasons


def test_one_time_pressure_fact_does_not_hold_the_level(detector: Detector) -> None:
    results, _ = run_conversation(
        detector,
        [
            "Hello, I placed an order three days ago, can I still change the address?",
            "ok, 12 Oak Street",
        ],
    )
    assert results[-1].level == "calm", (results[-1].score, results[-1].reasons)


def test_the_floor_fades_after_neutral_turns(detector: Detector) -> None:
    results, _ = run_conversation(
        detector, [*COMPLAINTS, "it's order 55310", "the blue one, size M"]
    )
    assert results[-2].level != "calm"  # right after the complaints: still upset
    assert STILL_UPSET not in results[-1].reasons  # one neutral message later: faded


def test_a_plain_ok_keeps_earlier_upset(detector: Detector) -> None:
    _, upset = run_conversation(detector, COMPLAINTS)
    _, after_ok = run_conversation(detector, [*COMPLAINTS, "ok"])
    # only the fade of one turn, nothing let go
    assert after_ok["upset"] == pytest.approx(DECAY * upset["upset"], abs=0.01)


def test_the_memory_fades_and_saturates() -> None:
    assert next_upset(1.0, 0.0, 0.0) == pytest.approx(DECAY)
    assert next_upset(0.9, 0.9, 0.0) == 1.0
    assert next_upset(1.0, 0.0, release(0.95, True)) == pytest.approx(DECAY * 0.05)
    assert release(0.5, is_real_calming(False, 0.5)) == 0.0  # "ok", "yes please"
    assert is_real_calming(True, 0.1)  # "perfect", "👍"


def test_a_hand_back_clears_the_memory(detector: Detector) -> None:
    _, state = run_conversation(detector, COMPLAINTS)
    assert detector.reset_state(state)["upset"] == 0.0
