"""httpx client for the bot side of the bot ↔ inbox contract (docs/architecture.md).

Exceptions::

    InboxError
    ├── InboxUnavailable   connection refused, timeout, 5xx: try again later
    └── InboxRejected      4xx other than 404 on messages: retrying will not help

Callers (the outbox) decide what to do; the client never swallows errors.
"""

from __future__ import annotations

from typing import Any

import httpx


class InboxError(Exception):
    """The inbox did not accept a request."""


class InboxUnavailable(InboxError):
    """The inbox could not be reached or failed; the request may be retried."""


class InboxRejected(InboxError):
    """The inbox refused the request (bad secret, bad payload)."""


class InboxClient:
    """Authenticated calls to the inbox's bot API."""

    def __init__(
        self,
        base_url: str,
        secret: str,
        *,
        connect_timeout: float = 2.0,
        read_timeout: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url,
            headers={
                "Authorization": f"Bearer {secret}",
                "User-Agent": "northwind-action-server/1",
            },
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            transport=transport,
        )

    async def aclose(self) -> None:
        """Release the connection pool."""
        await self._client.aclose()

    async def _post(
        self,
        path: str,
        payload: dict[str, Any],
        headers: dict[str, str] | None = None,
        method: str = "POST",
    ) -> dict[str, Any]:
        try:
            response = await self._client.request(method, path, json=payload, headers=headers)
        except httpx.HTTPError as error:
            raise InboxUnavailable(f"inbox unreachable: {error!r}") from error
        return self._result(response)

    @staticmethod
    def _result(response: httpx.Response) -> dict[str, Any]:
        # 404 on a message means "handoff not there yet": retry later, in order.
        if response.status_code >= 500 or response.status_code in (404, 408, 425, 429):
            raise InboxUnavailable(f"inbox answered {response.status_code}")
        if response.status_code >= 400:
            raise InboxRejected(
                f"inbox refused the request: {response.status_code} {response.text[:200]}"
            )
        if not response.is_success:
            # A redirect (not followed) or an informational answer stored nothing.
            raise InboxUnavailable(f"inbox answered {response.status_code}, not a success")
        try:
            body = response.json()
        except ValueError:
            body = {}
        return body if isinstance(body, dict) else {}

    async def create_handoff(self, payload: dict[str, Any]) -> dict[str, Any]:
        """POST /api/v1/handoffs, idempotent on the handoff key."""
        return await self._post(
            "/api/v1/handoffs", payload, {"Idempotency-Key": payload["handoff_key"]}
        )

    async def append_message(self, handoff_key: str, payload: dict[str, Any]) -> dict[str, Any]:
        """POST a customer message; the inbox stores each message_id once."""
        return await self._post(f"/api/v1/handoffs/{handoff_key}/messages", payload)

    async def customer_ended(self, handoff_key: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Tell the inbox the customer closed the chat with the person."""
        return await self._post(f"/api/v1/handoffs/{handoff_key}/customer-ended", payload)

    async def contact_preference(self, handoff_key: str, payload: dict[str, Any]) -> dict[str, Any]:
        """The customer's email for a reply when nobody can answer soon."""
        return await self._post(f"/api/v1/handoffs/{handoff_key}/contact-preference", payload)

    async def put_bot_session(self, payload: dict[str, Any]) -> dict[str, Any]:
        """PUT /api/v1/bot-sessions: create or merge a session report (idempotent)."""
        return await self._post("/api/v1/bot-sessions", payload, method="PUT")

    async def status(self) -> dict[str, Any]:
        """GET /api/v1/status: agents available, queue length, business hours."""
        try:
            response = await self._client.get("/api/v1/status")
        except httpx.HTTPError as error:
            raise InboxUnavailable(f"inbox unreachable: {error!r}") from error
        return self._result(response)
