"""Scale-out on real engines: two Rasa replicas sharing PostgreSQL (conversations) and Redis (locks).

Uses endpoints.scale.yml exactly as a deployment would, with the PostgreSQL and
Redis servers that run beside the tests (.ci/run makes sure they answer).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import sqlalchemy as sa

from tests.agent_client import AgentClient
from tests.stack import Stack, free_port, texts, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
HANDOFF_WORDS = "bringing in a person"


@pytest.fixture(scope="module")
def tracker_database() -> Iterator[str]:
    """A throwaway PostgreSQL database for the replicas' tracker store."""
    name = f"rasa_scale_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"
                ),
                {"name": name},
            )
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(scope="module")
def replicas(
    tmp_path_factory: pytest.TempPathFactory, tracker_database: str
) -> Iterator[tuple[Stack, str, str]]:
    stack = Stack(
        workdir=tmp_path_factory.mktemp("scale"),
        extra_env={
            "TRACKER_STORE_URL": tracker_database,
            "TRACKER_STORE_DB": tracker_database.rsplit("/", 1)[1],
            "REDIS_HOST": "127.0.0.1",
            "REDIS_PORT": "6379",
            "REDIS_LOCK_DB": "3",
        },
    )
    second_port = free_port()
    second_url = f"http://127.0.0.1:{second_port}"
    try:
        stack.prepare()
        stack.start_actions()
        stack.start_inbox()
        stack.start_rasa("rasa", endpoints="endpoints.scale.yml")
        stack.start_rasa("rasa-2", port=second_port, endpoints="endpoints.scale.yml")
        stack.wait_until_up("actions", f"{stack.action_url}/health")
        stack.wait_until_up("inbox", f"{stack.inbox_url}/healthz")
        stack.wait_for_rasa("rasa", stack.rasa_url)
        stack.wait_for_rasa("rasa-2", second_url)
        yield stack, stack.rasa_url, second_url
    finally:
        stack.stop_all()


def test_one_conversation_moves_between_replicas(
    replicas: tuple[Stack, str, str], tracker_database: str
) -> None:
    stack, first, second = replicas
    sender = f"scale-{uuid.uuid4().hex[:8]}"
    assert "order number" in texts(stack.say(sender, "where is my order?", rasa_url=first)).lower()
    assert "postcode" in texts(stack.say(sender, "10482", rasa_url=second))
    answer = texts(stack.say(sender, "SW1A 1AA", rasa_url=first))
    assert "Order 10482 is in transit" in answer

    engine = sa.create_engine(tracker_database, future=True)
    with engine.connect() as connection:
        stored = connection.execute(
            sa.text("SELECT count(*) FROM events WHERE sender_id = :sender AND type_name = 'user'"),
            {"sender": sender},
        ).scalar_one()
    engine.dispose()
    assert stored == 3


def test_handoff_pause_holds_on_every_replica(replicas: tuple[Stack, str, str]) -> None:
    stack, first, second = replicas
    sender = f"scale-{uuid.uuid4().hex[:8]}"
    assert "bringing in a person" in texts(stack.say(sender, "I need a human", rasa_url=first))
    assert stack.say(sender, "hello?", rasa_url=second) == []
    tracker = httpx.get(
        f"{second}/conversations/{sender}/tracker", params={"token": stack.rasa_token}, timeout=10
    ).json()
    assert tracker["paused"] is True


def test_a_postgresql_restart_mid_traffic_loses_and_doubles_nothing(
    replicas: tuple[Stack, str, str], tracker_database: str
) -> None:
    """The tracker on PostgreSQL: connections dropped and refused for 6 s while six customers
    in a handoff keep writing. Every message is relayed once; the bot never speaks.

    Runs last here, on this module's replicas (moved from test_fault_drills.py, which started
    a third PostgreSQL stack for it); the customers write to the first replica."""
    stack, first, _second = replicas
    database = tracker_database.rsplit("/", 1)[1]
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    agent = AgentClient(stack.inbox_url, stack.admin_user, stack.admin_password)
    try:
        senders = [f"pg-{i}-{uuid.uuid4().hex[:6]}" for i in range(6)]
        for sender in senders:
            assert HANDOFF_WORDS in texts(
                stack.say(sender, "let me speak to a human", rasa_url=first)
            )
        keys = {s: stack.tracker(s)["slots"]["handoff_key"] for s in senders}

        def restart() -> None:
            with admin.connect() as connection:
                connection.execute(sa.text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false'))
                connection.execute(
                    sa.text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d"
                    ),
                    {"d": database},
                )
                time.sleep(6)
                connection.execute(sa.text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true'))

        message = {s: f"hello? still waiting ({s})" for s in senders}
        away = threading.Thread(target=restart)
        away.start()
        time.sleep(0.5)
        with ThreadPoolExecutor(max_workers=len(senders)) as pool:
            replies = list(
                pool.map(
                    lambda s: texts(stack.say(s, message[s], timeout=90, rasa_url=first)), senders
                )
            )
        away.join()

        assert replies == [""] * len(senders), replies  # waited out: no bot line, no retry needed
        for sender in senders:
            tracker = stack.tracker(sender)
            assert tracker["paused"] is True and tracker["slots"]["handoff_active"] is True
        seen = wait_for(
            lambda: (lambda r: r if all(message[s] in r[s] for s in senders) else None)(
                {s: agent.customer_texts(keys[s]) for s in senders}
            ),
            timeout=60,
            message="messages relayed",
        )
        sent, relayed = len(senders), sum(seen[s].count(message[s]) for s in senders)
        assert (sent, relayed) == (6, 6)
    finally:
        agent.close()
        admin.dispose()
