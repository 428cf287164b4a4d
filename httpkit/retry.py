"""One retry policy for the project's three outboxes: when to try again, and when to stop.

Used by the bot's outbox to the inbox (``actions.to_inbox.delivery``), the inbox's
outbox of Rasa calls (``inbox.conversation.rasa_delivery``) and the inbox's helpdesk
forwarding (``inbox.forwarding.outbox``). Each passes its own numbers; the schedule is
the same everywhere: exponential from ``base_seconds``, capped at ``cap_seconds``, with
optional "equal jitter" (between half and all of the step) so replicas that failed
together do not retry together. A fixed interval is ``base_seconds == cap_seconds``.

Pure (no I/O, no clock): both the bot and the inbox may import it, and neither
imports the other.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff schedule, attempt limit and jitter of one outbox."""

    base_seconds: float
    cap_seconds: float
    max_attempts: int | None = None  # None: keep trying (the item is never given up)
    jitter: bool = True

    def delay(self, attempts: int, rng: Callable[[], float] = random.random) -> float:
        """Seconds to wait after ``attempts`` failed tries in a row (1 = the first failure)."""
        step = min(self.cap_seconds, self.base_seconds * 2 ** max(0, attempts - 1))
        return step / 2 + rng() * step / 2 if self.jitter else step

    def gives_up(self, attempts: int) -> bool:
        """True once ``attempts`` tries have failed and no more are allowed."""
        return self.max_attempts is not None and attempts >= self.max_attempts
