"""The delivery outbox: order per conversation, retry, give up after the limit."""

from __future__ import annotations

import asyncio
import json

import httpx
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from inbox import schemas
from inbox.auth import agents
from inbox.broker import Broker
from inbox.conversation import agent_actions, handoffs
from inbox.conversation.rasa_client import RasaClient
from inbox.conversation.rasa_delivery import RasaDelivery
from inbox.db import make_engine, make_session_factory
from inbox.migrate import upgrade
from inbox.models import Delivery, Message
from tests.inbox.helpers import handoff_payload


def claimed_with_replies(url: str, replies: list[str]) -> tuple[sessionmaker, int]:
    """A migrated database with one handoff Sam claimed and answered: its outbox holds the
    joined line, then ``replies``. Returns the session factory and the handoff's id."""
    upgrade(url)
    factory = make_session_factory(make_engine(url))
    with factory.begin() as session:
        agent = agents.create_agent("sam", "x" * 12, session=session, display_name="Sam")
        handoff, _ = handoffs.create_handoff(
            schemas.HandoffIn(**handoff_payload()), session=session
        )
        session.flush()
        agent_actions.claim(handoff, agent, session=session)
        for text in replies:
            agent_actions.add_agent_reply(handoff, agent, text, session=session)
        return factory, handoff.id


def _setup(tmp_path):
    return claimed_with_replies(f"sqlite:///{tmp_path / 'd.db'}", ["Hello from Sam"])


def test_a_call_that_keeps_failing_is_given_up_and_the_next_one_goes_out(tmp_path):
    factory, handoff_id = _setup(tmp_path)
    sent: list[str] = []

    def rasa(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":  # a retry asks whether the line is there: it is not
            return httpx.Response(200, json={"events": []})
        text = json.loads(request.content)[0]["text"]
        if "joined" in text:
            return httpx.Response(500, text="boom")
        sent.append(text)
        return httpx.Response(200, json={})

    async def run() -> list[bool]:
        client = RasaClient("http://rasa", "t", transport=httpx.MockTransport(rasa))
        deliverer = RasaDelivery(factory, client, Broker(), retry_seconds=60, max_attempts=2)
        results = [await deliverer.flush(handoff_id), await deliverer.flush(handoff_id)]
        await client.aclose()
        return results

    first_empty, second_empty = asyncio.run(run())
    assert (first_empty, second_empty) == (False, True)
    assert sent == ["Hello from Sam"]  # the reply waited behind the failing call, then went out
    with factory.begin() as session:
        rows = session.execute(select(Delivery).order_by(Delivery.id)).scalars().all()
        assert [(d.kind, d.status, d.attempts) for d in rows] == [
            ("agent_joined", "failed", 2),
            ("reply", "delivered", 1),
        ]
        assert "500" in rows[0].last_error
        reply = session.execute(select(Message).where(Message.sender == "agent")).scalar_one()
        assert reply.delivery_status == "delivered"


def test_a_retry_after_a_lost_answer_does_not_send_the_line_twice(tmp_path):
    """Found under load: Rasa applied a reply, but its answer was lost (a timeout), and the
    retry showed the customer the same reply twice. A retry now asks Rasa first."""
    factory, handoff_id = _setup(tmp_path)
    tracker: list[dict] = []  # the conversation as Rasa stores it
    lose_answer_to = {"Hello from Sam"}

    def rasa(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, json={"events": tracker})
        event = json.loads(request.content)[0]
        tracker.append(event)  # applied...
        if event["text"] in lose_answer_to:
            lose_answer_to.discard(event["text"])
            raise httpx.ReadTimeout("answer lost", request=request)  # ...but unanswered
        return httpx.Response(200, json={})

    async def run() -> list[bool]:
        client = RasaClient("http://rasa", "t", transport=httpx.MockTransport(rasa))
        deliverer = RasaDelivery(factory, client, Broker(), retry_seconds=60, max_attempts=5)
        results = [await deliverer.flush(handoff_id), await deliverer.flush(handoff_id)]
        await client.aclose()
        return results

    assert asyncio.run(run()) == [False, True]
    texts = [event["text"] for event in tracker]
    assert texts.count("Hello from Sam") == 1
    assert all(isinstance(event["metadata"]["delivery_id"], int) for event in tracker)
    with factory.begin() as session:
        rows = session.execute(select(Delivery).order_by(Delivery.id)).scalars().all()
        assert [(d.kind, d.status) for d in rows] == [
            ("agent_joined", "delivered"),
            ("reply", "delivered"),
        ]
