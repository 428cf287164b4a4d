"""The warm handoff over Rasa's callback channel (a company's own messaging integration).

A local HTTP receiver stands in for the company's messaging system: it gets every
message Rasa posts to CALLBACK_URL. Customer messages go in through
``POST {rasa}/webhooks/callback/webhook``; the customer asks for a person, an
agent replies through the inbox, the reply reaches the receiver unprompted, the
agent hands back and the bot's return line reaches the receiver too.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import httpx
import pytest

from tests.agent_client import AgentClient
from tests.stack import Stack, wait_for

pytestmark = pytest.mark.e2e


class Receiver:
    """Records the JSON bodies POSTed to it (what Rasa sends to CALLBACK_URL)."""

    def __init__(self, port: int, path: str) -> None:
        self.path = path
        self.bodies: list[dict] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                status = 200 if self.path == receiver.path else 404
                if status == 200:
                    with receiver.lock:
                        receiver.bodies.append(body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def texts(self, recipient: str) -> list[str]:
        with self.lock:
            return [b.get("text") or "" for b in self.bodies if b.get("recipient_id") == recipient]

    def received(self, recipient: str, fragment: str) -> bool:
        return any(fragment in text for text in self.texts(recipient))


@pytest.fixture()
def receiver(stack: Stack) -> Iterator[Receiver]:
    url = urlsplit(stack.callback_url)  # the CALLBACK_URL Rasa was started with
    with Receiver(url.port or 80, url.path) as running:
        yield running


def send(stack: Stack, sender: str, text: str) -> None:
    """A customer message through the callback channel; Rasa answers on the receiver."""
    response = httpx.post(
        f"{stack.rasa_url}/webhooks/callback/webhook",
        json={"sender": sender, "message": text},
        timeout=60,
    )
    response.raise_for_status()
    assert response.text == "success"


def test_handoff_round_trip_over_the_callback_channel(
    stack: Stack, receiver: Receiver, agent: AgentClient
) -> None:
    sender = f"callback-{uuid.uuid4().hex[:8]}"
    for text, answer in [
        ("where is my order?", "order number"),
        ("10482", "email address or the delivery postcode"),
        ("dana.whitfield@example.com", "Order 10482 is"),
        ("I want to talk to a person", "bringing in a person"),
    ]:
        send(stack, sender, text)
        wait_for(lambda: receiver.received(sender, answer), message=f"bot answer to {text!r}")

    tracker = stack.tracker(sender)
    assert tracker["paused"] is True
    key = tracker["slots"]["handoff_key"]
    conversation = wait_for(
        lambda: _conversation_or_none(agent, key), message="handoff in the inbox"
    )
    assert conversation["channel"] == "callback"  # sent once, at the top of the contract

    heard_before_agent = len(receiver.texts(sender))
    agent.claim(key)
    wait_for(lambda: receiver.received(sender, "has joined the chat"), message="agent joined line")
    agent.reply(key, "Hi Dana, I'm Sam. Let me check with the courier.")
    wait_for(
        lambda: receiver.received(sender, "Hi Dana, I'm Sam"), message="agent reply at the receiver"
    )
    # Plain text on this channel: the socket.io-only markers are not sent here.
    assert not any("custom" in body for body in receiver.bodies)

    send(stack, sender, "Thanks, I'll wait")
    wait_for(
        lambda: "Thanks, I'll wait" in agent.customer_texts(key),
        message="customer message in the inbox",
    )
    # While the person owns the conversation the bot stays silent.
    assert len(receiver.texts(sender)) == heard_before_agent + 2

    agent.hand_back(key, "Parcel is with DPD, due tomorrow")
    wait_for(
        lambda: receiver.received(sender, "Hi again, it's the assistant"), message="bot return line"
    )
    assert stack.tracker(sender)["paused"] is False


def _conversation_or_none(agent: AgentClient, key: str):
    try:
        return agent.conversation(key)
    except httpx.HTTPStatusError:
        return None
