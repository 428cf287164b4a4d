"""The value every signal returns."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SignalHit:
    """One signal's reading of a turn.

    Attributes:
        value: strength 0..1 (0 = silent). The config weight turns it into a score contribution.
        reason: human-readable reason an agent can read, with the evidence quoted.
    """

    value: float
    reason: str | None = None


SILENT = SignalHit(0.0)


def saturating(count: int, base: float = 0.4) -> float:
    """1 hit -> 0.6, 2 -> 0.84, 3 -> 0.94: more hits, more certainty, never above 1."""
    return 0.0 if count <= 0 else 1.0 - base**count


def quote(text: str, limit: int = 60) -> str:
    """Quote customer words for a reason, bounded so reasons stay short."""
    text = text.strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return f"'{text}'"
