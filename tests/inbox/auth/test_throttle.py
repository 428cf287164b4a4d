"""The login throttle: back-off per account and per IP, in memory and shared through Redis."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator

import pytest
import redis

from inbox.auth.throttle import LoginThrottle, MemoryStore, Policy, RedisStore, wait_message

REDIS_URL = "redis://127.0.0.1:6379/0"
POLICY = Policy(account_free=5, ip_free=20, base_seconds=1.0, cap_seconds=300.0)


class Clock:
    """Time that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def _redis_up() -> None:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return
    except OSError:
        pytest.fail("Redis is not reachable on 127.0.0.1:6379 (.ci/run starts it)")


@pytest.fixture()
def prefix() -> Iterator[str]:
    """A Redis key prefix of this test only; its keys are deleted afterwards."""
    value = f"test-login-{uuid.uuid4().hex}:"
    yield value
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{value}*"))
    if keys:
        client.delete(*keys)
    client.close()


def _make(kind: str, prefix: str, clock: Clock) -> LoginThrottle:
    if kind == "redis":
        _redis_up()
        return LoginThrottle(RedisStore(REDIS_URL, prefix), POLICY, clock)
    return LoginThrottle(MemoryStore(), POLICY, clock)


@pytest.fixture(params=["memory", "redis"])
def throttle(request: pytest.FixtureRequest, prefix: str) -> LoginThrottle:
    return _make(request.param, prefix, Clock())


def _fail_until_blocked(throttle: LoginThrottle, username: str, ip: str) -> list[int]:
    """Attempts until the first refusal; the waits returned (0 = counted)."""
    waits = []
    for _ in range(100):
        waits.append(throttle.try_attempt(username, ip))
        if waits[-1]:
            return waits
    return waits


def test_an_account_gets_five_free_failures_then_a_doubling_wait(throttle: LoginThrottle) -> None:
    clock = throttle.clock
    assert _fail_until_blocked(throttle, "sam", "10.0.0.1") == [0, 0, 0, 0, 0, 1]
    observed = []
    for _ in range(6):
        wait = throttle.try_attempt("sam", "10.0.0.1")
        observed.append(wait)
        clock.now += wait  # wait exactly as told ...
        assert throttle.try_attempt("sam", "10.0.0.1") == 0  # ... and the next try is allowed
    assert observed == [1, 2, 4, 8, 16, 32]


def test_the_wait_is_capped_so_nobody_is_locked_out(throttle: LoginThrottle) -> None:
    clock = throttle.clock
    for _ in range(40):
        clock.now += throttle.try_attempt("sam", "10.0.0.1")
        throttle.try_attempt("sam", "10.0.0.1")
    assert 0 < throttle.try_attempt("sam", "10.0.0.1") <= 300


def test_guesses_from_many_addresses_share_the_account_limit(throttle: LoginThrottle) -> None:
    allowed = sum(1 for i in range(50) if throttle.try_attempt("sam", f"10.0.0.{i % 10}") == 0)
    assert allowed == POLICY.account_free


def test_usernames_differing_in_case_are_one_account(throttle: LoginThrottle) -> None:
    for name in ("sam", "SAM", "Sam", " sam", "sAm"):
        throttle.try_attempt(name, "10.0.0.1")
    assert throttle.try_attempt("sam", "10.0.0.2") > 0


def test_one_address_trying_many_accounts_is_slowed_down(throttle: LoginThrottle) -> None:
    allowed = sum(1 for i in range(60) if throttle.try_attempt(f"user{i}", "10.0.0.9") == 0)
    assert allowed == POLICY.ip_free
    assert throttle.try_attempt("someone-else", "10.0.0.10") == 0  # other addresses are unaffected


def test_success_clears_the_account_and_gives_the_address_its_attempt_back(
    throttle: LoginThrottle,
) -> None:
    for _ in range(4):
        throttle.try_attempt("sam", "10.0.0.1")
    assert throttle.try_attempt("sam", "10.0.0.1") == 0  # the right password this time
    throttle.succeeded("sam", "10.0.0.1")
    assert _fail_until_blocked(throttle, "sam", "10.0.0.1") == [0, 0, 0, 0, 0, 1]


def test_an_hour_without_failures_forgets_them() -> None:
    clock = Clock()
    throttle = LoginThrottle(MemoryStore(), POLICY, clock)
    _fail_until_blocked(throttle, "sam", "10.0.0.1")
    clock.now += POLICY.forget_seconds + 1
    assert throttle.try_attempt("sam", "10.0.0.1") == 0


def test_replicas_sharing_redis_share_the_counts(prefix: str) -> None:
    clock = Clock()
    a, b = _make("redis", prefix, clock), _make("redis", prefix, clock)
    for _ in range(POLICY.account_free):
        assert a.try_attempt("sam", "10.0.0.1") == 0
    assert b.try_attempt("sam", "10.0.0.2") == 1
    other_inbox = _make("redis", prefix + "other:", clock)
    assert other_inbox.try_attempt("sam", "10.0.0.1") == 0  # another prefix: another inbox


def test_redis_down_falls_back_to_counting_in_process() -> None:
    throttle = LoginThrottle(RedisStore("redis://127.0.0.1:1/0", "x:"), POLICY, Clock())
    assert _fail_until_blocked(throttle, "sam", "10.0.0.1") == [0, 0, 0, 0, 0, 1]


@pytest.mark.parametrize(
    "seconds, expected",
    [
        (1, "please wait 1 second and try again"),
        (8, "please wait 8 seconds and try again"),
        (90, "please wait 90 seconds and try again"),
        (241, "please wait 5 minutes and try again"),
    ],
)
def test_the_wait_message_is_polite_and_exact_enough(seconds: int, expected: str) -> None:
    message = wait_message(seconds)
    assert expected in message and message.startswith("Too many sign-in attempts")
