"""During a handoff: send each customer message to the agent, exactly once, nothing dropped."""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Tracker

from actions import names
from actions.frustration import TurnResult
from actions.frustration.abuse import ABUSIVE_SIGNALS
from actions.handoff.redaction import redact
from actions.handoff.transcript import iso_time
from actions.to_inbox import delivery
from actions.to_inbox.inbox_outbox import (
    KIND_CONTACT_PREFERENCE,
    KIND_CUSTOMER_ENDED,
    KIND_MESSAGE,
)

logger = logging.getLogger(__name__)

END_HANDOFF_CONFIDENCE = 0.9
# The inbox accepts up to 10,000 characters a message; longer ones go in parts.
RELAY_PART_CHARS = 5000
# The inbox bounds the relayed reading; stay well inside its limits.
RELAY_REASONS = 8
RELAY_SIGNALS = 20

_CLIENT_MESSAGE_ID = re.compile(r"[A-Za-z0-9_.:-]{1,80}")


def latest_user_event(tracker: Tracker) -> dict[str, Any]:
    """The latest UserUttered event (for its timestamp and message id)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return event
    return {}


def relay_message_id(tracker: Tracker, event: dict[str, Any]) -> str:
    """The id the inbox deduplicates a relayed message by.

    The web chat resends a message it saw no acknowledgement for with the same
    ``client_message_id`` (metadata); Rasa gives the resend a new id. When Rasa
    died after relaying but before storing the turn, the customer's resend must
    not reach the agent twice, so the client's id wins when there is one.
    """
    client_id = (event.get("metadata") or {}).get("client_message_id")
    if isinstance(client_id, str) and _CLIENT_MESSAGE_ID.fullmatch(client_id):
        digest = hashlib.sha256(f"{tracker.sender_id}\0{client_id}".encode()).hexdigest()[:40]
        return f"client-{digest}"  # within the inbox's 128 characters, whatever the sender id
    return (tracker.latest_message or {}).get(
        "message_id"
    ) or f"{tracker.sender_id}-{event.get('timestamp')}"


def split_message(text: str, limit: int = RELAY_PART_CHARS) -> list[str]:
    """Cut a long message into parts the inbox accepts, so nothing is dropped."""
    if len(text) <= limit:
        return [text]
    return [text[start : start + limit] for start in range(0, len(text), limit)]


def relay_frustration(result: TurnResult) -> dict[str, Any]:
    """The detector's reading the inbox needs for live coaching and abuse masking.

    Only the signals that raised the score are sent (the cues are about what upsets
    the customer); ``abusive`` tells the inbox to mask the message for the agent.
    """
    signals = {name: round(value, 3) for name, value in result.signals.items() if value > 0}
    return {
        "score": round(result.score, 3),
        "level": result.level,
        "trend": round(result.trend, 3),
        "reasons": list(result.reasons)[:RELAY_REASONS],
        "signals": dict(sorted(signals.items(), key=lambda item: -item[1])[:RELAY_SIGNALS]),
        "abusive": any(signals.get(name, 0) > 0 for name in ABUSIVE_SIGNALS),
    }


_EMAIL = re.compile(r"[^@\s<>]{1,64}@[^@\s<>]+\.[A-Za-z]{2,}")


def email_address(text: str) -> str | None:
    """The address when the whole message is one (what the bot asked for while waiting)."""
    candidate = text.strip().rstrip(".")
    return candidate if len(candidate) <= 254 and _EMAIL.fullmatch(candidate) else None


def ends_handoff(tracker: Tracker) -> bool:
    """The customer clearly ended the chat with the person.

    A button press ("/end_handoff") always counts; typed text only when the NLU
    is very sure, because a "thanks!" to the agent must not close the chat.
    """
    message = tracker.latest_message or {}
    intent = message.get("intent") or {}
    if intent.get("name") != names.INTENT_END_HANDOFF:
        return False
    return (message.get("text") or "").startswith("/") or (
        intent.get("confidence") or 0
    ) >= END_HANDOFF_CONFIDENCE


async def relay_to_agent(
    tracker: Tracker, intent: str | None, text: str, result: TurnResult
) -> None:
    """Send the customer's message to the agent; never lose it, never send it twice."""
    key = tracker.get_slot(names.SLOT_HANDOFF_KEY)
    if not key:
        logger.error("handoff active without a key in %s", tracker.sender_id)
        return
    event = latest_user_event(tracker)
    message_id = relay_message_id(tracker, event)
    # Milliseconds: the inbox orders messages by sent_at, and an agent's reply within
    # the same second as the customer's message must not jump ahead of it.
    sent_at = iso_time(
        event.get("timestamp") or datetime.now(tz=timezone.utc).timestamp(), "milliseconds"
    )
    frustration = relay_frustration(result)
    shown = f"(clicked: {intent.replace('_', ' ')})" if text.startswith("/") and intent else text
    for index, part in enumerate(split_message(redact(shown))):
        payload = {
            "message_id": message_id if index == 0 else f"{message_id}-part{index + 1}",
            "text": part,
            "sent_at": sent_at,
            "sender": "customer",
            "frustration": frustration,
        }
        await delivery.send(KIND_MESSAGE, key, payload)
    address = email_address(text)
    if address is not None:  # the inbox validates, stores and confirms it to the customer
        await delivery.send(
            KIND_CONTACT_PREFERENCE,
            key,
            {"contact_preference": "email", "contact_detail": address},
        )
    if ends_handoff(tracker):
        await delivery.send(
            KIND_CUSTOMER_ENDED, key, {"sent_at": sent_at, "conversation_id": tracker.sender_id}
        )
