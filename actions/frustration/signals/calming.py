"""Calming down: gratitude, relief and approval lower the score at once.

A customer who writes "thanks, that helps", "perfect", "great, sorted" or "👍" has
calmed down, whatever happened before. The text model's `calm` probability (from
GoEmotions' gratitude, relief, approval, joy and admiration), a resolution phrase
from the word lists or a calm emoji say how strongly; anything that still sounds
upset (sarcasm, a complaint, a threat, time pressure, capitals, an angry emoji or
a negative-sounding text) cancels it, so "thanks for nothing" never calms, and
neither does a contrast ("thanks, but that's the wrong date").

The strength (0..1) is the `emotion_calm` signal (a negative weight), and the
detector also lets go of that share of the evidence carried from earlier turns.
Damping this turn's conversation signals too (a long conversation, a correction)
was tried and left out: on the USS dialogues it cost 0.01 turn ROC-AUC, because a
polite "thank you" often comes with a real complaint.
"""

from __future__ import annotations

from collections.abc import Sequence

from actions.frustration.analysis import TextAnalysis
from actions.frustration.signals.base import SILENT, SignalHit

PHRASE_STRENGTH = 0.7  # a resolution phrase or calm emoji alone ("perfect", "👍")
UPSET_SIGNALS = (
    "abuse",
    "profanity",
    "bot_complaint",
    "churn",
    "time_pressure",
    "shouting",
    "angry_emoji",
)
NEGATIVE_CEILING = 0.5  # the text model hearing more negativity than this cancels calming
MIN_STRENGTH = 0.2  # weaker calm readings are noise ("ok", "yes")


def calming(
    analysis: TextAnalysis, hits: dict[str, SignalHit], calm_emoji: Sequence[str]
) -> SignalHit:
    """How strongly this message says the customer has calmed down (silent when anything sounds upset)."""
    upset = any(hits[name].value > 0 for name in UPSET_SIGNALS if name in hits)
    if upset or analysis.matches.count("sarcasm") or analysis.matches.count("contrast"):
        return SILENT
    emotion = analysis.emotion
    if emotion.negative >= NEGATIVE_CEILING or analysis.compound <= -0.3:
        return SILENT
    strength = emotion.calm
    if analysis.matches.count("resolution") or any(e in analysis.clean.text for e in calm_emoji):
        strength = max(strength, PHRASE_STRENGTH)
    strength *= 1.0 - emotion.negative
    if strength < MIN_STRENGTH:
        return SILENT
    return SignalHit(round(min(1.0, strength), 4), "sounds calmer (thanks, relief or approval)")
