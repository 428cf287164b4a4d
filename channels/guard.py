"""One gate for every customer message, on every channel, before NLU.

Each input channel hands Rasa a ``UserMessage`` through the ``on_new_message``
callback it receives in ``blueprint()``. :class:`GuardedInput` wraps that
callback, so whatever the channel (REST, socket.io, callback, Telegram, Slack,
Facebook, Twilio), a message is screened the same way before the dialogue sees it:

* **Text is cleaned**: lone UTF-16 surrogates become U+FFFD (they made the
  action server fail to encode the tracker), control characters and bidi
  overrides are dropped, the rest is NFC-normalised.
* **Too long is refused politely**: over ``MAX_MESSAGE_CHARS`` (environment,
  default 5,000) the customer is told so and the message goes no further, so one
  huge message cannot hold up everybody else's NLU.
* **Empty is answered**, not dropped in silence.
* **Customers cannot forge commands.** Rasa reads a text starting with ``/`` as
  ``/intent{"entity": ...}``. Buttons send ``/affirm``-style payloads, so a bare
  customer intent stays allowed; anything with entities or a confidence, and
  every internal intent (``agent_handback`` is sent only by the inbox through the
  authenticated HTTP API), is kept as text: the leading ``/`` becomes U+2215
  DIVISION SLASH, which Rasa does not unpack and which reads the same in the
  transcript.
* **Metadata that is not an object is dropped** (and logged).
* **A sender id that cannot be stored** (lone surrogates, control characters)
  is refused: Rasa's SQL tracker store exits the whole server on such an error.
* **A failing conversation store refuses the message** (rasa_server/tracker_store.py):
  the customer is asked to send it again instead of being answered from a blank
  conversation.

The words said to the customer live in domain.yml (``utter_message_*``).
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, Sanic
from sanic.exceptions import SanicException

from rasa_server.tracker_store import TrackerStoreUnavailable, fail_closed

logger = logging.getLogger(__name__)

DOMAIN_FILE = Path(__file__).resolve().parents[1] / "domain.yml"
DEFAULT_MAX_MESSAGE_CHARS = 5_000

# Intents only the system may trigger. Rasa's own defaults (restart, back,
# session_start) would let a customer wipe or un-pause a handed-off conversation.
INTERNAL_INTENTS = frozenset({"agent_handback", "restart", "back", "session_start", "nlu_fallback"})
# What a button sends: "/" and an intent name, nothing else.
_BUTTON_PAYLOAD = re.compile(r"/([a-z][a-z0-9_]{0,63})")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
# C0/C1 controls except tab and newline, bidi embeddings/overrides/isolates, BOM.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
SAFE_SLASH = "\u2215"

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


@dataclass(frozen=True)
class Screened:
    """What to do with one message: pass ``text`` on, or answer ``reply`` and stop."""

    text: str
    reply: str | None = None  # a response name from domain.yml

    @property
    def refused(self) -> bool:
        return self.reply is not None


def max_message_chars() -> int:
    """The configured limit (``MAX_MESSAGE_CHARS``); a bad value falls back to the default."""
    try:
        value = int(os.environ.get("MAX_MESSAGE_CHARS", DEFAULT_MAX_MESSAGE_CHARS))
    except ValueError:
        return DEFAULT_MAX_MESSAGE_CHARS
    return value if value > 0 else DEFAULT_MAX_MESSAGE_CHARS


def clean_text(text: str) -> str:
    """``text`` safe to store, encode and show: no lone surrogates, no control characters."""
    text = _SURROGATES.sub("\ufffd", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    return unicodedata.normalize("NFC", text).strip()


def defuse_command(text: str) -> str:
    """Keep a customer's ``/...`` as text unless it is a bare, customer-facing intent."""
    if not text.startswith("/"):
        return text
    match = _BUTTON_PAYLOAD.fullmatch(text)
    if match and match.group(1) not in INTERNAL_INTENTS:
        return text
    return SAFE_SLASH + text[1:]


def screen(text: Any, limit: int | None = None) -> Screened:
    """Decide what happens to one incoming text (pure: no I/O)."""
    if not isinstance(text, str):
        text = ""
    text = clean_text(text)
    if not text:
        return Screened(text="", reply="utter_message_empty")
    if len(text) > (limit or max_message_chars()):
        return Screened(text="", reply="utter_message_too_long")
    return Screened(text=defuse_command(text))


def storable_sender(sender_id: Any) -> bool:
    """A conversation id the tracker store can write (UTF-8, printable, not too long)."""
    return (
        isinstance(sender_id, str)
        and 0 < len(sender_id) <= 255
        and sender_id.isprintable()
        and not _SURROGATES.search(sender_id)
    )


@cache
def reply_text(response: str) -> str:
    """The first text of ``response`` in domain.yml, with ``{max_chars}`` filled in."""
    import yaml  # Rasa's own dependency; read once per response name

    with DOMAIN_FILE.open(encoding="utf-8") as handle:
        responses = (yaml.safe_load(handle) or {}).get("responses") or {}
    variations = responses.get(response) or [{}]
    text = str(variations[0].get("text") or "Sorry, I couldn't read that message.")
    return text.replace("{max_chars}", f"{max_message_chars():,}")


def _fail_closed_in_running_server() -> None:
    """Make the running Rasa server's tracker store raise instead of starting afresh."""
    try:
        app = Sanic.get_app()
    except SanicException:  # no server (unit tests): nothing to configure
        return
    agent = getattr(app.ctx, "agent", None)
    if agent is not None:
        fail_closed(agent.tracker_store)


def guard(on_new_message: OnNewMessage) -> OnNewMessage:
    """``on_new_message`` behind the screen: refused messages get a polite line instead."""

    async def answer(message: UserMessage, response: str) -> None:
        await message.output_channel.send_text_message(message.sender_id, reply_text(response))

    async def guarded(message: UserMessage) -> Any:
        if not storable_sender(message.sender_id):
            logger.warning("message refused: unusable sender id %r", message.sender_id)
            await answer(message, "utter_message_unreadable")
            return None
        screened = screen(message.text)
        if screened.refused:
            logger.info("message from %s refused: %s", message.sender_id, screened.reply)
            await answer(message, screened.reply or "")
            return None
        message.text = screened.text
        if message.metadata is not None and not isinstance(message.metadata, dict):
            logger.warning("dropping metadata that is not an object from %s", message.sender_id)
            message.metadata = None
        _fail_closed_in_running_server()
        try:
            return await on_new_message(message)
        except TrackerStoreUnavailable:
            await answer(message, "utter_message_retry")
            return None

    return guarded


class GuardedInput:
    """Mixin for an ``InputChannel``: every message passes :func:`guard` first.

    Put it first in the bases (``class X(GuardedInput, RasaInput)``) so its
    ``blueprint`` wraps the callback before the channel's own.
    """

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        return super().blueprint(guard(on_new_message))  # type: ignore[misc]
