"""Small helpers shared by the frustration tests."""

from __future__ import annotations

from typing import Any

from actions.frustration.detector import Detector
from actions.frustration.schema import TurnInput, TurnResult


def run_conversation(
    detector: Detector, texts: list[str]
) -> tuple[list[TurnResult], dict[str, Any]]:
    """Score a list of user messages in order; return every result and the final state."""
    state: dict[str, Any] | None = None
    results: list[TurnResult] = []
    for text in texts:
        result, state = detector.score_turn(TurnInput(text=text), state)
        results.append(result)
    assert state is not None
    return results, state
