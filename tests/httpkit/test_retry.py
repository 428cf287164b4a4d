"""The shared retry policy: exponential, capped, optional equal jitter, optional limit."""

from __future__ import annotations

import pytest

from httpkit.retry import RetryPolicy


def test_without_jitter_the_step_doubles_from_base_up_to_the_cap() -> None:
    policy = RetryPolicy(base_seconds=2, cap_seconds=60, jitter=False)
    assert [policy.delay(n) for n in range(1, 8)] == [2, 4, 8, 16, 32, 60, 60]


def test_a_fixed_interval_is_base_equal_to_cap() -> None:
    policy = RetryPolicy(base_seconds=5, cap_seconds=5, jitter=False)
    assert {policy.delay(n) for n in range(1, 20)} == {5}


@pytest.mark.parametrize(("draw", "expected"), [(0.0, 4.0), (0.5, 6.0), (1.0, 8.0)])
def test_jitter_waits_between_half_and_all_of_the_step(draw: float, expected: float) -> None:
    policy = RetryPolicy(base_seconds=1, cap_seconds=900)
    assert policy.delay(4, rng=lambda: draw) == expected


def test_the_limit_counts_failed_attempts_and_none_means_never() -> None:
    limited = RetryPolicy(base_seconds=1, cap_seconds=1, max_attempts=3)
    assert [limited.gives_up(n) for n in (1, 2, 3, 4)] == [False, False, True, True]
    assert not RetryPolicy(base_seconds=1, cap_seconds=1).gives_up(10**6)
