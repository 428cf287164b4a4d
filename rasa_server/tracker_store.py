"""The SQL tracker store, made to wait out a busy database and to fail closed.

Rasa wraps every tracker store in ``FailSafeTrackerStore``. When the database
errs, that wrapper logs and carries on: a failed ``retrieve`` returns None, so
the processor starts the conversation afresh, and a failed ``save`` writes to
memory. A customer in a handoff then met a blank tracker: the bot asked "What's
your order number?" in the middle of the handoff, and the message was neither
relayed nor stored. Here:

* :class:`ResilientSQLTrackerStore` (endpoints.yml ``type``) gives SQLite a busy
  timeout and WAL (readers no longer block the writer), and every engine a
  pre-ping, so a PostgreSQL connection dropped by a restart is replaced instead
  of failing the next message, and a server that is briefly away (a restart)
  is retried for ``TRACKER_STORE_RECONNECT_SECONDS`` (15) before the message is
  refused. Rasa's store runs its blocking queries on the
  server's event loop; this one runs them in a worker thread, so one
  conversation waiting for a locked database does not freeze every other one.
* It keeps the tracker it saved (rasa_server/tracker_cache.py) and, on the next
  message, reads only the rows above the last id it knows, so a message costs
  the same whatever the length of the conversation; the rows are written and
  read in a worker thread without an event loop of their own.
* :func:`fail_closed` makes the wrapper raise :class:`TrackerStoreUnavailable`
  instead of falling back; channels/guard.py turns it into a polite "please send
  that again", so the message is refused, never answered from a blank tracker.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import os
import time
from collections.abc import Callable, Coroutine, Iterable
from typing import Any, NoReturn, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import SessionStarted, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import event

from rasa_server.tracker_cache import (
    DEFAULT_MAX_TRACKERS,
    TrackerCache,
    forget_stored,
    mark_stored,
    stored_part,
)

logger = logging.getLogger(__name__)

# Longer than the lock a backup or a migration typically holds; past it the
# message is refused with "please send it again".
DEFAULT_BUSY_TIMEOUT_SECONDS = 20.0

DEFAULT_RECONNECT_SECONDS = 15.0

T = TypeVar("T")


def _finish(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run one of Rasa's ``async`` but blocking store methods to its end, without a loop.

    They await nothing, so the coroutine finishes on its first step; starting an
    event loop per call (``asyncio.run``) cost more than many of the queries.
    """
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    coroutine.close()
    raise RuntimeError("a tracker store method awaited something; it must run on a loop")


class TrackerStoreUnavailable(RuntimeError):
    """The conversation store could not be read or written; the message must be retried."""


def _sqlite_pragmas(busy_timeout_ms: int) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
        cursor.execute("PRAGMA journal_mode = WAL")
        # In WAL, NORMAL syncs at checkpoints instead of on every commit: a killed
        # process loses nothing (the WAL is in the OS), only a power cut may lose
        # the last turns. The fsync per message cost more than the query.
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    return on_connect


class ResilientSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store with a busy timeout (SQLite), WAL and pre-ping."""

    def __init__(
        self,
        *args: Any,
        busy_timeout_seconds: float | None = None,
        reconnect_seconds: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.reconnect_seconds = float(
            reconnect_seconds
            or os.environ.get("TRACKER_STORE_RECONNECT_SECONDS")
            or DEFAULT_RECONNECT_SECONDS
        )
        rasa_engine: sa.engine.Engine = vars(self)["engine"]  # Rasa's; replaced below
        url = rasa_engine.url
        rasa_engine.dispose()
        engine_kwargs = create_engine_kwargs(url)
        timeout = float(
            busy_timeout_seconds
            or os.environ.get("TRACKER_STORE_BUSY_TIMEOUT")
            or DEFAULT_BUSY_TIMEOUT_SECONDS
        )
        if url.get_backend_name() == "sqlite":
            # pysqlite's own wait (seconds) and SQLite's busy handler (ms) both.
            engine_kwargs.setdefault("connect_args", {})["timeout"] = timeout
            self.engine = sa.create_engine(url, pool_pre_ping=True, **engine_kwargs)
            event.listen(self.engine, "connect", _sqlite_pragmas(int(timeout * 1000)))
        else:
            self.engine = sa.create_engine(url, pool_pre_ping=True, **engine_kwargs)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self.cache = TrackerCache(
            int(os.environ.get("TRACKER_STORE_CACHE_SIZE") or DEFAULT_MAX_TRACKERS)
        )

    async def _call(self, work: Callable[..., T], *args: Any) -> T:
        """``work`` in a worker thread, retried while a database server is away.

        Retrying is safe for ``save`` too: it inserts only the events the database
        does not hold yet, counted inside the same transaction. SQLite is not
        retried here: its busy timeout has already waited.
        """
        deadline = time.monotonic() + self.reconnect_seconds
        delay = 0.2
        while True:
            try:
                return await asyncio.to_thread(work, *args)
            except sa.exc.OperationalError as error:
                if self.engine.dialect.name == "sqlite" or time.monotonic() + delay > deadline:
                    raise
                logger.warning(
                    "tracker store unreachable, retrying in %.1f s: %s", delay, error.orig
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return await self._call(self._retrieve_session, sender_id)

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        return await self._call(
            lambda: _finish(SQLTrackerStore.retrieve_full_tracker(self, conversation_id))
        )

    async def keys(self) -> Iterable[str]:
        return await self._call(lambda: _finish(SQLTrackerStore.keys(self)))

    async def save(self, tracker: DialogueStateTracker) -> None:
        if self.event_broker is not None:
            # A broker's connection belongs to the server's loop: stay on it.
            self.cache.forget(tracker.sender_id)
            await super().save(tracker)
            return
        await self._call(self._save_new_events, tracker)

    def _retrieve_session(self, sender_id: str) -> DialogueStateTracker | None:
        """The tracker of the latest session: the kept one plus newer rows, or read afresh."""
        kept = self.cache.take(sender_id)
        with self.session_scope() as session:
            if kept is not None and self._catch_up(session, kept):
                return kept
            rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=False).all()
            if not self.domain or not rows:
                return None
            tracker = DialogueStateTracker.from_dict(
                sender_id, [json.loads(row.data) for row in rows], self.domain.slots
            )
            mark_stored(tracker, rows[-1].id)
            return tracker

    def _catch_up(self, session: Any, tracker: DialogueStateTracker) -> bool:
        """Apply the rows written since ``tracker`` was kept; False when a new session began."""
        stored = stored_part(tracker)
        assert stored is not None  # the cache keeps only marked trackers
        SQLEvent = self.SQLEvent
        rows = (
            session.query(SQLEvent.id, SQLEvent.type_name, SQLEvent.data)
            .filter(SQLEvent.sender_id == tracker.sender_id, SQLEvent.id > stored.last_id)
            .order_by(SQLEvent.id)
            .all()
        )
        if any(row.type_name == SessionStarted.type_name for row in rows):
            return False  # another process started a session: read it as Rasa would
        if rows:
            for new_event in deserialise_events([json.loads(row.data) for row in rows]):
                tracker.update(new_event)
            mark_stored(tracker, rows[-1].id)
        return True

    def _save_new_events(self, tracker: DialogueStateTracker) -> None:
        """Insert the tracker's events the database lacks; keep the tracker when it matches.

        When this process read or wrote the tracker and nobody has written the
        conversation since, the new events are the ones after the stored part,
        and the tracker is kept for the next message. Otherwise they are counted
        as Rasa does (events since the session start) and nothing is kept: the
        database's version wins.
        """
        SQLEvent = self.SQLEvent
        stored = stored_part(tracker)
        with self.session_scope() as session:
            first_new: int | None = None
            if stored is not None and len(tracker.events) >= stored.events:
                newer = (
                    session.query(sa.func.count(SQLEvent.id))
                    .filter(SQLEvent.sender_id == tracker.sender_id, SQLEvent.id > stored.last_id)
                    .scalar()
                )
                if newer == 0:
                    first_new = stored.events
            if first_new is None:
                first_new = self._event_query(
                    session, tracker.sender_id, fetch_events_from_all_sessions=False
                ).count()
                # A new conversation matches too: the database held none of its events.
                matches = first_new == 0
            else:
                matches = True
            rows = [
                self._row(tracker.sender_id, new_event)
                for new_event in itertools.islice(tracker.events, first_new, None)
            ]
            session.add_all(rows)
            session.flush()  # the ids, before the commit expires the rows
            last_id = rows[-1].id if rows else None
            session.commit()
        last_id = last_id if last_id is not None else (stored.last_id if stored else None)
        if matches and last_id is not None:
            mark_stored(tracker, last_id)
            self.cache.keep(tracker)
        else:
            forget_stored(tracker)
            self.cache.forget(tracker.sender_id)

    def _row(self, sender_id: str, new_event: Any) -> Any:
        """One events row, as Rasa's store writes it."""
        data = new_event.as_dict()
        return self.SQLEvent(
            sender_id=sender_id,
            type_name=new_event.type_name,
            timestamp=data.get("timestamp"),
            intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            action_name=data.get("name"),
            data=json.dumps(data),
        )


def _raise_unavailable(error: Exception) -> NoReturn:
    logger.error("tracker store failed, refusing the message instead of starting afresh: %r", error)
    raise TrackerStoreUnavailable(str(error)) from error


def fail_closed(tracker_store: Any) -> None:
    """Make Rasa's fail-safe wrapper raise on a store error instead of falling back.

    ``on_tracker_store_error`` is the wrapper's own hook (a constructor argument
    the Agent does not pass); setting it is idempotent and cheap.
    """
    if isinstance(tracker_store, FailSafeTrackerStore):
        tracker_store._on_tracker_store_error = _raise_unavailable
