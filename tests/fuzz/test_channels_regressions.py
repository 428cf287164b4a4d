"""What fuzzing the channels found, each as its smallest case, on the running system.

Fixed here:

* Agent replies and hand-backs never reached a conversation whose id holds
  ``:``, ``+`` or ``@`` (Twilio's ``whatsapp:+44...``, an e-mail used as REST
  sender): the inbox %-escaped the id and Rasa 3.6's HTTP API does not decode
  it, so they went to a new, empty conversation (inbox/rasa_client.py).

* A lone surrogate in the sender id stopped the Rasa server: Rasa's SQL tracker
  store turns any error in its session into ``sys.exit(1)`` (channels/guard.py
  now refuses a sender id the store cannot write).
* The callback channel had none of the REST channel's body checks: a body that
  is not an object, or a message that is not a string, answered 500
  (channels/builtin.py reads it through channels/rest.py's checks).
* A sender id Rasa's HTTP API cannot address (a space, ``/``, non-ASCII) was
  accepted, so the agent's replies to it could never be delivered (REST and
  callback refuse it with a 400).
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.agent_client import AgentClient
from tests.e2e.test_callback_channel import Receiver, receiver  # noqa: F401 - fixture
from tests.stack import Stack, texts, wait_for

pytestmark = pytest.mark.e2e

HANDOFF_WORDS = "bringing in a person"
JSON = {"content-type": "application/json"}


def _agent_reply_reaches(stack: Stack, agent: AgentClient, sender: str) -> None:
    assert HANDOFF_WORDS in texts(stack.say(sender, "I want to talk to a person"))

    def queued() -> list:
        return agent.http.get("/api/v1/queue", params={"limit": 1000}).json()["items"]

    key = wait_for(
        lambda: next((i["handoff_key"] for i in queued() if i["conversation_id"] == sender), None),
        message="the handoff in the inbox",
    )
    agent.claim(key)
    agent.reply(key, "Hi, Sam here, checking now.")

    def tracker() -> dict:
        response = httpx.get(
            f"{stack.rasa_url}/conversations/{sender}/tracker",
            params={"token": stack.rasa_token},
            timeout=10,
        )
        response.raise_for_status()
        return response.json()

    assert tracker()["sender_id"] == sender
    wait_for(
        lambda: any(e.get("text") == "Hi, Sam here, checking now." for e in tracker()["events"]),
        message="the agent's reply in the customer's conversation",
    )


@pytest.mark.parametrize("prefix", ["whatsapp:+4477009", "dana+test@example.com-"])
def test_an_agent_reply_reaches_a_sender_id_with_reserved_characters(
    stack: Stack, agent: AgentClient, prefix: str
) -> None:
    _agent_reply_reaches(stack, agent, f"{prefix}{uuid.uuid4().hex[:6]}")


def test_a_sender_id_the_http_api_cannot_address_is_refused_or_reachable(
    stack: Stack, agent: AgentClient
) -> None:
    sender = f"fuzz {uuid.uuid4().hex[:6]} é"
    response = httpx.post(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": "hi"},
        timeout=30,
    )
    if response.status_code == 400:  # refused with a reason: fine
        assert "sender" in response.text
        return
    _agent_reply_reaches(stack, agent, sender)


def test_a_lone_surrogate_in_the_sender_id_does_not_stop_rasa(stack: Stack) -> None:
    raw = b'{"sender": "fuzz-\\ud800", "message": "hi"}'
    response = httpx.post(
        f"{stack.rasa_url}/webhooks/rest/webhook", content=raw, headers=JSON, timeout=30
    )
    assert response.status_code in (200, 400), response.text
    assert "Standard delivery" in texts(
        stack.say(f"after-{uuid.uuid4().hex[:6]}", "how much is shipping?")
    )


@pytest.mark.parametrize(
    "body",
    [
        b"[1, 2]",
        b'"hi"',
        b"null",
        b'{"sender": "cb-x", "message": 5}',
        b'{"sender": "cb-y", "message": ["a"]}',
    ],
)
def test_the_callback_channel_refuses_a_malformed_body_with_a_400(
    stack: Stack, receiver: Receiver, body: bytes
) -> None:
    response = httpx.post(
        f"{stack.rasa_url}/webhooks/callback/webhook", content=body, headers=JSON, timeout=30
    )
    assert response.status_code == 400, response.text
