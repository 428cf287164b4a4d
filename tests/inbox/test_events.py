"""Server-sent events: a connected agent hears about a new handoff and new messages."""

from __future__ import annotations

import json
import threading

from .helpers import create_handoff


def _read_events(client, path: str, wanted: int, out: list[tuple], ready: threading.Event) -> None:
    event = None
    with client.stream("GET", path, timeout=10) as response:
        for line in response.iter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                if event == "ready":
                    ready.set()
                else:
                    out.append((event, json.loads(line[6:])))
                    if len(out) >= wanted:
                        return


def test_queue_stream_announces_a_new_handoff(inbox):
    sam = inbox.agent("sam")
    events: list[tuple] = []
    ready = threading.Event()
    reader = threading.Thread(
        target=_read_events, args=(sam, "/api/v1/events", 1, events, ready), daemon=True
    )
    reader.start()
    assert ready.wait(10)
    key = create_handoff(inbox.bot())["handoff_key"]
    reader.join(10)
    assert events == [("queue", {"reason": "created", "handoff_key": key})]


def test_conversation_stream_carries_customer_messages(inbox):
    bot = inbox.bot()
    key = create_handoff(bot)["handoff_key"]
    sam = inbox.agent("sam")
    events: list[tuple] = []
    ready = threading.Event()
    reader = threading.Thread(
        target=_read_events,
        args=(sam, f"/api/v1/handoffs/{key}/events", 1, events, ready),
        daemon=True,
    )
    reader.start()
    assert ready.wait(10)
    bot.post(
        f"/api/v1/handoffs/{key}/messages", json={"message_id": "m1", "text": "hello?"}
    ).raise_for_status()
    reader.join(10)
    assert events[0][0] == "message" and events[0][1]["text"] == "hello?"
