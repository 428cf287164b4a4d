"""Client for the parts of Rasa's HTTP API the inbox uses (see docs/architecture.md).

RasaError
 └── raised for any transport error or non-2xx answer; the delivery outbox decides
     whether to retry.

The transport is injectable (``httpx.MockTransport`` in unit tests); integration tests
use a fake Rasa HTTP server on localhost.
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

import httpx

# Besides letters, digits and "-._~": the characters a URL path segment may hold unescaped.
PATH_SAFE = "!$&'()*+,;=:@"

AgentLineKind = Literal["agent_message", "agent_joined"]
# What each line about an agent says of itself in the bot event's metadata.
_AGENT_LINE_METADATA: dict[str, dict[str, Any]] = {
    "agent_message": {"source": "agent"},
    "agent_joined": {"source": "system", "kind": "agent_joined"},
}


class RasaError(RuntimeError):
    """Rasa did not accept a call."""


class RasaClient:
    """Agent replies, the agent-joined line and the hand-back."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 2.0)),
            transport=transport or httpx.AsyncHTTPTransport(retries=1),
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    def _params(self, **extra: str) -> dict[str, str]:
        params = dict(extra)
        if self.token:
            params["token"] = self.token
        return params

    async def _post(self, path: str, body: Any, params: dict[str, str]) -> None:
        url = f"{self.base_url}{path}"
        try:
            response = await self._client.post(url, json=body, params=params)
        except httpx.HTTPError as exc:
            raise RasaError(f"{type(exc).__name__}: {exc}") from exc
        if not 200 <= response.status_code < 300:
            raise RasaError(f"Rasa answered {response.status_code}: {response.text[:200]}")

    @staticmethod
    def _conv(conversation_id: str) -> str:
        """``conversation_id`` as a path segment Rasa reads back as the same id.

        Rasa 3.6's HTTP API does not decode %-escapes in the path: ``whatsapp%3A%2B44...``
        addressed a new, empty conversation instead of Twilio's ``whatsapp:+44...``, so
        agent replies and hand-backs never reached the customer. Characters a path
        carries as they are (RFC 3986 ``pchar``) are sent unescaped.
        """
        return quote(conversation_id, safe=PATH_SAFE)

    async def append_events(
        self, conversation_id: str, events: list[dict[str, Any]], *, side_effects: bool = True
    ) -> None:
        params = (
            self._params(output_channel="latest", execute_side_effects="true")
            if side_effects
            else self._params()
        )
        await self._post(
            f"/conversations/{self._conv(conversation_id)}/tracker/events", events, params
        )

    async def has_delivery(self, conversation_id: str, delivery_id: int) -> bool:
        """Whether a bot line carrying ``delivery_id`` is already in the conversation.

        A call whose answer was lost (a timeout under load) may still have been applied:
        the outbox asks before sending it again, so the customer never reads it twice.
        """
        url = f"{self.base_url}/conversations/{self._conv(conversation_id)}/tracker"
        try:
            response = await self._client.get(url, params=self._params(include_events="ALL"))
        except httpx.HTTPError as exc:
            raise RasaError(f"{type(exc).__name__}: {exc}") from exc
        if not 200 <= response.status_code < 300:
            raise RasaError(f"Rasa answered {response.status_code}: {response.text[:200]}")
        events = response.json().get("events") or []
        return any(
            event.get("event") == "bot"
            and (event.get("metadata") or {}).get("delivery_id") == delivery_id
            for event in events
        )

    @staticmethod
    def _marker(channel: str, kind: str, agent_name: str) -> dict[str, Any]:
        """The socket.io handoff marker (docs/architecture.md); other channels get plain text."""
        if channel != "socketio":
            return {}
        return {"data": {"custom": {"data": {"handoff": {"kind": kind, "agent": agent_name}}}}}

    async def send_agent_line(
        self,
        kind: AgentLineKind,
        conversation_id: str,
        text: str,
        agent_name: str,
        channel: str = "",
        delivery_id: int | None = None,
    ) -> None:
        """A line about an agent as a bot utterance through the customer's channel: their
        reply (``agent_message``) or who joined (``agent_joined``), with the socket.io
        marker of ``kind`` and the outbox's ``delivery_id`` (a retry looks for it)."""
        metadata: dict[str, Any] = {**_AGENT_LINE_METADATA[kind], "agent": {"name": agent_name}}
        if delivery_id is not None:
            metadata["delivery_id"] = delivery_id
        event = {"event": "bot", "text": text, "metadata": metadata}
        await self.append_events(
            conversation_id, [{**event, **self._marker(channel, kind, agent_name)}]
        )

    async def pause(self, conversation_id: str, handoff_key: str) -> None:
        """A person has the conversation again (reopened in a help desk): the slots the
        handoff action sets, then the pause, so customer messages are relayed once more."""
        await self.append_events(
            conversation_id,
            [
                {"event": "slot", "name": "handoff_active", "value": True},
                {"event": "slot", "name": "handoff_key", "value": handoff_key},
                {"event": "pause"},
            ],
            side_effects=False,
        )

    async def _resume_and_trigger(
        self, conversation_id: str, intent: str, entities: dict[str, Any]
    ) -> None:
        """Un-pause the bot, then run ``intent`` in it; every way a handoff ends goes through here."""
        await self.append_events(conversation_id, [{"event": "resume"}], side_effects=False)
        await self._post(
            f"/conversations/{self._conv(conversation_id)}/trigger_intent",
            {"name": intent, "entities": entities},
            self._params(output_channel="latest"),
        )

    async def hand_back(self, conversation_id: str, resolution: str) -> None:
        """Resume the bot, then trigger ``agent_handback`` with the resolution."""
        await self._resume_and_trigger(
            conversation_id, "agent_handback", {"resolution": resolution}
        )

    async def resolve(
        self,
        conversation_id: str,
        closing_line: str,
        agent_name: str,
        channel: str = "",
        delivery_id: int | None = None,
    ) -> None:
        """The agent's closing line, then resume and ``agent_handback`` marked ``closing:
        resolved`` so the bot clears the handoff without a hand-back line of its own.
        A repeated call shows the line once (``delivery_id``, rasa_server.idempotent_append)."""
        await self.send_agent_line(
            "agent_message", conversation_id, closing_line, agent_name, channel, delivery_id
        )
        await self._resume_and_trigger(conversation_id, "agent_handback", {"closing": "resolved"})

    async def send_notice(
        self, conversation_id: str, text: str, delivery_id: int | None = None
    ) -> None:
        """A line from the team's system (not a person), e.g. the email address noted."""
        metadata: dict[str, Any] = {"source": "system", "kind": "notice"}
        if delivery_id is not None:
            metadata["delivery_id"] = delivery_id
        await self.append_events(
            conversation_id, [{"event": "bot", "text": text, "metadata": metadata}]
        )

    async def end_handoff(self, conversation_id: str) -> None:
        """The customer ended the chat: resume the bot and run ``end_handoff`` in it
        (the inbox is the only one who un-pauses the bot)."""
        await self._resume_and_trigger(conversation_id, "end_handoff", {})
