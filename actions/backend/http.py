"""`HttpOrderBackend`: the order backend on a company's own order API (httpx).

The API is described in docs/order-api.md. Choices made here:

- explicit timeouts: 2 s to connect, 5 s to read; an action must answer while
  the customer is still looking at the chat;
- GETs (idempotent) are retried on connect errors and 5xx, a bounded number of
  times with exponential backoff; POSTs are never retried, so a cancellation or
  a return cannot happen twice;
- TLS certificates are always verified; the bearer token comes from the
  environment (`ORDER_API_TOKEN`, passed in by the factory) and is never logged;
- 404 -> `OrderNotFound`, 409 -> `NotAllowed(reason)`, anything else that is not
  2xx, a timeout or a malformed body -> `BackendUnavailable`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx

from actions.backend import wire
from actions.backend.base import (
    BackendUnavailable,
    NotAllowed,
    Order,
    OrderNotFound,
    Refund,
    ReturnAuthorization,
    normalize_order_number,
)

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(connect=2.0, read=5.0, write=5.0, pool=2.0)
DEFAULT_MAX_ATTEMPTS = 3
DEFAULT_BACKOFF_SECONDS = 0.25
RETRYABLE_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout)


class HttpOrderBackend:
    """`OrderBackend` speaking the order API documented in docs/order-api.md.

    Args:
        base_url: e.g. "https://orders.internal.example.com/v1".
        token: bearer token for the API (required).
        transport: an httpx transport; tests pass `httpx.MockTransport`.
        timeout: per-request timeouts.
        max_attempts: tries for a GET (1 = no retry).
        backoff_seconds: wait before the 2nd try; doubles each time.
        sleep: how to wait between tries (tests pass a recorder).
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        backoff_seconds: float = DEFAULT_BACKOFF_SECONDS,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        if not base_url:
            raise ValueError("base_url is required")
        if not token:
            raise ValueError("token is required")
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._transport = transport
        self._timeout = timeout
        self._max_attempts = max_attempts
        self._backoff_seconds = backoff_seconds
        self._sleep = sleep
        self._client: httpx.AsyncClient | None = None
        self._client_loop: asyncio.AbstractEventLoop | None = None

    def __repr__(self) -> str:
        return f"HttpOrderBackend({self.base_url!r})"

    def _get_client(self) -> httpx.AsyncClient:
        """One pooled client per event loop (a client must not cross loops).

        The action server has one loop, so this is one client; a client left
        behind by a finished loop (tests) is dropped, as it cannot be closed
        from another loop.
        """
        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is not loop:
            self._client = httpx.AsyncClient(
                base_url=self.base_url,
                headers={"Authorization": f"Bearer {self._token}", "Accept": "application/json"},
                timeout=self._timeout,
                transport=self._transport,
                verify=True,
                follow_redirects=False,
            )
            self._client_loop = loop
        return self._client

    async def aclose(self) -> None:
        """Close pooled connections (shutdown, tests)."""
        if self._client is not None:
            await self._client.aclose()
            self._client, self._client_loop = None, None

    async def _request(
        self, method: str, path: str, order_number: str, body: dict[str, Any] | None = None
    ) -> Any:
        """Send one request (retrying GETs) and return its JSON body, or raise."""
        attempts = self._max_attempts if method == "GET" else 1
        client = self._get_client()
        for attempt in range(1, attempts + 1):
            last_try = attempt == attempts
            try:
                response = await client.request(method, path, json=body)
            except RETRYABLE_ERRORS as error:
                if not last_try:
                    await self._backoff(attempt, error.__class__.__name__)
                    continue
                raise BackendUnavailable(
                    f"order API not reachable: {error.__class__.__name__}"
                ) from error
            except httpx.HTTPError as error:  # read timeout, protocol error, ...
                raise BackendUnavailable(f"order API failed: {error.__class__.__name__}") from error
            if response.status_code >= 500 and not last_try:
                await self._backoff(attempt, f"HTTP {response.status_code}")
                continue
            return self._json_or_raise(response, order_number)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _backoff(self, attempt: int, why: str) -> None:
        delay = self._backoff_seconds * 2 ** (attempt - 1)
        logger.info("order API attempt %d failed (%s); retrying in %.2fs", attempt, why, delay)
        await self._sleep(delay)

    @staticmethod
    def _json_or_raise(response: httpx.Response, order_number: str) -> Any:
        status = response.status_code
        if status == 404:
            raise OrderNotFound(order_number)
        if status == 409:
            payload = _safe_json(response)
            reason = payload.get("reason") if isinstance(payload, dict) else None
            message = payload.get("message", "") if isinstance(payload, dict) else ""
            raise NotAllowed(str(reason or "not_allowed"), str(message or ""))
        if not 200 <= status < 300:
            raise BackendUnavailable(f"order API answered HTTP {status}")
        payload = _safe_json(response)
        if payload is None:
            raise BackendUnavailable("order API answered without a JSON body")
        return payload

    async def get_order(self, order_number: str) -> Order:
        number = normalize_order_number(order_number)
        return _parse(wire.order_from_json, await self._request("GET", f"/orders/{number}", number))

    async def verify_customer(self, order_number: str, factor: str) -> bool:
        number = normalize_order_number(order_number)
        if not isinstance(factor, str) or not factor.strip():
            return False
        payload = await self._request(
            "POST", f"/orders/{number}/verify", number, {"factor": factor}
        )
        verified = payload.get("verified") if isinstance(payload, dict) else None
        if not isinstance(verified, bool):
            raise BackendUnavailable("order API answered verify without a boolean 'verified'")
        return verified

    async def cancel_order(self, order_number: str) -> Order:
        number = normalize_order_number(order_number)
        return _parse(
            wire.order_from_json, await self._request("POST", f"/orders/{number}/cancel", number)
        )

    async def start_return(self, order_number: str, sku: str | None = None) -> ReturnAuthorization:
        number = normalize_order_number(order_number)
        if sku is not None and not isinstance(sku, str):
            raise TypeError(f"sku must be a string or None, not {type(sku).__name__}")
        payload = await self._request("POST", f"/orders/{number}/returns", number, {"sku": sku})
        return _parse(wire.return_from_json, payload)

    async def get_refunds(self, order_number: str) -> list[Refund]:
        number = normalize_order_number(order_number)
        payload = await self._request("GET", f"/orders/{number}/refunds", number)
        return _parse(wire.refunds_from_json, payload)


def _safe_json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


_Parsed = TypeVar("_Parsed")


def _parse(parse: Callable[[Any], _Parsed], payload: Any) -> _Parsed:
    try:
        return parse(payload)
    except wire.WireFormatError as error:
        raise BackendUnavailable(f"order API answered an unexpected body: {error}") from error
