"""Which customer messages an agent sees masked: insults and strong profanity.

The live relay reads the detector's per-turn signals; the handoff summary's
transcript (messages the bot saw before the handoff) has no stored signals, so
its lines are checked here with the same word lists.

Only ``abuse`` masks a message. ``profanity`` is left out on purpose: its list is
mild language and contempt ("ridiculous", "unacceptable", "fed up"), which is how
a frustrated customer describes the problem; hiding it would hide the complaint
and make agents click "Show" on nearly every upset message.
"""

from __future__ import annotations

from actions.frustration.detector import get_detector
from actions.frustration.signals.lexical import lexical_signals

ABUSIVE_SIGNALS: tuple[str, ...] = ("abuse",)


def is_abusive(text: str) -> bool:
    """The message contains words from an abusive word list (same matching as the detector)."""
    if not text.strip():
        return False
    hits = lexical_signals(get_detector().analyzer.analyse(text))
    return any(hits[name].value > 0 for name in ABUSIVE_SIGNALS)
