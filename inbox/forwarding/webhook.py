"""Generic signed webhook: the event as JSON, signed like Stripe's and Slack's.

Headers on every attempt::

    X-Northwind-Event-Id:   evt_…   (the same on every retry: deduplicate on it)
    X-Northwind-Timestamp:  unix seconds of this attempt
    X-Northwind-Signature:  v1=<hex HMAC-SHA256(secret, "{timestamp}.{raw body}")>

Signing the timestamp with the body lets a receiver refuse replays: reject anything
older than a few minutes (``verify`` below does, with a 5 minute tolerance).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import httpx

from inbox.forwarding.base import Job, SaveProgress, Target, request

SIGNATURE_HEADER = "X-Northwind-Signature"
TIMESTAMP_HEADER = "X-Northwind-Timestamp"
EVENT_ID_HEADER = "X-Northwind-Event-Id"
TOLERANCE_SECONDS = 300


def body_bytes(event: dict[str, Any]) -> bytes:
    """The exact bytes sent (and signed)."""
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``v1=`` + hex HMAC-SHA256 of ``{timestamp}.{body}``."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def verify(
    secret: str,
    timestamp: str,
    signature: str,
    body: bytes,
    tolerance: float = TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """What a receiver does: the signature matches and the timestamp is recent."""
    try:
        age = abs((time.time() if now is None else now) - int(timestamp))
    except ValueError:
        return False
    return age <= tolerance and hmac.compare_digest(sign(secret, timestamp, body), signature)


class WebhookTarget(Target):
    """POSTs each event to one URL, signed with the shared secret."""

    name = "webhook"

    def __init__(self, url: str, secret: str) -> None:
        self.url = url
        self.secret = secret

    def headers(
        self, event: dict[str, Any], body: bytes, timestamp: str | None = None
    ) -> dict[str, str]:
        timestamp = timestamp or str(int(time.time()))
        return {
            "Content-Type": "application/json",
            EVENT_ID_HEADER: event["id"],
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(self.secret, timestamp, body),
        }

    async def send(self, job: Job, client: httpx.AsyncClient, save_progress: SaveProgress) -> None:
        body = body_bytes(job.payload)
        # Signed per attempt: a retry carries a fresh timestamp, so it is not taken for a replay.
        await request(
            client,
            "POST",
            self.url,
            "webhook",
            content=body,
            headers=self.headers(job.payload, body),
        )
