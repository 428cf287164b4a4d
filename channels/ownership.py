"""Which channel a conversation belongs to: the one its first customer message came through.

The REST-shaped channels have no login and a socket.io client names its own
session id, so each may only continue conversations it started (channels/rest.py,
channels/socketio.py): anyone who knows a web chat's session id or a customer's
WhatsApp number would otherwise read the conversation's verified order facts, or
speak to its agent as the customer.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.events import UserUttered

logger = logging.getLogger(__name__)


def _first_channel_in_sql(store: SQLTrackerStore, sender: str) -> str | None:
    """One indexed row, not the tracker: the cost stays flat however long the chat."""
    with store.session_scope() as session:
        row = (
            session.query(store.SQLEvent.data)
            .filter(store.SQLEvent.sender_id == sender, store.SQLEvent.type_name == "user")
            .order_by(store.SQLEvent.id)
            .first()
        )
    if row is None:
        return None
    channel = json.loads(row[0]).get("input_channel")
    return channel if isinstance(channel, str) else None


async def first_channel(store: TrackerStore | None, sender: str) -> str | None:
    """The channel of the conversation's first customer message (None: a new conversation).

    Every session counts, not only the latest: an expired session carries its
    slots over. An unreadable store answers None: the turn itself then meets the
    store's failure and refuses politely (rasa_server/tracker_store.py).
    """
    if store is None:
        return None
    # The agent's store is Rasa's FailSafeTrackerStore around the SQL store: ask the SQL store
    # (otherwise every message read and replayed the whole conversation, issue 17).
    inner = store._tracker_store if isinstance(store, FailSafeTrackerStore) else store
    try:
        if isinstance(inner, SQLTrackerStore):
            return await asyncio.to_thread(_first_channel_in_sql, inner, sender)
        tracker: Any = await store.retrieve_full_tracker(sender)
    except Exception:
        logger.warning("could not read conversation %s to check its channel", sender)
        return None
    if tracker is None:
        return None
    first = next((e for e in tracker.events if isinstance(e, UserUttered)), None)
    return first.input_channel if first is not None else None
