"""Rasa's REST channel with input validation.

Rasa 3.6's REST channel answers a JSON body that is not an object (``[1, 2]``)
with a 500 and silently ignores a non-string message. This subclass keeps the
same name, URL and behaviour but refuses such requests with a clear 400, so
integrators see what is wrong and nothing half-valid reaches the dialogue.

The channel has no login, so it also keeps to its own conversations: a body
without a sender is refused (Rasa would file it under the one conversation
"default" every such caller shares), the body cannot name another channel
(``input_channel``), and a conversation another channel started (a web chat's
session, a WhatsApp number) is refused with 403 (channels/ownership.py).
"""

from __future__ import annotations

import re
from typing import Any, cast

from rasa.core.channels.channel import InputChannel
from rasa.core.channels.rest import RestInput
from sanic.exceptions import Forbidden
from sanic.exceptions import InvalidUsage as BadRequest  # 400; sanic 21.12 names it InvalidUsage
from sanic.request import Request

from channels.guard import GuardedInput
from channels.ownership import first_channel

# A hard cap on the request itself; the customer-facing limit is channels.guard's.
MAX_MESSAGE_CHARS = 100_000
MAX_SENDER_CHARS = 255
# What Rasa's HTTP API can address as /conversations/{id}: an agent's reply must be
# able to reach the conversation, so ids with spaces, "/" or non-ASCII are refused.
_SENDER = re.compile(rf"[A-Za-z0-9_.:@+=\-]{{1,{MAX_SENDER_CHARS}}}")


def addressable_sender(sender: Any) -> bool:
    """Whether ``sender`` is a conversation id this channel accepts (see ``_SENDER``)."""
    return isinstance(sender, str) and _SENDER.fullmatch(sender) is not None


def validated_body(request: Request) -> dict[str, Any]:
    """The JSON object of the request, or a 400 that says what is wrong."""
    try:
        body = request.json
    except Exception as error:  # sanic raises its own InvalidUsage for bad JSON
        raise BadRequest("The request body is not valid JSON.") from error
    if not isinstance(body, dict):
        raise BadRequest(
            'The request body must be a JSON object: {"sender": "...", "message": "..."}.'
        )
    message = body.get("message")
    if message is not None and not isinstance(message, str):
        raise BadRequest('"message" must be a string.')
    if (
        "metadata" in body
        and body["metadata"] is not None
        and not isinstance(body["metadata"], dict)
    ):
        raise BadRequest('"metadata" must be a JSON object.')
    if isinstance(message, str) and len(message) > MAX_MESSAGE_CHARS:
        raise BadRequest(f'"message" is longer than {MAX_MESSAGE_CHARS} characters.')
    sender = body.get("sender")
    if not addressable_sender(sender):
        raise BadRequest(
            f'"sender" must be 1 to {MAX_SENDER_CHARS} characters of A-Z, a-z, 0-9 and _ . : @ + = -.'
        )
    return body


class ValidatedBody:
    """Mixin for Rasa's REST-shaped channels (REST, callback): read the body through :func:`validated_body`.

    The channel is always the class's own (never the body's ``input_channel``) and
    it speaks only in conversations it started or new ones.
    """

    def _own_name(self) -> str:
        return cast(InputChannel, self).name()  # the channel this mixin is part of

    async def _extract_sender(self, req: Request) -> str:
        sender: str = validated_body(req)["sender"]  # validated: an addressable id
        agent = getattr(req.app.ctx, "agent", None)
        owner = await first_channel(getattr(agent, "tracker_store", None), sender)
        if owner not in (None, self._own_name()):
            raise Forbidden(
                f'Conversation "{sender}" belongs to another channel; '
                f"the {self._own_name()} channel can only continue its own."
            )
        return sender

    def _extract_message(self, req: Request) -> str | None:
        return validated_body(req).get("message")

    def _extract_input_channel(self, req: Request) -> str:
        return self._own_name()


class ValidatedRestInput(GuardedInput, ValidatedBody, RestInput):
    """The REST channel (``/webhooks/rest/webhook``), refusing malformed requests with 400.

    Messages that parse pass the shared screen (channels/guard.py): too long or
    empty text gets a polite answer in the response body.
    """

    @classmethod
    def name(cls) -> str:
        return "rest"
