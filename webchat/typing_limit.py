"""At most one "customer is typing" signal per conversation per interval.

The widget already sends one every few seconds at most; this guards the inbox
from a page (or a script) that sends more. Memory stays bounded: the oldest
entries are dropped past ``max_sessions``.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable


class TypingLimiter:
    def __init__(
        self,
        interval_seconds: float = 2.0,
        max_sessions: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval = interval_seconds
        self.max_sessions = max_sessions
        self.clock = clock
        self.last: OrderedDict[str, float] = OrderedDict()

    def allow(self, session_id: str) -> bool:
        """True when this signal may go on; records it."""
        now = self.clock()
        previous = self.last.get(session_id)
        if previous is not None and now - previous < self.interval:
            return False
        self.last[session_id] = now
        self.last.move_to_end(session_id)
        while len(self.last) > self.max_sessions:
            self.last.popitem(last=False)
        return True
