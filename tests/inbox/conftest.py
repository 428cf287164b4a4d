"""Fixtures for the inbox tests: a fake Rasa on localhost, a real inbox server on a
free port (SQLite file and a throwaway PostgreSQL database), logged-in clients.
"""

from __future__ import annotations

import json
import secrets
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import uvicorn
from argon2 import PasswordHasher
from sqlalchemy import create_engine, delete, text

from inbox.app import create_app
from inbox.models import Agent, Delivery, Handoff, Message
from inbox.services import Services
from inbox.settings import Settings

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PASSWORD = "correct horse battery staple"
# A cheap argon2 hash keeps the suite fast; verification reads the cost from the hash.
_HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)


# ------------------------------------------------------------------ fake Rasa


@dataclass
class FakeRasa:
    """Records every call; answers 200, or 503 while ``down`` is set."""

    url: str = ""
    calls: list[dict[str, Any]] = field(default_factory=list)
    down: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.calls.clear()
        self.down = False

    def paths(self) -> list[str]:
        with self.lock:
            return [c["path"] for c in self.calls]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Poll until ``count`` calls arrived (not a timing assertion: fails only on hang)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.calls) >= count:
                    return list(self.calls)
            time.sleep(0.02)
        with self.lock:
            return list(self.calls)


def _fake_rasa_handler(rasa: FakeRasa) -> type:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = json.loads(self.rfile.read(length) or b"null")
            parts = urlsplit(self.path)
            if rasa.down:
                self.send_response(503)
                self.end_headers()
                return
            with rasa.lock:
                rasa.calls.append(
                    {
                        "path": parts.path,
                        "query": {k: v[0] for k, v in parse_qs(parts.query).items()},
                        "json": body,
                    }
                )
            payload = b'{"events": []}'
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:
            """The tracker, as the outbox reads it before a retry: the events posted so far."""
            if rasa.down:
                self.send_response(503)
                self.end_headers()
                return
            with rasa.lock:
                events = [
                    event
                    for call in rasa.calls
                    if call["path"].endswith("/tracker/events") and isinstance(call["json"], list)
                    for event in call["json"]
                ]
            payload = json.dumps({"events": events}).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture(scope="session")
def fake_rasa() -> Iterator[FakeRasa]:
    rasa = FakeRasa()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _fake_rasa_handler(rasa))
    rasa.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield rasa
    server.shutdown()


# ------------------------------------------------------------------ databases


def _pg_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


@contextmanager
def throwaway_pg_database(prefix: str) -> Iterator[str]:
    """A new PostgreSQL database's URL, dropped on exit (fails the test when PostgreSQL is down)."""
    if not _pg_reachable():
        pytest.fail("PostgreSQL is not reachable on 127.0.0.1:5432 (.ci/run starts it)")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A throwaway PostgreSQL database for the session, dropped afterwards."""
    with throwaway_pg_database("inbox_test") as url:
        yield url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ------------------------------------------------------------------ server


@dataclass
class RunningInbox:
    url: str
    settings: Settings
    svc: Services
    rasa: FakeRasa

    def reset(self) -> None:
        """Empty every table and the rate limiter; add agents sam, kim and admin ada."""
        with self.svc.factory.begin() as session:
            for model in (Delivery, Message, Handoff, Agent):
                session.execute(delete(model))
            for username, name, role in (
                ("sam", "Sam", "agent"),
                ("kim", "Kim", "agent"),
                ("ada", "Ada", "admin"),
            ):
                session.add(
                    Agent(
                        username=username,
                        display_name=name,
                        password_hash=_HASH,
                        role=role,
                        available=False,
                    )
                )
        self.svc.limiter.reset()
        self.svc.queue_cache.clear()
        self.rasa.reset()

    def bot(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.url,
            headers={"Authorization": f"Bearer {self.settings.handoff_secret}"},
            timeout=10,
        )

    def agent(self, username: str) -> httpx.Client:
        """A client logged in as ``username`` with its CSRF header set."""
        client = httpx.Client(base_url=self.url, timeout=10)
        response = client.post(
            "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        return client


def start_inbox(database_url: str, rasa: FakeRasa, **overrides: Any) -> Iterator[RunningInbox]:
    values: dict[str, Any] = dict(
        handoff_secret=secrets.token_urlsafe(16),
        session_secret=secrets.token_urlsafe(32),
        database_url=database_url,
        rasa_url=rasa.url,
        rasa_token="rasa-test-token",
        business_hours="24/7",
        avg_handle_seconds=120,
        delivery_retry_seconds=0.3,
        # The fake Rasa runs in this process: a garbage collection of the whole test session
        # (seen at 1.9 s in CI) can stall its answer past a short timeout, and the retry then
        # races the first call, still in flight (a doubled line in CI). Down is a 503, at once.
        rasa_timeout_seconds=10.0,
    )
    values.update(overrides)
    settings = Settings(**values)
    app = create_app(settings)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            timeout_graceful_shutdown=1,
            lifespan="on",
            ws="none",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("inbox did not start")
        time.sleep(0.05)
    try:
        yield RunningInbox(
            url=f"http://127.0.0.1:{port}", settings=settings, svc=app.state.inbox, rasa=rasa
        )
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def inbox_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, fake_rasa: FakeRasa
) -> Iterator[RunningInbox]:
    """The inbox on SQLite (temporary file) and on PostgreSQL (throwaway database)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('inbox') / 'inbox.db'}"
    else:
        url = request.getfixturevalue("pg_database")
    yield from start_inbox(url, fake_rasa)


@pytest.fixture()
def inbox(inbox_server: RunningInbox) -> RunningInbox:
    """A running inbox with empty tables and the standard agents."""
    inbox_server.reset()
    return inbox_server
