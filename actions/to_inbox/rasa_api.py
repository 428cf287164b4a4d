"""The few calls the action server makes to Rasa's own HTTP API.

Only used outside an action's run (from the outbox worker): calling Rasa for
the conversation an action is running in would wait on the conversation lock
that Rasa holds until the action returns.
"""

from __future__ import annotations

from typing import Any

import httpx


class RasaApi:
    """Resume a paused conversation and trigger an intent in it."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._client = httpx.AsyncClient(base_url=base_url, timeout=timeout, transport=transport)
        self._params = {"token": token} if token else {}

    async def aclose(self) -> None:
        """Release the connection pool."""
        await self._client.aclose()

    async def resume_and_trigger(
        self, conversation_id: str, intent: str, entities: dict[str, Any] | None = None
    ) -> None:
        """Un-pause the conversation, then run ``intent`` as if the customer had sent it."""
        events = await self._client.post(
            f"/conversations/{conversation_id}/tracker/events",
            params=self._params,
            json=[{"event": "resume"}],
        )
        events.raise_for_status()
        trigger = await self._client.post(
            f"/conversations/{conversation_id}/trigger_intent",
            params={**self._params, "output_channel": "latest"},
            json={"name": intent, "entities": entities or {}},
        )
        trigger.raise_for_status()
