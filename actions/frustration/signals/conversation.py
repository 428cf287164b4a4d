"""Signals that need the conversation so far: repetition, bot failures, NLU trouble,
failed form inputs and length.

Each function is pure: it reads the previous state and returns the hit together
with the counter values the detector should store.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from typing import Any

from actions.frustration.analysis import TextAnalysis
from actions.frustration.config import FrustrationConfig
from actions.frustration.lexicon import Matches
from actions.frustration.schema import TurnInput
from actions.frustration.signals.base import SILENT, SignalHit, quote, saturating

REPHRASE_FLOOR = 0.3  # Jaccard similarity below which two requests are unrelated


def _jaccard(a: frozenset[int], b: Iterable[int]) -> float:
    other = set(b)
    if not a or not other:
        return 0.0
    union = len(a | other)
    similarity = len(a & other) / union
    return similarity * (0.7 if union == 1 else 1.0)  # a one-word request is weak evidence


def repetition(
    analysis: TextAnalysis, turn: TurnInput, state: dict[str, Any], config: FrustrationConfig
) -> tuple[SignalHit, bool]:
    """The customer repeats or rephrases an earlier request (same words or same intent).

    Returns:
        The hit and whether this turn counts as a repeat (for the repeat counter).
    """
    best = max((_jaccard(analysis.fingerprint, p) for p in state["fingerprints"]), default=0.0)
    intent = turn.intent if isinstance(turn.intent, str) else None
    if intent and intent not in config.ignore_repeat_intents and intent in state["intents"][-2:]:
        repeats = state["counters"]["repeats"] + 1
        return SignalHit(1.0, f"asked for '{intent}' again ({repeats + 1} times)"), True
    if best >= config.repeat_similarity:
        repeats = state["counters"]["repeats"] + 1
        return SignalHit(1.0, f"repeated the same request ({repeats + 1} times)"), True
    if best > REPHRASE_FLOOR:
        value = 0.5 * (best - REPHRASE_FLOOR) / max(1e-6, config.repeat_similarity - REPHRASE_FLOOR)
        reason = "rephrased an earlier request" if value >= 0.25 else None
        return SignalHit(value, reason), False
    return SILENT, False


def bot_fingerprint(text: str) -> int:
    """A hash of a bot message with case, spacing and punctuation folded."""
    folded = "".join(ch for ch in text.lower() if ch.isalnum())
    return zlib.crc32(folded.encode("utf-8"))


def bot_failure(bot: Matches | None, streak: int, repeated: bool = False) -> tuple[SignalHit, int]:
    """The bot's previous message admitted failure ("sorry, I couldn't find ...") or
    repeated an answer it had already given (a canned reply that did not help).

    Returns:
        The hit and the new streak of consecutive failing bot turns.
    """
    if bot is None:
        return SILENT, 0
    count = bot.count("bot_failure")
    if repeated:
        streak += 1
        return SignalHit(1.0, "the bot gave the same answer again"), streak
    if count == 0:
        return SILENT, 0
    streak += 1
    first = bot.first("bot_failure") or ""
    reason = f"bot could not help ({quote(first)})"
    if streak >= 2:
        reason = f"bot could not help {streak} times in a row"
    return SignalHit(min(1.0, saturating(count) + 0.2 * (streak - 1)), reason), streak


def nlu_trouble(
    turn: TurnInput, state: dict[str, Any], config: FrustrationConfig
) -> tuple[SignalHit, int, int]:
    """NLU fallbacks and streaks of low-confidence turns.

    Returns:
        The hit, the new fallback total and the new low-confidence streak.
    """
    fallbacks = state["counters"]["fallbacks"]
    streak = state["counters"]["low_conf_streak"]
    confidence = turn.confidence
    low = (
        isinstance(confidence, (int, float))
        and not isinstance(confidence, bool)
        and confidence < config.low_confidence
    )
    if turn.is_fallback:
        fallbacks += 1
        streak += 1
        return (
            SignalHit(
                min(1.0, 0.6 + 0.2 * (streak - 1)),
                f"the bot did not understand ({fallbacks} fallback{'s' if fallbacks != 1 else ''})",
            ),
            fallbacks,
            streak,
        )
    if low:
        streak += 1
        value = min(1.0, 0.3 + 0.2 * (streak - 1))
        reason = f"low NLU confidence {streak} turns in a row" if streak >= 2 else None
        return SignalHit(value, reason), fallbacks, streak
    return SILENT, fallbacks, 0


def form_failure(turn: TurnInput, state: dict[str, Any]) -> tuple[SignalHit, int]:
    """New rejected form inputs since the previous turn.

    Returns:
        The hit and the total to remember (never decreasing).
    """
    seen = state["counters"]["form_failures"]
    try:
        total = max(0, int(turn.form_failures_total or 0))
    except (TypeError, ValueError):
        total = seen
    new = total - seen
    if new <= 0:
        return SILENT, max(seen, total)
    # One typo is normal; each further failure weighs more (1st 0.3, 2nd 0.6, 3rd 0.9).
    value = min(1.0, 0.3 * total + 0.2 * (new - 1))
    plural = "attempt" if total == 1 else "attempts"
    return SignalHit(value, f"{total} failed {plural} to give the requested details"), total


def length(user_turns: int, config: FrustrationConfig) -> SignalHit:
    """A long conversation that is still going (ramp from `length.start` over `length.span` turns)."""
    ramp = (user_turns - config.length_start) / config.length_span
    if ramp <= 0:
        return SILENT
    value = min(1.0, ramp)
    return SignalHit(value, f"long conversation ({user_turns} messages)" if value >= 0.5 else None)
