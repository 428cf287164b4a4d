"""Optional: the live-update bus over Redis pub/sub, for several inbox replicas.

Enabled by ``INBOX_REDIS_URL``. Every replica publishes its events to one Redis
channel and fans out what it receives (its own events included) to its pages, so an
agent connected to replica A sees a handoff created through replica B. If Redis is
unreachable an event is still delivered to this replica's pages.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

import redis.asyncio as aioredis

from inbox.broker import Broker, _encode

log = logging.getLogger(__name__)
CHANNEL = "inbox:events"


class RedisBroker(Broker):
    """``Broker`` whose publish goes through Redis."""

    def __init__(self, url: str, channel: str = CHANNEL) -> None:
        super().__init__()
        self.url = url
        self.channel = channel
        self._redis: aioredis.Redis | None = None
        self._reader: asyncio.Task | None = None
        self._ready = asyncio.Event()
        self._sending: set[asyncio.Task] = set()  # strong references until sent

    async def start(self) -> None:
        """Connect and start relaying; returns once the subscription is active."""
        self._redis = aioredis.from_url(self.url)
        self._reader = asyncio.create_task(self._relay())
        await asyncio.wait_for(self._ready.wait(), 10)

    async def stop(self) -> None:
        self.close_all()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._redis is not None:
            await self._redis.close()

    def publish(self, topic: str, event: str, data: dict[str, Any]) -> None:
        """Send through Redis; the local version moves now so no cached read goes stale."""
        self._versions[topic] += 1
        text = json.dumps(data, default=_encode)
        message = json.dumps({"topic": topic, "event": event, "data": text})
        task = asyncio.get_running_loop().create_task(self._send(topic, event, text, message))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _send(self, topic: str, event: str, text: str, message: str) -> None:
        try:
            assert self._redis is not None
            await self._redis.publish(self.channel, message)
        except Exception as exc:
            log.warning("redis publish failed (%s); delivering locally only", exc)
            self.deliver_local(topic, event, text)

    async def _relay(self) -> None:
        """Receive every replica's events and hand them to local subscribers; reconnects."""
        while True:
            try:
                assert self._redis is not None
                pubsub = self._redis.pubsub()
                await pubsub.subscribe(self.channel)
                self._ready.set()
                async for item in pubsub.listen():
                    if item.get("type") != "message":
                        continue
                    payload = json.loads(item["data"])
                    self.deliver_local(payload["topic"], payload["event"], payload["data"])
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("redis subscription lost (%s); retrying", exc)
                await asyncio.sleep(1)
