"""Fixtures for the forwarding tests: the fake services, a migrated database (SQLite
file and the throwaway PostgreSQL one), and a way to run the forwarder until it settles.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import sessionmaker

from inbox import schemas
from inbox.conversation import handoffs
from inbox.db import make_engine, make_session_factory
from inbox.forwarding.settings import ForwardSettings
from inbox.forwarding.worker import Forwarder
from inbox.migrate import upgrade
from inbox.models import Forward, Handoff

from ..conftest import FakeRasa, RunningInbox, start_inbox
from ..helpers import handoff_payload
from .fakes import FakeChatwoot, FakeReceiver, FakeSlack

SECRET = "whsec-test-0123456789abcdef"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    """An empty inbox database: a SQLite file, or the session's throwaway PostgreSQL one."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'inbox.db'}"
    return request.getfixturevalue("pg_database")


def serve_inbox(url: str, rasa: FakeRasa, forwarding: ForwardSettings) -> Iterator[RunningInbox]:
    """A real inbox server on ``url`` with these forwarding settings, emptied first."""
    for running in start_inbox(url, rasa, forwarding=forwarding):
        running.reset()
        yield running


@pytest.fixture()
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack()
    yield fake
    fake.close()


@pytest.fixture()
def receiver() -> Iterator[FakeReceiver]:
    fake = FakeReceiver(SECRET)
    yield fake
    fake.close()


@pytest.fixture()
def chatwoot() -> Iterator[FakeChatwoot]:
    fake = FakeChatwoot()
    yield fake
    fake.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def factory(request: pytest.FixtureRequest, tmp_path) -> Iterator[sessionmaker]:  # type: ignore[no-untyped-def]
    """A migrated, empty database on SQLite and on PostgreSQL."""
    url = (
        f"sqlite:///{tmp_path / 'f.db'}"
        if request.param == "sqlite"
        else request.getfixturevalue("pg_database")
    )
    upgrade(url)
    engine = make_engine(url)
    made = make_session_factory(engine)
    with made.begin() as session:
        session.execute(delete(Forward))
        session.execute(delete(Handoff))
    yield made
    engine.dispose()


def settings(**overrides: Any) -> ForwardSettings:
    """Fast retries for tests: 50 ms backoff, short timeout."""
    values: dict = dict(
        public_url="https://inbox.example.com",
        backoff_seconds=0.05,
        max_backoff_seconds=0.2,
        timeout_seconds=1.0,
        max_attempts=5,
        poll_seconds=0.2,
    )
    values.update(overrides)
    return ForwardSettings(**values)


def queue_handoff(
    factory: sessionmaker, forward_settings: ForwardSettings, **payload: Any
) -> tuple[str, int]:
    """Store a handoff and queue ``handoff.created`` as the bot endpoint does."""
    forwarder = Forwarder(factory, forward_settings)  # only its queueing side is used here
    with factory.begin() as session:
        handoff, created = handoffs.create_handoff(
            schemas.HandoffIn(**handoff_payload(**payload)), session=session
        )
        session.flush()
        assert created
        forwarder.enqueue_created(handoff, session=session)
        key, handoff_id = handoff.key, handoff.id
    asyncio.run(forwarder.client.aclose())
    return key, handoff_id


def run_until_settled(
    factory: sessionmaker, forward_settings: ForwardSettings, timeout: float = 20.0
) -> None:
    """Run the forwarder until no row is pending (or ``timeout``), honouring its waits."""

    async def go() -> None:
        forwarder = Forwarder(factory, forward_settings)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                wait = await forwarder.flush()
                if wait is None:
                    return
                await asyncio.sleep(min(wait + 0.01, max(0.0, deadline - time.monotonic())))
        finally:
            await forwarder.client.aclose()

    asyncio.run(go())


def rows(factory: sessionmaker) -> list[Forward]:
    with factory.begin() as session:
        return list(session.execute(select(Forward).order_by(Forward.id)).scalars())
