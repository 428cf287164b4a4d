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
* :func:`fail_closed` makes the wrapper raise :class:`TrackerStoreUnavailable`
  instead of falling back; channels/guard.py turns it into a polite "please send
  that again", so the message is refused, never answered from a blank tracker.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, NoReturn, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import event

logger = logging.getLogger(__name__)

# Longer than the lock a backup or a migration typically holds; past it the
# message is refused with "please send it again".
DEFAULT_BUSY_TIMEOUT_SECONDS = 20.0

DEFAULT_RECONNECT_SECONDS = 15.0

T = TypeVar("T")


async def _in_thread(method: Callable[..., Awaitable[T]], *args: Any) -> T:
    """Run one of Rasa's ``async`` but blocking store methods in a worker thread."""
    return await asyncio.to_thread(lambda: asyncio.run(method(*args)))


class TrackerStoreUnavailable(RuntimeError):
    """The conversation store could not be read or written; the message must be retried."""


def _sqlite_pragmas(busy_timeout_ms: int) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
        cursor.execute("PRAGMA journal_mode = WAL")
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
        url = self.engine.url
        self.engine.dispose()
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

    async def _call(self, method: Callable[..., Awaitable[T]], *args: Any) -> T:
        """``method`` off the event loop, retried while a database server is away.

        Retrying is safe for ``save`` too: it inserts only the events the database
        does not hold yet, counted inside the same transaction. SQLite is not
        retried here: its busy timeout has already waited.
        """
        deadline = time.monotonic() + self.reconnect_seconds
        delay = 0.2
        while True:
            try:
                return await _in_thread(method, *args)
            except sa.exc.OperationalError as error:
                if self.engine.dialect.name == "sqlite" or time.monotonic() + delay > deadline:
                    raise
                logger.warning(
                    "tracker store unreachable, retrying in %.1f s: %s", delay, error.orig
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return await self._call(super().retrieve, sender_id)

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        return await self._call(super().retrieve_full_tracker, conversation_id)

    async def keys(self) -> Iterable[str]:
        return await self._call(super().keys)

    async def save(self, tracker: DialogueStateTracker) -> None:
        if self.event_broker is not None:
            # A broker's connection belongs to the server's loop: stay on it.
            await super().save(tracker)
            return
        await self._call(super().save, tracker)


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
