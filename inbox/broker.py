"""In-process publish/subscribe for live pages (server-sent events).

One asyncio queue per connected page. Good for one inbox process; with several
replicas, ``inbox.redis_broker.RedisBroker`` carries the same events over Redis.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from datetime import datetime
from typing import Any

from inbox.schemas import iso_utc

QUEUE_TOPIC = "queue"
_CLOSED = object()


def _encode(value: Any) -> str:
    if isinstance(value, datetime):
        return iso_utc(value)
    return str(value)


def handoff_topic(key: str) -> str:
    return f"handoff:{key}"


class Subscription:
    """An iterator of (event name, JSON text) for one page."""

    def __init__(self, broker: Broker, topic: str) -> None:
        self.broker = broker
        self.topic = topic
        self.queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=1000)

    async def get(self, timeout: float) -> Any | None:
        """Next event, None on timeout, ``_CLOSED`` sentinel on shutdown."""
        try:
            return await asyncio.wait_for(self.queue.get(), timeout)
        except asyncio.TimeoutError:
            return None

    def close(self) -> None:
        self.broker._subs[self.topic].discard(self)


class Broker:
    """Fan-out of events to the subscribers of a topic (call from the event loop)."""

    closed_marker = _CLOSED

    def __init__(self) -> None:
        self._subs: dict[str, set[Subscription]] = defaultdict(set)
        self._versions: dict[str, int] = defaultdict(int)

    def version(self, topic: str) -> int:
        """Number of events published on ``topic`` so far (cache keys)."""
        return self._versions[topic]

    def subscribe(self, topic: str) -> Subscription:
        sub = Subscription(self, topic)
        self._subs[topic].add(sub)
        return sub

    def publish(self, topic: str, event: str, data: dict[str, Any]) -> None:
        """Queue ``event`` for every subscriber; a stalled page loses events, not the server."""
        self.deliver_local(topic, event, json.dumps(data, default=_encode))

    def deliver_local(self, topic: str, event: str, text: str) -> None:
        """Fan an encoded event out to this process's subscribers."""
        self._versions[topic] += 1
        for sub in list(self._subs.get(topic, ())):
            try:
                sub.queue.put_nowait((event, text))
            except asyncio.QueueFull:
                pass

    async def start(self) -> None:
        """Nothing to connect for the in-process bus."""

    async def stop(self) -> None:
        self.close_all()

    def subscriber_count(self, topic: str) -> int:
        return len(self._subs.get(topic, ()))

    def close_all(self) -> None:
        """Wake every stream so it ends (server shutdown)."""
        for subs in self._subs.values():
            for sub in list(subs):
                try:
                    sub.queue.put_nowait(_CLOSED)
                except asyncio.QueueFull:
                    pass
