"""Chatwoot's webhooks, read as desk actions (docs/helpdesks.md, "Chatwoot → inbox").

Chatwoot POSTs ``message.webhook_data`` or ``conversation.webhook_data`` merged with
``event`` (app/listeners/webhook_listener.rb) to the API inbox's webhook URL and to
account webhooks. Three events matter:

* ``message_created`` with ``message_type`` ``outgoing`` and ``private`` false: an
  agent answered the customer → ``reply`` (deduplicated by Chatwoot's message id).
  Private notes, incoming messages (our own copies of the customer's) and messages
  from agent bots are never relayed.
* ``conversation_status_changed``: ``resolved`` → ``handback`` (what was settled is the
  agent's last public message); ``open`` after that → ``reopen`` (the bot pauses again).
* ``conversation_updated`` whose ``changed_attributes`` name ``assignee_id`` → ``claim``.

Which handoff: the conversation's ``additional_attributes.northwind_handoff_key``, set
when the inbox created it; the route also checks that the Chatwoot conversation id is
the one the inbox created for that handoff, so an attribute copied onto another
conversation relays nothing.

Authentication: the webhook URL carries ``?token=`` (Chatwoot's webhooks have no
configurable header), compared in constant time; when a webhook secret is set, the
``X-Chatwoot-Signature`` header (``sha256=`` + hex HMAC-SHA256 of ``{timestamp}.{raw body}``
with ``X-Chatwoot-Timestamp``) must match as well, within ``TOLERANCE_SECONDS``.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Any

from inbox.forwarding.desk_actions import DeskAction

DESK = "chatwoot"
SIGNATURE_HEADER = "X-Chatwoot-Signature"
TIMESTAMP_HEADER = "X-Chatwoot-Timestamp"
TOLERANCE_SECONDS = 300


class Refused(Exception):
    """The request is not from our Chatwoot: answer 401, log why, relay nothing."""


def check_token(expected: str, given: str | None) -> None:
    if not expected or not given or not hmac.compare_digest(expected.encode(), given.encode()):
        raise Refused("missing or wrong token")


def check_signature(
    secret: str,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    now: float | None = None,
) -> None:
    """Newer Chatwoot signs each delivery; when a secret is configured the signature is required."""
    if not secret:
        return
    if not timestamp or not signature:
        raise Refused(f"{SIGNATURE_HEADER} or {TIMESTAMP_HEADER} missing")
    try:
        age = abs((time.time() if now is None else now) - int(timestamp))
    except ValueError:
        raise Refused(f"{TIMESTAMP_HEADER} is not a number") from None
    if age > TOLERANCE_SECONDS:
        raise Refused(f"{TIMESTAMP_HEADER} outside the {TOLERANCE_SECONDS} s window (a replay?)")
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(f"sha256={mac}", signature):
        raise Refused("signature does not match")


@dataclass(frozen=True)
class Parsed:
    """A webhook as a desk action (or ``None`` with the reason it is ignored)."""

    action: DeskAction | None
    conversation_id: int | None
    ignored: str = ""


def _obj(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one (webhook shapes vary by version)."""
    return value if isinstance(value, dict) else {}


def _conversation(payload: dict[str, Any]) -> dict[str, Any]:
    """The conversation: nested in message events, the payload itself in conversation events."""
    nested = payload.get("conversation")
    return nested if isinstance(nested, dict) else payload


def _handoff_key(conversation: dict[str, Any]) -> str:
    attributes = conversation.get("additional_attributes")
    key = attributes.get("northwind_handoff_key") if isinstance(attributes, dict) else None
    return key if isinstance(key, str) else ""


def _assignee(conversation: dict[str, Any]) -> dict[str, Any]:
    return _obj(_obj(conversation.get("meta")).get("assignee"))


def _name(person: dict[str, Any]) -> str:
    return str(person.get("available_name") or person.get("name") or "").strip()


def _changed(payload: dict[str, Any], attribute: str) -> bool:
    """``changed_attributes`` is a list of ``{attribute: {previous_value, current_value}}``."""
    changes = payload.get("changed_attributes")
    if isinstance(changes, dict):
        changes = [changes]
    return any(isinstance(c, dict) and attribute in c for c in changes or [])


def parse(payload: Any) -> Parsed:
    """Read one webhook body; never raises on an unexpected shape (it is ignored instead)."""
    if not isinstance(payload, dict):
        return Parsed(None, None, "not a JSON object")
    event = payload.get("event")
    conversation = _conversation(payload)
    key = _handoff_key(conversation)
    raw_id = conversation.get("id")
    conversation_id: int | None = raw_id if isinstance(raw_id, int) else None
    if conversation_id is None and str(raw_id or "").isdigit():
        conversation_id = int(str(raw_id))
    if not key or conversation_id is None:
        return Parsed(None, conversation_id, "not a conversation the inbox created")
    if event == "message_created":
        sender = _obj(payload.get("sender"))
        content = payload.get("content")
        if (
            payload.get("message_type") not in ("outgoing", 1)
            or payload.get("private") is not False
        ):
            return Parsed(None, conversation_id, "not a public agent message")
        if (
            sender.get("type") not in ("user", None)
            or not isinstance(content, str)
            or not content.strip()
        ):
            return Parsed(None, conversation_id, "not an agent's text")
        if payload.get("id") is None:
            return Parsed(None, conversation_id, "message without an id")
        return Parsed(
            DeskAction(
                desk=DESK,
                kind="reply",
                handoff_key=key,
                agent_id=str(sender.get("id") or "unknown"),
                agent_name=_name(sender),
                text=content,
                external_id=str(payload["id"]),
            ),
            conversation_id,
        )
    assignee = _assignee(conversation)
    # Unassigned: "" lets the inbox credit the desk agent who has the conversation.
    agent_id, agent_name = str(assignee.get("id") or ""), _name(assignee)
    if event == "conversation_status_changed":
        status = conversation.get("status")
        kind = {"resolved": "handback", "open": "reopen"}.get(str(status))
        if kind is None:
            return Parsed(None, conversation_id, f"status {status} changes nothing here")
        return Parsed(DeskAction(DESK, kind, key, agent_id, agent_name), conversation_id)
    if event == "conversation_updated":
        if not _changed(payload, "assignee_id") or not assignee.get("id"):
            return Parsed(None, conversation_id, "no new assignee")
        return Parsed(DeskAction(DESK, "claim", key, agent_id, agent_name), conversation_id)
    return Parsed(None, conversation_id, f"event {event} is not used")
