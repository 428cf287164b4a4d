"""One trend, one truth: the coaching panel reads the detector's own output.

The action server relays the detector's reading of each customer message
(actions.turn_scoring.relay_frustration); the inbox turns the stored readings
into the panel (inbox.conversation.coaching.coach). These tests feed one side's output into
the other side's input, so the panel's direction is always the trend slot's.
"""

from __future__ import annotations

from typing import Any

from actions.frustration import TurnInput, get_detector
from actions.frustration.trend import DIRECTION_STEP, direction, trend
from actions.turn_scoring import relay_frustration
from inbox.conversation.coaching import FALLING_CUE, RISING_CUE, TREND_STEP, Reading, coach


def reading(relayed: dict[str, Any]) -> Reading:
    return Reading(
        score=relayed["score"],
        level=relayed["level"],
        trend=relayed["trend"],
        signals=relayed["signals"],
    )


def test_both_sides_cut_the_trend_at_the_same_step() -> None:
    assert TREND_STEP == DIRECTION_STEP


def test_the_panel_follows_the_detector_turn_by_turn() -> None:
    detector = get_detector()
    state = None
    readings: list[Reading] = []
    texts = [
        "hi, where is my order 10482?",
        "no, that's not it. it still hasn't arrived and it's been two weeks!!",
        "this is ridiculous, I am fed up waiting",
        "oh ok, thank you, that actually helps a lot",
        "👍",
    ]
    for text in texts:
        result, state = detector.score_turn(TurnInput(text=text), state)
        readings.append(reading(relay_frustration(result)))
        panel = coach(readings)
        assert panel.direction == result.direction
        assert (panel.score, panel.level) == (round(result.score, 3), result.level)
    assert readings[-2].level == readings[-1].level == "calm"
    assert panel.direction == "falling" and [cue.text for cue in panel.cues] == [FALLING_CUE]


def test_a_thank_you_clears_the_cues_of_its_own_words() -> None:
    thanks = Reading(
        score=0.18, level="calm", trend=-0.58, signals={"correction": 0.92}
    )  # "that *actually* helps"
    panel = coach(
        [Reading(score=0.94, level="frustrated", trend=0.14, signals={"profanity": 1.2}), thanks]
    )
    assert [cue.text for cue in panel.cues] == [FALLING_CUE]


def test_falling_scores_from_the_top_say_falling_and_old_cues_expire() -> None:
    scores = [0.45, 0.97, 0.94, 0.83]
    readings = [
        Reading(
            score=s,
            level="frustrated" if s >= 0.71 else "calm",
            trend=round(trend(scores[: i + 1], 3), 4),
            signals={"correction": 1.2} if i == 1 else {},
        )
        for i, s in enumerate(scores)
    ]
    panel = coach(readings)
    assert panel.direction == "falling" == direction(readings[-1].trend)
    assert [cue.text for cue in panel.cues] == [FALLING_CUE]
    assert RISING_CUE not in [cue.text for cue in panel.cues]
