"""The resilient SQL tracker store (rasa_server/tracker_store.py) on real SQLite and PostgreSQL.

The same drill over the running system is tests/e2e/test_locked_tracker.py.
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_server.tracker_store import ResilientSQLTrackerStore, TrackerStoreUnavailable, fail_closed
from tests.inbox.conftest import throwaway_pg_database

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [greet]
slots:
  handoff_active:
    type: bool
    influence_conversation: false
    mappings: [{type: custom}]
"""
)


def sqlite_store(path: Path, busy_timeout: float = 5.0) -> ResilientSQLTrackerStore:
    return ResilientSQLTrackerStore(
        domain=DOMAIN,
        dialect="sqlite",
        host=f"sqlite:///{path}",
        db="rasa",
        busy_timeout_seconds=busy_timeout,
    )


def handed_off(sender: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    tracker.update(UserUttered("talk to a person", {"name": "greet", "confidence": 1.0}))
    tracker.update(SlotSet("handoff_active", True))
    return tracker


class Locker:
    """Another process's write lock on the SQLite file, held for ``seconds`` in a thread."""

    def __init__(self, path: Path, seconds: float) -> None:
        self.path, self.seconds = path, seconds
        self.locked = threading.Event()
        self.thread = threading.Thread(target=self._hold, daemon=True)

    def _hold(self) -> None:
        connection = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        connection.execute("PRAGMA locking_mode = EXCLUSIVE")  # readers wait too, even in WAL
        connection.execute("BEGIN EXCLUSIVE")
        connection.execute("CREATE TABLE IF NOT EXISTS locker (x)")
        self.locked.set()
        time.sleep(self.seconds)
        connection.execute("COMMIT")
        connection.close()

    def __enter__(self) -> Locker:
        self.thread.start()
        self.locked.wait(5)
        return self

    def __exit__(self, *exc: object) -> None:
        self.thread.join(self.seconds + 5)


async def test_sqlite_runs_in_wal_with_a_busy_timeout(tmp_path: Path) -> None:
    store = sqlite_store(tmp_path / "t.db", busy_timeout=7)
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 7000


async def test_a_short_lock_is_waited_out_and_nothing_is_lost(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    store = sqlite_store(path, busy_timeout=10)
    await store.save(handed_off("dana"))
    with Locker(path, 1.5):
        tracker = handed_off("dana")
        tracker.update(UserUttered("are you still there?", {"name": "greet", "confidence": 1.0}))
        await store.save(tracker)
    stored = await store.retrieve("dana")
    assert stored is not None
    assert [e.text for e in stored.events if isinstance(e, UserUttered)] == [
        "talk to a person",
        "are you still there?",
    ]
    assert stored.get_slot("handoff_active") is True


async def test_waiting_for_the_lock_does_not_freeze_other_conversations(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    store = sqlite_store(path, busy_timeout=10)
    await store.save(handed_off("dana"))
    ticks: list[float] = []

    async def ticker() -> None:
        for _ in range(10):
            ticks.append(time.monotonic())
            await asyncio.sleep(0.1)

    with Locker(path, 1.2):
        await asyncio.gather(store.retrieve("dana"), ticker())
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert max(gaps) < 0.5, gaps  # Rasa's own store would block the loop for the whole lock


async def test_a_lock_longer_than_the_timeout_fails_closed(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    inner = sqlite_store(path, busy_timeout=0.3)
    await inner.save(handed_off("dana"))
    wrapped = FailSafeTrackerStore(inner)
    with Locker(path, 2.0):
        # Rasa's wrapper alone answers None: the processor would start afresh.
        assert await wrapped.retrieve("dana") is None
        fail_closed(wrapped)
        with pytest.raises(TrackerStoreUnavailable):
            await wrapped.retrieve("dana")
        with pytest.raises(TrackerStoreUnavailable):
            await wrapped.save(handed_off("dana"))
    stored = await wrapped.retrieve("dana")
    assert stored is not None and stored.get_slot("handoff_active") is True


def test_fail_closed_leaves_other_stores_alone(tmp_path: Path) -> None:
    store = sqlite_store(tmp_path / "t.db")
    fail_closed(store)  # not a wrapper: nothing to set, nothing raised
    assert not hasattr(store, "_on_tracker_store_error")


@pytest.fixture()
def pg_url() -> Iterator[str]:
    with throwaway_pg_database("tracker_test") as url:
        yield url


@pytest.mark.postgres
async def test_postgresql_connections_dropped_by_a_restart_are_replaced(pg_url: str) -> None:
    database = pg_url.rsplit("/", 1)[1]
    store = ResilientSQLTrackerStore(
        domain=DOMAIN,
        dialect="postgresql",
        host="127.0.0.1",
        port=5432,
        username="postgres",
        db=database,
    )
    await store.save(handed_off("dana"))
    admin = sa.create_engine(
        "postgresql://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        killed = connection.execute(
            sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = :d"
            ),
            {"d": database},
        ).scalar()
    admin.dispose()
    assert killed >= 1  # the store's pooled connection is gone, as after a server restart
    stored = await store.retrieve("dana")
    assert stored is not None and stored.get_slot("handoff_active") is True
    store.engine.dispose()


@pytest.mark.postgres
async def test_a_postgresql_server_away_for_a_moment_is_waited_out(pg_url: str) -> None:
    """A restart: connections dropped, new ones refused for 2 s; the save lands afterwards."""
    database = pg_url.rsplit("/", 1)[1]
    store = ResilientSQLTrackerStore(
        domain=DOMAIN,
        dialect="postgresql",
        host="127.0.0.1",
        port=5432,
        username="postgres",
        db=database,
        reconnect_seconds=10,
    )
    await store.save(handed_off("dana"))
    admin = sa.create_engine(
        "postgresql://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT"
    )

    def restart(seconds: float) -> None:
        with admin.connect() as connection:
            connection.execute(sa.text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false'))
            connection.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d"
                ),
                {"d": database},
            )
            time.sleep(seconds)
            connection.execute(sa.text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true'))

    away = threading.Thread(target=restart, args=(2.0,))
    away.start()
    time.sleep(0.5)
    tracker = handed_off("dana")
    tracker.update(UserUttered("hello? anyone?", {"name": "greet", "confidence": 1.0}))
    await store.save(tracker)  # Rasa's own store raised here, and its wrapper wrote to memory
    away.join()
    admin.dispose()
    stored = await store.retrieve("dana")
    assert stored is not None
    assert [e.text for e in stored.events if isinstance(e, UserUttered)] == [
        "talk to a person",
        "hello? anyone?",
    ]
    store.engine.dispose()
