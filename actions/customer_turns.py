"""Did the customer type (or click) this message? One answer for the whole bot.

Rasa stores three kinds of user messages that no customer wrote: intents the
inbox triggers through Rasa's HTTP API (``agent_handback``: marked
``is_external`` or written "EXTERNAL: …"), and Rasa's own ``/session_start``.
The turn scorer, the analytics session report and the transcript all skip
them, through ``typed_by_customer``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from actions import names

INTERNAL_INTENTS = frozenset({names.INTENT_AGENT_HANDBACK, names.INTENT_SESSION_START})
"""Intents only Rasa or the inbox send, never the customer (channels/guard.py refuses them)."""


def _intent_name(message: Mapping[str, Any]) -> str | None:
    """The intent of a UserUttered event (``parse_data``) or of ``tracker.latest_message``."""
    parse = message.get("parse_data")
    intent = (parse if isinstance(parse, Mapping) else message).get("intent") or {}
    return intent.get("name") if isinstance(intent, Mapping) else None


def typed_by_customer(message: Mapping[str, Any]) -> bool:
    """A message the customer typed or clicked.

    Takes a Rasa ``user`` event or ``tracker.latest_message``; any other event is
    not a customer message.
    """
    if message.get("event", "user") != "user":
        return False
    text = message.get("text") or ""
    metadata = message.get("metadata") or {}
    if (isinstance(metadata, Mapping) and metadata.get("is_external")) or text.startswith(
        "EXTERNAL: "
    ):
        return False
    if text.startswith("/") and text[1:].split("{", 1)[0] in INTERNAL_INTENTS:
        return False
    return _intent_name(message) not in INTERNAL_INTENTS
