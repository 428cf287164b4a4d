"""How often someone may try to log in: exponential back-off per account and per IP.

Every attempt is counted against the account (lower-cased username, known or not,
so the limit does not reveal which accounts exist) and against the client's IP.
The first ``free`` failures of a key cost nothing; after that the next attempt is
allowed only once ``base * 2 ** (failures - free)`` seconds have passed since the
last one, capped at ``cap`` seconds. Nobody is locked out: the wait is bounded and
announced, and a successful login clears the account's count. An hour without
failures forgets a key.

Why both keys: per (username, IP) alone let 50 guesses through from 10 local
addresses, and let an attacker on the victim's IP lock the victim out for the
whole window. Per account stops guessing from many addresses; per IP (with a
larger allowance, since a team may share one address) stops one address from
trying many accounts.

An attempt is counted *before* the password is checked and undone for the IP on
success, so parallel guesses cannot all slip in before the first failure lands.

Where counts live: in Redis when the inbox has ``INBOX_REDIS_URL`` (every replica
shares them; one Lua script checks and counts atomically), in this process
otherwise. If Redis fails the process falls back to its own counts, never to none.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import redis

log = logging.getLogger(__name__)

BASE_SECONDS = 1.0
FORGET_SECONDS = 3600
IP_ALLOWANCE_FACTOR = 4  # an IP gets this many times an account's free failures


@dataclass(frozen=True)
class Policy:
    """Free failures before the back-off and its longest wait."""

    account_free: int = 5
    ip_free: int = 5 * IP_ALLOWANCE_FACTOR
    base_seconds: float = BASE_SECONDS
    cap_seconds: float = 300.0
    forget_seconds: int = FORGET_SECONDS


def backoff_seconds(failures: int, free: int, policy: Policy) -> float:
    """The delay owed after ``failures`` counted attempts (0 while within ``free``)."""
    if failures < free:
        return 0.0
    return min(policy.base_seconds * 2 ** min(failures - free, 62), policy.cap_seconds)


def wait_message(seconds: int) -> str:
    """A polite sentence telling someone how long to wait before the next try."""
    if seconds <= 90:
        span = "1 second" if seconds == 1 else f"{seconds} seconds"
    else:
        minutes = math.ceil(seconds / 60)
        span = f"{minutes} minutes"
    return f"Too many sign-in attempts. For your security, please wait {span} and try again."


class Store(Protocol):
    """Counts per key; ``try_attempt`` checks and counts in one atomic step."""

    def try_attempt(self, keys: list[tuple[str, int]], now: float, policy: Policy) -> float: ...
    def clear(self, key: str) -> None: ...
    def undo(self, key: str) -> None: ...
    def reset(self) -> None: ...


class MemoryStore:
    """Counts in this process (one inbox without Redis)."""

    MAX_KEYS = 100_000  # spraying random usernames must not grow memory without bound

    def __init__(self) -> None:
        self._counts: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def try_attempt(self, keys: list[tuple[str, int]], now: float, policy: Policy) -> float:
        with self._lock:
            if len(self._counts) > self.MAX_KEYS:
                self._forget_stale(now, policy)
            wait = 0.0
            for key, free in keys:
                failures, last = self._counts.get(key, (0, 0.0))
                if now - last > policy.forget_seconds:
                    failures = 0
                wait = max(wait, last + backoff_seconds(failures, free, policy) - now)
            if wait > 0:
                return wait
            for key, _free in keys:
                failures, last = self._counts.get(key, (0, 0.0))
                if now - last > policy.forget_seconds:
                    failures = 0
                self._counts[key] = (failures + 1, now)
            return 0.0

    def _forget_stale(self, now: float, policy: Policy) -> None:
        for key in [
            k for k, (_f, last) in self._counts.items() if now - last > policy.forget_seconds
        ]:
            del self._counts[key]

    def clear(self, key: str) -> None:
        with self._lock:
            self._counts.pop(key, None)

    def undo(self, key: str) -> None:
        with self._lock:
            failures, last = self._counts.get(key, (0, 0.0))
            if failures > 1:
                self._counts[key] = (failures - 1, last)
            else:
                self._counts.pop(key, None)

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()


# KEYS: the hashes (field f = counted attempts, t = time of the last one).
# ARGV: now, base, cap, forget, then one "free" per key. Mirrors MemoryStore.try_attempt.
_TRY_ATTEMPT = """
local now, base, cap, forget = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local wait = 0
for i, key in ipairs(KEYS) do
  local free = tonumber(ARGV[4 + i])
  local f = tonumber(redis.call('HGET', key, 'f') or '0')
  local t = tonumber(redis.call('HGET', key, 't') or '0')
  if f >= free then
    local delay = math.min(base * 2 ^ math.min(f - free, 62), cap)
    wait = math.max(wait, t + delay - now)
  end
end
if wait > 0 then return tostring(wait) end
for _, key in ipairs(KEYS) do
  redis.call('HINCRBY', key, 'f', 1)
  redis.call('HSET', key, 't', ARGV[1])
  redis.call('EXPIRE', key, forget)
end
return '0'
"""

_UNDO = """
local f = redis.call('HINCRBY', KEYS[1], 'f', -1)
if f <= 0 then redis.call('DEL', KEYS[1]) end
return f
"""


class RedisStore:
    """Counts in Redis, shared by every inbox replica using the same Redis and prefix."""

    def __init__(self, url: str, prefix: str) -> None:
        self.prefix = prefix
        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._try = self._redis.register_script(_TRY_ATTEMPT)
        self._undo = self._redis.register_script(_UNDO)

    def _key(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def try_attempt(self, keys: list[tuple[str, int]], now: float, policy: Policy) -> float:
        args = [repr(now), policy.base_seconds, policy.cap_seconds, policy.forget_seconds]
        result = self._try(
            keys=[self._key(k) for k, _ in keys], args=args + [free for _, free in keys]
        )
        return float(result)

    def clear(self, key: str) -> None:
        self._redis.delete(self._key(key))

    def undo(self, key: str) -> None:
        self._undo(keys=[self._key(key)])

    def reset(self) -> None:
        keys = list(self._redis.scan_iter(match=f"{self.prefix}*", count=500))
        if keys:
            self._redis.delete(*keys)


class LoginThrottle:
    """The login limit the inbox consults; see the module docstring for the rules."""

    def __init__(
        self, store: Store, policy: Policy, clock: Callable[[], float] = time.time
    ) -> None:
        self.store = store
        self.policy = policy
        self.clock = clock
        self._fallback: MemoryStore | None = (
            None if isinstance(store, MemoryStore) else MemoryStore()
        )

    @staticmethod
    def _keys(username: str, ip: str) -> tuple[str, str]:
        return f"account:{username.strip().lower()}", f"ip:{ip}"

    def _call(self, method: str, *args: object) -> object:
        try:
            return getattr(self.store, method)(*args)
        except redis.RedisError as exc:
            if self._fallback is None:
                raise
            log.warning("login throttle: Redis failed (%s); counting in this process", exc)
            return getattr(self._fallback, method)(*args)

    def try_attempt(self, username: str, ip: str) -> int:
        """Count an attempt and return 0, or return the whole seconds to wait (nothing counted)."""
        account, address = self._keys(username, ip)
        keys = [(account, self.policy.account_free), (address, self.policy.ip_free)]
        wait = float(self._call("try_attempt", keys, self.clock(), self.policy))  # type: ignore[arg-type]
        return math.ceil(wait) if wait > 0 else 0

    def succeeded(self, username: str, ip: str) -> None:
        """The password was right: clear the account's count, take this attempt off the IP's."""
        account, address = self._keys(username, ip)
        self._call("clear", account)
        self._call("undo", address)

    def reset(self) -> None:
        """Forget every count (tests, and an admin after an incident)."""
        self._call("reset")
        if self._fallback is not None:
            self._fallback.reset()


def build_throttle(
    redis_url: str, redis_namespace: str, account_free: int, cap_seconds: float
) -> LoginThrottle:
    """The throttle for an inbox's settings: Redis-backed when ``redis_url`` is set.

    Keys are ``<redis_namespace>:login:...``: replicas of one inbox (same event
    channel) share them and two inboxes on one Redis keep theirs apart.
    """
    policy = Policy(
        account_free=account_free,
        ip_free=account_free * IP_ALLOWANCE_FACTOR,
        cap_seconds=cap_seconds,
    )
    store: Store = (
        RedisStore(redis_url, f"{redis_namespace}:login:") if redis_url else MemoryStore()
    )
    return LoginThrottle(store, policy)
