"""The action server's request body, events encoded once each, is json.dumps's text byte for byte."""

from __future__ import annotations

import json
import random
from collections import OrderedDict
from typing import Any

from aiohttp import web
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from rasa_server import action_payload
from tests.rasa_server.test_prediction_states import DOMAIN, random_event


def rasa_body(tracker: DialogueStateTracker) -> dict[str, Any]:
    action = RemoteAction("action_validate_slot_mappings", EndpointConfig("http://x"))
    return action_payload._ORIGINAL_FORMAT(action, tracker, DOMAIN)


def test_the_encoded_body_is_json_dumps_after_any_events_and_edits() -> None:
    rng = random.Random(7)
    cache = action_payload.EventJsonCache()
    tracker = DialogueStateTracker("dana", DOMAIN.slots)
    tracker.update(ActionExecuted("action_listen"))
    for step in range(120):
        tracker.update(random_event(rng))
        body = rasa_body(tracker)
        assert action_payload.encode(body, cache) == json.dumps(body)
        if step % 10 == 0:  # the same events again: from the cache, still the same text
            assert action_payload.encode(rasa_body(tracker), cache) == json.dumps(body)
    assert 0 < len(cache) <= len(tracker.events)


def test_an_event_changed_in_place_is_encoded_afresh_even_when_it_compares_equal() -> None:
    cache = action_payload.EventJsonCache()
    message = UserUttered("order 10482", {"name": "inform", "confidence": 1})
    slot = SlotSet("frustration_state", {"score": 1, "reasons": ["a"]})
    tracker = DialogueStateTracker("dana", DOMAIN.slots)
    for event in (ActionExecuted("action_listen"), message, slot):
        tracker.update(event)
    edits = [
        lambda: message.entities.append({"entity": "order_number", "value": "10482"}),
        lambda: message.parse_data["intent"].update(confidence=True),  # == 1, not the same JSON
        lambda: message.parse_data["intent"].update(confidence=1.0),
        lambda: slot.value.update(score=1.0),
        lambda: slot.value.update(score=slot.value.pop("score")),  # same dict, keys reordered
        lambda: setattr(slot, "value", OrderedDict(slot.value)),  # marshal cannot write it
    ]
    for edit in edits:
        action_payload.encode(rasa_body(tracker), cache)
        edit()
        body = rasa_body(tracker)
        assert action_payload.encode(body, cache) == json.dumps(body)


def test_a_cache_keeps_at_most_its_bound() -> None:
    cache = action_payload.EventJsonCache(max_events=3)
    events = [{"event": "slot", "value": number} for number in range(10)]
    assert cache.texts(events) == [json.dumps(event) for event in events]
    assert len(cache) == 3
    assert cache.texts(events[-3:]) == [json.dumps(event) for event in events[-3:]]


async def test_the_action_server_receives_the_same_bytes_and_headers() -> None:
    received: list[tuple[bytes, str]] = []

    async def webhook(request: web.Request) -> web.Response:
        received.append((await request.read(), request.headers["Content-Type"]))
        return web.json_response({"events": [], "responses": []})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        tracker = DialogueStateTracker("dana", DOMAIN.slots)
        for event in (ActionExecuted("action_listen"), UserUttered("hi é", {"name": "greet"})):
            tracker.update(event)
        action = RemoteAction("action_validate_slot_mappings", endpoint)
        body = rasa_body(tracker)
        await action_payload._ORIGINAL_REQUEST(endpoint, json=body, method="post")
        marked = action_payload.action_call_format(action, tracker, DOMAIN)
        assert isinstance(marked, action_payload.ActionCallBody) and marked == body
        await action_payload.request(endpoint, json=marked, method="post")
    finally:
        await runner.cleanup()
    assert received[0] == received[1]
    assert received[1][0] == json.dumps(body).encode()
