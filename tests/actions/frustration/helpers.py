"""Small helpers shared by the frustration tests."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from actions.frustration.detector import Detector
from actions.frustration.schema import TurnInput, TurnResult


def run_conversation(detector: Detector, texts: List[str]) -> Tuple[List[TurnResult], Dict[str, Any]]:
    """Score a list of user messages in order; return every result and the final state."""
    state: Optional[Dict[str, Any]] = None
    results: List[TurnResult] = []
    for text in texts:
        result, state = detector.score_turn(TurnInput(text=text), state)
        results.append(result)
    assert state is not None
    return results, state
