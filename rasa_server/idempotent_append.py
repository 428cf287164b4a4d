"""Appending an agent's line to a conversation twice shows it once.

The inbox sends each agent line (reply, "Sam has joined", notice) to
``POST /conversations/{id}/tracker/events`` with the outbox's ``delivery_id`` in the
bot event's metadata, and sends it again when the first call's answer is lost. Before a
retry it asks Rasa whether the line is there (``RasaClient.has_delivery``), but a first
call still waiting for the conversation's lock (Rasa slower than the inbox's timeout)
lands after that check: the customer read the line twice. Here the check happens where
it cannot race: inside Rasa's append, under the conversation's lock. A bot event whose
``delivery_id`` and text are already in the conversation is neither stored nor sent to
the customer again. Events without a ``delivery_id`` are appended exactly as Rasa does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rasa.server
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import BotUttered, Event, do_events_begin_with_session_start

if TYPE_CHECKING:
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

_REPEAT = "_northwind_repeat"  # set on an event object this append left out


def _line_key(event: Event) -> tuple[Any, str] | None:
    """``(delivery_id, text)`` of an inbox line; None for every other event."""
    if not isinstance(event, BotUttered):
        return None
    delivery_id = (event.metadata or {}).get("delivery_id")
    return None if delivery_id is None else (delivery_id, event.text or "")


async def update_conversation_with_events(
    conversation_id: str,
    processor: MessageProcessor,
    domain: Domain,
    events: list[Event],
) -> DialogueStateTracker:
    """Rasa's ``rasa.server.update_conversation_with_events``, leaving out lines already there."""
    if do_events_begin_with_session_start(events):
        tracker = await processor.get_tracker(conversation_id)
    else:
        tracker = await processor.fetch_tracker_with_initial_session(conversation_id)
    keys = [_line_key(event) for event in events]
    seen = (
        {key for key in map(_line_key, tracker.events) if key is not None} if any(keys) else set()
    )
    for event, key in zip(events, keys):
        if key is not None and key in seen:
            setattr(event, _REPEAT, True)  # the route sends its own list to the channel
            continue
        if key is not None:
            seen.add(key)
        tracker.update(event, domain)
    return tracker


_rasa_execute_side_effects = MessageProcessor.execute_side_effects


async def execute_side_effects(
    self: MessageProcessor, events: list[Event], tracker: Any, output_channel: Any
) -> None:
    """Rasa's side effects, without the lines the append left out."""
    fresh = [event for event in events if not getattr(event, _REPEAT, False)]
    await _rasa_execute_side_effects(self, fresh, tracker, output_channel)


def install() -> None:
    """Replace the append's tracker update and its side effects (idempotent)."""
    rasa.server.update_conversation_with_events = update_conversation_with_events
    MessageProcessor.execute_side_effects = execute_side_effects
