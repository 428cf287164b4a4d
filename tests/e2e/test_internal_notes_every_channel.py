"""Internal notes stay internal on every channel that can push (issue 15).

A real Rasa server runs with every push channel of credentials.yml enabled: the web
chat's socket.io, the callback, Telegram, Slack, Facebook Messenger and Twilio. The
SaaS APIs are a local stand-in (tests/channels/saas.py) that records every request
Rasa's channel classes make. On each channel a customer asks for a person, the agent
writes a note for colleagues, replies, closes the chat with an internal note (resolve
on some channels, hand-back on the others) and saves a wrap-up note; the customer
speaks once more. Then every message that customer's channel received is read: the
agent's reply and the words meant for the customer are there (so the channel does
push), and no word of any internal note is.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import socketio

from tests.agent_client import AgentClient
from tests.channels.saas import (
    SLACK_CHANNEL,
    TELEGRAM_BOT_NAME,
    TELEGRAM_TOKEN,
    TWILIO_NUMBER,
    FakeSaaS,
)
from tests.stack import MODEL, Stack, wait_for

pytestmark = pytest.mark.e2e

SLACK_SECRET = "slack-signing-secret-for-tests"
FACEBOOK_SECRET = "facebook-app-secret-for-tests"

# Every note an agent writes in the inbox, and the words in them that must never travel.
TOOL_NOTE = "Customer sounded annoyed on the phone; parcel held at DPD Croydon depot (ticket ZX41)"
CLOSE_NOTE = "Refund approved off-policy by team lead Priya, stock from bin lane 7"
WRAP_UP_NOTE = "Wrap-up: escalated to carrier claims, case CLM-99812"
SECRET_WORDS = ("Croydon", "ZX41", "Priya", "off-policy", "bin lane", "CLM-99812", "Wrap-up:")
FOR_CUSTOMER = "A replacement pair ships today"

CREDENTIALS = f"""
channels.rest.ValidatedRestInput:
channels.socketio.SocketIOInput:
  user_message_evt: user_uttered
  bot_message_evt: bot_uttered
  session_persistence: true
channels.builtin.CallbackInput:
  url: ${{CALLBACK_URL}}
channels.telegram.HandoffTelegramInput:
  access_token: ${{TELEGRAM_TOKEN}}
  verify: ${{TELEGRAM_BOT_NAME}}
  webhook_url: "https://example.invalid/webhooks/telegram/webhook"
channels.builtin.SlackInput:
  slack_token: ${{SLACK_BOT_TOKEN}}
  slack_signing_secret: ${{SLACK_SIGNING_SECRET}}
  slack_channel: ${{SLACK_CHANNEL}}
channels.builtin.FacebookInput:
  verify: northwind-verify
  secret: ${{FACEBOOK_APP_SECRET}}
  page-access-token: facebook-page-token
channels.builtin.TwilioInput:
  account_sid: AC{"0" * 32}
  auth_token: twilio-token
  twilio_number: "{TWILIO_NUMBER}"
"""


class SaaSStack(Stack):
    """The test stack with Rasa started by tests/channels/saas_rasa.py on all channels."""

    def start_rasa(
        self, name: str = "rasa", port: int | None = None, endpoints: str = "endpoints.yml"
    ) -> None:
        credentials = self.workdir / "credentials.yml"
        credentials.write_text(CREDENTIALS)
        args = ["run", "--enable-api", "--port", str(port or self.rasa_port)]
        args += ["--model", str(MODEL), "--endpoints", endpoints]
        args += ["--credentials", str(credentials)]
        self._spawn(name, [sys.executable, "-m", "tests.channels.saas_rasa", *args])


@pytest.fixture(scope="module")
def saas() -> Iterator[FakeSaaS]:
    with FakeSaaS() as running:
        yield running


@pytest.fixture(scope="module")
def channels_stack(saas: FakeSaaS, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SaaSStack]:
    running = SaaSStack(workdir=tmp_path_factory.mktemp("saas-stack"))
    running.extra_env = {
        "FAKE_SAAS_URL": saas.url,
        "CALLBACK_URL": f"{saas.url}/callback",
        "TELEGRAM_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_BOT_NAME": TELEGRAM_BOT_NAME,
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SLACK_SECRET,
        "SLACK_CHANNEL": SLACK_CHANNEL,
        "FACEBOOK_APP_SECRET": FACEBOOK_SECRET,
    }
    try:
        running.start(webchat=False)
        yield running
    finally:
        running.stop_all()


@pytest.fixture()
def sam(channels_stack: SaaSStack) -> Iterator[AgentClient]:
    client = AgentClient(
        channels_stack.inbox_url, channels_stack.admin_user, channels_stack.admin_password
    )
    client.set_available(True)
    yield client
    client.close()


# ------------------------------------------------------------------ the customers
@dataclass
class Customer:
    """One customer on one channel: how they write, and all their channel received."""

    sender: str
    write: Callable[[str], None]
    received: Callable[[], list[str]]
    close: Callable[[], None] = lambda: None


class SocketIOCustomer:
    """The web chat widget's side of socket.io: every bot_uttered it was sent."""

    def __init__(self, rasa_url: str, session_id: str) -> None:
        self.session_id = session_id
        self.heard: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.confirmed = threading.Event()
        self.client = socketio.Client()
        self.client.on("bot_uttered", self._heard)
        self.client.on("session_confirm", lambda _data: self.confirmed.set())
        self.client.connect(rasa_url, socketio_path="/socket.io", transports=["polling"])
        self.client.emit("session_request", {"session_id": session_id})
        assert self.confirmed.wait(20), "socket.io session not confirmed"

    def _heard(self, data: dict[str, Any]) -> None:
        with self.lock:
            self.heard.append(data)

    def write(self, text: str) -> None:
        self.client.emit("user_uttered", {"message": text, "session_id": self.session_id})

    def received(self) -> list[str]:
        with self.lock:
            return [json.dumps(data, ensure_ascii=False) for data in self.heard]


def _post(url: str, **kwargs: Any) -> None:
    response = httpx.post(url, timeout=60, **kwargs)
    assert response.status_code < 300, (response.status_code, response.text)


def customer(channel: str, stack: Stack, saas: FakeSaaS) -> Customer:
    webhooks = f"{stack.rasa_url}/webhooks"
    tag = uuid.uuid4().hex[:8]
    if channel == "socketio":
        widget = SocketIOCustomer(stack.rasa_url, f"web-{tag}")
        return Customer(widget.session_id, widget.write, widget.received, widget.client.disconnect)
    if channel == "callback":
        sender = f"cb-{tag}"

        def write(text: str) -> None:
            _post(f"{webhooks}/callback/webhook", json={"sender": sender, "message": text})

        return Customer(sender, write, lambda: saas.texts_to("callback", sender))
    if channel == "telegram":
        chat = 700_000_000 + int(tag[:6], 16)

        def write(text: str) -> None:
            update = {
                "update_id": int(time.time() * 1000) % 2**31,
                "message": {
                    "message_id": int(time.time() * 1000) % 2**31,
                    "date": int(time.time()),
                    "chat": {"id": chat, "type": "private"},
                    "from": {"id": chat, "is_bot": False, "first_name": "Dana"},
                    "text": text,
                },
            }
            _post(f"{webhooks}/telegram/webhook", json=update)

        return Customer(str(chat), write, lambda: saas.texts_to("telegram", str(chat)))
    if channel == "slack":
        user = f"U{tag.upper()}"

        def write(text: str) -> None:
            event = {
                "type": "event_callback",
                "team_id": "T0NORTHWIND",
                "event_id": f"Ev{uuid.uuid4().hex[:10]}",
                "event": {
                    "type": "message",
                    "channel": SLACK_CHANNEL,
                    "channel_type": "channel",
                    "user": user,
                    "text": text,
                    "ts": f"{time.time():.6f}",
                },
            }
            body = json.dumps(event).encode()
            stamp = str(int(time.time()))
            digest = hmac.new(
                SLACK_SECRET.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256
            ).hexdigest()
            headers = {
                "content-type": "application/json",
                "X-Slack-Request-Timestamp": stamp,
                "X-Slack-Signature": f"v0={digest}",
            }
            _post(f"{webhooks}/slack/webhook", content=body, headers=headers)

        # Rasa's Slack channel answers and pushes into SLACK_CHANNEL (README: "when SLACK_CHANNEL is set").
        return Customer(user, write, lambda: saas.texts_to("slack", SLACK_CHANNEL))
    if channel == "facebook":
        sender = f"FB{tag}"

        def write(text: str) -> None:
            entry = {
                "sender": {"id": sender},
                "recipient": {"id": "PAGE1"},
                "timestamp": int(time.time() * 1000),
                "message": {"mid": f"m-{uuid.uuid4().hex}", "text": text},
            }
            body = json.dumps({"object": "page", "entry": [{"messaging": [entry]}]}).encode()
            digest = hmac.new(FACEBOOK_SECRET.encode(), body, hashlib.sha1).hexdigest()
            headers = {"content-type": "application/json", "X-Hub-Signature": f"sha1={digest}"}
            _post(f"{webhooks}/facebook/webhook", content=body, headers=headers)

        return Customer(sender, write, lambda: saas.texts_to("facebook", sender))
    if channel == "twilio":
        number = f"+4477009{int(tag[:5], 16) % 100000:05d}"

        def write(text: str) -> None:
            _post(f"{webhooks}/twilio/webhook", data={"From": number, "Body": text})

        return Customer(number, write, lambda: saas.texts_to("twilio", number))
    raise ValueError(channel)


# ------------------------------------------------------------------ the test
CHANNELS = ["socketio", "callback", "telegram", "slack", "facebook", "twilio"]


def _tracker(stack: Stack, sender: str) -> dict[str, Any]:
    return stack.tracker(sender)


def _has(received: Callable[[], list[str]], fragment: str) -> bool:
    return any(fragment in text for text in received())


@pytest.mark.parametrize("channel", CHANNELS)
def test_no_internal_note_reaches_the_customer(
    channel: str, channels_stack: SaaSStack, saas: FakeSaaS, sam: AgentClient
) -> None:
    stack = channels_stack
    dana = customer(channel, stack, saas)
    try:
        dana.write("I want to talk to a person")
        key = wait_for(
            lambda: (
                _tracker(stack, dana.sender)["paused"]
                and _tracker(stack, dana.sender)["slots"].get("handoff_key")
            ),
            timeout=60,
            message=f"the handoff on {channel}",
        )
        wait_for(
            lambda: sam.http.get(f"/api/v1/handoffs/{key}").status_code == 200,
            message="the handoff in the inbox",
        )
        assert sam.conversation(key)["channel"] == channel
        sam.claim(key)
        sam._post(f"/api/v1/handoffs/{key}/notes", {"text": TOOL_NOTE})
        reply = f"Sam here on {channel}: I am looking at your parcel now."
        sam.reply(key, reply)
        wait_for(lambda: _has(dana.received, reply), message=f"the agent's reply on {channel}")

        dana.write("thanks, where is it now?")
        wait_for(
            lambda: "thanks, where is it now?" in sam.customer_texts(key),
            message="the customer's message in the inbox",
        )
        resolves = CHANNELS.index(channel) % 2 == 0
        if resolves:
            sam.resolve(key, note=CLOSE_NOTE, customer_message=FOR_CUSTOMER)
        else:
            sam.hand_back(key, resolution=CLOSE_NOTE, customer_message=FOR_CUSTOMER)
        wait_for(
            lambda: _has(dana.received, FOR_CUSTOMER),
            message=f"the closing words on {channel}",
        )
        wait_for(lambda: _tracker(stack, dana.sender)["paused"] is False, message="the bot resumed")
        sam._post(f"/api/v1/handoffs/{key}/wrap-up", {"note": WRAP_UP_NOTE})

        before = len(dana.received())
        dana.write("what is your returns policy?")  # the bot answers again, after the notes
        wait_for(lambda: len(dana.received()) > before, message=f"the bot's answer on {channel}")

        received = dana.received()
        assert received, f"nothing reached the customer on {channel}"
        leaked = [(word, text) for text in received for word in SECRET_WORDS if word in text]
        assert leaked == [], f"internal note text reached the customer on {channel}"
        # The notes are still where agents read them.
        record = json.dumps(sam.conversation(key))
        notes = sam.http.get(f"/api/v1/handoffs/{key}/notes").json()
        assert TOOL_NOTE in json.dumps(notes) and CLOSE_NOTE in record
    finally:
        dana.close()
