"""The detector: score one user turn, follow the trend, decide on a handoff.

The live Rasa action and the replay CLI both call `Detector.score_turn`, so a
company calibrating on its own logs sees exactly what the assistant will do.

Score = sigmoid(bias + sum(weight_i * signal_i) + memory * carried_evidence), where
the carried evidence decays every user turn: one mildly negative word lifts the
score a little and fades; evidence that keeps coming accumulates.
"""

from __future__ import annotations

import math
import threading
from functools import lru_cache
from typing import Any

from actions.frustration.analysis import Analyzer, TextAnalysis
from actions.frustration.config import (
    SIGNAL_NAMES,
    TRIGGER_ONLY,
    FrustrationConfig,
    config_path,
    load_config,
)
from actions.frustration.explain import explanation_for, reasons_for
from actions.frustration.schema import Level, Trigger, TurnInput, TurnResult
from actions.frustration.signals import conversation
from actions.frustration.signals.base import SILENT, SignalHit
from actions.frustration.signals.calming import calming
from actions.frustration.signals.lexical import lexical_signals
from actions.frustration.signals.memory import (
    STILL_UPSET,
    is_real_calming,
    level_floor,
    next_upset,
    release,
    upset_now,
)
from actions.frustration.signals.sentiment import sentiment_signals
from actions.frustration.signals.style import style_signals
from actions.frustration.state import BOT_PRINTS_KEPT, SCORES_KEPT, coerce_state
from actions.frustration.trend import falling, steady_rise
from actions.frustration.trend import trend as trend_of

BOT_TEXT_CHARS = 300  # the bot's previous message is only checked for failure phrases
CARRY_LIMITS = (-3.0, 12.0)
AT_ONCE: tuple[tuple[str, Trigger], ...] = (
    ("request_human", "request"),
    ("abuse", "abuse"),
    ("churn", "churn"),
)


PLAIN_ANSWER_MAX_WORDS = 6  # "no", "nope, that's it", "no thanks, all good"
PLAIN_ANSWER_MIN_COMPOUND = -0.5  # VADER rates a bare "no" about -0.3; stronger words still count
_LOADED_SIGNALS = ("abuse", "profanity", "bot_complaint", "churn", "time_pressure", "request_human")


def _plain_answer(analysis: TextAnalysis, hits: dict[str, SignalHit]) -> bool:
    """A short reply with nothing but a yes/no in it (no complaint, threat or hurry)."""
    return analysis.words <= PLAIN_ANSWER_MAX_WORDS and not any(
        hits[name].value for name in _LOADED_SIGNALS
    )


NEGATIVE_TEXT_FLOOR = 0.5  # text-model probability from which the reason is worth showing


def emotion_negative(analysis: TextAnalysis) -> SignalHit:
    """The text model's probability that the message sounds angry, annoyed or disappointed.

    Like VADER, the model takes sarcastic praise ("great, just great, another delay")
    at its word; where a sarcasm phrase matched, the praise it hears counts as negative.
    """
    value = analysis.emotion.negative
    if analysis.matches.count("sarcasm"):
        value = max(value, analysis.emotion.calm)
    if value <= 0:
        return SILENT
    reason = f"sounds upset (text model {value:.2f})" if value >= NEGATIVE_TEXT_FLOOR else None
    return SignalHit(value, reason)


def _sigmoid(z: float) -> float:
    z = max(-30.0, min(30.0, z))
    return 1.0 / (1.0 + math.exp(-z))


class Detector:
    """Scores user turns against one configuration; safe to share across conversations.

    All per-conversation memory lives in the `state` dict the caller stores (a slot),
    never in the detector.
    """

    def __init__(self, config: FrustrationConfig) -> None:
        """Keep the config; spaCy and VADER are loaded on the first scored turn."""
        self.config = config
        self._analyzer: Analyzer | None = None
        self._lock = threading.Lock()

    @property
    def analyzer(self) -> Analyzer:
        """The text analyser, built on first use (loads spaCy and VADER once per process)."""
        if self._analyzer is None:
            with self._lock:
                if self._analyzer is None:
                    self._analyzer = Analyzer(self.config)
        return self._analyzer

    def warm_up(self) -> None:
        """Load everything now (e.g. at action-server start) instead of on the first message."""
        self.score_turn(TurnInput(text="warm up, thanks"), None)

    def signal_hits(
        self, turn: TurnInput, state: dict[str, Any]
    ) -> tuple[dict[str, SignalHit], dict[str, Any], TextAnalysis]:
        """Every signal's hit for `turn` given the previous (coerced) state.

        Returns:
            The hits by signal name, the updated counters/memory to store, and the text analysis.
        """
        config = self.config
        analysis = self.analyzer.analyse(turn.text)
        bot = None
        bot_print = None
        if isinstance(turn.previous_bot_text, str) and turn.previous_bot_text:
            bot = self.analyzer.analyse_bot(turn.previous_bot_text, BOT_TEXT_CHARS)
            bot_print = conversation.bot_fingerprint(turn.previous_bot_text[:BOT_TEXT_CHARS])
        hits: dict[str, SignalHit] = {}
        hits.update(sentiment_signals(analysis))
        hits.update(lexical_signals(analysis))
        if state["turns"] + 1 < config.disagreement_from_turn:
            # Nothing from the bot to reject yet: "my parcel hasn't arrived" describes the problem.
            hits["correction"] = hits["negation"] = SILENT
        hits["emotion_negative"] = emotion_negative(analysis)
        if (
            bot is not None
            and (bot.count("closing_question") or bot.count("permission_question"))
            and _plain_answer(analysis, hits)
        ):
            # "No" to "anything else I can help with?" answers the question, and "no, don't" to
            # "Shall I cancel it?" changes the customer's mind: neither rejects anything.
            hits["correction"] = hits["negation"] = SILENT
            if analysis.compound > PLAIN_ANSWER_MIN_COMPOUND:
                # (the text model, trained on comments, hears a bare "no" as disapproval)
                hits["negative_sentiment"] = hits["emotion_negative"] = SILENT
        if (
            isinstance(turn.intent, str)
            and turn.intent in config.request_intents
            and hits["request_human"].value == 0
        ):
            hits["request_human"] = SignalHit(1.0, f"asked for a person (intent '{turn.intent}')")
        hits.update(style_signals(analysis, config.angry_emoji))
        hits["repetition"], is_repeat = conversation.repetition(analysis, turn, state, config)
        hits["form_failure"], form_total = conversation.form_failure(turn, state)
        # After a rejected form input the bot asks the same question again: that is the
        # same failure (counted by form_failure), not the bot repeating a useless answer.
        repeated = (
            bot_print is not None
            and bot_print in state["bot_prints"]
            and hits["form_failure"].value == 0
        )
        hits["bot_failure"], bot_streak = conversation.bot_failure(
            bot, state["counters"]["bot_failures"], repeated=repeated
        )
        hits["nlu_trouble"], fallbacks, low_streak = conversation.nlu_trouble(turn, state, config)
        hits["length"] = conversation.length(state["turns"] + 1, config)
        hits["emotion_calm"] = calming(analysis, hits, config.calm_emoji)
        updates = {
            "repeats": state["counters"]["repeats"] + (1 if is_repeat else 0),
            "bot_failures": bot_streak,
            "fallbacks": fallbacks,
            "low_conf_streak": low_streak,
            "form_failures": form_total,
            "bot_print": bot_print,
        }
        return hits, updates, analysis

    def score_turn(
        self, turn: TurnInput, state: dict[str, Any] | None
    ) -> tuple[TurnResult, dict[str, Any]]:
        """Score one user turn.

        Args:
            turn: the message and its NLU / form context.
            state: the state returned for the previous turn (None for a new conversation).

        Returns:
            The result for this turn and the new state (a fresh dict; `state` is not modified).
        """
        config = self.config
        model = config.model
        st = coerce_state(state)
        hits, updates, analysis = self.signal_hits(turn, st)
        contributions = {
            name: round(model.weights[name] * hits[name].value, 4)
            for name in SIGNAL_NAMES
            if name not in TRIGGER_ONLY
        }
        evidence = sum(contributions.values())
        # Calming down counts at once: thanks or relief also lets go of what was carried over.
        kept = 1.0 - hits["emotion_calm"].value
        memory_part = model.memory * st["carry"] * kept
        score = round(_sigmoid(model.bias + evidence + memory_part), 4)
        user_turn = st["turns"] + 1

        scores = (st["scores"] + [score])[-SCORES_KEPT:]
        negs = (st["negs"] + [-analysis.compound])[-SCORES_KEPT:]
        trend = round(trend_of(scores, config.trend_window), 4)
        level = self._level(score)
        phrase = bool(analysis.matches.count("resolution")) or any(
            e in analysis.clean.text for e in config.calm_emoji
        )
        let_go = release(hits["emotion_calm"].value, is_real_calming(phrase, analysis.emotion.calm))
        still_upset = level == "calm" and level_floor(st["upset"], let_go)
        if still_upset:
            level = "annoyed"  # upset in earlier turns; only real calming lets go

        bot_print = updates.pop("bot_print")
        counters = dict(st["counters"])
        counters.update(updates)
        counters["elevated"] = counters["elevated"] + 1 if score >= model.thresholds.annoyed else 0

        reasons = reasons_for(hits, contributions)
        if still_upset:
            reasons.append(STILL_UPSET)
        if memory_part >= 0.5:
            reasons.append("frustration carried over from earlier turns")
        trend_note = self._trend_note(scores, negs)
        truncated_note = None
        if analysis.clean.truncated:
            truncated_note = f"long message: analysed the first {config.max_chars} of {analysis.clean.original_length} characters"
            reasons.append(truncated_note)

        trigger, trigger_reason = self._trigger(hits, counters, scores, user_turn)
        escalate = trigger is not None
        explanation = explanation_for(trigger_reason, counters, trend_note, reasons, truncated_note)
        result = TurnResult(
            score=score,
            level=level,
            reasons=reasons,
            trend=trend,
            escalate=escalate,
            trigger=trigger,
            explanation=explanation,
            signals={k: v for k, v in contributions.items() if v},
            turn=user_turn,
            counters={
                k: counters[k] for k in ("fallbacks", "form_failures", "repeats", "bot_failures")
            },
        )

        carry = model.decay * st["carry"] * kept + evidence
        st["carry"] = round(max(CARRY_LIMITS[0], min(CARRY_LIMITS[1], carry)), 4)
        st["upset"] = next_upset(st["upset"], upset_now(hits), let_go)
        st["turns"] = user_turn
        st["scores"] = scores
        st["negs"] = [round(v, 4) for v in negs]
        st["counters"] = counters
        if analysis.fingerprint:
            st["fingerprints"] = (st["fingerprints"] + [sorted(analysis.fingerprint)[:24]])[
                -config.fingerprints_max :
            ]
        if bot_print is not None:
            st["bot_prints"] = (st["bot_prints"] + [bot_print])[-BOT_PRINTS_KEPT:]
        if isinstance(turn.intent, str) and turn.intent:
            st["intents"] = (st["intents"] + [turn.intent])[-3:]
        if escalate and st["escalated_turn"] is None:
            st["escalated_turn"] = user_turn
        return result, st

    def reset_state(self, state: dict[str, Any] | None, reason: str = "handback") -> dict[str, Any]:
        """Start afresh after a person handed the conversation back to the bot.

        Keeps the turn count and the form-failure total
        (it is conversation-wide, so keeping it stops old failures counting as new);
        clears the scores, the carried evidence, the remembered upset, the trend, the
        other counters and the remembered requests.
        """
        st = coerce_state(state)
        fresh = coerce_state(None)
        fresh["turns"] = st["turns"]
        fresh["counters"]["form_failures"] = st["counters"]["form_failures"]
        fresh["handbacks"] = st["handbacks"] + (1 if reason == "handback" else 0)
        return fresh

    def _level(self, score: float) -> Level:
        thresholds = self.config.model.thresholds
        if score >= thresholds.frustrated:
            return "frustrated"
        if score >= thresholds.annoyed:
            return "annoyed"
        return "calm"

    def _trend_note(self, scores: list[float], negs: list[float]) -> str | None:
        window = self.config.trend_window
        if len(negs) >= 3 and falling([-v for v in negs], window) and negs[-1] > 0.05:
            return f"sentiment falling over the last {min(window, len(negs))} turns"
        esc = self.config.escalation
        if steady_rise(scores, min(window, len(scores)), esc.rise_min_slope) and len(scores) >= 3:
            return f"frustration rising over the last {min(window, len(scores))} turns"
        return None

    def _trigger(
        self,
        hits: dict[str, SignalHit],
        counters: dict[str, int],
        scores: list[float],
        user_turn: int,
    ) -> tuple[Trigger | None, str | None]:
        """Why to hand off now, if at all: at-once triggers first, then failures, then the score."""
        config = self.config
        for signal, trigger in AT_ONCE:
            if config.escalate_at_once.get(trigger) and hits[signal].value > 0:
                return trigger, hits[signal].reason
        esc = config.escalation
        limit = esc.repeated_failure
        if limit > 0:
            for key, label in (
                ("form_failures", "failed attempts to give the requested details"),
                ("fallbacks", "times the bot did not understand"),
                ("repeats", "repeats of the same request"),
            ):
                count = counters[key] + (1 if key == "repeats" and counters[key] else 0)
                if count >= limit:
                    return "repeated_failure", f"{count} {label}"
        if user_turn < esc.min_user_turns:
            return None, None
        thresholds = config.model.thresholds
        if counters["elevated"] >= esc.sustain_turns and scores[-1] >= thresholds.escalate:
            return "frustration", f"annoyed or worse for {counters['elevated']} turns in a row"
        if scores[-1] >= thresholds.frustrated and steady_rise(
            scores, esc.rise_window, esc.rise_min_slope
        ):
            return "frustration", f"frustration rising over the last {esc.rise_window} turns"
        return None, None


@lru_cache(maxsize=4)
def _detector_for(path: str) -> Detector:
    return Detector(load_config(path))


def get_detector(path: str | None = None) -> Detector:
    """The process-wide detector for `path` (default: `$FRUSTRATION_CONFIG` or the packaged config).

    Reading the config and loading spaCy both happen on first use, never at import.
    """
    return _detector_for(str(path or config_path()))
