"""The action server's request body, its events encoded once each instead of on every call.

Rasa 3.6 sends the whole session with every custom action call
(``EventVerbosity.ALL``) and aiohttp encodes it with ``json.dumps``: at the 50th
message ~600 events, 225 kB of JSON, on every message (docs/benchmarks.md,
"Capacity"). Nearly all of them were encoded, identically, on the calls before.

Here the body is encoded to the same bytes ``json.dumps`` gives (the same
text, sent with the same Content-Type), but each event's JSON is looked up by
the event's content: ``marshal.dumps`` of its dict (format 2, no references)
is the key, which differs whenever anything ``json.dumps`` would write differs
(a value, its type, 1 against 1.0 or True, the order of keys). So an event
changed since (an entity added to a message, say) is encoded afresh; an event
``marshal`` cannot write (an object of another class) is always encoded afresh.
The cache is bounded (the oldest entries out). What the action server
receives is unchanged, byte for byte. ``install`` is called by launch_rasa.
"""

from __future__ import annotations

import json
import marshal
import threading
import uuid
from typing import Any

from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

_ORIGINAL_FORMAT = RemoteAction._action_call_format
_ORIGINAL_REQUEST = EndpointConfig.request
# ~0.8 kB an entry: 600-event sessions of the few hundred conversations kept in memory.
MAX_EVENTS = 50_000


class ActionCallBody(dict):
    """RemoteAction's request body, marked to be encoded with the events cache."""


class EventJsonCache:
    """Event dict → its ``json.dumps`` text, keyed by the dict's exact content.

    Reads take no lock (a dict lookup is atomic under the GIL); the oldest
    entries make room for new ones.
    """

    def __init__(self, max_events: int = MAX_EVENTS) -> None:
        self.max_events = max_events
        self._texts: dict[bytes, str] = {}
        self._lock = threading.Lock()

    def texts(self, events: list[Any]) -> list[str]:
        """``json.dumps`` of each of ``events``, from the cache where this exact content was seen."""
        found = self._texts.get
        result = []
        for event in events:
            try:
                key = marshal.dumps(event, 2)
            except ValueError:  # not plain data: encode it every time, as Rasa does
                result.append(json.dumps(event))
                continue
            text = found(key)
            if text is None:
                text = json.dumps(event)
                self._keep(key, text)
            result.append(text)
        return result

    def _keep(self, key: bytes, text: str) -> None:
        with self._lock:
            self._texts[key] = text
            while len(self._texts) > self.max_events:
                self._texts.pop(next(iter(self._texts)))

    def __len__(self) -> int:
        return len(self._texts)


CACHE = EventJsonCache()


def encode(body: dict[str, Any], cache: EventJsonCache = CACHE) -> str:
    """``json.dumps(body)``, the tracker's events taken from ``cache``."""
    tracker = body.get("tracker")
    if not isinstance(tracker, dict) or type(tracker.get("events")) is not list:
        return json.dumps(body)
    events = tracker["events"]
    token = f"northwind-events-{uuid.uuid4().hex}"
    outer = dict(body)
    outer["tracker"] = dict(tracker, events=token)  # same key, same place
    text = json.dumps(outer)
    placeholder = json.dumps(token)
    if text.count(placeholder) != 1:  # cannot happen with a fresh uuid; Rasa's way if it does
        return json.dumps(body)
    # json.dumps writes a list as "[" + ", ".join(items) + "]" with its default separators.
    encoded_events = "[" + ", ".join(cache.texts(events)) + "]"
    return text.replace(placeholder, encoded_events, 1)


def action_call_format(self: RemoteAction, tracker: Any, domain: Any) -> dict[str, Any]:
    """``RemoteAction._action_call_format``, marked for :func:`request` to encode."""
    return ActionCallBody(_ORIGINAL_FORMAT(self, tracker, domain))


async def request(self: EndpointConfig, *args: Any, **kwargs: Any) -> Any:
    """``EndpointConfig.request``; a marked body is sent as the bytes ``json.dumps`` gives.

    Encoded when sent, so a plugin that edited the body in place is sent as edited.
    aiohttp's ``json=`` sends ``json.dumps(body)`` as UTF-8 with Content-Type
    ``application/json``; Rasa sets that header itself.
    """
    body = kwargs.get("json")
    as_json = kwargs.get("content_type", "application/json") == "application/json"
    if isinstance(body, ActionCallBody) and as_json and len(args) < 3:  # Content-Type as Rasa's
        kwargs = dict(kwargs)
        del kwargs["json"]
        kwargs["data"] = encode(body).encode("utf-8")
    return await _ORIGINAL_REQUEST(self, *args, **kwargs)


def install() -> None:
    """Encode each event of the action server's requests once (idempotent)."""
    RemoteAction._action_call_format = action_call_format
    EndpointConfig.request = request
