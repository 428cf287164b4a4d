"""The append leaves out a line already in the conversation, and is Rasa's own otherwise."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import rasa.server
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_server.idempotent_append import update_conversation_with_events

RASA_UPDATE = rasa.server.update_conversation_with_events  # before any install()
DOMAIN = Domain.from_dict({"slots": {"s": {"type": "any", "mappings": []}}})


class Trackers:
    """The two tracker lookups the append makes, over one stored conversation."""

    def __init__(self, events: list[Event]) -> None:
        self.events = events

    def _tracker(self) -> DialogueStateTracker:
        return DialogueStateTracker.from_events("c", list(self.events), DOMAIN.slots)

    async def get_tracker(self, _conversation_id: str) -> DialogueStateTracker:
        return self._tracker()

    async def fetch_tracker_with_initial_session(
        self, _conversation_id: str
    ) -> DialogueStateTracker:
        return self._tracker()


def _line(text: str, delivery_id: int | None) -> BotUttered:
    metadata: dict[str, Any] = {"source": "agent"}
    if delivery_id is not None:
        metadata["delivery_id"] = delivery_id
    return BotUttered(text, metadata=metadata)


def _random_events(rng: random.Random, start_id: int) -> list[Event]:
    out: list[Event] = []
    for n in range(rng.randint(1, 6)):
        kind = rng.choice(["user", "bot", "line", "slot", "action"])
        if kind == "user":
            out.append(UserUttered(f"hi {n}"))
        elif kind == "bot":
            out.append(BotUttered(f"bot {n}"))
        elif kind == "line":
            out.append(_line(f"line {n}", start_id + n))
        elif kind == "slot":
            out.append(SlotSet("s", n))
        else:
            out.append(ActionExecuted("action_listen"))
    return out


def _append(fn: Any, stored: list[Event], new: list[Event]) -> list[dict[str, Any]]:
    tracker = asyncio.run(fn("c", Trackers(stored), DOMAIN, new))
    return [event.as_dict() for event in tracker.events]


def test_new_events_are_appended_as_rasa_appends_them() -> None:
    rng = random.Random(5)
    for round_ in range(40):
        stored = _random_events(rng, 1000 * round_)
        new = _random_events(rng, 1000 * round_ + 500)
        assert _append(update_conversation_with_events, stored, new) == _append(
            RASA_UPDATE, stored, new
        )


def test_a_line_already_there_is_left_out_and_marked() -> None:
    stored: list[Event] = [UserUttered("where is my parcel"), _line("Sam here.", 7)]
    repeat, same_text_new_id, other = _line("Sam here.", 7), _line("Sam here.", 8), _line("Ok", 9)
    twice_in_one_call = _line("Ok", 9)
    events = _append(
        update_conversation_with_events,
        stored,
        [repeat, same_text_new_id, other, twice_in_one_call],
    )
    lines = [(e["metadata"].get("delivery_id"), e["text"]) for e in events if e["event"] == "bot"]
    assert lines == [(7, "Sam here."), (8, "Sam here."), (9, "Ok")]
    marked = [getattr(e, "_northwind_repeat", False) for e in (repeat, same_text_new_id, other)]
    assert marked == [True, False, False]
    assert getattr(twice_in_one_call, "_northwind_repeat", False) is True
