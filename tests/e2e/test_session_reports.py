"""The bot's session reports reach the inbox: real Rasa, action server (outbox) and inbox.

The action server queues a report in its durable outbox and delivers it in the
background, so every check polls with a timeout. A conversation's row is read from the
inbox's SQLite file (the API only gives totals); the admin's analytics API must count it.
"""

from __future__ import annotations

import sqlite3
import uuid
from typing import Any

import pytest

from tests.agent_client import AgentClient
from tests.stack import Stack, texts, wait_for

pytestmark = pytest.mark.e2e

REPORT_TIMEOUT = 30.0  # the outbox retries every 0.5 s in the stack (OUTBOX_RETRY_SECONDS)


def bot_session(stack: Stack, conversation_id: str) -> dict[str, Any] | None:
    """The conversation's one ``bot_sessions`` row in the inbox database, or None yet."""
    connection = sqlite3.connect(f"file:{stack.var / 'inbox.db'}?mode=ro", uri=True, timeout=10)
    connection.row_factory = sqlite3.Row
    try:
        rows = connection.execute(
            "SELECT conversation_id, user_turns, handed_off, outcome FROM bot_sessions WHERE conversation_id = ?",
            (conversation_id,),
        ).fetchall()
    finally:
        connection.close()
    assert len(rows) <= 1, f"one session expected, got {[dict(r) for r in rows]}"
    return dict(rows[0]) if rows else None


@pytest.fixture()
def admin(stack: Stack):
    client = AgentClient(stack.inbox_url, stack.admin_user, stack.admin_password)
    yield client
    client.close()


def session_totals(admin: AgentClient) -> dict[str, Any]:
    response = admin.http.get("/api/v1/analytics", params={"days": 7})
    response.raise_for_status()
    return response.json()["sessions"]


def test_a_conversation_the_bot_resolves_is_reported_as_resolved(
    stack: Stack, admin: AgentClient
) -> None:
    before = session_totals(admin)
    sender = f"e2e-report-{uuid.uuid4().hex[:8]}"
    stack.say(sender, "hi, where is my order?")
    stack.say(sender, "10482")
    assert "Order 10482 is in transit" in texts(stack.say(sender, "dana.whitfield@example.com"))
    stack.say(sender, "thanks, bye")

    row = wait_for(
        lambda: (r := bot_session(stack, sender)) and r["outcome"] == "resolved_by_bot" and r,
        timeout=REPORT_TIMEOUT,
        message=f"resolved session report of {sender}",
    )
    assert row["handed_off"] == 0
    assert row["user_turns"] == 4
    after = session_totals(admin)
    assert after["said_goodbye"] >= before["said_goodbye"] + 1
    assert after["resolved_by_bot"] >= before["resolved_by_bot"] + 1


def test_a_conversation_handed_to_a_person_is_reported_as_handed_off(
    stack: Stack, admin: AgentClient
) -> None:
    before = session_totals(admin)
    sender = f"e2e-report-{uuid.uuid4().hex[:8]}"
    stack.say(sender, "hello")
    assert "bringing in a person" in texts(stack.say(sender, "I want to talk to a person"))

    row = wait_for(
        lambda: (r := bot_session(stack, sender)) and r["handed_off"] == 1 and r,
        timeout=REPORT_TIMEOUT,
        message=f"handed-off session report of {sender}",
    )
    assert row["outcome"] == "handed_off"
    assert row["user_turns"] == 2
    assert session_totals(admin)["handed_off"] >= before["handed_off"] + 1
