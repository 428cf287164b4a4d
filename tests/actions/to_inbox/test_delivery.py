"""Process-wide delivery: write to the outbox, deliver now if possible, else the worker does."""

from __future__ import annotations

import asyncio
import dataclasses

import httpx
import pytest

from actions.to_inbox import delivery
from actions.to_inbox.inbox_outbox import KIND_CUSTOMER_ENDED, KIND_HANDOFF, KIND_MESSAGE
from actions.to_inbox.settings import ConfigError, get_settings
from tests.actions.conftest import SECRET, FakeInbox, contract_handoff

HANDOFF = contract_handoff("k1")


async def test_send_delivers_now_and_returns_the_answer(inbox: FakeInbox) -> None:
    answer = await delivery.send(KIND_HANDOFF, "k1", HANDOFF)
    assert answer == {"handoff_key": "k1", "status": "waiting", **inbox.status}
    assert inbox.handoffs["k1"]["conversation_id"] == "web-1"
    assert await delivery.outbox().pending_count() == 0
    assert (
        delivery._worker is not None and not delivery._worker.done()
    )  # started once, in the background


async def test_a_blip_is_retried_inline(inbox: FakeInbox) -> None:
    calls = {"n": 0}
    original = inbox.handle

    def flaky(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            raise httpx.ConnectError("blip", request=request)
        return original(request)

    inbox.handle = flaky  # type: ignore[method-assign]
    answer = await delivery.send(KIND_HANDOFF, "k1", HANDOFF)
    assert answer is not None and answer["queue_position"] == 2
    assert calls["n"] == 2 and len(inbox.handoffs) == 1


async def test_when_the_inbox_is_down_the_item_waits_for_the_worker(
    inbox: FakeInbox, monkeypatch
) -> None:
    monkeypatch.setenv("OUTBOX_RETRY_SECONDS", "0.05")
    get_settings.cache_clear()
    quick = dataclasses.replace(get_settings(), inline_attempts=1)  # no inline backoff in this test
    monkeypatch.setattr(delivery, "get_settings", lambda: quick)
    inbox.down = True
    assert await delivery.send(KIND_HANDOFF, "k1", HANDOFF) is None
    assert (
        await delivery.send(KIND_MESSAGE, "k1", {"message_id": "m1", "text": "still there?"})
        is None
    )
    assert await delivery.outbox().pending_count() == 2
    inbox.down = False
    for _ in range(100):  # the worker delivers without another send
        if await delivery.outbox().pending_count() == 0:
            break
        await asyncio.sleep(0.05)
    assert await delivery.outbox().pending_count() == 0
    assert [m["message_id"] for m in inbox.messages["k1"]] == ["m1"]
    assert len(inbox.handoffs) == 1


async def test_customer_ended_is_only_reported_to_the_inbox(inbox: FakeInbox) -> None:
    """Issue 14 §1: the inbox un-pauses the bot; the action server never calls Rasa back."""
    await delivery.send(KIND_HANDOFF, "k1", HANDOFF)
    await delivery.send(
        KIND_CUSTOMER_ENDED, "k1", {"sent_at": "2026-11-26T10:00:00Z", "conversation_id": "web-1"}
    )
    assert inbox.ended == ["k1"]
    assert {request.url.host for request in inbox.requests} == {"inbox.test"}
    assert not hasattr(delivery, "_after_delivery")
    assert "rasa_url" not in {field.name for field in dataclasses.fields(get_settings())}


# -- settings ------------------------------------------------------------------------
def test_the_secret_is_required(monkeypatch) -> None:
    get_settings.cache_clear()
    monkeypatch.delenv("HANDOFF_SECRET", raising=False)
    with pytest.raises(ConfigError, match="HANDOFF_SECRET"):
        get_settings()
    monkeypatch.setenv("HANDOFF_SECRET", "too-short")
    get_settings.cache_clear()
    with pytest.raises(ConfigError):
        get_settings()
    get_settings.cache_clear()


def test_settings_from_the_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("HANDOFF_SECRET", SECRET)
    monkeypatch.setenv("INBOX_URL", "http://inbox.example:5080/")
    monkeypatch.setenv("OUTBOX_DATABASE_URL", f"sqlite:///{tmp_path}/o.db")
    get_settings.cache_clear()
    settings = get_settings()
    get_settings.cache_clear()
    assert settings.inbox_url == "http://inbox.example:5080"
    assert settings.outbox_database_url.endswith("/o.db")
