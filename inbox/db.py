"""Engine and session factory.

Handlers never commit by hand: a unit of work is ``with factory.begin() as session``.
``run_in_session`` runs such a unit in the thread pool so async handlers never block
the event loop on the (synchronous) database driver.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.engine.url import make_url
from sqlalchemy.orm import sessionmaker
from starlette.concurrency import run_in_threadpool

T = TypeVar("T")


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL and foreign keys, its folder is created."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, future=True, connect_args={"check_same_thread": False, "timeout": 30}
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, future=True, pool_pre_ping=True, pool_size=10, max_overflow=10)


def make_session_factory(engine: Engine) -> sessionmaker:
    """Sessions that keep loaded values after commit (results are read after the block)."""
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


async def run_in_session(
    factory: sessionmaker, fn: Callable[..., T], *args: Any, **kwargs: Any
) -> T:
    """Run ``fn(*args, session=..., **kwargs)`` in one transaction in the thread pool."""

    def unit() -> T:
        with factory.begin() as session:
            return fn(*args, session=session, **kwargs)

    return await run_in_threadpool(unit)
