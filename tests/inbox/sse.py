"""Read a conversation's server-sent events in a thread (for the live-update tests)."""

from __future__ import annotations

import json
import threading


def read_events(
    inbox, key: str, wanted: int, received: list[tuple], ready: threading.Event
) -> None:
    """Collect (event, data) pairs until `wanted` arrived; `ready` is set once subscribed."""
    client = inbox.agent("sam")
    with client.stream("GET", f"/api/v1/handoffs/{key}/events", timeout=10) as stream:
        name = None
        for line in stream.iter_lines():
            if line.startswith("event: "):
                name = line[7:]
                if name == "ready":
                    ready.set()
            elif line.startswith("data: ") and name not in (None, "ready"):
                received.append((name, json.loads(line[6:])))
                if len(received) >= wanted:
                    return
