"""The per-conversation state the detector keeps between turns (stored in a Rasa slot).

It must stay small and JSON-serialisable: the last few scores, hashed
fingerprints of recent requests (no customer text) and counters. The per-turn
timeline lives in its own slot (`frustration_timeline`), not here: the state is
written to the tracker on every turn, so a copy of the timeline in it made every
turn's event grow with the conversation. `coerce_state` accepts whatever a slot hands back (None, an old
version, a hand-edited dict) and returns a complete, fresh copy, so the
detector never mutates its caller's object.
"""

from __future__ import annotations

from typing import Any

STATE_VERSION = 1
BOT_PRINTS_KEPT = 3  # hashes of the bot's recent messages, to notice it repeating itself
SCORES_KEPT = 12  # recent scores kept for the trend (the window is configurable, <= this)

COUNTERS = ("fallbacks", "low_conf_streak", "form_failures", "repeats", "bot_failures", "elevated")


def new_state() -> dict[str, Any]:
    """An empty conversation state."""
    return {
        "v": STATE_VERSION,
        "turns": 0,
        "scores": [],
        "negs": [],
        "carry": 0.0,
        "upset": 0.0,
        "fingerprints": [],
        "intents": [],
        "bot_prints": [],
        "counters": {name: 0 for name in COUNTERS},
        "escalated_turn": None,
        "handbacks": 0,
    }


def _floats(values: Any, keep: int) -> list[float]:
    if not isinstance(values, list):
        return []
    out: list[float] = []
    for value in values[-keep:]:
        try:
            out.append(float(value))
        except (TypeError, ValueError):
            continue
    return out


def coerce_state(state: Any) -> dict[str, Any]:
    """A complete copy of `state` (never shares lists with it), with defaults for anything missing or malformed."""
    fresh = new_state()
    if not isinstance(state, dict) or state.get("v") != STATE_VERSION:
        return fresh
    try:
        fresh["turns"] = max(0, int(state.get("turns", 0)))
        fresh["carry"] = float(state.get("carry", 0.0))
        fresh["upset"] = min(1.0, max(0.0, float(state.get("upset", 0.0))))
        fresh["handbacks"] = max(0, int(state.get("handbacks", 0)))
    except (TypeError, ValueError):
        return new_state()
    fresh["scores"] = _floats(state.get("scores"), SCORES_KEPT)
    fresh["negs"] = _floats(state.get("negs"), SCORES_KEPT)
    prints = state.get("fingerprints")
    if isinstance(prints, list):
        try:
            fresh["fingerprints"] = [[int(x) for x in p] for p in prints if isinstance(p, list)]
        except (TypeError, ValueError):
            fresh["fingerprints"] = []
    bot_prints = state.get("bot_prints")
    if isinstance(bot_prints, list):
        fresh["bot_prints"] = [p for p in bot_prints if isinstance(p, int)][-BOT_PRINTS_KEPT:]
    intents = state.get("intents")
    if isinstance(intents, list):
        fresh["intents"] = [str(i) for i in intents if i][-3:]
    counters = state.get("counters")
    if isinstance(counters, dict):
        for name in COUNTERS:
            try:
                fresh["counters"][name] = max(0, int(counters.get(name, 0)))
            except (TypeError, ValueError):
                pass
    escalated = state.get("escalated_turn")
    fresh["escalated_turn"] = escalated if isinstance(escalated, int) else None
    return fresh
