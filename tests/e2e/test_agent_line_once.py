"""An agent's line appended twice (the inbox's retry racing its first call) shows once.

The inbox marks each agent line with its outbox ``delivery_id`` and sends it again when
the first call's answer is lost. When Rasa is slower than the inbox's timeout, the first
call can still be waiting for the conversation's lock when the retry's check finds
nothing, and both land: the customer read the reply twice. The real Rasa server
(launch_rasa, rasa_server.idempotent_append) now leaves out a line whose
``delivery_id`` and text the conversation already holds, under the lock.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx

from tests.e2e.test_internal_notes_every_channel import SocketIOCustomer
from tests.stack import Stack, wait_for


def _line(text: str, delivery_id: int) -> list[dict[str, Any]]:
    metadata = {"source": "agent", "agent": {"name": "Sam"}, "delivery_id": delivery_id}
    return [{"event": "bot", "text": text, "metadata": metadata}]


def _append(stack: Stack, sender: str, events: list[dict[str, Any]]) -> None:
    response = httpx.post(
        f"{stack.rasa_url}/conversations/{sender}/tracker/events",
        params={
            "token": stack.rasa_token,
            "output_channel": "latest",
            "execute_side_effects": "true",
        },
        json=events,
        timeout=60,
    )
    assert response.status_code == 200, response.text


def test_the_same_line_appended_twice_is_stored_and_sent_once(stack: Stack) -> None:
    sender = f"web-{uuid.uuid4().hex[:10]}"
    customer = SocketIOCustomer(stack.rasa_url, sender)
    try:
        customer.write("hello")
        wait_for(customer.received, timeout=60, message="the bot's greeting")
        line = "Sam here: I've asked the depot to call you today."
        _append(stack, sender, _line(line, 9001))
        _append(stack, sender, _line(line, 9001))  # the retry of a call that was applied
        _append(stack, sender, _line(line, 9002))  # the agent really says it again
        _append(stack, sender, _line("Anything else?", 9003))

        def heard() -> list[str]:
            return [json.loads(data).get("text", "") for data in customer.received()]

        # The socket delivers in order: once the last line is there, every earlier one is.
        wait_for(lambda: "Anything else?" in heard(), timeout=30, message="the last line")
        assert heard().count(line) == 2
        tracker = httpx.get(
            f"{stack.rasa_url}/conversations/{sender}/tracker",
            params={"token": stack.rasa_token},
            timeout=30,
        ).json()
        stored = [
            (event["metadata"]["delivery_id"], event["text"])
            for event in tracker["events"]
            if event["event"] == "bot" and "delivery_id" in (event.get("metadata") or {})
        ]
        assert stored == [(9001, line), (9002, line), (9003, "Anything else?")]
    finally:
        customer.client.disconnect()
