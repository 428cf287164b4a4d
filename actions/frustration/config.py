"""Load and validate `frustration.yml`, the single place where the detector is tuned.

Why a typed object: the detector reads the config on every turn, so the YAML is
parsed once into frozen dataclasses, and a typo (an unknown signal name, a
threshold outside 0..1) fails at load time rather than silently scoring 0.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_CONFIG_PATH = Path(__file__).with_name("frustration.yml")
CONFIG_ENV = "FRUSTRATION_CONFIG"

SIGNAL_NAMES: tuple[str, ...] = (
    "negative_sentiment",
    "positive_sentiment",
    "abuse",
    "profanity",
    "bot_complaint",
    "correction",
    "negation",
    "repetition",
    "bot_failure",
    "nlu_trouble",
    "form_failure",
    "shouting",
    "punctuation",
    "angry_emoji",
    "churn",
    "time_pressure",
    "request_human",
    "length",
    "emotion_negative",
    "emotion_calm",
)
# Signals that decide *whether* to hand off but not how frustrated the customer is:
# a polite "can I talk to a person?" is a request, not anger. Their weight is never used.
TRIGGER_ONLY: tuple[str, ...] = ("request_human",)
# Signals that can only lower the score (the fit keeps their weights <= 0).
CALMING_SIGNALS: tuple[str, ...] = ("positive_sentiment", "emotion_calm")
LEXICON_CATEGORIES: tuple[str, ...] = (
    "abuse",
    "profanity",
    "bot_complaint",
    "correction",
    "negation",
    "bot_failure",
    "closing_question",
    "permission_question",
    "churn",
    "time_pressure",
    "request_human",
    "sarcasm",
    "reassurance",
    "resolution",
    "contrast",
)


class ConfigError(ValueError):
    """The configuration file is missing a key or has an impossible value."""


@dataclass(frozen=True)
class Thresholds:
    """Score cut-offs (0..1) for the levels and for escalation."""

    annoyed: float
    frustrated: float
    escalate: float


@dataclass(frozen=True)
class ModelConfig:
    """The logistic combination of signals."""

    bias: float
    memory: float
    decay: float
    weights: dict[str, float]
    thresholds: Thresholds


@dataclass(frozen=True)
class EscalationConfig:
    """When accumulated evidence (not a single word) hands the customer to a person."""

    min_user_turns: int
    sustain_turns: int
    rise_window: int
    rise_min_slope: float
    repeated_failure: int


@dataclass(frozen=True)
class FrustrationConfig:
    """Everything the detector needs, parsed from `frustration.yml`."""

    languages: tuple[str, ...]
    max_chars: int
    escalate_at_once: dict[str, bool]
    escalation: EscalationConfig
    trend_window: int
    timeline_max: int
    fingerprints_max: int
    repeat_similarity: float
    low_confidence: float
    ignore_repeat_intents: tuple[str, ...]
    request_intents: tuple[str, ...]
    length_start: int
    length_span: int
    disagreement_from_turn: int
    model: ModelConfig
    lexicon: dict[str, dict[str, list[str]]]
    patterns: dict[str, list[list[dict[str, Any]]]]
    angry_emoji: tuple[str, ...]
    calm_emoji: tuple[str, ...] = ()
    source: str = field(default="", compare=False)

    def phrases(self, category: str) -> list[str]:
        """All phrases of `category` across the active languages."""
        out: list[str] = []
        for language in self.languages:
            out.extend(self.lexicon.get(language, {}).get(category, []))
        return out


def _require(mapping: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in mapping:
        raise ConfigError(f"{where}: missing key '{key}'")
    return mapping[key]


def _probability(value: Any, where: str) -> float:
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise ConfigError(f"{where} must be between 0 and 1, got {value!r}")
    return number


def parse_config(raw: Mapping[str, Any], source: str = "<dict>") -> FrustrationConfig:
    """Build a `FrustrationConfig` from the parsed YAML mapping.

    Raises:
        ConfigError: on a missing key, an unknown signal or word-list name, or a bad value.
    """
    model_raw = _require(raw, "model", source)
    weights = {str(k): float(v) for k, v in _require(model_raw, "weights", "model").items()}
    unknown = sorted(set(weights) - set(SIGNAL_NAMES))
    if unknown:
        raise ConfigError(f"model.weights: unknown signals {unknown}; known: {list(SIGNAL_NAMES)}")
    for name in SIGNAL_NAMES:
        weights.setdefault(name, 0.0)
    thresholds_raw = _require(model_raw, "thresholds", "model")
    thresholds = Thresholds(
        annoyed=_probability(_require(thresholds_raw, "annoyed", "model.thresholds"), "annoyed"),
        frustrated=_probability(
            _require(thresholds_raw, "frustrated", "model.thresholds"), "frustrated"
        ),
        escalate=_probability(_require(thresholds_raw, "escalate", "model.thresholds"), "escalate"),
    )
    if thresholds.annoyed > thresholds.frustrated:
        raise ConfigError("model.thresholds: annoyed must not be above frustrated")
    model = ModelConfig(
        bias=float(_require(model_raw, "bias", "model")),
        memory=float(model_raw.get("memory", 0.0)),
        decay=_probability(model_raw.get("decay", 0.5), "model.decay"),
        weights=weights,
        thresholds=thresholds,
    )
    esc = _require(raw, "escalation", source)
    escalation = EscalationConfig(
        min_user_turns=int(esc.get("min_user_turns", 2)),
        sustain_turns=max(1, int(esc.get("sustain_turns", 2))),
        rise_window=max(2, int(esc.get("rise_window", 4))),
        rise_min_slope=float(esc.get("rise_min_slope", 0.08)),
        repeated_failure=int(esc.get("repeated_failure", 3)),
    )
    lexicon: dict[str, dict[str, list[str]]] = {}
    for language, lists in (raw.get("lexicon") or {}).items():
        bad = sorted(set(lists) - set(LEXICON_CATEGORIES))
        if bad:
            raise ConfigError(f"lexicon.{language}: unknown word lists {bad}")
        lexicon[str(language)] = {k: [str(p) for p in v or []] for k, v in lists.items()}
    languages = tuple(str(x) for x in raw.get("languages", ["en"]))
    missing = [lang for lang in languages if lang not in lexicon]
    if missing:
        raise ConfigError(f"languages {missing} have no lexicon entry")
    at_once = {key: bool(value) for key, value in (raw.get("escalate_at_once") or {}).items()}
    for key in ("request", "abuse", "churn"):
        at_once.setdefault(key, False)
    length = raw.get("length") or {}
    return FrustrationConfig(
        languages=languages,
        max_chars=max(1, int(raw.get("max_chars", 1000))),
        escalate_at_once=at_once,
        escalation=escalation,
        trend_window=max(2, int(raw.get("trend_window", 4))),
        timeline_max=max(1, int(raw.get("timeline_max", 50))),
        fingerprints_max=max(1, int(raw.get("fingerprints_max", 5))),
        repeat_similarity=_probability(raw.get("repeat_similarity", 0.6), "repeat_similarity"),
        low_confidence=_probability(raw.get("low_confidence", 0.5), "low_confidence"),
        ignore_repeat_intents=tuple(raw.get("ignore_repeat_intents") or ()),
        request_intents=tuple(raw.get("request_intents") or ()),
        length_start=int(length.get("start", 4)),
        length_span=max(1, int(length.get("span", 8))),
        disagreement_from_turn=max(1, int(raw.get("disagreement_from_turn", 2))),
        model=model,
        lexicon=lexicon,
        patterns={str(k): list(v or []) for k, v in (raw.get("patterns") or {}).items()},
        angry_emoji=tuple(str(e) for e in raw.get("angry_emoji") or ()),
        calm_emoji=tuple(str(e) for e in raw.get("calm_emoji") or ()),
        source=source,
    )


def config_path() -> Path:
    """The config file in use: `$FRUSTRATION_CONFIG` if set, else the packaged one."""
    return Path(os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG_PATH)


def load_config(path: Path | str | None = None) -> FrustrationConfig:
    """Read and validate a config file (default: `config_path()`)."""
    target = Path(path) if path is not None else config_path()
    with open(target, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle) or {}
    return parse_config(raw, source=str(target))
