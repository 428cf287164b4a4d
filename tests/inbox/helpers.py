"""Payloads shaped like the bot's (docs/contract/handoff.schema.json) for the inbox tests."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import httpx

SUMMARY_FIELDS = ("priority", "brief", "suggested_opening")


def handoff_row(
    key: str, conversation_id: str, created: datetime, **columns: Any
) -> dict[str, Any]:
    """The columns of a handoff written straight to the database (the analytics tests and
    benchmark seed with them): a web chat handoff of normal priority received when it was
    created; ``columns`` add to or replace these."""
    return {
        "key": key,
        "conversation_id": conversation_id,
        "channel": "socketio",
        "created_at": created,
        "received_at": created,
        "priority": "normal",
        "priority_rank": 1,
        **columns,
    }


def handoff_payload(key: str | None = None, **overrides: Any) -> dict[str, Any]:
    """A handoff as the bot sends it (docs/contract/handoff.schema.json).

    ``priority``, ``brief``, ``suggested_opening``, ``reasons`` and ``level`` go into
    the summary, where the contract puts them; other overrides replace top-level fields.
    """
    key = key or str(uuid.uuid4())
    summary: dict[str, Any] = {
        "version": 2,
        "customer": {"name": "Dana Whitfield", "email": "d***@example.com", "verified": True},
        "conversation": {
            "language": "en",
            "started_at": "2026-11-25T09:58:00Z",
            "escalated_at": "2026-11-25T10:00:00Z",
            "conversation_seconds": 120,
        },
        "goal": "Find out why order 10482 has not arrived",
        "facts": {
            "order_number": "10482",
            "order_status": "in transit since 3 June",
            "items": ["Trail running shoes"],
            "order_total": "£89.00",
        },
        "bot_attempts": [
            {"what": "Looked up order 10482", "outcome": "ok"},
            {"what": "Asked for the email on the order", "outcome": "failed 2 times"},
        ],
        "escalation": {
            "trigger": "frustration",
            "reasons": [
                "Asked for a person",
                "Their order number or email did not match, 3 times",
            ],
            "score": 0.8,
            "level": "frustrated",
            "timeline": [
                {"turn": 1, "score": 0.1, "level": "calm"},
                {"turn": 2, "score": 0.45, "level": "annoyed"},
                {"turn": 3, "score": 0.8, "level": "frustrated"},
            ],
        },
        "priority": "high",
        "brief": "Dana Whitfield (verified) wants to know where order 10482 is.",
        "suggested_opening": "Hi Dana, I'm sorry your parcel is late.",
        "transcript": [
            {"speaker": "customer", "text": "where is my parcel", "at": "2026-11-25T09:58:00Z"},
            {
                "speaker": "bot",
                "text": "Can you give me your order number?",
                "at": "2026-11-25T09:58:01Z",
            },
        ],
    }
    for name in SUMMARY_FIELDS:
        if name in overrides:
            summary[name] = overrides.pop(name)
    if "reasons" in overrides:
        summary["escalation"]["reasons"] = overrides.pop("reasons")
    if "reason" in overrides:
        summary["escalation"]["reasons"] = [overrides.pop("reason")]
    if "frustration_level" in overrides:
        summary["escalation"]["level"] = overrides.pop("frustration_level")
    body: dict[str, Any] = {
        "handoff_key": key,
        "conversation_id": f"web-{key[:8]}",
        "channel": "socketio",
        "created_at": "2026-11-25T10:00:00Z",
        "summary": summary,
    }
    body.update(overrides)
    return body


def create_handoff(bot: httpx.Client, **overrides: Any) -> dict[str, Any]:
    body = handoff_payload(**overrides)
    response = bot.post(
        "/api/v1/handoffs", json=body, headers={"Idempotency-Key": body["handoff_key"]}
    )
    assert response.status_code == 201, response.text
    return body
