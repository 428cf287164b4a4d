"""Sentiment: VADER compound with its negation and intensifier rules, plus sarcasm.

VADER already reads "not bad" as positive and "really not happy" as negative. What
it gets wrong is sarcastic praise ("great, just great, another delay" scores very
positive), so a configured sarcasm phrase flips the turn to negative.
"""

from __future__ import annotations

from actions.frustration.analysis import TextAnalysis
from actions.frustration.signals.base import SILENT, SignalHit, quote

SARCASM_FLOOR = 0.6  # negative strength given to a sarcastic turn


def _strength(value: float) -> str:
    return "strong" if value >= 0.6 else ("moderate" if value >= 0.3 else "mild")


def sentiment_signals(analysis: TextAnalysis) -> dict[str, SignalHit]:
    """`negative_sentiment` and `positive_sentiment` for one message."""
    sarcasm = analysis.matches.first("sarcasm")
    compound = analysis.compound
    if sarcasm is not None:
        negative = max(SARCASM_FLOOR, -compound)
        return {
            "negative_sentiment": SignalHit(negative, f"sarcastic praise ({quote(sarcasm)})"),
            "positive_sentiment": SILENT,
        }
    if compound < 0 and analysis.matches.count("reassurance"):
        compound = 0.0  # VADER reads "no rush" / "no big deal" as negative
    if compound < 0:
        value = -compound
        return {
            "negative_sentiment": SignalHit(
                value, f"{_strength(value)} negative sentiment ({compound:+.2f})"
            ),
            "positive_sentiment": SILENT,
        }
    if compound > 0:
        return {
            "negative_sentiment": SILENT,
            "positive_sentiment": SignalHit(compound, "positive sentiment"),
        }
    return {"negative_sentiment": SILENT, "positive_sentiment": SILENT}
