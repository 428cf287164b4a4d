"""A small reference help desk for the two-way signed webhook (docs/helpdesks.md).

It is what a team writes to connect a desk the inbox has no module for:

* receives the inbox's events (``POST /hooks``): checks the signature and the replay
  window on the raw body, then keeps each event id once and builds a conversation per
  ``handoff_key`` (the customer's messages, the agents' replies, the status);
* posts what its agents do back to ``POST /api/v1/helpdesks/webhook/actions``, signed
  the same way, each with its own ``Idempotency-Key`` (a retry reuses it).

Standard library plus httpx only, so it can be copied out of the tests as a start.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from .fakes import FakeService, Recorded, Reply

TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """The receiver's check: recent timestamp, signature over ``{timestamp}.{raw body}``."""
    timestamp = headers.get("x-northwind-timestamp", "")
    try:
        if abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
            return False
    except ValueError:
        return False
    return hmac.compare_digest(
        sign(secret, timestamp, body), headers.get("x-northwind-signature", "")
    )


@dataclass
class DeskConversation:
    handoff_key: str
    status: str = "new"
    customer: list[str] = field(default_factory=list)  # customer messages, in order
    agents: list[tuple[str, str, str]] = field(default_factory=list)  # (agent, source, text)
    claimed_by: str = ""


class ReferenceDesk(FakeService):
    """Receives the inbox's signed events and sends its agents' actions back."""

    def __init__(self, secret: str, inbox_url: str = "") -> None:
        super().__init__()
        self.secret = secret
        self.inbox_url = inbox_url
        self.seen: set[str] = set()
        self.conversations: dict[str, DeskConversation] = {}
        self.rejected = 0

    # ------------------------------------------------------------ inbox → desk

    def handle(self, record: Recorded) -> Reply:
        if record.method != "POST" or record.path != "/hooks":
            return self.reply(404, {"error": "not found"})
        if not verify(self.secret, record.headers, record.body):
            self.rejected += 1
            return self.reply(401, {"error": "bad signature"})
        event = record.json()
        if event["id"] in self.seen:
            return self.reply(200, {"duplicate": True})  # a retry: acknowledged, not redone
        self.seen.add(event["id"])
        data = event["data"]
        conversation = self.conversations.setdefault(
            data["handoff_key"], DeskConversation(data["handoff_key"])
        )
        kind = event["type"]
        if kind == "handoff.created":
            conversation.status = "open"
        elif kind == "handoff.message":
            conversation.customer.append(data["text"])
        elif kind == "handoff.agent_message":
            conversation.agents.append((data["agent"], data["source"], data["text"]))
        elif kind == "handoff.claimed":
            conversation.claimed_by = data["agent"]
        elif kind in ("handoff.resolved", "handoff.handed_back"):
            conversation.status = "closed"
        elif kind == "handoff.reopened":
            conversation.status = "open"
        return self.reply(200, {"received": True})

    # ------------------------------------------------------------ desk → inbox

    def signed_post(
        self, action: dict[str, Any], key: str | None = None, timestamp: str | None = None
    ) -> httpx.Response:
        """Post one action, signed; ``key`` is its idempotency key (new one when omitted)."""
        body = json.dumps(action).encode()
        stamp = timestamp or str(int(time.time()))
        return httpx.post(
            f"{self.inbox_url}/api/v1/helpdesks/webhook/actions",
            content=body,
            headers={
                "Content-Type": "application/json",
                "X-Northwind-Timestamp": stamp,
                "X-Northwind-Signature": sign(self.secret, stamp, body),
                "Idempotency-Key": key or f"desk-{uuid.uuid4().hex}",
            },
            timeout=10,
        )

    def agent_reply(
        self, handoff_key: str, text: str, agent: tuple[str, str], key: str | None = None
    ) -> httpx.Response:
        return self.signed_post(
            {
                "type": "agent.reply",
                "handoff_key": handoff_key,
                "agent": {"id": agent[0], "name": agent[1]},
                "text": text,
            },
            key,
        )

    def status_change(
        self, handoff_key: str, kind: str, agent: tuple[str, str], resolution: str | None = None
    ) -> httpx.Response:
        action: dict[str, Any] = {
            "type": kind,
            "handoff_key": handoff_key,
            "agent": {"id": agent[0], "name": agent[1]},
        }
        if resolution is not None:
            action["resolution"] = resolution
        answer = self.signed_post(action)
        if answer.status_code in (200, 201) and handoff_key in self.conversations:
            # The inbox does not echo a desk's own change back to it: keep it here.
            self.conversations[handoff_key].status = (
                "closed" if kind == "conversation.handed_back" else "open"
            )
        return answer
