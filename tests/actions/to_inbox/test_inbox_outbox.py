"""The durable, ordered outbox: nothing lost, nothing twice, one stuck handoff holds back only itself."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from actions.to_inbox.client import InboxClient
from actions.to_inbox.inbox_outbox import (
    BEST_EFFORT_KINDS,
    KIND_CUSTOMER_ENDED,
    KIND_HANDOFF,
    KIND_MESSAGE,
    KIND_SESSION_REPORT,
    InboxOutbox,
    SendResult,
)
from actions.to_inbox.outbox_schema import OutboxItem
from tests.actions.conftest import INBOX_URL, SECRET, FakeInbox, contract_handoff


@pytest.fixture
def url(db_dir: Path) -> str:
    return f"sqlite:///{db_dir / 'outbox.db'}"


@pytest.fixture
def outboxes(url: str) -> Iterator[list[InboxOutbox]]:
    """Outbox instances on one file (each test may open several); engines disposed afterwards."""
    made: list[InboxOutbox] = []
    yield made
    for box in made:
        if box._engine is not None:
            box._engine.dispose()


def open_outbox(outboxes: list[InboxOutbox], url: str) -> InboxOutbox:
    box = InboxOutbox(url)
    outboxes.append(box)
    return box


@pytest.fixture
async def fake() -> FakeInbox:
    return FakeInbox()


@pytest.fixture
async def client(fake: FakeInbox):
    client = InboxClient(INBOX_URL, SECRET, transport=fake.transport())
    yield client
    await client.aclose()


def handoff(key: str) -> dict:
    return contract_handoff(key, f"conv-{key}")


def message(mid: str, text: str = "hello", sender: str = "customer") -> dict:
    return {"message_id": mid, "text": text, "sender": sender, "sent_at": "2026-11-26T10:00:00Z"}


def rows(box: InboxOutbox) -> list[OutboxItem]:
    with box._session_factory()() as session:
        return list(session.execute(select(OutboxItem).order_by(OutboxItem.id)).scalars())


def sent(fake: FakeInbox) -> list[str]:
    return [r.url.path for r in fake.requests]


async def test_enqueued_items_survive_a_new_outbox_on_the_same_file(
    outboxes, url: str, fake, client
) -> None:
    first = open_outbox(outboxes, url)
    ids = [
        await first.enqueue(KIND_HANDOFF, "k1", handoff("k1")),
        await first.enqueue(KIND_MESSAGE, "k1", message("m1", "café ☕")),
    ]
    assert ids == sorted(ids)
    first._engine.dispose()  # as if the action server restarted
    second = open_outbox(outboxes, url)
    assert await second.pending_count() == 2
    results = await second.deliver_pending(client)
    assert [r.error for r in results] == [None, None]
    assert fake.messages["k1"][0]["text"] == "café ☕"
    assert await second.pending_count() == 0
    assert await second.response_of(ids[0]) == {
        "handoff_key": "k1",
        "status": "waiting",
        **fake.status,
    }


async def test_items_are_delivered_in_order(outboxes, url: str, fake, client) -> None:
    box = open_outbox(outboxes, url)
    await box.enqueue(KIND_HANDOFF, "k1", handoff("k1"))
    for n in range(1, 4):
        await box.enqueue(KIND_MESSAGE, "k1", message(f"m{n}"))
    await box.enqueue(KIND_CUSTOMER_ENDED, "k1", {"sent_at": "2026-11-26T10:00:00Z"})
    results = await box.deliver_pending(client)
    assert [r.kind for r in results] == [
        KIND_HANDOFF,
        KIND_MESSAGE,
        KIND_MESSAGE,
        KIND_MESSAGE,
        KIND_CUSTOMER_ENDED,
    ]
    assert [m["message_id"] for m in fake.messages["k1"]] == ["m1", "m2", "m3"]
    assert sent(fake)[-1] == "/api/v1/handoffs/k1/customer-ended"


async def test_a_waiting_item_has_no_response_yet(outboxes, url: str) -> None:
    box = open_outbox(outboxes, url)
    item = await box.enqueue(KIND_MESSAGE, "k1", message("m1"))
    assert await box.response_of(item) is None
    assert await box.response_of(9999) is None


async def test_a_failing_item_holds_back_its_handoff_only(
    outboxes, url: str, fake: FakeInbox
) -> None:
    broken = {"k1"}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/handoffs" and b'"k1"' in request.content and broken:
            fake.requests.append(request)
            return httpx.Response(503, json={"detail": "busy"})
        return fake.handle(request)

    client = InboxClient(INBOX_URL, SECRET, transport=httpx.MockTransport(handler))
    box = open_outbox(outboxes, url)
    await box.enqueue(KIND_HANDOFF, "k1", handoff("k1"))
    await box.enqueue(KIND_HANDOFF, "k2", handoff("k2"))
    await box.enqueue(KIND_MESSAGE, "k1", message("a1"))
    await box.enqueue(KIND_MESSAGE, "k2", message("b1"))

    results = await box.deliver_pending(client)
    assert [(r.handoff_key, r.kind, r.error is None) for r in results] == [
        ("k1", KIND_HANDOFF, False),
        ("k2", KIND_HANDOFF, True),
        ("k2", KIND_MESSAGE, True),
    ]
    assert "503" in results[0].error
    assert "/api/v1/handoffs/k1/messages" not in sent(fake)  # held back behind its handoff
    assert await box.pending_count() == 2

    broken.clear()  # the inbox recovers
    results = await box.deliver_pending(client)
    assert [(r.handoff_key, r.kind, r.error) for r in results] == [
        ("k1", KIND_HANDOFF, None),
        ("k1", KIND_MESSAGE, None),
    ]
    assert await box.pending_count() == 0
    # delivered once each: k2's items were not sent again
    assert sent(fake).count("/api/v1/handoffs/k2/messages") == 1
    assert [m["message_id"] for m in fake.messages["k1"]] == ["a1"]
    assert [m["message_id"] for m in fake.messages["k2"]] == ["b1"]
    first = rows(box)[0]
    assert first.attempts == 2 and first.last_error is None and first.delivered_at is not None
    await client.aclose()


async def test_an_inbox_that_is_down_loses_nothing(
    outboxes, url: str, fake: FakeInbox, client
) -> None:
    box = open_outbox(outboxes, url)
    await box.enqueue(KIND_HANDOFF, "k1", handoff("k1"))
    await box.enqueue(KIND_MESSAGE, "k1", message("m1"))
    fake.down = True
    for _ in range(3):
        results = await box.deliver_pending(client)
        assert len(results) == 1 and "unreachable" in results[0].error
    assert await box.pending_count() == 2
    fake.down = False
    await box.deliver_pending(client)
    await box.deliver_pending(client)  # nothing left: nothing re-sent
    assert len(fake.handoffs) == 1 and [m["message_id"] for m in fake.messages["k1"]] == ["m1"]
    assert len(fake.requests) == 2
    assert rows(box)[0].attempts == 4


async def test_a_rejected_item_is_skipped_and_kept_with_its_error(
    outboxes, url: str, fake: FakeInbox, client
) -> None:
    box = open_outbox(outboxes, url)
    await box.enqueue(KIND_HANDOFF, "k1", handoff("k1"))
    bad = await box.enqueue(KIND_MESSAGE, "k1", message("m1", sender="bot"))  # 422 by contract
    await box.enqueue(KIND_MESSAGE, "k1", message("m2"))
    results = await box.deliver_pending(client)
    assert [(r.item_id == bad, r.error is not None) for r in results] == [
        (False, False),
        (True, True),
        (False, False),
    ]
    assert [m["message_id"] for m in fake.messages["k1"]] == [
        "m2"
    ]  # not held back by the refused one
    assert await box.pending_count() == 0
    kept = next(row for row in rows(box) if row.id == bad)
    assert kept.rejected_at is not None and kept.delivered_at is None
    assert "422" in kept.last_error
    assert await box.response_of(bad) is None
    before = len(fake.requests)
    assert await box.deliver_pending(client) == []  # never retried
    assert len(fake.requests) == before


async def test_an_unknown_kind_is_rejected(outboxes, url: str, client) -> None:
    box = open_outbox(outboxes, url)
    await box.enqueue("fax", "k1", {})
    [result] = await box.deliver_pending(client)
    assert "unknown outbox item kind" in result.error
    assert await box.pending_count() == 0


async def test_the_after_hook_sees_each_delivery_and_cannot_stop_the_rest(
    outboxes, url: str, fake, client
) -> None:
    box = open_outbox(outboxes, url)
    await box.enqueue(KIND_HANDOFF, "k1", handoff("k1"))
    await box.enqueue(KIND_MESSAGE, "k1", message("m1"))
    seen: list[SendResult] = []

    async def after(delivery: SendResult) -> None:
        seen.append(delivery)
        raise RuntimeError("hook failed")

    results = await box.deliver_pending(client, after)
    assert [d.kind for d in seen] == [KIND_HANDOFF, KIND_MESSAGE]
    assert seen[1].payload["message_id"] == "m1" and seen[1].response == {
        "status": "waiting",
        "duplicate": False,
    }
    assert all(r.error is None for r in results)


async def test_a_handoff_never_waits_behind_session_reports(
    outboxes, url: str, fake: FakeInbox
) -> None:
    box = open_outbox(outboxes, url)
    for n in range(3):
        await box.enqueue(KIND_SESSION_REPORT, f"session:c{n}", {"conversation_id": f"c{n}"})
    release = asyncio.Event()

    async def slow_reports(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/bot-sessions":
            await release.wait()  # the inbox is slow to take reports
            return httpx.Response(201, json={})
        return fake.handle(request)

    client = InboxClient(INBOX_URL, SECRET, transport=httpx.MockTransport(slow_reports))
    try:
        reports = asyncio.create_task(box.deliver_best_effort(client, BEST_EFFORT_KINDS))
        await asyncio.sleep(0.05)  # the report pass now waits on the inbox
        await box.enqueue(KIND_HANDOFF, "k1", handoff("k1"))
        results = await asyncio.wait_for(
            box.deliver_pending(client, None, BEST_EFFORT_KINDS), timeout=5
        )
        assert [r.kind for r in results] == [KIND_HANDOFF] and "k1" in fake.handoffs
        assert not reports.done()
        release.set()
        assert [r.kind for r in await reports] == [KIND_SESSION_REPORT] * 3
    finally:
        release.set()
        await client.aclose()
