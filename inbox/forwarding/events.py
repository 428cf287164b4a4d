"""The events forwarded, built once when they are queued and stored on the row.

Every target renders the same stored event, so a retry sends exactly what the first
attempt sent and the event ``id`` stays stable for receivers that deduplicate on it.
The summary is the bot's, already redacted (docs/architecture.md).
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

from inbox.models import Handoff, utcnow
from inbox.schemas import iso_utc

CREATED = "handoff.created"
RESOLVED = "handoff.resolved"
HANDED_BACK = "handoff.handed_back"
CUSTOMER_ENDED = "handoff.customer_ended"
EVENTS = (CREATED, RESOLVED, HANDED_BACK, CUSTOMER_ENDED)


def conversation_url(public_url: str, handoff_key: str) -> str:
    """Where an agent opens the conversation in the inbox."""
    return f"{public_url.rstrip('/')}/conversations/{quote(handoff_key, safe='')}"


def _envelope(event: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"evt_{uuid.uuid4().hex}",
        "type": event,
        "created_at": iso_utc(utcnow()),
        "data": data,
    }


def created(handoff: Handoff, public_url: str) -> dict[str, Any]:
    """``handoff.created``: everything an agent elsewhere needs to pick the chat up."""
    return _envelope(
        CREATED,
        {
            "handoff_key": handoff.key,
            "conversation_id": handoff.conversation_id,
            "channel": handoff.channel,
            "priority": handoff.priority,
            "reason": handoff.reason,
            "frustration_level": handoff.frustration_level,
            "brief": handoff.brief,
            "summary": handoff.summary or {},
            "inbox_url": conversation_url(public_url, handoff.key),
        },
    )


def _closed(
    event: str, by_field: str, handoff: Handoff, public_url: str, by: str | None
) -> dict[str, Any]:
    """The envelope of a closing event (resolved or handed back): same fields, its own "by" key."""
    return _envelope(
        event,
        {
            "handoff_key": handoff.key,
            "conversation_id": handoff.conversation_id,
            "channel": handoff.channel,
            "status": handoff.status,
            "resolution": handoff.resolution or "",
            by_field: by or "",
            "closed_at": iso_utc(handoff.closed_at) if handoff.closed_at else None,
            "inbox_url": conversation_url(public_url, handoff.key),
        },
    )


def resolved(handoff: Handoff, public_url: str, resolved_by: str | None = None) -> dict[str, Any]:
    """``handoff.resolved``: the agent closed the conversation with a note."""
    return _closed(RESOLVED, "resolved_by", handoff, public_url, resolved_by)


def handed_back(
    handoff: Handoff, public_url: str, handed_back_by: str | None = None
) -> dict[str, Any]:
    """``handoff.handed_back``: an agent gave the conversation back to the bot (it is closed for people)."""
    return _closed(HANDED_BACK, "handed_back_by", handoff, public_url, handed_back_by)


def customer_ended(handoff: Handoff, public_url: str) -> dict[str, Any]:
    """``handoff.customer_ended``: the customer left while waiting or talking to a person.

    The conversation stays open in the inbox (an agent still wraps it up), so this is news,
    not a close: ``handoff.resolved`` or ``handoff.handed_back`` follows.
    """
    return _envelope(
        CUSTOMER_ENDED,
        {
            "handoff_key": handoff.key,
            "conversation_id": handoff.conversation_id,
            "channel": handoff.channel,
            "status": handoff.status,
            "ended_at": iso_utc(handoff.customer_ended_at) if handoff.customer_ended_at else None,
            "inbox_url": conversation_url(public_url, handoff.key),
        },
    )
