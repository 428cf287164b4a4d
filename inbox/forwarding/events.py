"""The events forwarded, built once when they are queued and stored on the row.

Every target renders the same stored event, so a retry sends exactly what the first
attempt sent and the event ``id`` stays stable for receivers that deduplicate on it.
The summary is the bot's, already redacted (docs/architecture.md).
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

from inbox.models import Handoff, Message, utcnow
from inbox.schemas import iso_utc

CREATED = "handoff.created"
RESOLVED = "handoff.resolved"
HANDED_BACK = "handoff.handed_back"
CUSTOMER_ENDED = "handoff.customer_ended"
# Two-way desks (docs/helpdesks.md): what happens in the conversation after the handoff.
MESSAGE = "handoff.message"  # a customer message, each exactly once and in order
AGENT_MESSAGE = "handoff.agent_message"  # an agent's reply, written in the inbox or another desk
CLAIMED = "handoff.claimed"  # an agent took the conversation somewhere
REOPENED = "handoff.reopened"  # a desk reopened a conversation handed back: the bot pauses again
NOTE = "handoff.note"  # a private note for agents only: a coaching cue or an abuse flag
EVENTS = (
    CREATED,
    RESOLVED,
    HANDED_BACK,
    CUSTOMER_ENDED,
    MESSAGE,
    AGENT_MESSAGE,
    CLAIMED,
    REOPENED,
    NOTE,
)


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


def _base(handoff: Handoff, public_url: str) -> dict[str, Any]:
    return {
        "handoff_key": handoff.key,
        "conversation_id": handoff.conversation_id,
        "channel": handoff.channel,
        "inbox_url": conversation_url(public_url, handoff.key),
    }


def message(handoff: Handoff, public_url: str, message: Message) -> dict[str, Any]:
    """``handoff.message``: one customer message (``message_id`` is the bot's, unique per handoff)."""
    return _envelope(
        MESSAGE,
        {
            **_base(handoff, public_url),
            "message_id": message.message_id,
            "sender": "customer",
            "text": message.text,
            "sent_at": iso_utc(message.sent_at),
            "abusive": bool(message.abusive),
        },
    )


def agent_message(
    handoff: Handoff, public_url: str, message: Message, source: str
) -> dict[str, Any]:
    """``handoff.agent_message``: what an agent told the customer, and where they wrote it."""
    return _envelope(
        AGENT_MESSAGE,
        {
            **_base(handoff, public_url),
            "message_id": message.message_id,
            "agent": message.agent_name or "",
            "source": source,  # "inbox", "chatwoot" or "webhook"
            "text": message.text,
            "sent_at": iso_utc(message.sent_at),
        },
    )


def _agent_event(
    name: str, handoff: Handoff, public_url: str, agent_name: str, source: str
) -> dict[str, Any]:
    """An event about the agent who has the conversation and where it happened."""
    return _envelope(
        name,
        {
            **_base(handoff, public_url),
            "agent": agent_name,
            "source": source,
            "status": handoff.status,
        },
    )


def claimed(handoff: Handoff, public_url: str, agent_name: str, source: str) -> dict[str, Any]:
    """``handoff.claimed``: an agent took the conversation (in the inbox or a desk)."""
    return _agent_event(CLAIMED, handoff, public_url, agent_name, source)


def reopened(handoff: Handoff, public_url: str, agent_name: str, source: str) -> dict[str, Any]:
    """``handoff.reopened``: a desk reopened a conversation that went back to the bot."""
    return _agent_event(REOPENED, handoff, public_url, agent_name, source)


def note(handoff: Handoff, public_url: str, kind: str, text: str) -> dict[str, Any]:
    """``handoff.note``: agents only (``kind`` is ``cue`` or ``abuse``); never shown to the customer."""
    return _envelope(NOTE, {**_base(handoff, public_url), "kind": kind, "text": text})
