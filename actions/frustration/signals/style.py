"""How it is written: shouting in capitals, repeated punctuation, angry emoji."""

from __future__ import annotations

import re
from collections.abc import Sequence

from actions.frustration.analysis import TextAnalysis
from actions.frustration.signals.base import SILENT, SignalHit

_PUNCT_RUN = re.compile(r"[!?]{2,}|[!?](?:\s*[!?]){2,}")
MIN_LETTERS_FOR_CAPS = 8  # "OK", "ORD-12345" and a short "NO" are not shouting


def shouting(analysis: TextAnalysis) -> SignalHit:
    """Capitals: several all-caps words, or a whole message in capitals."""
    text = analysis.clean.text
    if analysis.letters < MIN_LETTERS_FOR_CAPS or analysis.caps_words == 0:
        return SILENT
    latin = [ch for ch in text if ch.isascii() and ch.isalpha()]
    upper_ratio = sum(1 for ch in latin if ch.isupper()) / max(1, len(latin))
    if upper_ratio >= 0.7 and analysis.caps_words >= 2:
        return SignalHit(1.0, "writing in capitals")
    if analysis.caps_words >= 2:
        return SignalHit(
            min(1.0, 0.3 * analysis.caps_words), f"{analysis.caps_words} words in capitals"
        )
    return SILENT


def punctuation(analysis: TextAnalysis) -> SignalHit:
    """Runs like "!!!", "???" or "?!?"."""
    runs = _PUNCT_RUN.findall(analysis.clean.text)
    if not runs:
        return SILENT
    longest = max(len(r.replace(" ", "")) for r in runs)
    value = min(1.0, 0.4 * len(runs) + 0.1 * (longest - 2))
    return SignalHit(value, f"repeated punctuation ('{max(runs, key=len)}')")


def angry_emoji(analysis: TextAnalysis, emoji: Sequence[str]) -> SignalHit:
    """Angry or exasperated emoji and emoticons from the configured list."""
    text = analysis.clean.text
    found = [e for e in emoji if e in text]
    if not found:
        return SILENT
    count = sum(text.count(e) for e in found)
    return SignalHit(min(1.0, 0.5 + 0.25 * (count - 1)), f"angry emoji ({' '.join(found[:3])})")


def style_signals(analysis: TextAnalysis, emoji: Sequence[str]) -> dict[str, SignalHit]:
    """`shouting`, `punctuation` and `angry_emoji` for one message."""
    return {
        "shouting": shouting(analysis),
        "punctuation": punctuation(analysis),
        "angry_emoji": angry_emoji(analysis, emoji),
    }
