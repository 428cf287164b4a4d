"""Business hours: parse "Mon-Fri 08:00-18:00, Sat 09:00-13:00" and answer
"open now?" and "when do we open next?" in the configured time zone.

Pure functions, so the rules can be tested without a clock or a server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_PART = re.compile(
    r"^(?P<d1>[a-z]{3})(?:-(?P<d2>[a-z]{3}))?\s+(?P<h1>\d{1,2}):(?P<m1>\d{2})-(?P<h2>\d{1,2}):(?P<m2>\d{2})$"
)


@dataclass(frozen=True)
class Window:
    """Open from ``start`` to ``end`` minutes after midnight on ``weekday`` (0 = Monday)."""

    weekday: int
    start: int
    end: int


class BusinessHours:
    """Opening windows in one time zone. An empty spec or "24/7" means always open."""

    def __init__(self, spec: str, tz: str = "Europe/London") -> None:
        self.tz = ZoneInfo(tz)
        self.always_open = spec.strip().lower() in {"", "24/7", "always"}
        self.windows: list[Window] = [] if self.always_open else parse(spec)

    def is_open(self, now: datetime) -> bool:
        """True when ``now`` (aware) falls inside a window."""
        if self.always_open:
            return True
        local = now.astimezone(self.tz)
        minute = local.hour * 60 + local.minute
        return any(w.weekday == local.weekday() and w.start <= minute < w.end for w in self.windows)

    def next_opening(self, now: datetime) -> datetime | None:
        """The next opening time in UTC, or None when open now (or never opens)."""
        if self.is_open(now) or not self.windows:
            return None
        local = now.astimezone(self.tz)
        for offset in range(0, 8):
            day = (local + timedelta(days=offset)).date()
            starts = sorted(w.start for w in self.windows if w.weekday == day.weekday())
            for start in starts:
                hour, minute = divmod(start, 60)
                candidate = datetime.combine(day, time(hour, minute), tzinfo=self.tz)
                if candidate > local:
                    return candidate.astimezone(timezone.utc)
        return None


def parse(spec: str) -> list[Window]:
    """Parse a comma-separated list of ``Day[-Day] HH:MM-HH:MM`` parts.

    Raises:
        ValueError: a part does not follow the format.
    """
    windows: list[Window] = []
    for raw in spec.split(","):
        part = raw.strip().lower()
        if not part:
            continue
        match = _PART.match(part)
        if not match or match["d1"] not in DAYS or (match["d2"] and match["d2"] not in DAYS):
            raise ValueError(f"cannot read business hours part {raw.strip()!r}")
        first = DAYS.index(match["d1"])
        last = DAYS.index(match["d2"]) if match["d2"] else first
        start = int(match["h1"]) * 60 + int(match["m1"])
        end = int(match["h2"]) * 60 + int(match["m2"])
        if not 0 <= start < end <= 24 * 60:
            raise ValueError(f"opening time after closing time in {raw.strip()!r}")
        day = first
        while True:
            windows.append(Window(day, start, end))
            if day == last:
                break
            day = (day + 1) % 7
    return windows
