"""Calming down counts as much as getting angry; a polite request for a person is a request.

The first tests replay what a new user saw in the running product (issue 13);
the parametrised ones are further wording of the same behaviour.
"""

from __future__ import annotations

from typing import Any

import pytest

from actions.frustration.detector import Detector
from actions.frustration.schema import TurnInput, TurnResult
from actions.handoff.customer_messages import acknowledgement
from actions.handoff.summary import priority_from

ANGRY = [
    "where is my order 10482?",
    "it still hasn't arrived, this is ridiculous",
    "I've been waiting two weeks for this!! nobody tells me anything",
]


def angry_state(detector: Detector) -> tuple[TurnResult, dict[str, Any]]:
    """A customer who got angry before the handoff (the agent's messages are not bot text)."""
    state: dict[str, Any] | None = None
    result = None
    for text in ANGRY:
        result, state = detector.score_turn(TurnInput(text=text), state)
    assert result is not None and state is not None and result.level != "calm"
    return result, state


def test_thanks_to_the_agent_calms_at_once(detector: Detector) -> None:
    before, state = angry_state(detector)
    after, new_state = detector.score_turn(
        TurnInput(text="oh wow ok, thank you Sam, that actually helps a lot"), state
    )
    assert after.level == "calm" and after.score < before.score - 0.3
    assert after.direction == "falling"
    assert new_state["carry"] < state["carry"]  # the carried evidence lets go too


def test_a_thumbs_up_calms(detector: Detector) -> None:
    _, state = angry_state(detector)
    after, _ = detector.score_turn(TurnInput(text="👍"), state)
    assert after.level == "calm"


@pytest.mark.parametrize(
    "text",
    [
        "thanks, that helps",
        "perfect",
        "great, sorted",
        "cheers, that's all sorted now",
        "brilliant, that's exactly what I needed",
        "ok great thank you so much 🙏",
        "phew, what a relief, it just arrived",
        "that works, much appreciated",
        "danke, hat geklappt",
        # "oh great" also opens sarcasm; with thanks of its own it is sincere
        "oh great, thank you so much, that really helps",
        "oh perfect, thanks a million",
    ],
)
def test_gratitude_relief_and_approval_calm_an_angry_customer(
    detector: Detector, text: str
) -> None:
    before, state = angry_state(detector)
    after, _ = detector.score_turn(TurnInput(text=text), state)
    assert after.level == "calm", (text, after.score, after.signals)
    assert after.score < before.score


@pytest.mark.parametrize(
    "text",
    [
        "thanks for nothing",
        "great, just great, another delay",
        "thanks, but it still hasn't arrived",
        "thank you but this is useless",
        "oh great, another delay",
        "oh great, thanks for nothing",
        "oh perfect, thanks, it still hasn't come",
    ],
)
def test_sarcasm_and_thanks_with_a_complaint_do_not_calm(detector: Detector, text: str) -> None:
    _, state = angry_state(detector)
    after, _ = detector.score_turn(TurnInput(text=text), state)
    assert after.level != "calm", (text, after.score, after.signals)
    assert "emotion_calm" not in after.signals


def test_a_calm_request_after_a_hand_back_is_a_request_not_frustration(detector: Detector) -> None:
    _, state = angry_state(detector)
    state = detector.reset_state(state, reason="handback")
    result, _ = detector.score_turn(
        TurnInput(
            text="actually can I talk to Sam again please?", intent="request_human", confidence=0.93
        ),
        state,
    )
    assert result.escalate and result.trigger == "request"
    assert result.level == "calm"
    assert (
        acknowledgement(result.trigger, bot_failed=False, level=result.level)
        == "utter_handoff_ack_request"
    )
    # Priority follows the level: a polite request is a normal one.
    assert priority_from(result.trigger, 0, result.level) == "normal"


@pytest.mark.parametrize(
    "text",
    [
        "could I speak to someone from your team please?",
        "Hi, is there a real person I can chat with about a return?",
        "I'd prefer to talk to a human if that's ok",
    ],
)
def test_polite_requests_for_a_person_escalate_calm(detector: Detector, text: str) -> None:
    result, _ = detector.score_turn(TurnInput(text=text), None)
    assert result.escalate and result.trigger == "request"
    assert result.level == "calm", (text, result.score, result.signals)
    assert "request_human" not in result.signals  # it decides the handoff, not the score


def test_an_angry_request_for_a_person_still_sounds_angry(detector: Detector) -> None:
    result, _ = detector.score_turn(
        TurnInput(text="this is useless, get me a real person NOW!!"), None
    )
    assert result.escalate and result.trigger == "request"
    assert result.level == "frustrated", (result.score, result.signals)
    assert (
        acknowledgement(result.trigger, bot_failed=False, level=result.level)
        == "utter_handoff_ack_frustration"
    )
