"""The shared queue answer: computed once per queue version, recomputed after a change."""

from __future__ import annotations

import asyncio

from inbox.queue.cache import QueueCache


def test_one_computation_per_version_and_limit():
    calls = []

    async def compute() -> bytes:
        calls.append(1)
        await asyncio.sleep(0)
        return str(len(calls)).encode()

    async def run() -> list:
        cache = QueueCache(ttl_seconds=60)
        together = await asyncio.gather(*(cache.get(1, 100, compute) for _ in range(5)))
        return together + [await cache.get(1, 50, compute), await cache.get(2, 100, compute)]

    answers = asyncio.run(run())
    assert answers == [b"1"] * 5 + [b"2", b"3"]
    assert len(calls) == 3


def test_zero_ttl_always_computes():
    calls = []

    async def compute() -> bytes:
        calls.append(1)
        return b"x"

    async def run() -> None:
        cache = QueueCache(ttl_seconds=0)
        await cache.get(1, 100, compute)
        await cache.get(1, 100, compute)

    asyncio.run(run())
    assert len(calls) == 2
