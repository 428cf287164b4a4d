"""``tracker.copy()`` from a replay kept per tracker, not a replay of the whole session per copy.

Rasa 3.6 copies the tracker before every action it runs (``_run_action``:
``tracker.copy()``, so that a rejected action's events can be dropped), and its
copy replays every event of the session into a new tracker
(``travel_back_in_time(inf)``): three or four replays of ~600 events at the 50th
message (docs/benchmarks.md, "Capacity").

Here each tracker keeps Rasa's replay itself, a tracker made by ``init_copy()``
and updated with the tracker's events, and continues it with only the events
added since. A copy is a new tracker holding that replay's state, each mutable
part its own (events container, slots, latest action, active loop), as Rasa's
copy would; the events and the messages they reference are shared, as in Rasa's
copy. The replay starts again whenever continuing could differ from Rasa's
(another events container, the last replayed event no longer in its place, the
tracker's slots or identity changed since the replay began), and Rasa's own copy
runs for a bounded event history, slots created on the fly (no domain) or an
event whose timestamp Rasa's replay would stop at.
``install`` is called by launch_rasa before Rasa starts.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from itertools import islice
from typing import Any

from rasa.shared.core.events import BotUttered, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

_ORIGINAL = DialogueStateTracker.copy
_KEPT = "_northwind_copy_replay"
# What DialogueStateTracker.__init__ sets: anything else on the replay means another Rasa.
_ATTRIBUTES = frozenset(
    {
        "_max_event_history",
        "events",
        "sender_id",
        "slots",
        "sender_source",
        "is_rule_tracker",
        "_paused",
        "followup_action",
        "latest_action",
        "latest_message",
        "latest_bot_utterance",
        "active_loop",
        "model_id",
        "assistant_id",
    }
)


@dataclass
class _Replay:
    """Rasa's copy-by-replay of one tracker, stopped after ``seen`` of its events."""

    events: Any  # the tracker's events container replayed
    slots: list[tuple[str, Any]]  # the tracker's slots when init_copy() was taken
    sender_id: str
    is_rule_tracker: bool
    tracker: DialogueStateTracker  # init_copy() updated with the events seen
    empty_message: UserUttered  # init_copy()'s placeholders: each copy gets its own
    empty_utterance: BotUttered
    seen: int = 0
    last_seen: Event | None = None


def _same_origin(tracker: DialogueStateTracker, replay: _Replay) -> bool:
    """``tracker.init_copy()`` now would equal the one the replay started from."""
    if tracker.sender_id != replay.sender_id or tracker.is_rule_tracker != replay.is_rule_tracker:
        return False
    slots = tracker.slots
    if len(slots) != len(replay.slots):
        return False
    return all(
        name == kept_name and slot is kept_slot
        for (name, slot), (kept_name, kept_slot) in zip(slots.items(), replay.slots)
    )


def _new_events(tracker: DialogueStateTracker, replay: _Replay | None) -> list[Event] | None:
    """The events added since ``replay`` stopped, or None when it cannot continue."""
    events = tracker.events
    if replay is None or replay.events is not events or replay.seen > len(events):
        return None
    if replay.seen and events[replay.seen - 1] is not replay.last_seen:
        return None
    if not _same_origin(tracker, replay):
        return None
    return list(islice(events, replay.seen, None))


def _start(tracker: DialogueStateTracker) -> _Replay:
    start = tracker.init_copy()
    return _Replay(
        events=tracker.events,
        slots=list(tracker.slots.items()),
        sender_id=tracker.sender_id,
        is_rule_tracker=tracker.is_rule_tracker,
        tracker=start,
        empty_message=start.latest_message,
        empty_utterance=start.latest_bot_utterance,
    )


def _clone(replay: _Replay) -> DialogueStateTracker | None:
    """A new tracker in the replay's state, its mutable parts its own; None for another Rasa."""
    source = replay.tracker
    state = dict(vars(source))
    if state.keys() != _ATTRIBUTES:
        return None
    state["events"] = source._create_events(list(source.events))
    state["slots"] = {name: copy.copy(slot) for name, slot in source.slots.items()}
    state["latest_action"] = copy.copy(source.latest_action)
    state["active_loop"] = copy.copy(source.active_loop)
    if source.latest_message is replay.empty_message:
        state["latest_message"] = UserUttered.empty()
    if source.latest_bot_utterance is replay.empty_utterance:
        state["latest_bot_utterance"] = BotUttered.empty()
    clone = DialogueStateTracker.__new__(DialogueStateTracker)
    clone.__dict__.update(state)
    return clone


def tracker_copy(self: DialogueStateTracker) -> DialogueStateTracker:
    """``DialogueStateTracker.copy``, replaying only the events added since the last copy."""
    if self._max_event_history is not None or type(self.slots) is not dict:
        return _ORIGINAL(self)
    replay: _Replay | None = self.__dict__.get(_KEPT)
    new = _new_events(self, replay)
    if replay is None or new is None:
        replay = _start(self)
        new = list(self.events)
    if any(not event.timestamp <= math.inf for event in new):
        self.__dict__.pop(_KEPT, None)
        return _ORIGINAL(self)  # Rasa's replay stops at such an event
    for event in new:
        replay.tracker.update(event)
    if new:
        replay.seen += len(new)
        replay.last_seen = new[-1]
    self.__dict__[_KEPT] = replay
    clone = _clone(replay)
    return clone if clone is not None else _ORIGINAL(self)


def install() -> None:
    """Copy trackers from the replay kept per tracker (idempotent)."""
    DialogueStateTracker.copy = tracker_copy
