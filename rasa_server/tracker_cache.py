"""Trackers kept between turns, so a message reads only the events it has not seen.

Rasa's SQL store re-reads and replays every event of the session on each
message, so the 50th message of a conversation cost twice the 5th. The store
keeps the tracker it saved and, on the next message, reads only the rows whose
id is above the last one it knows (the primary key: O(new events)).

A kept tracker is lent out, never shared: :meth:`TrackerCache.take` removes it,
and only :meth:`TrackerCache.keep` (after a successful save) puts it back. A
caller that fails between the two leaves nothing behind, and the next message
reads the session from the database as Rasa would. A tracker changed after its
save (an event appended but never stored) is recognised by its length and
dropped.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from rasa.shared.core.trackers import DialogueStateTracker

# Conversations kept in memory; a tracker of a long session is a few hundred kB.
DEFAULT_MAX_TRACKERS = 500

_STORED = "_northwind_stored"


@dataclass(frozen=True)
class Stored:
    """What the database holds of one tracker: rows up to ``last_id``, its first ``events`` events."""

    last_id: int
    events: int


def stored_part(tracker: DialogueStateTracker) -> Stored | None:
    """The part of ``tracker`` known to be in the database, when this process read or wrote it."""
    stored = getattr(tracker, _STORED, None)
    return stored if isinstance(stored, Stored) else None


def mark_stored(tracker: DialogueStateTracker, last_id: int) -> None:
    """Remember that every event of ``tracker`` is stored, the last one as row ``last_id``."""
    setattr(tracker, _STORED, Stored(last_id=last_id, events=len(tracker.events)))


def forget_stored(tracker: DialogueStateTracker) -> None:
    """The database may differ from ``tracker``: it is not to be kept or trusted as stored."""
    setattr(tracker, _STORED, None)


class TrackerCache:
    """A bounded, thread-safe map of conversation id to the tracker last saved by this process."""

    def __init__(self, max_trackers: int = DEFAULT_MAX_TRACKERS) -> None:
        self.max_trackers = max_trackers
        self._trackers: OrderedDict[str, DialogueStateTracker] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def take(self, sender_id: str) -> DialogueStateTracker | None:
        """The kept tracker, removed from the cache (the caller owns it now), or None."""
        with self._lock:
            tracker = self._trackers.pop(sender_id, None)
        stored = stored_part(tracker) if tracker is not None else None
        if tracker is None or stored is None or len(tracker.events) != stored.events:
            self.misses += 1
            return None
        self.hits += 1
        return tracker

    def keep(self, tracker: DialogueStateTracker) -> None:
        """Keep a tracker whose events are all stored; the least recently kept goes first."""
        if self.max_trackers <= 0 or stored_part(tracker) is None:
            return
        with self._lock:
            self._trackers[tracker.sender_id] = tracker
            self._trackers.move_to_end(tracker.sender_id)
            while len(self._trackers) > self.max_trackers:
                self._trackers.popitem(last=False)

    def forget(self, sender_id: str) -> None:
        with self._lock:
            self._trackers.pop(sender_id, None)

    def __len__(self) -> int:
        return len(self._trackers)
