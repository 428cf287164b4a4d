"""HttpOrderBackend edge cases: retries, timeouts, auth and error mapping.

`httpx.MockTransport` plays the API for the cases a real server cannot be made
to produce on demand; a closed local port and the real stub server cover the
rest. No test waits: the backoff sleep is recorded, not slept.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Callable
from datetime import datetime, timezone

import httpx
import pytest

from actions.backend.base import (
    Address,
    BackendUnavailable,
    Customer,
    NotAllowed,
    Order,
    OrderItem,
    OrderNotFound,
    OrderStatus,
)
from actions.backend.http import HttpOrderBackend
from actions.backend.sql import SqlOrderBackend
from actions.backend.wire import order_to_json
from tests.actions.backend.conftest import API_TOKEN

pytestmark = pytest.mark.asyncio

BASE_URL = "https://orders.example.test/v1"
ORDER = Order(
    number="10482",
    status=OrderStatus.IN_TRANSIT,
    placed_at=datetime(2026, 11, 15, 19, 0, tzinfo=timezone.utc),
    customer=Customer("Dana Whitfield", "dana.whitfield@example.com"),
    delivery_address=Address("Flat 3, 12 Buckingham Gate", "London", "SW1A 1AA"),
    items=(OrderItem("SHO-001", "Trail running shoes", 1, 8900),),
    total_pence=8900,
)


class Recorder:
    """Sleep stand-in that remembers the delays it was asked to wait."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def backend_with(
    handler: Callable[[httpx.Request], httpx.Response], sleep: Recorder, **options: object
) -> HttpOrderBackend:
    return HttpOrderBackend(
        BASE_URL, "s3cret", httpx.MockTransport(handler), sleep=sleep, **options
    )


async def test_requests_carry_token_timeouts_and_documented_path() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=order_to_json(ORDER))

    order = await backend_with(handler, Recorder()).get_order("#10482")

    assert order == ORDER
    request = seen[0]
    assert (request.method, str(request.url)) == ("GET", f"{BASE_URL}/orders/10482")
    assert request.headers["authorization"] == "Bearer s3cret"
    assert request.extensions["timeout"] == {"connect": 2.0, "read": 5.0, "write": 5.0, "pool": 2.0}


async def test_get_retries_5xx_with_growing_backoff_then_succeeds() -> None:
    answers = iter(
        [httpx.Response(503), httpx.Response(502), httpx.Response(200, json=order_to_json(ORDER))]
    )
    sleep = Recorder()

    order = await backend_with(lambda request: next(answers), sleep).get_order("10482")

    assert order.number == "10482"
    assert sleep.delays == [0.25, 0.5]


async def test_get_gives_up_after_max_attempts() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(500)

    with pytest.raises(BackendUnavailable, match="500"):
        await backend_with(handler, Recorder(), max_attempts=3).get_refunds("10482")
    assert len(calls) == 3


async def test_get_retries_connect_errors() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(200, json={"refunds": []})

    assert await backend_with(handler, Recorder()).get_refunds("10482") == []
    assert len(calls) == 2


@pytest.mark.parametrize("operation", ["cancel", "return", "verify"])
async def test_posts_are_never_retried(operation: str) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(503)

    backend = backend_with(handler, Recorder())
    with pytest.raises(BackendUnavailable):
        if operation == "cancel":
            await backend.cancel_order("10501")
        elif operation == "return":
            await backend.start_return("10377", "OUT-001")
        else:
            await backend.verify_customer("10482", "SW1A 1AA")
    assert [c.method for c in calls] == ["POST"]


async def test_read_timeout_is_unavailable_without_retry() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ReadTimeout("no answer", request=request)

    with pytest.raises(BackendUnavailable, match="ReadTimeout"):
        await backend_with(handler, Recorder()).get_order("10482")
    assert len(calls) == 1


@pytest.mark.parametrize(
    "response, error",
    [
        (httpx.Response(404, json={"error": "not_found"}), OrderNotFound),
        (httpx.Response(401, json={"error": "unauthorized"}), BackendUnavailable),
        (httpx.Response(422, json={"error": "invalid_request"}), BackendUnavailable),
        (httpx.Response(200, text="<html>login</html>"), BackendUnavailable),
        (httpx.Response(200, json={"number": "10482"}), BackendUnavailable),
        (httpx.Response(302, headers={"location": "https://elsewhere.test/"}), BackendUnavailable),
    ],
)
async def test_status_and_body_mapping(response: httpx.Response, error: type) -> None:
    with pytest.raises(error):
        await backend_with(lambda request: response, Recorder()).get_order("10482")


async def test_conflict_carries_the_reason_code() -> None:
    body = {
        "error": "not_allowed",
        "reason": "already_shipped",
        "message": "order 10482 is in_transit",
    }

    with pytest.raises(NotAllowed) as refusal:
        await backend_with(lambda request: httpx.Response(409, json=body), Recorder()).cancel_order(
            "10482"
        )

    assert refusal.value.reason == "already_shipped"
    assert refusal.value.detail == "order 10482 is in_transit"


async def test_return_sends_sku_and_verify_needs_a_boolean() -> None:
    bodies: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(request.content)
        return httpx.Response(200, json={"verified": "yes"})

    backend = backend_with(handler, Recorder())
    with pytest.raises(BackendUnavailable, match="verified"):
        await backend.verify_customer("10482", "SW1A 1AA")
    assert bodies == [b'{"factor":"SW1A 1AA"}']
    assert await backend.verify_customer("10482", "  ") is False  # not even sent
    assert len(bodies) == 1


async def test_malformed_order_number_never_reaches_the_api() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"unexpected request {request.url}")

    with pytest.raises(OrderNotFound):
        await backend_with(handler, Recorder()).get_order("../admin")


async def test_api_down_is_unavailable_after_retries() -> None:
    with socket.socket() as probe:  # a port nobody listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleep = Recorder()
    backend = HttpOrderBackend(f"http://127.0.0.1:{port}", "s3cret", sleep=sleep)

    with pytest.raises(BackendUnavailable, match="not reachable"):
        await backend.get_order("10482")
    assert len(sleep.delays) == 2
    await backend.aclose()


async def test_real_server_rejects_a_wrong_token(order_api: tuple) -> None:
    base_url, _ = order_api
    wrong = HttpOrderBackend(base_url, "not-" + API_TOKEN, sleep=Recorder())

    with pytest.raises(BackendUnavailable, match="401"):
        await wrong.get_order("10482")
    await wrong.aclose()


async def test_tls_certificates_are_verified() -> None:
    backend = HttpOrderBackend(BASE_URL, "s3cret")
    pool = backend._get_client()._transport._pool  # httpx internals: no public accessor

    assert pool._ssl_context.verify_mode is ssl.CERT_REQUIRED
    assert pool._ssl_context.check_hostname is True
    await backend.aclose()


async def test_constructor_rejects_missing_settings() -> None:
    with pytest.raises(ValueError, match="token"):
        HttpOrderBackend(BASE_URL, "")
    with pytest.raises(ValueError, match="base_url"):
        HttpOrderBackend("", "s3cret")
    assert "s3cret" not in repr(HttpOrderBackend(BASE_URL, "s3cret"))


async def test_store_behind_the_api_down_is_unavailable(order_api: tuple, tmp_path) -> None:
    base_url, app = order_api
    working_store = app.state.backend
    app.state.backend = SqlOrderBackend(f"sqlite:///{tmp_path}/missing/orders.db")
    sleep = Recorder()
    client = HttpOrderBackend(base_url, API_TOKEN, sleep=sleep)
    try:
        with pytest.raises(BackendUnavailable, match="503"):
            await client.get_order("10482")
        assert sleep.delays == [0.25, 0.5]  # the GET was retried
    finally:
        app.state.backend = working_store
        await client.aclose()


@pytest.mark.parametrize("body", [b'{"factor": 5}', b"not json", b"[]"])
async def test_stub_api_rejects_a_malformed_verify_body(order_api: tuple, body: bytes) -> None:
    base_url, _ = order_api
    async with httpx.AsyncClient(
        base_url=base_url, headers={"Authorization": f"Bearer {API_TOKEN}"}
    ) as client:
        response = await client.post("/orders/10482/verify", content=body)

    assert response.status_code == 422
    assert response.json()["error"] == "invalid_request"
