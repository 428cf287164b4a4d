"""The frustration signals, one module per family; each returns `SignalHit`s by name.

Families:
    sentiment: negative / positive tone (VADER, negation and intensifiers), sarcasm.
    lexical: abuse, profanity, complaints about the bot, corrections, churn threats,
        time pressure, requests for a person (word lists and token patterns).
    style: shouting, repeated punctuation, angry emoji.
    conversation: repetition, bot failures, NLU trouble, failed form inputs, length.
"""

from actions.frustration.signals.base import SignalHit

__all__ = ["SignalHit"]
