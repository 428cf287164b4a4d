"""The detector's public data shapes: what the action passes in, what it gets back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from actions.frustration.trend import direction as trend_direction

Level = Literal["calm", "annoyed", "frustrated"]
Trigger = Literal["request", "abuse", "churn", "frustration", "repeated_failure"]


@dataclass(frozen=True)
class TurnInput:
    """One user message and what the NLU and forms said about it.

    Attributes:
        text: the user's message as received.
        intent: NLU intent name, if known.
        confidence: NLU confidence of that intent (0..1), if known.
        is_fallback: the NLU fell back (nlu_fallback / action_default_fallback).
        form_failures_total: rejected form inputs in the whole conversation so far;
            the detector compares it with its state to find new failures.
        previous_bot_text: what the bot said just before this message.
    """

    text: str
    intent: str | None = None
    confidence: float | None = None
    is_fallback: bool = False
    form_failures_total: int = 0
    previous_bot_text: str | None = None


@dataclass(frozen=True)
class TurnResult:
    """The detector's verdict on one user turn.

    Attributes:
        score: 0..1, higher = more frustrated (smoothed over the conversation).
        level: calm / annoyed / frustrated, from the configured thresholds.
        reasons: human-readable reasons for this turn, strongest first.
        trend: where the score is heading, per user turn (>0 rising; `trend.trend`).
        escalate: hand off to a person now.
        trigger: why it escalates (None when it does not).
        explanation: one short line for the agent, e.g.
            "3 rejected form inputs; score rising over the last 4 turns; asked 'is there a real person'".
        signals: per-signal contribution to the score, in logit units (0 = silent).
        turn: 1-based number of this user turn in the conversation.
        counters: conversation counters after this turn: `fallbacks` (for the
            `nlu_fallback_count` slot), `form_failures`, `repeats`, `bot_failures`.
    """

    score: float
    level: Level
    reasons: list[str]
    trend: float
    escalate: bool
    trigger: Trigger | None
    explanation: str
    signals: dict[str, float] = field(default_factory=dict)
    turn: int = 0
    counters: dict[str, int] = field(default_factory=dict)

    @property
    def direction(self) -> str:
        """ "rising" / "falling" / "steady": what the coaching panel shows for this turn."""
        return trend_direction(self.trend)
