"""Fuzzing the inbox's JSON API on a real server (uvicorn, SQLite and PostgreSQL).

Every operation the inbox publishes in /api/openapi.json is called with
generated input: bodies shaped by its schema but filled with hostile strings
(lone surrogates, NUL, bidi overrides, huge text), fields of the wrong kind,
arbitrary JSON and bytes that are not JSON, hostile path and query values. The
caller holds both the bot bearer and an admin session with its CSRF token, so
every endpoint gets past authentication and reaches its own handling.

Properties: never a 5xx; a 4xx says what is wrong (a non-empty ``detail``);
the server logs no error; afterwards it still takes a normal handoff.

Left out: the server-sent event streams (they never end) and /auth/* (the
login throttle has its own tests, and logging out would end the session).
Bounded for CI: ``derandomize=True`` runs the same examples every time;
FUZZ_SCALE (default 1) multiplies the number of examples for a longer local run;
FUZZ_VERBOSE=1 prints the answers per operation (run with -s).
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.strategies import body_for, from_schema, hostile_text, json_values, raw_json
from tests.inbox.conftest import (  # noqa: F401 - fixture
    FakeRasa,
    RunningInbox,
    fake_rasa,
    start_inbox,
    throwaway_pg_database,
)
from tests.inbox.helpers import handoff_payload

pytestmark = pytest.mark.fuzz

SCALE = max(1, int(os.environ.get("FUZZ_SCALE", "1")))
EXAMPLES = 200 * SCALE
SKIPPED_PATH_PARTS = ("/events", "/auth/")
CONTENT_TYPES = ["application/json"] * 6 + [
    "application/json; charset=utf-8",
    "text/plain",
    "application/x-www-form-urlencoded",
    "application/merge-patch+json",
]
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)


@dataclass(frozen=True)
class Operation:
    """One method + path of the OpenAPI document, with what it takes."""

    method: str
    path: str
    body: dict[str, Any] | None
    query: dict[str, dict[str, Any]]
    headers: dict[str, dict[str, Any]]


def operations(spec: dict[str, Any]) -> list[Operation]:
    """Every operation worth fuzzing in the inbox's OpenAPI document."""
    found = []
    for path, methods in spec["paths"].items():
        if not path.startswith("/api/") or any(part in path for part in SKIPPED_PATH_PARTS):
            continue
        for method, op in methods.items():
            content = (op.get("requestBody") or {}).get("content") or {}
            params = op.get("parameters") or []
            found.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    body=(content.get("application/json") or {}).get("schema"),
                    query={p["name"]: p.get("schema") or {} for p in params if p["in"] == "query"},
                    headers={
                        p["name"]: p.get("schema") or {} for p in params if p["in"] == "header"
                    },
                )
            )
    return found


class ErrorLog(logging.Handler):
    """Collects ERROR records from the in-process server (uvicorn's own logger does not propagate)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def lines(self) -> list[str]:
        return [f"{r.name}: {r.getMessage()[:300]}" for r in self.records]


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def running(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, fake_rasa: FakeRasa
) -> Iterator[RunningInbox]:
    """A real inbox, its own database, the standard agents."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('fuzz-inbox') / 'inbox.db'}"
        yield from _started(url, fake_rasa)
    else:
        with throwaway_pg_database("inbox_fuzz") as url:
            yield from _started(url, fake_rasa)


def _started(url: str, rasa: FakeRasa) -> Iterator[RunningInbox]:
    for inbox in start_inbox(url, rasa):
        inbox.reset()
        yield inbox


@pytest.fixture()
def caller(running: RunningInbox) -> Iterator[httpx.Client]:
    """Admin session with CSRF header plus the bot bearer: every endpoint's own checks run."""
    client = running.agent("ada")
    client.headers["Authorization"] = f"Bearer {running.settings.handoff_secret}"
    yield client
    client.close()


@pytest.fixture()
def error_log() -> Iterator[ErrorLog]:
    handler = ErrorLog()
    loggers = [logging.getLogger(), logging.getLogger("uvicorn.error")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)


def assert_clear_answer(response: httpx.Response, what: str) -> None:
    """Never a server error; a client error that says what is wrong."""
    assert response.status_code < 500, f"{what} -> {response.status_code}: {response.text[:500]}"
    if response.status_code >= 400:
        detail = response.json().get("detail")
        assert detail, f"{what} -> {response.status_code} without a reason: {response.text[:300]}"


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def _path_value(value: str) -> str:
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def _fresh_handoff(client: httpx.Client, claimed: bool) -> str:
    body = handoff_payload()
    response = client.post("/api/v1/handoffs", json=body)
    assert response.status_code == 201, response.text
    if claimed:
        assert client.post(f"/api/v1/handoffs/{body['handoff_key']}/claim").status_code == 200
    return body["handoff_key"]


def not_json() -> st.SearchStrategy[bytes]:
    """Bodies that are not JSON: bytes, invalid UTF-8, cut-off objects."""
    return st.one_of(
        st.binary(max_size=60),
        st.sampled_from(
            [
                b"",
                b"{",
                b'{"text": "a',
                b"\xed\xa0\x80",
                b'{"text": "\xff"}',
                b"null",
                b"[1,2",
                b'{"text": "x"} trailing',
                b"NaN",
                b"1e999999",
            ]
        ),
        json_values().map(lambda value: raw_json(value)[:-1]),
    )


def test_the_inbox_api_never_fails_on_generated_input(
    running: RunningInbox, caller: httpx.Client, error_log: ErrorLog
) -> None:
    spec = caller.get("/api/openapi.json").json()
    components = spec.get("components", {}).get("schemas", {})
    ops = operations(spec)
    assert len(ops) >= 15, [f"{op.method} {op.path}" for op in ops]
    statuses: Counter = Counter()
    per_op: Counter = Counter()
    started = time.monotonic()

    @FUZZ_SETTINGS
    @given(data=st.data())
    def call_one(data: st.DataObject) -> None:
        op = data.draw(st.sampled_from(ops), label="operation")
        path = op.path
        if "{handoff_key}" in path:
            which = data.draw(
                st.sampled_from(["waiting", "claimed", "claimed", "hostile"]), label="handoff"
            )
            if which == "hostile":
                key = data.draw(hostile_text(80), label="handoff_key")
            else:
                key = _fresh_handoff(caller, claimed=which == "claimed")
            path = path.replace("{handoff_key}", _path_value(key))
        if "{forward_id}" in path:
            forward = data.draw(
                st.one_of(st.integers(min_value=-(2**70), max_value=2**70), hostile_text(40))
            )
            path = path.replace("{forward_id}", _path_value(str(forward)))
        params = {}
        for name, schema in op.query.items():
            value = data.draw(
                st.one_of(
                    st.none(),
                    from_schema(schema, components),
                    hostile_text(60),
                    st.integers(min_value=-(2**70), max_value=2**70),
                ),
                label=name,
            )
            if value is not None:
                params[name] = _query_value(value)
        headers = {}
        if "Idempotency-Key" in op.headers:
            idem = data.draw(
                st.one_of(
                    st.none(),
                    st.text(
                        st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=80
                    ),
                ),
                label="Idempotency-Key",
            )
            if idem is not None:
                headers["Idempotency-Key"] = idem
        content: bytes | None = None
        if op.body is not None:
            shaped = body_for(op.body, components).map(raw_json)
            content = data.draw(st.one_of(shaped, shaped, shaped, not_json()), label="body")
            headers["content-type"] = data.draw(
                st.sampled_from(CONTENT_TYPES), label="content-type"
            )
        if params:  # encoded by hand: httpx cannot encode a lone surrogate
            path += "?" + "&".join(f"{name}={_path_value(value)}" for name, value in params.items())
        response = caller.request(op.method, path, content=content, headers=headers, timeout=30)
        statuses[response.status_code] += 1
        per_op[(op.method, op.path, response.status_code)] += 1
        assert_clear_answer(response, f"{op.method} {path} {content[:200] if content else ''!r}")

    call_one()
    elapsed = time.monotonic() - started
    print(
        f"\ninbox fuzz ({running.settings.database_url.split(':')[0]}): {sum(statuses.values())} calls "
        f"in {elapsed:.1f} s, statuses {dict(sorted(statuses.items()))}"
    )

    if os.environ.get("FUZZ_VERBOSE"):
        for (method, path, code), count in sorted(per_op.items()):
            print(f"  {method} {path} {code}: {count}")
    # Still healthy and still doing its job.
    assert caller.get("/healthz").status_code == 200
    key = _fresh_handoff(caller, claimed=True)
    reply = caller.post(f"/api/v1/handoffs/{key}/replies", json={"text": "Hi, I'm Ada."})
    assert reply.status_code == 201, reply.text
    assert error_log.lines() == []
    assert {200, 201} & statuses.keys() and {404, 422} <= statuses.keys(), (
        f"a tame generator: {statuses}"
    )
