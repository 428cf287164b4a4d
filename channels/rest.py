"""Rasa's REST channel with input validation.

Rasa 3.6's REST channel answers a JSON body that is not an object (``[1, 2]``)
with a 500 and silently ignores a non-string message. This subclass keeps the
same name, URL and behaviour but refuses such requests with a clear 400, so
integrators see what is wrong and nothing half-valid reaches the dialogue.
"""

from __future__ import annotations

from typing import Any, Optional, Text

from rasa.core.channels.rest import RestInput
from sanic.exceptions import InvalidUsage as BadRequest  # 400; sanic 21.12 names it InvalidUsage
from sanic.request import Request

from channels.guard import GuardedInput

# A hard cap on the request itself; the customer-facing limit is channels.guard's.
MAX_MESSAGE_CHARS = 100_000
MAX_SENDER_CHARS = 255


def validated_body(request: Request) -> dict[str, Any]:
    """The JSON object of the request, or a 400 that says what is wrong."""
    try:
        body = request.json
    except Exception as error:  # sanic raises its own InvalidUsage for bad JSON
        raise BadRequest("The request body is not valid JSON.") from error
    if not isinstance(body, dict):
        raise BadRequest('The request body must be a JSON object: {"sender": "...", "message": "..."}.')
    message = body.get("message")
    if message is not None and not isinstance(message, str):
        raise BadRequest('"message" must be a string.')
    if "metadata" in body and body["metadata"] is not None and not isinstance(body["metadata"], dict):
        raise BadRequest('"metadata" must be a JSON object.')
    if isinstance(message, str) and len(message) > MAX_MESSAGE_CHARS:
        raise BadRequest(f'"message" is longer than {MAX_MESSAGE_CHARS} characters.')
    sender = body.get("sender")
    if sender is not None and (not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS):
        raise BadRequest(f'"sender" must be a non-empty string of at most {MAX_SENDER_CHARS} characters.')
    return body


class ValidatedRestInput(GuardedInput, RestInput):
    """The REST channel (``/webhooks/rest/webhook``), refusing malformed requests with 400.

    Messages that parse pass the shared screen (channels/guard.py): too long or
    empty text gets a polite answer in the response body.
    """

    @classmethod
    def name(cls) -> Text:
        return "rest"

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        return validated_body(req).get("sender")

    def _extract_message(self, req: Request) -> Optional[Text]:
        return validated_body(req).get("message")
