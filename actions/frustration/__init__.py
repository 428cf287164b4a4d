"""Frustration detection for the customer-service assistant (pure Python, no Rasa import).

Usage from an action::

    from actions.frustration import get_detector, TurnInput
    result, state = get_detector().score_turn(TurnInput(text=...), state)

Nothing heavy happens at import: the config, spaCy and VADER load on the first
scored turn (rasa_sdk imports every module of `actions/` at start-up).
"""

from actions.frustration.detector import Detector, get_detector
from actions.frustration.schema import TurnInput, TurnResult

__all__ = ["Detector", "TurnInput", "TurnResult", "get_detector"]
