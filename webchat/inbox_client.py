"""The web chat server's calls to the inbox, on behalf of a customer's widget.

The browser never holds the service secret: it asks this server, which asks the
inbox with ``Authorization: Bearer <HANDOFF_SECRET>`` (the bot ↔ inbox contract,
docs/architecture.md "Widget ↔ server events"). Errors are raised as
:class:`InboxUnavailable`; the widget API turns them into a 502/503 and the
widget carries on without (it still has the handoff markers).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

TIMEOUT = httpx.Timeout(5.0, connect=2.0)
EVENTS_READ_SECONDS = 60.0


class InboxUnavailable(Exception):
    """The inbox could not answer (not configured, down, or an unexpected reply)."""


class InboxClient:
    """The calls of the inbox's bot API about one conversation."""

    def __init__(
        self, base_url: str, secret: str, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.configured = bool(secret)
        self.client = httpx.AsyncClient(
            base_url=base_url,
            headers={"Authorization": f"Bearer {secret}"},
            timeout=TIMEOUT,
            transport=transport,
        )

    def _path(self, conversation_id: str, tail: str) -> str:
        return f"/api/v1/conversations/{quote(conversation_id, safe='')}/{tail}"

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        if not self.configured:
            raise InboxUnavailable("HANDOFF_SECRET is not set")
        try:
            response = await self.client.request(method, path, json=body)
        except httpx.HTTPError as error:
            raise InboxUnavailable(f"inbox unreachable: {error!r}") from error
        if response.status_code >= 400:
            raise InboxUnavailable(f"inbox answered {response.status_code}")
        return response.json()

    async def status(self, conversation_id: str) -> dict[str, Any]:
        """The conversation's handoff as the inbox has it now."""
        result = await self._call("GET", self._path(conversation_id, "status"))
        if not isinstance(result, dict):
            raise InboxUnavailable("status is not an object")
        return result

    async def open_events(self, conversation_id: str) -> httpx.Response:
        """The inbox's live events for this widget (server-sent events), opened: read it
        with ``aiter_raw()`` and close it. The inbox sends a ping every 15 s, so a read
        that waits a minute means the inbox is gone."""
        if not self.configured:
            raise InboxUnavailable("HANDOFF_SECRET is not set")
        request = self.client.build_request(
            "GET",
            self._path(conversation_id, "events"),
            timeout=httpx.Timeout(5.0, read=EVENTS_READ_SECONDS),
        )
        try:
            response = await self.client.send(request, stream=True)
        except httpx.HTTPError as error:
            raise InboxUnavailable(f"inbox unreachable: {error!r}") from error
        if response.status_code >= 400:
            await response.aclose()
            raise InboxUnavailable(f"inbox answered {response.status_code}")
        return response

    async def customer_typing(self, conversation_id: str) -> None:
        await self._call("POST", self._path(conversation_id, "typing"), {})

    async def rate(self, conversation_id: str, rating_id: str, rating: dict[str, Any]) -> Any:
        return await self._call(
            "PUT", self._path(conversation_id, f"ratings/{quote(rating_id, safe='')}"), rating
        )

    async def close(self) -> None:
        await self.client.aclose()
