"""The bot side of the bot ↔ inbox contract, against MockTransport."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from actions.to_inbox.client import InboxClient, InboxError, InboxRejected, InboxUnavailable
from tests.actions.conftest import INBOX_URL, SECRET, FakeInbox, contract_handoff

HANDOFF = contract_handoff("k1")


def client_for(
    handler: Callable[[httpx.Request], httpx.Response], secret: str = SECRET
) -> InboxClient:
    return InboxClient(INBOX_URL, secret, transport=httpx.MockTransport(handler))


async def test_create_handoff_sends_bearer_and_idempotency_key() -> None:
    inbox = FakeInbox()
    client = client_for(inbox.handle)
    first = await client.create_handoff(HANDOFF)
    again = await client.create_handoff(HANDOFF)
    await client.aclose()
    assert first["queue_position"] == 2 and first["status"] == "waiting"
    assert again["handoff_key"] == "k1"
    assert len(inbox.handoffs) == 1  # the same key never duplicates
    request = inbox.requests[0]
    assert request.method == "POST" and str(request.url) == f"{INBOX_URL}/api/v1/handoffs"
    assert request.headers["Authorization"] == f"Bearer {SECRET}"
    assert request.headers["Idempotency-Key"] == "k1"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == HANDOFF


async def test_messages_customer_ended_and_status_paths() -> None:
    inbox = FakeInbox()
    client = client_for(inbox.handle)
    await client.create_handoff(HANDOFF)
    stored = await client.append_message(
        "k1", {"message_id": "m1", "text": "hi", "sender": "customer"}
    )
    repeat = await client.append_message(
        "k1", {"message_id": "m1", "text": "hi", "sender": "customer"}
    )
    ended = await client.customer_ended("k1", {"sent_at": "2026-11-26T10:00:00Z"})
    status = await client.status()
    await client.aclose()
    assert stored == {"status": "waiting", "duplicate": False}
    assert repeat["duplicate"] is True
    assert ended["status"] == "waiting" and inbox.ended == ["k1"]
    assert status["agents_available"] == 1
    assert [(r.method, r.url.path) for r in inbox.requests[1:]] == [
        ("POST", "/api/v1/handoffs/k1/messages"),
        ("POST", "/api/v1/handoffs/k1/messages"),
        ("POST", "/api/v1/handoffs/k1/customer-ended"),
        ("GET", "/api/v1/status"),
    ]
    assert all(r.headers["Authorization"] == f"Bearer {SECRET}" for r in inbox.requests)


@pytest.mark.parametrize("status", [500, 502, 503, 404, 429])
async def test_server_errors_and_unknown_handoffs_are_retryable(status: int) -> None:
    client = client_for(lambda request: httpx.Response(status, json={"detail": "x"}))
    with pytest.raises(InboxUnavailable):
        await client.append_message("k1", {"message_id": "m1", "text": "hi"})
    with pytest.raises(InboxUnavailable):
        await client.status()
    await client.aclose()


@pytest.mark.parametrize("error", [httpx.ConnectError, httpx.ReadTimeout, httpx.ConnectTimeout])
async def test_connection_failures_are_retryable(error: type) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error("boom", request=request)

    client = client_for(handler)
    with pytest.raises(InboxUnavailable):
        await client.create_handoff(HANDOFF)
    with pytest.raises(InboxUnavailable):
        await client.status()
    await client.aclose()


async def test_a_wrong_secret_is_rejected() -> None:
    client = client_for(FakeInbox().handle, secret="another-secret-value-xyz")
    with pytest.raises(InboxRejected, match="401"):
        await client.create_handoff(HANDOFF)
    await client.aclose()


async def test_an_invalid_body_is_rejected() -> None:
    client = client_for(FakeInbox().handle)
    with pytest.raises(InboxRejected, match="422"):
        await client.create_handoff(
            {**HANDOFF, "summary": {**HANDOFF["summary"], "priority": "whenever"}}
        )
    await client.aclose()


def test_the_hierarchy() -> None:
    assert issubclass(InboxUnavailable, InboxError) and issubclass(InboxRejected, InboxError)
    assert not issubclass(InboxRejected, InboxUnavailable)


async def test_a_non_json_success_body_is_an_empty_answer() -> None:
    client = client_for(lambda request: httpx.Response(200, text="ok"))
    assert await client.append_message("k1", {"message_id": "m1", "text": "hi"}) == {}
    await client.aclose()


@pytest.mark.parametrize("status", [301, 307, 308])
async def test_a_redirect_is_not_a_delivery(status: int) -> None:
    client = client_for(
        lambda request: httpx.Response(status, headers={"Location": "https://inbox.test/"})
    )
    with pytest.raises(InboxError):
        await client.create_handoff(HANDOFF)
    await client.aclose()
