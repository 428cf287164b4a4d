"""Trend of the scores across the conversation: follow the direction, not single words."""

from __future__ import annotations

from typing import Sequence

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
    steps = [b - a for a, b in zip(recent, recent[1:])]
    if any(step < -WOBBLE for step in steps):
        return False
    return sum(step >= min_slope / 2 for step in steps) >= min(RISING_STEPS, len(steps))


def falling(values: Sequence[float], window: int, min_step: float = 0.05) -> bool:
    """`values` (e.g. sentiment) fell over the last `window` points (at least 3)."""
    recent = list(values[-window:])
    if len(recent) < 3:
        return False
    return recent[-1] < recent[0] - min_step and all(b <= a + min_step for a, b in zip(recent, recent[1:]))
