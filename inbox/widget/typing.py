"""Who is typing right now: kept in memory for a few seconds, never stored.

Typing is a hint, not a fact of the conversation: no database row, no Rasa
tracker event. Each signal marks a side of a handoff as typing for ``ttl``
seconds (wall clock, to compare with message times); a signal inside ``min_interval`` of the last one is dropped, so a
page (or a script) that sends more costs nothing. With several inbox replicas
each keeps its own board: an agent's typing shows only when the widget's status
call reaches the replica the agent's signal reached (see docs/architecture.md).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

TYPING_TTL_SECONDS = 6.0
MIN_INTERVAL_SECONDS = 1.0
MAX_ENTRIES = 10_000


class TypingBoard:
    def __init__(
        self,
        ttl: float = TYPING_TTL_SECONDS,
        min_interval: float = MIN_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.ttl = ttl
        self.min_interval = min_interval
        self.clock = clock
        self._last: OrderedDict[tuple[str, str], float] = OrderedDict()

    def signal(self, side: str, handoff_key: str) -> bool:
        """``side`` ("agent" or "customer") is typing in ``handoff_key``; False when rate-limited."""
        now = self.clock()
        entry = (side, handoff_key)
        previous = self._last.get(entry)
        if previous is not None and now - previous < self.min_interval:
            return False
        self._last[entry] = now
        self._last.move_to_end(entry)
        while len(self._last) > MAX_ENTRIES:
            self._last.popitem(last=False)
        return True

    def is_typing(self, side: str, handoff_key: str, since: float | None = None) -> bool:
        """Typing within the last ``ttl`` seconds, and after ``since`` (epoch seconds) if given:
        a signal older than the agent's last message was about that message."""
        at = self._last.get((side, handoff_key))
        if at is None or self.clock() - at >= self.ttl:
            return False
        return since is None or at > since
