"""Word-list signals: what the customer says, matched by spaCy rules from the config."""

from __future__ import annotations

from actions.frustration.analysis import TextAnalysis
from actions.frustration.signals.base import SILENT, SignalHit, quote, saturating

# signal name -> (word list, how the reason starts)
LEXICAL_SIGNALS: dict[str, tuple[str, str]] = {
    "abuse": ("abuse", "abusive language"),
    "profanity": ("profanity", "strong language"),
    "bot_complaint": ("bot_complaint", "complained about the bot"),
    "correction": ("correction", "corrected or rejected the bot's answer"),
    "negation": ("negation", "disagreed or said no"),
    "churn": ("churn", "threatened to leave"),
    "time_pressure": ("time_pressure", "time pressure"),
    "request_human": ("request_human", "asked for a person"),
}


NEGATED_POSITIVE = 0.3  # VADER compound above which a negation is part of praise ("not bad")


def lexical_signals(analysis: TextAnalysis) -> dict[str, SignalHit]:
    """One `SignalHit` per word-list signal, quoting the first matched words.

    A negation inside a clearly positive message ("not bad", "no, thank you, that's
    perfect") or a reassurance ("no rush", "no, that's all") is not disagreement, so
    it does not count as a negation or a correction.
    """
    out: dict[str, SignalHit] = {}
    for name, (category, label) in LEXICAL_SIGNALS.items():
        count = analysis.matches.count(category)
        if name == "negation" and analysis.compound >= NEGATED_POSITIVE:
            count = 0
        if name in ("negation", "correction"):
            count = max(0, count - analysis.matches.count("reassurance"))
        if count == 0:
            out[name] = SILENT
            continue
        first = analysis.matches.first(category) or ""
        out[name] = SignalHit(saturating(count), f"{label} ({quote(first)})")
    return out
