"""Bot side of the contract: auth, idempotent create, exactly-once ordered messages."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.inbox.helpers import create_handoff, handoff_payload


def test_bot_endpoints_refuse_missing_or_wrong_secret(inbox):
    body = handoff_payload()
    anonymous = httpx.Client(base_url=inbox.url)
    wrong = httpx.Client(base_url=inbox.url, headers={"Authorization": "Bearer not-the-secret"})
    basic = httpx.Client(
        base_url=inbox.url, headers={"Authorization": f"Basic {inbox.settings.handoff_secret}"}
    )
    for client in (anonymous, wrong, basic):
        assert client.post("/api/v1/handoffs", json=body).status_code == 401
        assert client.get("/api/v1/status").status_code == 401
        assert (
            client.post(
                f"/api/v1/handoffs/{body['handoff_key']}/messages",
                json={"message_id": "m1", "text": "hi"},
            ).status_code
            == 401
        )
    assert inbox.bot().get("/api/v1/queue").json()["total_waiting"] == 0


def test_an_agent_session_cannot_use_bot_endpoints(inbox):
    sam = inbox.agent("sam")
    assert sam.post("/api/v1/handoffs", json=handoff_payload()).status_code == 401
    assert sam.get("/api/v1/status").status_code == 401


def test_create_is_idempotent_on_the_key(inbox):
    bot = inbox.bot()
    body = handoff_payload()
    first = bot.post(
        "/api/v1/handoffs", json=body, headers={"Idempotency-Key": body["handoff_key"]}
    )
    changed = {
        **body["summary"],
        "escalation": {**body["summary"]["escalation"], "reasons": ["changed"]},
    }
    again = bot.post(
        "/api/v1/handoffs",
        json={**body, "summary": changed},
        headers={"Idempotency-Key": body["handoff_key"]},
    )
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["handoff_key"] == body["handoff_key"]
    queue = bot.get("/api/v1/queue").json()
    assert queue["total_waiting"] == 1
    assert queue["items"][0]["reason"] == "; ".join(body["summary"]["escalation"]["reasons"])


def test_create_response_follows_the_contract(inbox):
    bot = inbox.bot()
    create_handoff(bot, priority="normal")
    body = handoff_payload(priority="normal", created_at="2026-11-25T10:05:00Z")
    response = bot.post(
        "/api/v1/handoffs", json=body, headers={"Idempotency-Key": body["handoff_key"]}
    )
    data = response.json()
    assert set(data) == {
        "handoff_key",
        "status",
        "queue_position",
        "agents_available",
        "estimated_wait_seconds",
        "within_business_hours",
        "next_opening",
        "email_follow_up",
    }
    assert data["status"] == "waiting"
    assert data["queue_position"] == 2
    assert data["agents_available"] == 0
    assert data["estimated_wait_seconds"] == 2 * 120
    assert data["within_business_hours"] is True


def test_header_and_body_keys_must_agree(inbox):
    body = handoff_payload()
    response = inbox.bot().post("/api/v1/handoffs", json=body, headers={"Idempotency-Key": "other"})
    assert response.status_code == 422


def test_invalid_priority_is_rejected(inbox):
    assert (
        inbox.bot().post("/api/v1/handoffs", json=handoff_payload(priority="whenever")).status_code
        == 422
    )


def test_customer_messages_are_stored_exactly_once_in_sent_order(inbox):
    bot = inbox.bot()
    body = create_handoff(bot)
    path = f"/api/v1/handoffs/{body['handoff_key']}/messages"
    later = {
        "message_id": "m2",
        "text": "second",
        "sent_at": "2026-11-25T10:02:00Z",
        "sender": "customer",
    }
    earlier = {
        "message_id": "m1",
        "text": "first",
        "sent_at": "2026-11-25T10:01:00Z",
        "sender": "customer",
    }
    assert bot.post(path, json=later).status_code == 201
    assert bot.post(path, json=earlier).status_code == 201
    repeat = bot.post(path, json={**later, "text": "changed"})
    assert repeat.status_code == 200
    assert repeat.json()["duplicate"] is True
    messages = bot.get(f"/api/v1/handoffs/{body['handoff_key']}").json()["messages"]
    assert [m["text"] for m in messages] == ["first", "second"]


def test_same_sent_at_keeps_arrival_order(inbox):
    bot = inbox.bot()
    body = create_handoff(bot)
    path = f"/api/v1/handoffs/{body['handoff_key']}/messages"
    for n in ("a", "b", "c"):
        bot.post(path, json={"message_id": n, "text": n, "sent_at": "2026-11-25T10:01:00Z"})
    messages = bot.get(f"/api/v1/handoffs/{body['handoff_key']}").json()["messages"]
    assert [m["text"] for m in messages] == ["a", "b", "c"]


def test_message_for_unknown_handoff_is_404(inbox):
    response = inbox.bot().post(
        f"/api/v1/handoffs/{uuid.uuid4()}/messages", json={"message_id": "x", "text": "hi"}
    )
    assert response.status_code == 404


def test_only_customer_messages_are_accepted_from_the_bot(inbox):
    bot = inbox.bot()
    body = create_handoff(bot)
    response = bot.post(
        f"/api/v1/handoffs/{body['handoff_key']}/messages",
        json={"message_id": "x", "text": "hi", "sender": "agent"},
    )
    assert response.status_code == 422


def test_messages_after_hand_back_are_kept(inbox):
    bot = inbox.bot()
    body = create_handoff(bot)
    key = body["handoff_key"]
    sam = inbox.agent("sam")
    sam.post(f"/api/v1/handoffs/{key}/claim").raise_for_status()
    sam.post(
        f"/api/v1/handoffs/{key}/handback", json={"resolution": "refund issued"}
    ).raise_for_status()
    response = bot.post(
        f"/api/v1/handoffs/{key}/messages", json={"message_id": "late", "text": "thanks!"}
    )
    assert response.status_code == 201
    assert response.json()["status"] == "handed_back"
    texts = [m["text"] for m in bot.get(f"/api/v1/handoffs/{key}").json()["messages"]]
    assert "thanks!" in texts


def test_customer_ended_is_shown(inbox):
    bot = inbox.bot()
    body = create_handoff(bot)
    key = body["handoff_key"]
    assert (
        bot.post(
            f"/api/v1/handoffs/{key}/customer-ended", json={"sent_at": "2026-11-25T10:09:00Z"}
        ).status_code
        == 200
    )
    data = bot.get(f"/api/v1/handoffs/{key}").json()
    assert data["customer_ended_at"].startswith("2026-11-25T10:09")
    assert any(m["sender"] == "system" and "ended" in m["text"] for m in data["messages"])


def test_status_counts_available_agents_and_estimates_the_wait(inbox):
    bot = inbox.bot()
    for _ in range(3):
        create_handoff(bot)
    status = bot.get("/api/v1/status").json()
    assert status["agents_available"] == 0
    assert status["queue_length"] == 3
    assert status["estimated_wait_seconds"] == 4 * 120
    for name in ("sam", "kim"):
        inbox.agent(name).post(
            "/api/v1/me/availability", json={"available": True}
        ).raise_for_status()
    status = bot.get("/api/v1/status").json()
    assert status["agents_available"] == 2
    assert status["estimated_wait_seconds"] == 4 * 120 // 2
    assert status["within_business_hours"] is True and status["next_opening"] is None


def test_contact_preference_is_recorded(inbox):
    bot = inbox.bot()
    body = create_handoff(bot)
    key = body["handoff_key"]
    response = bot.post(
        f"/api/v1/handoffs/{key}/contact-preference",
        json={"contact_preference": "email", "contact_detail": "d@example.com"},
    )
    assert response.status_code == 200
    assert bot.get(f"/api/v1/handoffs/{key}").json()["contact_preference"] == "email"
    assert (
        bot.post(
            f"/api/v1/handoffs/{key}/contact-preference", json={"contact_preference": "pigeon"}
        ).status_code
        == 422
    )


@pytest.mark.parametrize("priority_order", [["low", "urgent", "normal", "high"]])
def test_queue_is_ordered_by_priority_then_waiting_time(inbox, priority_order):
    bot = inbox.bot()
    for minute, priority in enumerate(priority_order):
        create_handoff(bot, priority=priority, created_at=f"2026-11-25T10:0{minute}:00Z")
    create_handoff(bot, priority="high", created_at="2026-11-25T09:00:00Z")
    items = bot.get("/api/v1/queue").json()["items"]
    assert [(i["priority"], i["created_at"][11:16]) for i in items] == [
        ("urgent", "10:01"),
        ("high", "09:00"),
        ("high", "10:03"),
        ("normal", "10:02"),
        ("low", "10:00"),
    ]
