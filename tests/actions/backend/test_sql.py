"""What only the SQL backend promises: laziness, worker threads, failures."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from actions.backend.base import BackendUnavailable, OrderNotFound
from actions.backend.sql import SqlOrderBackend, create_order_engine, find_order
from tests.actions.backend.conftest import TODAY, copy_of, pinned_clock
from tools.orders.seed import build_rows, reset_database, seed_database


@pytest.mark.asyncio
async def test_engine_is_created_on_first_use_only(seeded_sqlite_template: Path) -> None:
    backend = SqlOrderBackend(copy_of(seeded_sqlite_template, "lazy.db"), clock=pinned_clock)
    assert backend._engine is None

    await backend.get_order("10482")

    assert backend._engine is not None
    backend.dispose()


@pytest.mark.asyncio
async def test_queries_run_off_the_event_loop_thread(seeded_sqlite_template: Path) -> None:
    backend = SqlOrderBackend(copy_of(seeded_sqlite_template, "threads.db"), clock=pinned_clock)
    await backend.get_order("10482")  # creates the engine
    query_threads: list[int] = []
    event.listen(
        backend._engine,
        "before_cursor_execute",
        lambda *args: query_threads.append(threading.get_ident()),
    )

    await backend.verify_customer("10482", "SW1A 1AA")

    assert query_threads and threading.get_ident() not in query_threads
    backend.dispose()


@pytest.mark.asyncio
async def test_missing_database_folder_is_unavailable(tmp_path: Path) -> None:
    backend = SqlOrderBackend(f"sqlite:///{tmp_path}/no/such/folder/orders.db")

    with pytest.raises(BackendUnavailable):
        await backend.get_order("10482")


@pytest.mark.asyncio
async def test_unseeded_database_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(BackendUnavailable):
        await SqlOrderBackend(f"sqlite:///{tmp_path}/empty.db").get_refunds("10482")


@pytest.mark.asyncio
async def test_postgres_down_is_unavailable() -> None:
    backend = SqlOrderBackend("postgresql://postgres:pw@127.0.0.1:1/orders")

    with pytest.raises(BackendUnavailable):
        await backend.get_order("10482")
    assert "pw" not in repr(backend)


@pytest.mark.asyncio
async def test_in_memory_sqlite_is_shared_between_worker_threads() -> None:
    backend = SqlOrderBackend("sqlite://", clock=pinned_clock)
    backend._session_factory()
    engine = backend._engine
    reset_database(engine)
    with Session(engine, future=True) as session, session.begin():
        build_rows(session, TODAY)

    assert (await backend.get_order("10482")).customer.name == "Dana Whitfield"
    backend.dispose()


def test_data_access_functions_leave_the_transaction_to_the_caller(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/access.db"
    seed_database(url, TODAY)
    engine = create_order_engine(url)
    with Session(engine, future=True) as session:
        row = find_order("10501", session=session)
        assert row is not None and find_order("10999", session=session) is None
        row.status = "cancelled"
        session.flush()
        session.rollback()  # nothing was committed behind our back
        assert find_order("10501", session=session).status == "placed"
    engine.dispose()


@pytest.mark.asyncio
async def test_unknown_order_is_not_found_not_unavailable(seeded_sqlite_template: Path) -> None:
    backend = SqlOrderBackend(copy_of(seeded_sqlite_template, "unknown.db"))
    with pytest.raises(OrderNotFound):
        await backend.cancel_order("10000")
    backend.dispose()
