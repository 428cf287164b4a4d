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

import logging
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from sanic import Blueprint

logger = logging.getLogger(__name__)

# Longer ids are refused: a session id is a room name and a tracker's sender id.
MAX_SESSION_ID_LENGTH = 128


def session_id_from(data: Any) -> Optional[str]:
    """The session id a client asked for, or None when it sent none or an unusable one."""
    if not isinstance(data, dict):
        return None
    value = data.get("session_id")
    if isinstance(value, str) and 0 < len(value) <= MAX_SESSION_ID_LENGTH and value.isprintable():
        return value
    return None


class SocketIOInput(RasaSocketIOInput):
    """``socketio`` channel whose ``session_request`` really joins the session room."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        socketio_webhook = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None  # set by the parent's blueprint()

        # Registering the same event again replaces the parent's handler.
        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Optional[Dict[str, Any]]) -> None:
            session_id = session_id_from(data) or uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)
            logger.debug("socket %s joined session %s", sid, session_id)

        return socketio_webhook
