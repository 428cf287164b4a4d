"""Real backends on real seeded databases, shared per test session.

`backend` runs a test three times: on SQLite, on PostgreSQL (a throwaway
database `orders_test_<random>` on 127.0.0.1:5432, dropped afterwards; skipped
if no server answers) and over HTTP (the stub order API served by uvicorn in a
thread, on top of its own SQLite copy).

The databases are seeded once per session for the fixed day `TODAY`, and the
backends' clocks are pinned to it. Tests that change data must each use their
own demo order (see tools/orders/seed.py) so that no test depends on another.
"""

from __future__ import annotations

import shutil
import socket
import threading
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
import pytest_asyncio
import uvicorn
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from actions.backend.base import OrderBackend
from actions.backend.http import HttpOrderBackend
from actions.backend.sql import SqlOrderBackend
from tools.orders.seed import seed_database, seed_now
from tools.orders.stub_api import create_app

TODAY = date(2026, 11, 26)
API_TOKEN = "test-token-not-secret"
POSTGRES_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/"


def pinned_clock() -> datetime:
    return seed_now(TODAY)


@pytest.fixture(scope="session")
def seeded_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("orders") / "template.db"
    seed_database(f"sqlite:///{path}", TODAY)
    return path


def copy_of(template: Path, name: str) -> str:
    target = template.with_name(name)
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


@pytest.fixture(scope="session")
def sqlite_backend(seeded_sqlite_template: Path) -> Iterator[SqlOrderBackend]:
    backend = SqlOrderBackend(copy_of(seeded_sqlite_template, "shared.db"), clock=pinned_clock)
    yield backend
    backend.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of a freshly seeded throwaway PostgreSQL database."""
    admin = create_engine(
        POSTGRES_SERVER_URL + "postgres", future=True, isolation_level="AUTOCOMMIT"
    )
    name = f"orders_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        admin.dispose()
        pytest.fail(
            f"no PostgreSQL at {POSTGRES_SERVER_URL} ({error.__class__.__name__}); .ci/run starts it"
        )
    url = POSTGRES_SERVER_URL + name
    try:
        seed_database(url, TODAY)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_backend(postgres_url: str) -> Iterator[SqlOrderBackend]:
    backend = SqlOrderBackend(postgres_url, clock=pinned_clock)
    yield backend
    backend.dispose()


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@pytest.fixture(scope="session")
def order_api(seeded_sqlite_template: Path) -> Iterator[tuple[str, object]]:
    """The stub order API on a free localhost port: (base URL, Starlette app)."""
    store = SqlOrderBackend(copy_of(seeded_sqlite_template, "api.db"), clock=pinned_clock)
    app = create_app(store, API_TOKEN)
    sock = free_socket()
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", lifespan="off", ws="none", loop="asyncio")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    started = threading.Event()
    for _ in range(200):  # wait for start-up, at most ~10 s
        if server.started or not thread.is_alive():
            break
        started.wait(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", app
    server.should_exit = True
    thread.join(timeout=10)
    store.dispose()
    sock.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres), "http"])
def backend_kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest_asyncio.fixture
async def backend(backend_kind: str, request: pytest.FixtureRequest) -> OrderBackend:
    """The same seeded demo data behind each kind of backend."""
    if backend_kind == "sqlite":
        yield request.getfixturevalue("sqlite_backend")
    elif backend_kind == "postgresql":
        yield request.getfixturevalue("postgres_backend")
    else:
        base_url, _ = request.getfixturevalue("order_api")
        client = HttpOrderBackend(base_url, API_TOKEN, sleep=_no_sleep)
        yield client
        await client.aclose()


async def _no_sleep(_: float) -> None:
    return None
