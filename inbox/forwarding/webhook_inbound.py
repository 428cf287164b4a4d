"""The signed webhook's way back: a desk posts agent replies and status changes.

``POST /api/v1/helpdesks/webhook/actions`` with the same signature the inbox puts on
the events it sends (``inbox.forwarding.webhook``), so one secret serves both ways::

    X-Northwind-Timestamp:  unix seconds (refused outside a 300 s window: a replay)
    X-Northwind-Signature:  v1=<hex HMAC-SHA256(secret, "{timestamp}.{raw body}")>
    Idempotency-Key:        the desk's id for this action (a retry sends the same key)

The body follows ``schemas/desk-action.schema.json`` (published as
docs/helpdesk-action.schema.json). A retry with the same key does nothing again.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from inbox.forwarding.chatwoot_inbound import Refused
from inbox.forwarding.desk_actions import DeskAction
from inbox.forwarding.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify

DESK = "webhook"
IDEMPOTENCY_HEADER = "Idempotency-Key"
SCHEMA_PATH = Path(__file__).parent / "schemas" / "desk-action.schema.json"
KEY = re.compile(r"^[A-Za-z0-9._:\-]{1,100}$")
KINDS = {
    "agent.reply": "reply",
    "conversation.claimed": "claim",
    "conversation.handed_back": "handback",
    "conversation.reopened": "reopen",
}


class Invalid(Exception):
    """Signed correctly but not a valid action: answer 422 with the reason."""


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def authenticate(
    secret: str, timestamp: str | None, signature: str | None, body: bytes, now: float | None = None
) -> None:
    """Refuse anything not signed with the shared secret, or signed too long ago."""
    if not secret:
        raise Refused("the two-way webhook is not configured")
    if not timestamp or not signature:
        raise Refused(f"{TIMESTAMP_HEADER} or {SIGNATURE_HEADER} missing")
    if not verify(secret, timestamp, signature, body, now=now):
        raise Refused("signature does not match, or the timestamp is outside the window")


def parse(body: bytes, idempotency_key: str | None) -> DeskAction:
    """A verified body as a desk action; ``Invalid`` says what is wrong with it."""
    if not idempotency_key or not KEY.match(idempotency_key):
        raise Invalid(f"{IDEMPOTENCY_HEADER} header required (1-100 of A-Z a-z 0-9 . _ : -)")
    try:
        payload = json.loads(body)
    except ValueError:
        raise Invalid("body is not JSON") from None
    errors = sorted(
        jsonschema.Draft7Validator(schema()).iter_errors(payload), key=lambda e: list(e.path)
    )
    if errors:
        where = "/".join(str(p) for p in errors[0].path) or "body"
        raise Invalid(f"{where}: {errors[0].message}"[:300])
    kind = KINDS[payload["type"]]
    return DeskAction(
        desk=DESK,
        kind=kind,
        handoff_key=payload["handoff_key"],
        agent_id=payload["agent"]["id"],
        agent_name=payload["agent"]["name"],
        text=payload.get("text", "") if kind == "reply" else payload.get("resolution", ""),
        external_id=idempotency_key,
    )
