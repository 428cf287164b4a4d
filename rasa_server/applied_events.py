"""A tracker's applied events, continued from the events it gained, not rebuilt from the session.

Rasa 3.6 rebuilds ``DialogueStateTracker.applied_events`` from the first event
of the session on every call, and calls it at least twice per message before
any policy runs: the session-start check (``not tracker.applied_events()``) and
the session-expiry check (``get_last_event_for(UserUttered)``). At the 50th
message that rebuild walks ~600 events each time (docs/benchmarks.md,
"Capacity").

Rasa's rebuild is a left fold over the events (the list so far, changed by each
event) once the form names of the session are known. Each tracker keeps the
fold where it stopped; a later call folds only the events added since. It
starts again from the first event whenever continuing could differ from Rasa's
fold: a form name not seen before (Rasa looks for form names in the whole
session), events that are not the ones folded (another events container, or
the last event folded no longer in its place: events removed or replaced at the
end; Rasa only ever appends), a bounded event history (its first events drop
out). Callers get a new list, as from Rasa.
``install`` is called by launch_rasa before Rasa starts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

_ORIGINAL = DialogueStateTracker.applied_events
_KEPT = "_northwind_applied_events"


@dataclass
class _Fold:
    """Rasa's ``applied_events`` fold of one tracker, stopped after ``seen`` events."""

    events: Any  # the tracker's events container the fold read
    loop_names: frozenset[str]
    seen: int = 0
    last_seen: Event | None = None  # events[seen - 1]: the same object, or start again
    applied: list[Event] = field(default_factory=list)


def loop_names(events: Iterable[Event]) -> frozenset[str]:
    """The form names of ``events``, as Rasa collects them (set ActiveLoop names)."""
    return frozenset(e.name for e in events if isinstance(e, ActiveLoop) and e.name)


def fold(tracker: DialogueStateTracker, names: frozenset[str], applied: list, new: list) -> int:
    """Continue Rasa's loop of ``applied_events`` over ``new``; the shortest ``applied`` became.

    The branches are Rasa 3.6's, in its order, with its own helpers.
    """
    lowest = len(applied)
    for event in new:
        if isinstance(event, (Restarted, SessionStarted)):
            applied.clear()
        elif isinstance(event, ActionReverted):
            tracker._undo_till_previous(ActionExecuted, applied)
        elif isinstance(event, UserUtteranceReverted):
            tracker._undo_till_previous(UserUttered, applied)
            tracker._undo_till_previous(ActionExecuted, applied)
        elif (
            isinstance(event, ActionExecuted)
            and event.action_name in names
            and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
        ):
            tracker._undo_till_previous_loop_execution(event.action_name, applied)
        else:
            applied.append(event)
        lowest = min(lowest, len(applied))
    return lowest


def _new_events(tracker: DialogueStateTracker, kept: _Fold | None) -> list[Event] | None:
    """The events added since ``kept`` stopped, or None when the fold cannot continue."""
    events = tracker.events
    if kept is None or kept.events is not events or kept.seen > len(events):
        return None
    if kept.seen and events[kept.seen - 1] is not kept.last_seen:
        return None
    new = list(islice(events, kept.seen, None))
    if not loop_names(new) <= kept.loop_names:
        return None  # a new form name changes how Rasa reads the earlier events
    return new


def applied_events(self: DialogueStateTracker) -> list[Event]:
    """``DialogueStateTracker.applied_events``, folding only the events added since the last call."""
    if self._max_event_history is not None:
        return _ORIGINAL(self)
    kept: _Fold | None = self.__dict__.get(_KEPT)
    new = _new_events(self, kept)
    if kept is None or new is None:
        new = list(self.events)
        kept = _Fold(events=self.events, loop_names=loop_names(new))
        self.__dict__[_KEPT] = kept
    fold(self, kept.loop_names, kept.applied, new)
    if new:
        kept.seen += len(new)
        kept.last_seen = new[-1]
    return list(kept.applied)


def install() -> None:
    """Fold each tracker's new events only, for every caller (idempotent)."""
    DialogueStateTracker.applied_events = applied_events
