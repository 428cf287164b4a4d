"""Several inbox replicas on one database: every outbox call reaches Rasa once, in order.

Found in CI: a second inbox on the same PostgreSQL database (the replica set-up that
docs/inbox.md describes) ran its own delivery loop, read the same pending reply and sent
it too, so the customer read the agent's reply twice. Replicas now take a lease on a
conversation's outbox (``inbox.conversation.delivery_lease``) before sending from it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from inbox.broker import Broker
from inbox.conversation.rasa_client import RasaClient
from inbox.conversation.rasa_delivery import RasaDelivery
from inbox.db import make_engine, make_session_factory
from inbox.models import Delivery
from tests.inbox.conftest import throwaway_pg_database
from tests.inbox.conversation.test_rasa_delivery import claimed_with_replies

REPLIES = [f"Reply {n}" for n in range(6)]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of its own (no other inbox of the test session delivers from it)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'replicas.db'}"
        return
    with throwaway_pg_database("inbox_replicas") as url:
        yield url


class SlowRasa:
    """Applies each line after a pause, so two replicas' calls overlap."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            events = [{"event": "bot", "text": t} for t in self.lines]
            return httpx.Response(200, json={"events": events})
        await asyncio.sleep(0.02)
        self.lines.extend(event["text"] for event in json.loads(request.content))
        return httpx.Response(200, json={})


def test_two_replicas_flushing_one_conversation_send_each_line_once_in_order(database_url):
    _, handoff_id = claimed_with_replies(database_url, REPLIES)
    rasa = SlowRasa()

    async def run() -> None:
        replicas = []
        for _ in range(2):
            client = RasaClient("http://rasa", "t", transport=httpx.MockTransport(rasa))
            factory = make_session_factory(make_engine(database_url))
            replicas.append((client, RasaDelivery(factory, client, Broker(), retry_seconds=60)))
        # Each replica flushes as an agent action and its loop would: at the same time.
        await asyncio.gather(*(d.flush(handoff_id) for _, d in replicas for _ in range(2)))
        # Whatever one replica left (it found the other sending) goes out on the next pass.
        for _, deliverer in replicas:
            await deliverer.flush(handoff_id)
        for client, _ in replicas:
            await client.aclose()

    asyncio.run(run())
    assert rasa.lines == ["Sam has joined the chat.", *REPLIES]
    factory = make_session_factory(make_engine(database_url))
    with factory.begin() as session:
        rows = session.execute(select(Delivery).order_by(Delivery.id)).scalars().all()
        assert {(d.status, d.attempts) for d in rows} == {("delivered", 1)}
