"""Memory of earlier upset: a customer who complained for several turns and then asks
politely for a person is still an upset customer.

The score's carried evidence (`model.memory`) sums every signal of earlier turns, also
the weak and noisy ones (a "no", a long conversation), so the fit keeps its weight small
and a calm-sounding request after three upset messages scored calm (0.35) and went to
the queue at normal priority. This memory keeps only how upset the customer *sounded*:
on each turn the text model's negativity from `FLOOR` on, or an upset word-list hit (a
complaint about the bot, abuse, profanity, a threat to leave, time pressure, capitals,
an angry emoji), added to the earlier memory fading by `DECAY` per customer turn, at
most 1. While it is `LEVEL_FLOOR_FROM` or more the level is at least "annoyed"
(`level_floor`). It is let go only on real calming (thanks, relief, a solved problem:
`is_real_calming`), not on a polite "ok" or "please".

It sets a floor under the level and does not enter the score: as one more weighted
signal it moved the USS inner development part by +0.003 turn ROC-AUC and cost the store
set 0.009 best F1 (docs/frustration.md), so the fitted score stays as it was.
"""

from __future__ import annotations

from actions.frustration.signals.base import SignalHit
from actions.frustration.signals.calming import UPSET_SIGNALS

DECAY = 0.7  # per customer turn: three turns later a third is left
REAL_CALM = 0.8  # text-model calm reading that counts as real calming without a phrase
# Text-model negativity below FLOOR is mostly a problem being described ("the lamp arrived
# broken" 0.20, "the blender stopped working" 0.42), not upset ("I'm really annoyed" 0.70).
# VADER is left out: it reads "wrong size" as negative. Time pressure counts ("still
# waiting", "for the third time"): a customer who chased twice is upset, while one such
# message (0.6, or a fact like "three days ago") stays under LEVEL_FLOOR_FROM.
FLOOR = 0.6
TONE_LISTS = UPSET_SIGNALS  # the same signals that cancel calming
STILL_UPSET = "upset in earlier messages, not calmed down yet"  # the reason the floor gives
# From this much remembered upset the level is at least "annoyed" (`level_floor`): two upset
# messages (0.6 + 0.7 * 0.6 > 0.8), or one very upset one, not one ambiguous message
# ("I can't log into my account, it says the password is wrong" reads 0.73).
LEVEL_FLOOR_FROM = 0.8


def upset_now(hits: dict[str, SignalHit]) -> float:
    """How upset this message sounds (0..1): the text model's negativity from `FLOOR`
    on, or the strongest tone word-list hit (a complaint, abuse, a threat, capitals)."""
    tone = hits["emotion_negative"].value if "emotion_negative" in hits else 0.0
    words = max((hits[name].value for name in TONE_LISTS if name in hits), default=0.0)
    return min(1.0, max(tone if tone >= FLOOR else 0.0, words))


def release(calm: float, real: bool) -> float:
    """The share of remembered upset that this message lets go of: its calming
    strength, if it is real calming (`is_real_calming`), else nothing."""
    return calm if real and calm > 0 else 0.0


def is_real_calming(phrase: bool, model_calm: float) -> bool:
    """Thanks, relief, a solved problem: a resolution phrase or calm emoji ("thanks, that
    helps", "perfect", "👍"), or the text model hearing gratitude / relief strongly
    (`REAL_CALM`). A polite "ok", "yes please" or "ok fine" is not (about 0.4-0.75)."""
    return phrase or model_calm >= REAL_CALM


def next_upset(previous: float, now: float, let_go: float) -> float:
    """The memory after this turn: the earlier one faded (and released), then this turn added."""
    return round(min(1.0, DECAY * previous * (1.0 - let_go) + now), 4)


def level_floor(remembered: float, let_go: float) -> bool:
    """Whether the customer still counts as upset whatever this turn's score says.

    A calm-sounding message right after clearly upset ones ("could I speak to someone
    please?") is not a calm customer: the level stays at least "annoyed" (and the
    handoff priority with it) while the remembered upset is `LEVEL_FLOOR_FROM` or more,
    unless this message calms down for real.
    """
    return remembered >= LEVEL_FLOOR_FROM and let_go == 0.0
