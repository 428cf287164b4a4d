"""Payloads shaped like the bot's (docs/architecture.md) for the inbox tests."""

from __future__ import annotations

import uuid
from typing import Any

import httpx


def handoff_payload(key: str | None = None, **overrides: Any) -> dict[str, Any]:
    """A handoff as the bot sends it (docs/architecture.md)."""
    key = key or str(uuid.uuid4())
    body: dict[str, Any] = {
        "handoff_key": key,
        "conversation_id": f"web-{key[:8]}",
        "channel": "socketio",
        "created_at": "2026-11-25T10:00:00Z",
        "priority": "high",
        "reason": "3 failed attempts to find the order; asked for a person",
        "frustration_level": "frustrated",
        "summary": {
            "version": 1,
            "customer": {"name": "Dana Whitfield", "email": "d***@example.com", "verified": True},
            "conversation": {"id": f"web-{key[:8]}", "channel": "socketio", "language": "en"},
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
                "reasons": ["3 failed attempts", "asked for a person"],
                "explanation": "sentiment falling over the last 4 turns",
                "timeline": [
                    {"turn": 1, "score": 0.1, "level": "calm"},
                    {"turn": 2, "score": 0.45, "level": "annoyed"},
                    {"turn": 3, "score": 0.8, "level": "frustrated"},
                ],
            },
            "priority": "high",
            "suggested_opening": "Hi Dana, I can see order 10482 is in transit.",
            "transcript": [
                {"speaker": "customer", "text": "where is my parcel", "at": "2026-11-25T09:58:00Z"},
                {
                    "speaker": "bot",
                    "text": "Can you give me your order number?",
                    "at": "2026-11-25T09:58:01Z",
                },
            ],
        },
        "brief": "Dana Whitfield (verified) wants to know where order 10482 is.",
        "suggested_opening": "Hi Dana, I can see order 10482 is in transit.",
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
