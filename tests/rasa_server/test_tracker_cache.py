"""A message reads only the events it has not seen (rasa_server/tracker_cache.py), on real SQLite.

Every test compares with what Rasa's own SQL store reads from the same file, so
the kept tracker can never drift from the database.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

import rasa_server.tracker_store as tracker_store_module
from rasa_server.tracker_store import ResilientSQLTrackerStore
from tests.rasa_server.test_tracker_store import DOMAIN, sqlite_store


def turn(number: int) -> list[Event]:
    """One customer turn as Rasa stores it: the message, a slot, the answer, listen."""
    return [
        UserUttered(f"message {number}", {"name": "greet", "confidence": 1.0}),
        SlotSet("handoff_active", number % 2 == 0),
        BotUttered(f"answer {number}"),
        ActionExecuted("action_listen"),
    ]


async def read_by_rasa(path: Path, sender: str) -> DialogueStateTracker | None:
    rasa = SQLTrackerStore(domain=DOMAIN, dialect="sqlite", host=f"sqlite:///{path}", db="rasa")
    try:
        return await rasa.retrieve(sender)
    finally:
        rasa.engine.dispose()


def dumped(tracker: DialogueStateTracker | None) -> list[dict]:
    assert tracker is not None
    return [event.as_dict() for event in tracker.events]


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many stored events each retrieve deserialised (the store's own calls, counted)."""
    sizes: list[int] = []
    real = tracker_store_module.deserialise_events
    real_from_dict = DialogueStateTracker.from_dict.__func__  # type: ignore[attr-defined]

    def deserialise(events: list[dict]) -> list[Event]:
        sizes.append(len(events))
        return real(events)

    def from_dict(cls, sender_id, events, *args, **kwargs):  # type: ignore[no-untyped-def]
        sizes.append(len(events))
        return real_from_dict(cls, sender_id, events, *args, **kwargs)

    monkeypatch.setattr(tracker_store_module, "deserialise_events", deserialise)
    monkeypatch.setattr(DialogueStateTracker, "from_dict", classmethod(from_dict))
    return sizes


async def converse(store: ResilientSQLTrackerStore, sender: str, turns: int) -> None:
    """``turns`` messages as the processor handles them: retrieve (or create), update, save."""
    for number in range(turns):
        tracker = await store.retrieve(sender) or DialogueStateTracker(sender, DOMAIN.slots)
        for event in turn(number):
            tracker.update(event)
        await store.save(tracker)


async def test_the_50th_message_reads_no_more_events_than_the_5th(
    tmp_path: Path, counted: list[int]
) -> None:
    store = sqlite_store(tmp_path / "t.db")
    await converse(store, "dana", 50)
    assert len(counted) == 0  # every retrieve after the first save was served from memory
    counted.clear()
    tracker = await store.retrieve("dana")
    assert tracker is not None and len(tracker.events) == 200
    assert sum(counted) == 0
    assert dumped(tracker) == dumped(await read_by_rasa(tmp_path / "t.db", "dana"))
    assert store.cache.hits >= 49


async def test_rows_written_by_another_replica_are_read_and_only_they(
    tmp_path: Path, counted: list[int]
) -> None:
    path = tmp_path / "t.db"
    mine, other = sqlite_store(path), sqlite_store(path)
    await converse(mine, "dana", 10)
    await converse(other, "dana", 1)  # the other replica reads all 40 events, adds 4
    counted.clear()
    tracker = await mine.retrieve("dana")
    assert counted == [4]  # the 4 new rows, not the 44 of the session
    assert dumped(tracker) == dumped(await read_by_rasa(path, "dana"))
    assert tracker is not None and tracker.get_slot("handoff_active") is True


async def test_a_session_started_elsewhere_is_read_from_its_start(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    mine, other = sqlite_store(path), sqlite_store(path)
    await converse(mine, "dana", 3)
    tracker = await other.retrieve("dana")
    assert tracker is not None
    for event in [ActionExecuted("action_session_start"), SessionStarted(), *turn(7)]:
        tracker.update(event)
    await other.save(tracker)
    mine_now = await mine.retrieve("dana")
    assert dumped(mine_now) == dumped(await read_by_rasa(path, "dana"))
    assert mine_now is not None and len(mine_now.events) == 5  # SessionStarted and after


async def test_a_tracker_changed_but_not_saved_is_not_served_again(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    store = sqlite_store(path)
    await converse(store, "dana", 2)
    tracker = await store.retrieve("dana")
    assert tracker is not None
    tracker.update(UserUttered("never stored", {"name": "greet", "confidence": 1.0}))
    # The processor failed before saving: the next message must not see that event.
    again = await store.retrieve("dana")
    assert again is not tracker
    assert dumped(again) == dumped(await read_by_rasa(path, "dana"))
    assert "never stored" not in [e.get("text") for e in dumped(again)]


async def test_a_kept_tracker_mutated_after_its_save_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    store = sqlite_store(path)
    await converse(store, "dana", 2)
    tracker = await store.retrieve("dana")
    assert tracker is not None
    await store.save(tracker)  # kept
    tracker.update(BotUttered("said after the save, never stored"))
    again = await store.retrieve("dana")
    assert again is not tracker
    assert dumped(again) == dumped(await read_by_rasa(path, "dana"))


async def test_saving_the_same_tracker_twice_stores_each_event_once(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    store = sqlite_store(path)
    await converse(store, "dana", 2)
    tracker = await store.retrieve("dana")
    assert tracker is not None
    for event in turn(2):
        tracker.update(event)
    await store.save(tracker)
    await store.save(tracker)  # a retry after a save that did land
    stored = await read_by_rasa(path, "dana")
    assert stored is not None and len(stored.events) == 12


async def test_a_tracker_built_elsewhere_is_saved_as_rasa_would(tmp_path: Path) -> None:
    """A tracker the store never read (the HTTP API, a test) goes through Rasa's count."""
    path = tmp_path / "t.db"
    store = sqlite_store(path)
    await converse(store, "dana", 1)
    fresh = DialogueStateTracker("dana", DOMAIN.slots)
    for event in [*turn(0), *turn(1)]:
        fresh.update(event)
    await store.save(fresh)
    stored = await read_by_rasa(path, "dana")
    assert stored is not None and len(stored.events) == 8
    assert dumped(await store.retrieve("dana")) == dumped(stored)


async def test_the_cache_is_bounded(tmp_path: Path) -> None:
    store = ResilientSQLTrackerStore(
        domain=DOMAIN, dialect="sqlite", host=f"sqlite:///{tmp_path / 't.db'}", db="rasa"
    )
    store.cache.max_trackers = 3
    for sender in ["a", "b", "c", "d", "e"]:
        await converse(store, sender, 1)
    assert len(store.cache) == 3
    assert dumped(await store.retrieve("a")) == dumped(await read_by_rasa(tmp_path / "t.db", "a"))
