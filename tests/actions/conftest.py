"""Shared builders for the action tests: trackers from event lists, the domain, real backends.

Trackers are built in code from Rasa-shaped event dicts (as rasa_sdk's own tests
do). The order backend is a real SQLite file seeded once per session; the inbox
is `FakeInbox`, an `httpx.MockTransport` handler that speaks the bot ↔ inbox
contract of docs/architecture.md (bearer secret, idempotent handoff keys,
exactly-once message ids, 404 for unknown handoffs).
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
import pytest_asyncio
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_PATH = ROOT / "domain.yml"
# The SQL backend and the return rule use the real clock, so the demo data is
# seeded for the real day: the relative facts (10377 delivered T-10, 10160 T-40)
# then hold whenever the tests run (on 2026-11-26 this is `--today 2026-11-26`).
TODAY = date.today()
SECRET = "test-handoff-secret-0123456789"
INBOX_URL = "http://inbox.test"
SENDER = "web-3a9c"

HANDOFF_SCHEMA = json.loads(
    (ROOT / "docs" / "contract" / "handoff.schema.json").read_text(encoding="utf-8")
)


def contract_errors(body: Any) -> list[str]:
    """Where a handoff body breaks docs/contract/handoff.schema.json (empty: it keeps it)."""
    validator = jsonschema.Draft7Validator(
        HANDOFF_SCHEMA, format_checker=jsonschema.draft7_format_checker
    )
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(body)]


def contract_handoff(key: str, conversation_id: str = "web-1") -> dict[str, Any]:
    """The smallest handoff body that keeps the contract, for the transport tests."""
    return {
        "handoff_key": key,
        "conversation_id": conversation_id,
        "channel": "socketio",
        "created_at": "2026-11-25T10:00:00Z",
        "summary": {
            "version": 2,
            "customer": {"name": None, "email": None, "verified": False},
            "conversation": {
                "language": "en",
                "started_at": "2026-11-25T09:59:00Z",
                "escalated_at": "2026-11-25T10:00:00Z",
                "conversation_seconds": 60,
            },
            "goal": "Not stated yet: read the transcript",
            "facts": {},
            "bot_attempts": [],
            "escalation": {
                "trigger": "request",
                "reasons": ["Asked for a person"],
                "score": 0.1,
                "level": "calm",
                "timeline": [],
            },
            "priority": "high",
            "brief": "Unknown customer (not verified) wants to: talk to a person.",
            "suggested_opening": "Hi, thanks for waiting.",
            "transcript": [],
        },
    }


with open(DOMAIN_PATH, encoding="utf-8") as _handle:
    DOMAIN: dict[str, Any] = yaml.safe_load(_handle)


# -- events ------------------------------------------------------------------
_clock = [1_764_150_000.0]  # 2025-11-26-ish, increasing per event built


def _ts(timestamp: float | None) -> float:
    if timestamp is not None:
        return timestamp
    _clock[0] += 5
    return _clock[0]


def user(
    text: str,
    intent: str | None = None,
    confidence: float = 0.95,
    *,
    entities: list[dict[str, Any]] | None = None,
    ranking: list[dict[str, Any]] | None = None,
    message_id: str | None = None,
    timestamp: float | None = None,
    channel: str = "socketio",
    metadata: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A UserUttered event as Rasa 3.6 stores it (`UserUttered.as_dict`)."""
    message_id = message_id or uuid.uuid4().hex
    intent_data = {"name": intent, "confidence": confidence} if intent else {}
    parse_data = {
        "intent": intent_data,
        "entities": entities or [],
        "text": text,
        "message_id": message_id,
        "metadata": metadata or {},
        "intent_ranking": ranking if ranking is not None else ([intent_data] if intent else []),
    }
    return {
        "event": "user",
        "timestamp": _ts(timestamp),
        "text": text,
        "parse_data": parse_data,
        "input_channel": channel,
        "message_id": message_id,
        "metadata": metadata or {},
    }


def external(intent: str, entities: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """What Rasa stores for `trigger_intent` (`UserUttered.create_external`)."""
    event = user(f"EXTERNAL: {intent}", intent, metadata={"is_external": True}, entities=entities)
    event["message_id"] = None
    event["parse_data"]["message_id"] = None
    event["parse_data"]["intent"] = {"name": intent}
    event["parse_data"]["intent_ranking"] = []
    return event


def bot(
    text: str | None,
    *,
    metadata: dict[str, Any] | None = None,
    buttons: list[dict[str, str]] | None = None,
    timestamp: float | None = None,
) -> dict[str, Any]:
    """A BotUttered event (agent replies carry metadata.source = "agent")."""
    return {
        "event": "bot",
        "timestamp": _ts(timestamp),
        "text": text,
        "data": {"buttons": buttons} if buttons else {},
        "metadata": metadata or {},
    }


def slot(name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "timestamp": _ts(None), "name": name, "value": value}


def action(name: str) -> dict[str, Any]:
    return {"event": "action", "timestamp": _ts(None), "name": name}


def initial_slots() -> dict[str, Any]:
    """Every domain slot at its initial value (None when it has none)."""
    slots = {name: spec.get("initial_value") for name, spec in DOMAIN["slots"].items()}
    slots["requested_slot"] = None
    return slots


def make_tracker(
    events: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    latest_message: dict[str, Any] | None = None,
    *,
    sender_id: str = SENDER,
    active_loop: str | None = None,
    paused: bool = False,
) -> Tracker:
    """A rasa_sdk Tracker like the one Rasa sends to the action server.

    Slots start at the domain's initial values; `latest_message` defaults to the
    parse data of the last user event.
    """
    events = list(events or [])
    all_slots = initial_slots()
    all_slots.update(slots or {})
    if latest_message is None:
        latest_message = {}
        for event in reversed(events):
            if event.get("event") == "user":
                latest_message = dict(event["parse_data"])
                break
    return Tracker.from_dict(
        {
            "sender_id": sender_id,
            "slots": all_slots,
            "latest_message": latest_message,
            "events": events,
            "paused": paused,
            "followup_action": None,
            "active_loop": {"name": active_loop} if active_loop else {},
            "latest_action_name": None,
        }
    )


# -- reading results ------------------------------------------------------------
def slot_values(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The slots an action set (the last SlotSet of each name wins)."""
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}


def responses(dispatcher: CollectingDispatcher) -> list[str]:
    """The response names the action uttered, in order."""
    return [message.get("response") for message in dispatcher.messages]


def message_for(dispatcher: CollectingDispatcher, response: str) -> dict[str, Any]:
    """The one message that uttered `response`."""
    found = [message for message in dispatcher.messages if message.get("response") == response]
    assert len(found) == 1, f"{response} uttered {len(found)} times: {responses(dispatcher)}"
    return found[0]


_PLACEHOLDER = re.compile(r"{(\w+)}")


def render(message: dict[str, Any], slots: dict[str, Any] | None = None) -> str:
    """The text Rasa would send for a dispatched response (first, channel-less variant).

    Fails when a placeholder is filled neither by the action's values nor by a slot,
    so a renamed placeholder cannot slip through.
    """
    name = message["response"]
    assert name in DOMAIN["responses"], f"{name} is not a response in domain.yml"
    variants = [v for v in DOMAIN["responses"][name] if "channel" not in v] or DOMAIN["responses"][
        name
    ]
    template = variants[0]["text"]
    values = {
        **(slots or {}),
        **{k: v for k, v in message.items() if k not in ("text", "response", "template")},
    }
    missing = [p for p in _PLACEHOLDER.findall(template) if values.get(p) is None]
    assert not missing, f"{name}: placeholders {missing} not filled"
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), template)


# -- fixtures ---------------------------------------------------------------------
@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture(autouse=True)
def session_reports(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Session reports (actions/handoff/session_report.py) recorded as (kind, key, payload)
    instead of written to a real outbox; tests that want the outbox set ``SINK`` back."""
    from actions.handoff import session_report

    recorded: list[tuple] = []

    async def record(kind: str, key: str, payload: dict) -> None:
        recorded.append((kind, key, payload))

    monkeypatch.setattr(session_report, "SINK", record)
    return recorded


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    return DOMAIN


def _memory_dir() -> Path:
    """A fresh folder in RAM when there is one: SQLite's fsyncs dominate these tests otherwise."""
    shm = Path("/dev/shm")
    return Path(tempfile.mkdtemp(prefix="actions-tests-", dir=shm if shm.is_dir() else None))


@pytest.fixture(scope="session")
def db_root() -> Iterator[Path]:
    root = _memory_dir()
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def db_dir(db_root: Path) -> Path:
    """A per-test folder for SQLite files (outbox, order database copies)."""
    return Path(tempfile.mkdtemp(dir=db_root))


@pytest.fixture(scope="session")
def orders_template(db_root: Path) -> Path:
    """The demo order database, seeded once per session."""
    from tools.orders.seed import seed_database

    path = db_root / "orders-template.db"
    seed_database(f"sqlite:///{path}", TODAY)
    return path


@pytest.fixture
def orders_db(
    orders_template: Path, db_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """A fresh copy of the seeded database behind `get_backend()` (tests may change orders)."""
    from actions.backend.factory import get_backend

    target = db_dir / "orders.db"
    shutil.copyfile(orders_template, target)
    url = f"sqlite:///{target}"
    monkeypatch.setenv("ORDER_BACKEND", "sql")
    monkeypatch.setenv("ORDER_DATABASE_URL", url)
    get_backend.cache_clear()
    yield url
    backend = get_backend()
    dispose = getattr(backend, "dispose", None)
    if dispose is not None:
        dispose()
    get_backend.cache_clear()


class FakeInbox:
    """The inbox's bot API (docs/architecture.md, contract v1) as a MockTransport handler."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.handoffs: dict[str, dict[str, Any]] = {}
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.ended: list[str] = []
        self.preferences: list[tuple[str, dict[str, Any]]] = []
        self.down = False  # connection refused
        self.fail_status: int | None = None  # answer every call with this status
        self.status = {
            "queue_position": 2,
            "agents_available": 1,
            "estimated_wait_seconds": 240,
            "within_business_hours": True,
            "next_opening": None,
        }

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(lambda request: self.handle(request))  # `handle` may be swapped

    def bodies(self, path_suffix: str) -> list[dict[str, Any]]:
        return [
            json.loads(r.content)
            for r in self.requests
            if r.url.path.endswith(path_suffix) and r.method == "POST"
        ]

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        self.requests.append(request)
        if request.headers.get("Authorization") != f"Bearer {SECRET}":
            return httpx.Response(401, json={"detail": "bad secret"})
        if self.fail_status is not None:
            return httpx.Response(self.fail_status, json={"detail": "failing"})
        path = request.url.path
        if path == "/api/v1/status" and request.method == "GET":
            return httpx.Response(
                200,
                json={
                    "agents_available": self.status["agents_available"],
                    "queue_length": 1,
                    "estimated_wait_seconds": 300,
                    "within_business_hours": self.status["within_business_hours"],
                    "next_opening": self.status["next_opening"],
                },
            )
        body = json.loads(request.content or b"{}")
        if path == "/api/v1/handoffs":
            key = body.get("handoff_key")
            header = request.headers.get("Idempotency-Key")
            if not key or (header and header != key):
                return httpx.Response(422, json={"detail": [{"msg": "key mismatch"}]})
            problems = contract_errors(body)
            if problems:
                return httpx.Response(422, json={"detail": [{"msg": m} for m in problems]})
            answer = {"handoff_key": key, "status": "waiting", **self.status}
            if key in self.handoffs:
                return httpx.Response(200, json=answer)
            self.handoffs[key] = body
            self.messages[key] = []
            return httpx.Response(201, json=answer)
        match = re.fullmatch(
            r"/api/v1/handoffs/([^/]+)/(messages|customer-ended|contact-preference)", path
        )
        if match:
            key, what = match.groups()
            if key not in self.handoffs:
                return httpx.Response(404, json={"detail": "unknown handoff"})
            if what == "customer-ended":
                self.ended.append(key)
                return httpx.Response(200, json={"status": "waiting", "duplicate": False})
            if what == "contact-preference":
                self.preferences.append((key, body))
                return httpx.Response(200, json={"status": "waiting", "duplicate": False})
            if body.get("sender", "customer") != "customer" or len(body.get("text", "")) > 10_000:
                return httpx.Response(422, json={"detail": [{"msg": "invalid message"}]})
            if any(m["message_id"] == body["message_id"] for m in self.messages[key]):
                return httpx.Response(200, json={"status": "waiting", "duplicate": True})
            self.messages[key].append(body)
            return httpx.Response(201, json={"status": "waiting", "duplicate": False})
        return httpx.Response(404, json={"detail": "not found"})


@pytest_asyncio.fixture
async def inbox(db_dir: Path, monkeypatch: pytest.MonkeyPatch):
    """A FakeInbox behind the process-wide delivery singletons, on a fresh outbox file."""
    from actions.to_inbox import delivery
    from actions.to_inbox.client import InboxClient
    from actions.to_inbox.settings import get_settings

    monkeypatch.setenv("HANDOFF_SECRET", SECRET)
    monkeypatch.setenv("INBOX_URL", INBOX_URL)
    monkeypatch.setenv("OUTBOX_DATABASE_URL", f"sqlite:///{db_dir / 'outbox.db'}")
    monkeypatch.setenv("OUTBOX_RETRY_SECONDS", "3600")  # the worker stays out of the way
    get_settings.cache_clear()
    delivery._outbox = delivery._client = delivery._worker = None
    fake = FakeInbox()
    delivery._client = InboxClient(INBOX_URL, SECRET, transport=fake.transport())
    yield fake
    tasks = [task for task in [delivery._worker] if task is not None]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    if delivery._client is not None:
        await delivery._client.aclose()
    if delivery._outbox is not None and delivery._outbox._engine is not None:
        delivery._outbox._engine.dispose()
    delivery._outbox = delivery._client = delivery._worker = None
    get_settings.cache_clear()
