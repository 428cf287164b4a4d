"""Trend of the scores across the conversation: follow the direction, not single words.

`trend` is the one number for "where is this customer heading": the detector
reports it, the `frustration_trend` slot stores it, it is relayed to the inbox
and the coaching panel reads its direction from it (inbox/coaching.py applies
the same `DIRECTION_STEP`; tests/inbox/test_coaching_contract.py checks the two
agree on the detector's own output).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

WOBBLE = 0.02  # a step down this small still counts as part of a rise


def slope(values: Sequence[float]) -> float:
    """Least-squares slope per step of `values` (0 for fewer than two points)."""
    n = len(values)
    if n < 2:
        return 0.0
    mean_x = (n - 1) / 2.0
    mean_y = sum(values) / n
    num = sum((i - mean_x) * (v - mean_y) for i, v in enumerate(values))
    den = sum((i - mean_x) ** 2 for i in range(n))
    return num / den


DIRECTION_STEP = 0.05  # trend (score units per turn) from which it is rising / falling


def trend(scores: Sequence[float], window: int) -> float:
    """Where the score is heading now: the mean of the slope over the last `window`
    scores and the latest step.

    A slope alone lags: after 0.5, 0.97, 0.94, 0.83 the four-point slope still
    rises although the customer has been calming for two messages. Averaging in
    the latest step makes a drop show at once, while one step alone would make a
    wobble look like a change of heart.
    """
    if len(scores) < 2:
        return 0.0
    return (slope(scores[-window:]) + (scores[-1] - scores[-2])) / 2.0


def direction(value: float) -> str:
    """ "rising", "falling" or "steady" for a `trend` value."""
    if value >= DIRECTION_STEP:
        return "rising"
    if value <= -DIRECTION_STEP:
        return "falling"
    return "steady"


RISING_STEPS = 2  # a rise is at least this many clear steps up, not one jump


def steady_rise(values: Sequence[float], window: int, min_slope: float) -> bool:
    """The last `window` values rise by at least `min_slope` per step, without a real drop.

    One spike followed by calm is not a rise: no step may go down (a wobble of up
    to `WOBBLE` is tolerated). Nor is a flat line ending in one jump (a typo the
    customer then corrects): at least `RISING_STEPS` steps must each go up by
    half of `min_slope` or more.
    """
    recent = list(values[-window:])
    if len(recent) < window:
        return False
    if slope(recent) < min_slope:
        return False
    steps = [b - a for a, b in itertools.pairwise(recent)]
    if any(step < -WOBBLE for step in steps):
        return False
    return sum(step >= min_slope / 2 for step in steps) >= min(RISING_STEPS, len(steps))


def falling(values: Sequence[float], window: int, min_step: float = 0.05) -> bool:
    """`values` (e.g. sentiment) fell over the last `window` points (at least 3)."""
    recent = list(values[-window:])
    if len(recent) < 3:
        return False
    return recent[-1] < recent[0] - min_step and all(
        b <= a + min_step for a, b in itertools.pairwise(recent)
    )
