"""Handoff priorities, lowest first: the bot sets one, the inbox orders its queue by it.

docs/contract/handoff.schema.json lists the same values (a test checks).
"""

from __future__ import annotations

from typing import Final, Literal

Priority = Literal["low", "normal", "high", "urgent"]

PRIORITIES: Final[tuple[Priority, ...]] = ("low", "normal", "high", "urgent")
PRIORITY_RANK: Final[dict[str, int]] = {name: rank for rank, name in enumerate(PRIORITIES)}
"""0 for low … 3 for urgent: the inbox stores it to sort the queue."""
