"""Live coaching: turn the detector's readings of the last customer messages into cues.

The action server scores every customer message during the handoff with the same
frustration detector the bot uses and relays the reading (score, level, trend and
the signals that raised the score). This module is pure: it picks at most
``MAX_CUES`` short, kind, actionable cues for the agent, most relevant first.

Relevance of a signal's cue = its contribution (logit units, as the detector
reports it) weighted by how recent the message is, summed over the last
``RECENT_MESSAGES`` customer messages. A fresh churn threat outranks a question
repeated two messages ago; a cue fades as the customer moves on. Cues of older
messages expire as soon as the customer is calming down (the latest message is
calm, or the trend is falling), and once they are calm *and* falling the latest
message's own cues go too: "they said that's not it" no longer applies once
they have said "thank you, that actually helps" (a mention of leaving,
``LASTING_CUES``, still deserves an answer). Trend cues (rising / falling) have a fixed
relevance.

The direction comes from the detector's own ``trend`` (the number relayed with
every message, also kept in the bot's ``frustration_trend`` slot), cut at the same
step as ``actions/frustration/trend.py`` (``DIRECTION_STEP``); a contract test
feeds the detector's output into ``coach`` to keep the two in agreement. Edit ``CUES`` to change the wording or
add a signal; docs/coaching.md has the table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# signal id (actions/frustration/frustration.yml) -> cue shown to the agent
CUES: dict[str, str] = {
    "abuse": "Stay calm; you may set a boundary politely — the message is masked",
    "churn": "They mentioned leaving — acknowledge it and say what the policy allows",
    "repetition": "They've asked this before — confirm you understood before answering",
    "bot_complaint": "They're tired of the bot — introduce yourself by name",
    "request_human": "They wanted a person — tell them who you are and that you'll see this through",
    "time_pressure": 'They\'ve been waiting — give a concrete time or next step, not "soon"',
    "correction": "They said that's not it — ask what they meant and restate it in your own words",
    "profanity": "Strong words are about the situation, not you — acknowledge the frustration, then the fix",
    "shouting": "They're writing in capitals — keep replies short, calm and specific",
    "negative_sentiment": "They're unhappy — acknowledge how they feel before the facts",
}
# Signals that share another signal's cue (the text model hears what sentiment hears).
CUE_ALIASES: dict[str, str] = {"emotion_negative": "negative_sentiment"}
# Cues that still apply after the customer calms down: a mention of leaving deserves an answer.
LASTING_CUES = frozenset({"churn"})
RISING_CUE = "Frustration is rising — slow down, say sorry for the trouble and state your next step"
FALLING_CUE = "It's working — they're calming down"

MAX_CUES = 3
RECENT_MESSAGES = 3
RECENCY_WEIGHTS = (1.0, 0.6, 0.35)  # latest message first
MIN_RELEVANCE = 0.25  # the detector lists a reason from 0.25 logit units on
TREND_STEP = 0.05  # score units per turn that count as rising / falling (= actions.frustration.trend.DIRECTION_STEP)
RISING_RELEVANCE = 1.0
FALLING_RELEVANCE = 2.0  # good news first: it tells the agent their approach works


@dataclass(frozen=True)
class Reading:
    """The detector's reading of one customer message (as relayed and stored)."""

    score: float | None  # None: not scored (an older bot)
    level: str
    trend: float | None = None
    signals: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Cue:
    signal: str  # a signal id, or "rising" / "falling"
    text: str


@dataclass(frozen=True)
class Coaching:
    score: float | None
    level: str
    trend: float | None
    direction: str  # rising | falling | steady
    cues: list[Cue]


def direction_of(trend: float | None) -> str:
    """Rising, falling or steady, from the detector's slope."""
    if trend is None:
        return "steady"
    if trend >= TREND_STEP:
        return "rising"
    if trend <= -TREND_STEP:
        return "falling"
    return "steady"


def rank_cues(recent: Sequence[Reading], direction: str) -> list[Cue]:
    """Cues for the readings (oldest first), most relevant first, at most ``MAX_CUES``."""
    relevance: dict[str, float] = {}
    newest_first = list(reversed(recent[-RECENT_MESSAGES:]))
    latest_calm = bool(newest_first) and newest_first[0].level == "calm"
    calming = latest_calm or direction == "falling"
    for age, (weight, reading) in enumerate(zip(RECENCY_WEIGHTS, newest_first)):
        for signal, contribution in reading.signals.items():
            signal = CUE_ALIASES.get(signal, signal)
            if signal not in LASTING_CUES and (
                (calming and age > 0) or (latest_calm and direction == "falling")
            ):
                continue  # calmed down: what upset them no longer applies ("thank you, that actually helps")
            if signal in CUES and contribution > 0:
                relevance[signal] = relevance.get(signal, 0.0) + weight * contribution
    ranked = [
        (value, signal, CUES[signal])
        for signal, value in relevance.items()
        if value >= MIN_RELEVANCE
    ]
    if direction == "rising" and recent and recent[-1].level != "calm":
        ranked.append((RISING_RELEVANCE, "rising", RISING_CUE))
    if direction == "falling":
        ranked.append((FALLING_RELEVANCE, "falling", FALLING_CUE))
    # An insult in the newest message is the first thing the agent must see, however
    # much the text model's negative reading weighs beside it.
    abused_now = bool(newest_first) and newest_first[0].signals.get("abuse", 0) > 0
    ranked.sort(key=lambda item: (not (abused_now and item[1] == "abuse"), -item[0], item[1]))
    return [Cue(signal, text) for _, signal, text in ranked[:MAX_CUES]]


def coach(recent: Sequence[Reading], at_handoff: Reading | None = None) -> Coaching:
    """Coaching from the last customer readings (oldest first).

    Before the customer writes anything during the handoff, the level the bot
    handed off with is shown, without cues (the summary already explains why).
    """
    if not recent:
        start = at_handoff or Reading(score=None, level="calm")
        return Coaching(
            score=start.score,
            level=start.level,
            trend=start.trend,
            direction=direction_of(start.trend),
            cues=[],
        )
    latest = recent[-1]
    direction = direction_of(latest.trend)
    return Coaching(
        score=latest.score,
        level=latest.level,
        trend=latest.trend,
        direction=direction,
        cues=rank_cues(recent, direction),
    )
