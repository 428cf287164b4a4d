"""Rasa's socket.io input channel with the session room fix the web chat needs.

Rasa 3.6's ``SocketIOInput`` calls ``sio.enter_room(...)`` without ``await``. In
python-socketio 5 (pinned by requirements.lock) that method is a coroutine, so the
call does nothing: with ``session_persistence: true`` the browser's socket never
joins the room named after its session id, and every bot message — replies as
well as agent messages pushed later through ``output_channel=latest`` — is sent
to an empty room. The widget would connect and hear nothing.

This subclass keeps the channel's name (``socketio``), so responses with
``channel: socketio`` variants and ``output_channel=latest`` still find it, and
only replaces the ``session_request`` handler. Use it in credentials.yml::

    channels.socketio.SocketIOInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true

This module imports Rasa and is loaded by the Rasa server only, never by the
web chat server.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from rasa.core.channels.socketio import SocketIOOutput
from sanic import Blueprint

from channels.guard import GuardedInput, reply_text
from channels.ownership import first_channel
from launch_rasa.options import cors_origins

logger = logging.getLogger(__name__)

# Longer ids are refused: a session id is a room name and a tracker's sender id.
MAX_SESSION_ID_LENGTH = 128


def session_id_from(data: Any) -> str | None:
    """The session id a client asked for, or None when it sent none or an unusable one."""
    if not isinstance(data, dict):
        return None
    value = data.get("session_id")
    if isinstance(value, str) and 0 < len(value) <= MAX_SESSION_ID_LENGTH and value.isprintable():
        return value
    return None


def metadata_from(data: dict[str, Any], key: str) -> dict[str, Any] | None:
    """The message's metadata as an object; None when absent; ValueError when malformed.

    Rasa's own handler ``json.loads`` a string without a guard and passes lists on.
    """
    value = data.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as error:
            raise ValueError("metadata is not valid JSON") from error
    if not isinstance(value, dict):
        raise ValueError("metadata must be a JSON object")
    return value


def origin_allowed(origin: str | None, allowed: list[str]) -> bool:
    """A browser's socket may connect only from the origins Rasa's CORS allows.

    Browsers apply CORS to HTTP, not to WebSockets, and Rasa's socket.io server
    switches its own origin check off: any page could open a socket in a
    visitor's browser. Clients that send no Origin (servers, tests) are let in.
    """
    return not origin or "*" in allowed or origin in allowed


class _SessionRoomSocketIOInput(RasaSocketIOInput):
    """``socketio`` channel whose ``session_request`` really joins the session room.

    It also replaces the ``user_uttered`` handler: a payload that is not an object,
    a message that is not text or metadata that is not an object gets a polite
    line back instead of an exception in the log and silence.
    """

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        socketio_webhook = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None  # set by the parent's blueprint()

        allowed = cors_origins(os.environ)
        rasa_connect = sio.handlers[self.namespace or "/"]["connect"]

        async def owns(sid: str, session_id: str) -> bool:
            """A socket may only continue web chat conversations (channels/ownership.py)."""
            environ = sio.get_environ(sid, namespace=self.namespace) or {}
            request = environ.get("sanic.request")
            agent = getattr(getattr(request, "app", None), "ctx", None)
            store = getattr(getattr(agent, "agent", None), "tracker_store", None)
            return await first_channel(store, session_id) in (None, self.name())

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: str, environ: dict[str, Any], auth: dict[str, Any] | None) -> bool:
            origin = environ.get("HTTP_ORIGIN")
            if not origin_allowed(origin, allowed):
                logger.warning(
                    "socket.io connection from %s refused (allowed: %s)", origin, ", ".join(allowed)
                )
                return False
            return bool(await rasa_connect(sid, environ, auth))

        # Registering the same event again replaces the parent's handler.
        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: dict[str, Any] | None) -> None:
            session_id = session_id_from(data) or uuid.uuid4().hex
            if not await owns(sid, session_id):
                logger.warning("socket %s asked for another channel's conversation", sid)
                session_id = uuid.uuid4().hex  # never the room of someone else's chat
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)
            logger.debug("socket %s joined session %s", sid, session_id)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any) -> None:
            output_channel = SocketIOOutput(sio, self.bot_message_evt)
            sender_id = session_id_from(data) if self.session_persistence else sid
            try:
                if not isinstance(data, dict) or sender_id is None:
                    raise ValueError("payload must be an object with a session_id")
                text = data.get("message", "")
                if text is not None and not isinstance(text, str):
                    raise ValueError("message must be text")
                metadata = metadata_from(data, self.metadata_key)
                if not await owns(sid, sender_id):
                    raise ValueError("the conversation belongs to another channel")
            except ValueError as error:
                logger.warning("socket %s sent a malformed message: %s", sid, error)
                await sio.emit(
                    self.bot_message_evt,
                    {"text": reply_text("utter_message_unreadable")},
                    room=sid,
                    namespace=self.namespace,
                )
                return
            await on_new_message(
                UserMessage(
                    text, output_channel, sender_id, input_channel=self.name(), metadata=metadata
                )
            )

        return socketio_webhook


class SocketIOInput(GuardedInput, _SessionRoomSocketIOInput):
    """The web chat's channel: the session room fix, behind the message screen.

    The screen wraps the callback first, so the handlers registered above get
    the screened one.
    """
