"""Shares one computed queue answer between the pages that re-read it after an event.

Every queue event makes each connected agent page fetch ``/api/v1/queue``; with many
agents that is the same work many times. The answer (``inbox.queue.answer``: the JSON
and the rows the queue page renders) is cached per (queue version, limit) for a couple
of seconds (waiting times stay fresh enough; pages tick them locally), and one lock
makes simultaneous misses compute it once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class QueueCache(Generic[T]):
    """The queue answer keyed by (version, limit), valid ``ttl`` seconds."""

    def __init__(self, ttl_seconds: float) -> None:
        self.ttl = ttl_seconds
        self._entries: dict[tuple[int, int], tuple[float, T]] = {}
        self._lock = asyncio.Lock()

    def clear(self) -> None:
        """Forget everything (after changes made behind the API's back, e.g. tests)."""
        self._entries = {}

    def _fresh(self, key: tuple[int, int]) -> T | None:
        entry = self._entries.get(key)
        if entry is not None and time.monotonic() - entry[0] < self.ttl:
            return entry[1]
        return None

    async def get(self, version: int, limit: int, compute: Callable[[], Awaitable[T]]) -> T:
        """The cached answer, or ``compute()``'s (stored under the version read before)."""
        key = (version, limit)
        if self.ttl <= 0:
            return await compute()
        body = self._fresh(key)
        if body is not None:
            return body
        async with self._lock:
            body = self._fresh(key)
            if body is None:
                body = await compute()
                self._entries = {k: v for k, v in self._entries.items() if k[0] == version}
                self._entries[key] = (time.monotonic(), body)
            return body
