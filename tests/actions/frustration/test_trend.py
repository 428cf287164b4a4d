"""Trend helpers: slope, steady rise, falling sentiment."""

import pytest

from actions.frustration.trend import falling, slope, steady_rise


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
