"""The channel a conversation belongs to (channels/ownership.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.core.tracker_store import (
    FailSafeTrackerStore,
    InMemoryTrackerStore,
    SQLTrackerStore,
    TrackerStore,
)
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from channels.ownership import first_channel

DOMAIN = Domain.empty()


async def _with_conversation(store: TrackerStore) -> TrackerStore:
    tracker = DialogueStateTracker("web-1", slots=[])
    tracker.update(UserUttered("where is my order", input_channel="socketio"))
    tracker.update(SessionStarted())  # a later session, as after an expiry
    tracker.update(UserUttered("hi", input_channel="rest"))
    await store.save(tracker)
    return store


@pytest.fixture(params=["sql", "memory", "fail-safe sql"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> TrackerStore:
    if request.param == "sql":
        return await _with_conversation(
            SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"))
        )
    if request.param == "fail-safe sql":  # what the agent holds: Rasa wraps every store
        return await _with_conversation(
            FailSafeTrackerStore(
                SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"))
            )
        )
    return await _with_conversation(InMemoryTrackerStore(DOMAIN))


async def test_the_first_customer_message_names_the_owner(store: TrackerStore) -> None:
    assert await first_channel(store, "web-1") == "socketio"


async def test_a_new_conversation_has_no_owner(store: TrackerStore) -> None:
    assert await first_channel(store, "someone-new") is None
    assert await first_channel(None, "web-1") is None


async def test_the_agent_s_wrapped_sql_store_is_asked_for_one_row_not_the_tracker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Reading the whole conversation made every message dearer as the chat grew (issue 17).
    store = await _with_conversation(
        FailSafeTrackerStore(SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db")))
    )

    async def whole_tracker(*_args: object) -> None:
        raise AssertionError("read the whole conversation")

    monkeypatch.setattr(FailSafeTrackerStore, "retrieve_full_tracker", whole_tracker)
    monkeypatch.setattr(SQLTrackerStore, "retrieve_full_tracker", whole_tracker)
    assert await first_channel(store, "web-1") == "socketio"
