"""Simulated customers for the load tool: scripted conversations over socket.io, at a human pace.

Each customer behaves as the web chat widget does (webchat/client/connection.js):
on every (re)connect it sends ``session_request`` and waits for ``session_confirm``;
each message goes out as ``user_uttered {message, session_id, metadata}`` and
stays pending until Rasa acknowledges it, so a message cut off by a dying
replica is sent again after the reconnect (at-least-once, like the widget).

The session id also travels in the connection URL (``?session_id=``) so a load
balancer can hash on it: every engine.io request of a customer then reaches the
same Rasa replica (scripts/load_system.py's HAProxy configuration).

Latency is the time from emitting ``user_uttered`` to the first ``bot_uttered``.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from dataclasses import dataclass, field

import aiohttp
import socketio

if not hasattr(aiohttp, "ClientWSTimeout"):
    # python-engineio's WebSocket client builds aiohttp >= 3.10's ClientWSTimeout; the aiohttp
    # that Rasa 3.6 pins (3.9) takes the same close timeout as a plain number.
    aiohttp.ClientWSTimeout = lambda ws_close=10.0, ws_receive=None: ws_close  # type: ignore[attr-defined]

# (text, a reply is expected). After the handoff the bot is silent on purpose:
# those messages are relayed to the agent, so only their acknowledgement counts.
Script = list[tuple[str, bool]]

ORDER_STATUS: Script = [
    ("hi", True),
    ("where is my order?", True),
    ("10482", True),
    ("dana.whitfield@example.com", True),
    ("thanks", True),
]
SHIPPING: Script = [
    ("how much is shipping", True),
    ("what are your delivery options?", True),
    ("how long does delivery take?", True),
    ("thanks", True),
]
RETURNS_AND_PAYMENT: Script = [
    ("what is your return policy", True),
    ("do you take paypal", True),
    ("how do I get an invoice", True),
    ("thank you", True),
]
ACCOUNT_AND_HOURS: Script = [
    ("hello", True),
    ("I forgot my password", True),
    ("when are you open", True),
    ("how can I contact you", True),
]
# "a few asking for a person": the handoff pauses the conversation; later lines are relayed.
ASKS_FOR_A_PERSON: Script = [
    ("where is my order?", True),
    ("10482", True),
    ("I want to talk to a person", True),
    ("hello?", False),
    ("is anyone there?", False),
]
HANDOFF_REQUEST = "I want to talk to a person"

# Weights: mostly routine questions, about one conversation in seven asks for a person.
CONVERSATIONS: list[tuple[str, Script, int]] = [
    ("order status", ORDER_STATUS, 35),
    ("shipping", SHIPPING, 20),
    ("returns and payment", RETURNS_AND_PAYMENT, 15),
    ("account and hours", ACCOUNT_AND_HOURS, 15),
    ("asks for a person", ASKS_FOR_A_PERSON, 15),
]


def pick_script(rng: random.Random) -> tuple[str, Script]:
    """One scripted conversation, drawn with the weights above."""
    name, script, _ = rng.choices(CONVERSATIONS, weights=[w for _, _, w in CONVERSATIONS])[0]
    return name, script


@dataclass
class Turn:
    """One customer message and what came of it."""

    text: str
    expects_reply: bool
    sent_at: float
    latency: float | None = None  # seconds to the first bot_uttered; None when none came
    acknowledged: bool = False
    replies: list[str] = field(default_factory=list)


@dataclass
class Conversation:
    """One session: a scripted conversation from its first message to the customer leaving."""

    session_id: str
    kind: str
    turns: list[Turn] = field(default_factory=list)
    reconnects: int = 0

    @property
    def asked_for_a_person(self) -> bool:
        """The handoff request was handled (so the conversation should be paused).

        Its reply may be missing: a replica that dies after pausing but before the
        reply reaches the socket leaves a paused conversation that stays silent when
        the widget sends the request again.
        """
        return any(
            t.text == HANDOFF_REQUEST and (t.acknowledged or t.latency is not None)
            for t in self.turns
        )

    @property
    def stalled(self) -> bool:
        """Messages stopped being answered: an unanswered message with nothing handled after it."""
        for index, turn in enumerate(self.turns):
            if turn.expects_reply and turn.latency is None:
                later = self.turns[index + 1 :]
                if not any(
                    t.latency is not None or (not t.expects_reply and t.acknowledged) for t in later
                ):
                    return True
        return False

    @property
    def unanswered(self) -> int:
        return sum(1 for t in self.turns if t.expects_reply and t.latency is None)


@dataclass(frozen=True)
class Pace:
    """How a customer types: a message every ``low``–``high`` seconds, waiting up to ``reply_timeout``."""

    low: float = 1.5
    high: float = 4.5
    reply_timeout: float = (
        75.0  # past Rasa's 60 s ticket lock, which a killed replica leaves behind
    )


# Replies travel before the acknowledgement; this only covers them arriving in a later poll.
ACK_TO_REPLY_GRACE = 1.0


class Customer:
    """One person in the chat window, holding one socket.io connection per conversation."""

    def __init__(
        self, url: str, rng: random.Random, pace: Pace, tag: str, transport: str = "websocket"
    ) -> None:
        self.url = url
        self.rng = rng
        self.pace = pace
        self.tag = tag
        self.transport = transport
        self.closing: list[asyncio.Task] = []

    async def converse(self, stop_at: float) -> Conversation:
        """Run one scripted conversation; stop sending new messages at ``stop_at`` (monotonic)."""
        kind, script = pick_script(self.rng)
        conversation = Conversation(
            session_id=f"load-{self.tag}-{uuid.uuid4().hex[:10]}", kind=kind
        )
        link = _Link(self.url, conversation, self.transport)
        await link.open()
        try:
            next_send = time.monotonic()
            for text, expects_reply in script:
                await asyncio.sleep(max(0.0, next_send - time.monotonic()))
                if time.monotonic() >= stop_at:
                    break
                turn = Turn(text=text, expects_reply=expects_reply, sent_at=time.monotonic())
                conversation.turns.append(turn)
                next_send = turn.sent_at + self.rng.uniform(self.pace.low, self.pace.high)
                await link.send(turn, self.pace.reply_timeout)
        finally:
            # A polling client's disconnect waits for its open long-poll: let it close in the
            # background so the next customer takes the seat at once.
            self.closing.append(asyncio.create_task(link.close()))
        return conversation


class _Link:
    """The widget's connection logic for one session: confirm, send, resend until acknowledged."""

    def __init__(self, url: str, conversation: Conversation, transport: str = "websocket") -> None:
        self.conversation = conversation
        # The widget opens a WebSocket (webchat/client/connection.js, polling only as the
        # fallback); long-polling costs the server an HTTP request per message and per poll.
        self.transport = transport
        self.url = f"{url}?session_id={conversation.session_id}"
        self.client = socketio.AsyncClient(
            reconnection=True, reconnection_delay=0.5, reconnection_delay_max=2, handle_sigint=False
        )
        self.confirmed = asyncio.Event()
        self.turn: Turn | None = None
        self.replied = asyncio.Event()
        self.acked = asyncio.Event()
        self.connects = 0
        self.client.on("connect", self._on_connect)
        self.client.on("disconnect", self._on_disconnect)
        self.client.on("session_confirm", self._on_confirm)
        self.client.on("bot_uttered", self._on_bot_uttered)

    async def _on_connect(self) -> None:
        self.connects += 1
        if self.connects > 1:
            self.conversation.reconnects += 1
        await self.client.emit("session_request", {"session_id": self.conversation.session_id})

    async def _on_disconnect(self, *_reason: object) -> None:
        self.confirmed.clear()

    async def _on_confirm(self, _session_id: object) -> None:
        self.confirmed.set()
        # A message whose acknowledgement was cut off goes out again on the new socket.
        if self.turn is not None and not self.turn.acknowledged:
            await self._emit(self.turn)

    async def _on_bot_uttered(self, payload: object) -> None:
        turn = self.turn
        if turn is None:
            return
        if turn.latency is None:
            turn.latency = time.monotonic() - turn.sent_at
        text = payload.get("text") if isinstance(payload, dict) else None
        turn.replies.append(text or "")
        self.replied.set()

    async def _emit(self, turn: Turn) -> None:
        def on_ack(*_args: object) -> None:
            if self.turn is turn:
                turn.acknowledged = True
                self.acked.set()

        try:
            await self.client.emit(
                "user_uttered",
                {
                    "message": turn.text,
                    "session_id": self.conversation.session_id,
                    "metadata": {"client_message_id": uuid.uuid4().hex},
                },
                callback=on_ack,
            )
        except socketio.exceptions.BadNamespaceError:
            pass  # disconnected right now: _on_confirm sends it again after the reconnect

    async def open(self) -> None:
        await self.client.connect(
            self.url, socketio_path="/socket.io", transports=[self.transport], wait_timeout=30
        )
        await asyncio.wait_for(self.confirmed.wait(), 30)

    async def send(self, turn: Turn, timeout: float) -> None:
        """Send ``turn`` and wait until it is acknowledged and (when expected) answered."""
        self.turn = turn
        self.replied.clear()
        self.acked.clear()
        deadline = time.monotonic() + timeout
        if self.confirmed.is_set():
            await self._emit(turn)
        try:
            # Rasa acknowledges once the message is handled, after every reply it emitted.
            await asyncio.wait_for(self.acked.wait(), max(0.1, deadline - time.monotonic()))
            if turn.expects_reply and not self.replied.is_set():
                await asyncio.wait_for(self.replied.wait(), ACK_TO_REPLY_GRACE)
        except asyncio.TimeoutError:
            pass  # counted: no latency (unanswered) or not acknowledged

    async def close(self) -> None:
        try:
            await self.client.disconnect()
        except Exception:
            pass
