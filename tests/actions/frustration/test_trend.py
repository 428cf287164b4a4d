"""Trend helpers: slope, steady rise, falling sentiment."""

import pytest

from actions.frustration.trend import DIRECTION_STEP, direction, falling, slope, steady_rise, trend


def test_slope_of_a_line_and_of_too_few_points():
    assert slope([0.1, 0.2, 0.3, 0.4]) == pytest.approx(0.1)
    assert slope([0.5]) == 0.0


def test_steady_rise_needs_the_whole_window():
    assert steady_rise([0.2, 0.35, 0.5, 0.65], window=4, min_slope=0.08)
    assert not steady_rise([0.35, 0.5, 0.65], window=4, min_slope=0.08)


def test_a_spike_then_calm_is_not_a_rise():
    assert not steady_rise([0.2, 0.9, 0.3, 0.35], window=4, min_slope=0.08)
    assert not steady_rise([0.2, 0.4, 0.3, 0.5], window=4, min_slope=0.08)


def test_falling_sentiment():
    assert falling([0.5, 0.2, -0.1, -0.4], window=4)
    assert not falling([0.5, -0.4, 0.6], window=4)


def test_a_flat_line_ending_in_one_jump_is_not_a_steady_rise():
    # A customer who typed the wrong postcode once, then the right one.
    assert not steady_rise([0.287, 0.3025, 0.3036, 0.717], window=4, min_slope=0.08)
    assert steady_rise([0.3, 0.31, 0.5, 0.72], window=4, min_slope=0.08)


@pytest.mark.parametrize("history", [[], [0.3], [0.45, 0.6]])
def test_scores_that_fall_from_the_top_read_falling(history):
    # The coaching panel showed "rising" for 0.97 -> 0.94 -> 0.83: the slope over
    # four turns still counted the calm turn before the spike.
    assert direction(trend(history + [0.97, 0.94, 0.83], window=3)) == "falling"


def test_trend_directions():
    assert direction(trend([0.3, 0.5, 0.7], window=3)) == "rising"
    assert direction(trend([0.5, 0.52, 0.5], window=3)) == "steady"
    assert direction(trend([0.3, 0.9, 0.3], window=3)) == "falling"  # a spike that passed
    assert trend([0.4], window=3) == 0.0 and direction(DIRECTION_STEP) == "rising"


def test_the_detector_reports_the_same_trend(detector):
    from actions.frustration.schema import TurnInput

    state = None
    scores = []
    for text in [
        "where is my parcel",
        "this is ridiculous!! still nothing",
        "ok, thanks, that helps",
    ]:
        result, state = detector.score_turn(TurnInput(text=text), state)
        scores.append(result.score)
        assert result.trend == pytest.approx(trend(scores, detector.config.trend_window), abs=1e-4)
    assert result.direction == "falling"
