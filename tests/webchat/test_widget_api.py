"""The web chat server's widget API: input checks, limits, and the calls to the inbox.

The inbox half runs against the real inbox (SQLite) started by tests/inbox's helpers.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from webchat.app import create_app
from webchat.settings import Settings
from webchat.typing_limit import TypingLimiter


def call(app: Any, method: str, path: str, **kwargs: Any) -> httpx.Response:
    async def request() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            return await http.request(method, path, **kwargs)

    return asyncio.run(request())


@pytest.fixture()
def unconfigured() -> Any:
    return create_app(Settings())  # no HANDOFF_SECRET


def test_typing_limiter_lets_one_signal_per_interval_and_stays_bounded() -> None:
    now = [100.0]
    limiter = TypingLimiter(interval_seconds=2.0, max_sessions=2, clock=lambda: now[0])
    assert limiter.allow("a") is True
    assert limiter.allow("a") is False
    now[0] += 1.9
    assert limiter.allow("a") is False
    now[0] += 0.2
    assert limiter.allow("a") is True
    limiter.allow("b")
    limiter.allow("c")
    assert list(limiter.last) == ["b", "c"]  # the oldest dropped


@pytest.mark.parametrize("session_id", ["a%20b", "x" * 129, "web-1%2F..%2Fadmin", "%3Cb%3E"])
def test_unusable_session_ids_are_refused(unconfigured: Any, session_id: str) -> None:
    # Refused before any call to the inbox (which would answer 503 here).
    status = call(unconfigured, "GET", f"/api/sessions/{session_id}/status").status_code
    assert 400 <= status < 500


@pytest.mark.parametrize(
    "body",
    [
        {"score": 0},
        {"score": 6},
        {"score": "5; drop table"},
        {"score": 5, "comment": "x" * 1001},
        {"score": 5, "agent": "Sam"},  # fields the widget does not send
        {},
    ],
)
def test_invalid_ratings_are_refused(unconfigured: Any, body: dict[str, Any]) -> None:
    response = call(unconfigured, "PUT", "/api/sessions/web-abc/ratings/r-0123456789", json=body)
    assert response.status_code == 422


def test_without_a_secret_the_widget_api_says_unavailable(unconfigured: Any) -> None:
    assert call(unconfigured, "GET", "/api/sessions/web-abc/status").status_code == 503
    response = call(unconfigured, "POST", "/api/sessions/web-abc/typing")
    assert response.status_code == 202 and response.json() == {"forwarded": False}
    rating = call(
        unconfigured, "PUT", "/api/sessions/web-abc/ratings/r-0123456789", json={"score": 5}
    )
    assert rating.status_code == 503


def test_other_sites_may_call_it_without_cookies(unconfigured: Any) -> None:
    preflight = call(
        unconfigured,
        "OPTIONS",
        "/api/sessions/web-abc/ratings/r-0123456789",
        headers={"Origin": "https://shop.example", "Access-Control-Request-Method": "PUT"},
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "PUT" in preflight.headers["access-control-allow-methods"]
    assert "access-control-allow-credentials" not in preflight.headers
    status = call(unconfigured, "GET", "/api/sessions/web-abc/status")
    assert status.headers["access-control-allow-origin"] == "*"
