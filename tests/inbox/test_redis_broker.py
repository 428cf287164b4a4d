"""Optional Redis bus: an agent on one replica hears about a handoff made on another."""

from __future__ import annotations

import secrets
import socket
import threading
import uuid

import pytest

from .conftest import start_inbox
from .helpers import create_handoff
from .test_events import _read_events


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module", autouse=True)
def _redis_running() -> None:
    if not _redis_reachable():
        pytest.fail("Redis is not reachable on 127.0.0.1:6379 (.ci/run starts it)")


@pytest.fixture(scope="module")
def two_replicas(tmp_path_factory, fake_rasa):
    url = f"sqlite:///{tmp_path_factory.mktemp('replicas') / 'inbox.db'}"
    shared = dict(
        redis_url="redis://127.0.0.1:6379/0",
        redis_channel=f"inbox-test:{uuid.uuid4().hex}",
        handoff_secret=secrets.token_urlsafe(16),
        session_secret=secrets.token_urlsafe(32),
    )
    first = start_inbox(url, fake_rasa, **shared)
    a = next(first)
    second = start_inbox(url, fake_rasa, **shared)  # a second replica on the same database and bus
    b = next(second)
    yield a, b
    for gen in (second, first):
        with pytest.raises(StopIteration):
            next(gen)


def test_event_published_on_one_replica_reaches_pages_on_the_other(two_replicas):
    a, b = two_replicas
    a.reset()
    sam = a.agent("sam")
    events: list[tuple] = []
    ready = threading.Event()
    reader = threading.Thread(
        target=_read_events, args=(sam, "/api/v1/events", 1, events, ready), daemon=True
    )
    reader.start()
    assert ready.wait(10)
    key = create_handoff(b.bot())["handoff_key"]
    reader.join(10)
    assert events == [("queue", {"reason": "created", "handoff_key": key})]
