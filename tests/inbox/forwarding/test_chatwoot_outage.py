"""Chatwoot away for 60 seconds in the middle of a conversation: nothing lost, nothing doubled.

The forwarder's retry clock is driven by the test (``Forwarder(clock=…)``), so the outage
lasts 60 s of the clock the retries are scheduled on without the test waiting for it;
the fake Chatwoot answers 503 to everything while the clock is inside the outage.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from inbox.forwarding.worker import Forwarder
from inbox.models import Forward, Handoff, Message

from .conftest import queue_handoff, settings
from .fakes import FakeChatwoot


class Clock:
    """A clock the test moves forward; the forwarder reads it for every schedule."""

    def __init__(self) -> None:
        self.now = datetime.now(timezone.utc)

    def __call__(self) -> datetime:
        return self.now


def chatwoot_settings(chatwoot: FakeChatwoot):  # type: ignore[no-untyped-def]
    # The real default schedule (5 s doubling, 12 attempts): it has to ride out the outage.
    return settings(
        chatwoot_url=chatwoot.url,
        chatwoot_account_id=7,
        chatwoot_inbox_id=3,
        chatwoot_api_token=chatwoot.token,
        chatwoot_webhook_token="cw-webhook-token-0123456789",
        backoff_seconds=5.0,
        max_backoff_seconds=900.0,
        max_attempts=12,
    )


def add_customer_messages(factory, forwarder: Forwarder, handoff_id: int, texts: list[str]) -> None:  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        handoff = session.get(Handoff, handoff_id)
        for text in texts:
            message = Message(
                handoff_id=handoff_id,
                message_id=f"rasa-{text}",
                sender="customer",
                text=text,
                sent_at=forwarder.clock(),
            )
            session.add(message)
            session.flush()
            forwarder.enqueue_message(handoff, message, session=session)


def test_chatwoot_down_for_60_seconds_loses_and_doubles_nothing(factory, chatwoot):
    forward_settings = chatwoot_settings(chatwoot)
    _key, handoff_id = queue_handoff(factory, forward_settings)
    clock = Clock()
    outage_start = clock.now + timedelta(seconds=1)
    outage_end = outage_start + timedelta(seconds=60)

    async def go() -> list[float]:
        forwarder = Forwarder(factory, forward_settings, clock=clock, rng=lambda: 1.0)
        waits: list[float] = []
        try:
            assert await forwarder.flush() is None  # the handoff reaches Chatwoot
            clock.now = outage_start
            chatwoot.down = True
            add_customer_messages(factory, forwarder, handoff_id, ["one", "two"])
            added_late = False
            while True:
                chatwoot.down = outage_start <= clock.now < outage_end
                if not added_late and clock.now >= outage_start + timedelta(seconds=30):
                    add_customer_messages(factory, forwarder, handoff_id, ["three"])
                    added_late = True  # written while Chatwoot is still away
                wait = await forwarder.flush()
                if wait is None:
                    return waits
                waits.append(wait)
                clock.now += timedelta(seconds=wait + 0.01)  # the loop sleeps exactly this long
        finally:
            await forwarder.client.aclose()

    waits = asyncio.run(go())
    assert sum(waits) >= 60  # the outage was ridden out on the retry clock
    conversation = chatwoot.only_conversation()
    assert chatwoot.public_messages(conversation, incoming=True) == [
        "where is my parcel",  # the transcript
        "one",
        "two",
        "three",
    ]
    assert any(r.status == 503 for r in chatwoot.calls("POST .*/messages$"))
    with factory.begin() as session:
        rows = list(session.execute(select(Forward).order_by(Forward.id)).scalars())
    assert all(r.status == "delivered" for r in rows)
    assert max(r.attempts for r in rows) > 1
