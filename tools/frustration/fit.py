"""Fit the signal weights and thresholds on labelled conversations, reproducibly.

`python -m tools.frustration fit PATH [--dry-run]`:

1. replays every conversation through the detector's own signals (so the fit sees
   exactly what the live assistant computes);
2. splits conversations by id (stable hash + seed) into train (80%) and validation;
3. fits a logistic combination on train: L2-penalised towards the hand-set weights
   in the config (a signal that never fires in the data keeps its prior weight),
   with sign constraints (frustration signals can only raise the score,
   positive sentiment can only lower it), and the carried-evidence memory;
4. picks level and escalation thresholds on train;
5. prints train and validation figures and, unless --dry-run, rewrites the
   `model:` block of the config file.

The labelled data is read, never copied.
"""

from __future__ import annotations

import json
import re
import sys
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from actions.frustration.config import (
    CALMING_SIGNALS,
    SIGNAL_NAMES,
    TRIGGER_ONLY,
    FrustrationConfig,
    ModelConfig,
    Thresholds,
    config_path,
    load_config,
)
from actions.frustration.detector import Detector
from actions.frustration.schema import TurnInput
from actions.frustration.state import coerce_state
from tools.frustration.metrics import best_f1, prf, roc_auc
from tools.frustration.replay import FALLBACK_INTENTS, parse_lines

NEGATIVE_ONLY = frozenset(CALMING_SIGNALS)
CALM_INDEX = SIGNAL_NAMES.index("emotion_calm")
PRIOR_STRENGTH = 5.0  # L2 pull towards the hand-set weights, per 1,000 training turns
VALIDATION_SHARE = 0.2
SMOOTH_STEPS = 3  # stable_threshold: F1 averaged over thresholds within 0.03 either side
PLATEAU_TOLERANCE = 0.002  # smoothed F1 this close to the best counts as the best


@dataclass
class Dialogue:
    """Signal values of every user turn of one labelled conversation."""

    id: str
    features: list[list[float]]  # per user turn, in SIGNAL_NAMES order
    labels: list[int]
    escalate: bool | None


def extract(detector: Detector, path: str) -> list[Dialogue]:
    """Signal values per user turn, computed with the detector's state machinery."""
    dialogues: list[Dialogue] = []
    with open(path, encoding="utf-8") as handle:
        for number, conversation in parse_lines(handle, sys.stderr):
            state = coerce_state(None)
            previous_bot: str | None = None
            rows: list[list[float]] = []
            labels: list[int] = []
            for turn in conversation["turns"]:
                if turn["speaker"] == "bot":
                    previous_bot = turn.get("text") or ""
                    continue
                intent = turn.get("intent")
                turn_input = TurnInput(
                    text=turn.get("text") or "",
                    intent=intent,
                    confidence=turn.get("confidence"),
                    is_fallback=bool(turn.get("is_fallback")) or intent in FALLBACK_INTENTS,
                    form_failures_total=int(turn.get("form_failures_total") or 0),
                    previous_bot_text=previous_bot,
                )
                previous_bot = None
                # score_turn keeps the state exactly as live; the signal values do not depend on weights.
                hits, _, _ = detector.signal_hits(turn_input, state)
                _, state = detector.score_turn(turn_input, state)
                rows.append([hits[name].value for name in SIGNAL_NAMES])
                labels.append(int(turn.get("label") or 0))
            escalate = conversation.get("escalate")
            if "frustrated" in conversation:  # the conversation label: frustrated at some turn
                escalate = bool(conversation["frustrated"])
            elif any(labels):
                escalate = True
            elif escalate is not None or labels:
                escalate = False
            dialogues.append(
                Dialogue(
                    str(conversation.get("id", number)),
                    rows,
                    labels,
                    escalate if isinstance(escalate, bool) else None,
                )
            )
    return dialogues


def split(dialogues: Sequence[Dialogue], seed: int) -> tuple[list[Dialogue], list[Dialogue]]:
    """Train / validation split by dialogue id (stable across runs and machines)."""
    train: list[Dialogue] = []
    valid: list[Dialogue] = []
    for dialogue in dialogues:
        bucket = zlib.crc32(f"{seed}:{dialogue.id}".encode()) % 1000
        (valid if bucket < VALIDATION_SHARE * 1000 else train).append(dialogue)
    return train, valid


def _scores(
    dialogues: Sequence[Dialogue],
    weights: Sequence[float],
    bias: float,
    memory: float,
    decay: float,
):
    """Per-dialogue score lists and the carried evidence before each turn."""
    import numpy as np

    w = np.asarray(weights)
    all_scores: list[list[float]] = []
    carries: list[list[float]] = []
    for dialogue in dialogues:
        carry = 0.0
        scores: list[float] = []
        before: list[float] = []
        for row in dialogue.features:
            evidence = float(np.dot(w, row))
            carry *= (
                1.0 - row[CALM_INDEX]
            )  # as the detector: calming down lets go of carried evidence
            before.append(carry)
            z = bias + evidence + memory * carry
            scores.append(1.0 / (1.0 + np.exp(-max(-30.0, min(30.0, z)))))
            carry = max(-3.0, min(12.0, decay * carry + evidence))
        all_scores.append(scores)
        carries.append(before)
    return all_scores, carries


def fit_weights(
    train: Sequence[Dialogue], prior: ModelConfig, decay: float
) -> tuple[list[float], float, float]:
    """Weights, bias and memory by penalised, sign-constrained logistic regression.

    The memory term depends on the weights (it carries past evidence), so the fit
    alternates: compute the carried evidence with the current weights, refit, three times.
    Classes are balanced so that 0.5 means "as likely frustrated as not" whatever the base rate.
    """
    import numpy as np
    from scipy.optimize import minimize

    X = np.array([row for d in train for row in d.features], dtype=float)
    y = np.array([label for d in train for label in d.labels], dtype=float)
    positives = max(1.0, y.sum())
    sample_weight = np.where(
        y == 1, len(y) / (2 * positives), len(y) / (2 * max(1.0, len(y) - positives))
    )
    prior_w = np.array([prior.weights[name] for name in SIGNAL_NAMES] + [prior.memory])
    bounds: list[tuple[float | None, float | None]] = [
        (0.0, 0.0)
        if name in TRIGGER_ONLY
        else (None, 0.0)
        if name in NEGATIVE_ONLY
        else (0.0, None)
        for name in SIGNAL_NAMES
    ]
    bounds.append((0.0, 1.0))  # memory
    for index, name in enumerate(SIGNAL_NAMES):
        if name in TRIGGER_ONLY:
            prior_w[index] = 0.0
    bounds.append((None, None))  # bias
    lam = PRIOR_STRENGTH * len(y) / 1000.0
    weights = list(prior_w[:-1])
    memory = prior.memory
    bias = prior.bias
    for _ in range(3):
        _, carries = _scores(train, weights, bias, memory, decay)
        C = np.array([c for d in carries for c in d], dtype=float)
        A = np.column_stack([X, C, np.ones(len(y))])

        def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
            z = A @ params  # noqa: B023 (minimize calls it within this iteration)
            p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
            eps = 1e-9
            nll = -np.sum(sample_weight * (y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)))
            diff = params[:-1] - prior_w
            grad = A.T @ (sample_weight * (p - y))  # noqa: B023
            grad[:-1] += 2 * lam * diff
            return float(nll + lam * np.sum(diff**2)), grad

        start = np.concatenate([np.array(weights + [memory]), [bias]])
        solution = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds)
        weights = [float(v) for v in solution.x[: len(SIGNAL_NAMES)]]
        memory = float(solution.x[len(SIGNAL_NAMES)])
        bias = float(solution.x[-1])
    return weights, bias, memory


def stable_threshold(labels: Sequence[int], scores: Sequence[float]) -> float | None:
    """The `frustrated` threshold: the middle of the flat top of the F1 curve.

    F1 is computed for thresholds 0.30..0.95 in steps of 0.01 and averaged over
    +-`SMOOTH_STEPS` neighbours; every threshold whose smoothed F1 is within
    `PLATEAU_TOLERANCE` of the best is as good as the best, and the median of those
    is chosen. On USS the curve is flat from about 0.64 to 0.73, so the plain argmax
    jumped by 0.06 after a text-model refit that moved the turn ROC-AUC by 0.001
    (and took escalations with it); the middle of the plateau moves only when the
    curve does.
    """
    import numpy as np

    y = np.asarray(labels, dtype=bool)
    s = np.asarray(scores, dtype=float)
    if not y.any():
        return None
    grid = [step / 100.0 for step in range(30 - SMOOTH_STEPS, 96 + SMOOTH_STEPS)]
    actual = float(np.sum(y))
    f1s = []
    for threshold in grid:
        chosen = s >= threshold
        predicted = float(np.sum(chosen))
        f1s.append(2 * float(np.sum(chosen & y)) / (predicted + actual))
    width = 2 * SMOOTH_STEPS + 1
    smoothed = {
        grid[i]: sum(f1s[i - SMOOTH_STEPS : i + SMOOTH_STEPS + 1]) / width
        for i in range(SMOOTH_STEPS, len(grid) - SMOOTH_STEPS)
    }
    best = max(smoothed.values())
    plateau = [t for t, value in smoothed.items() if value >= best - PLATEAU_TOLERANCE]
    return plateau[(len(plateau) - 1) // 2]


def _escalations(
    scores: Sequence[Sequence[float]],
    threshold: float,
    sustain: int,
    min_turns: int,
    annoyed: float,
) -> list[int | None]:
    """Turn at which the sustained-score rule would escalate: `sustain` turns in a row
    at annoyed or above, the last at `threshold` or above (the at-once triggers and
    the steady-rise rule are left out: they hardly fire in these data)."""
    out: list[int | None] = []
    for dialogue in scores:
        elevated = 0
        hit = None
        for index, score in enumerate(dialogue):
            elevated = elevated + 1 if score >= annoyed else 0
            if index + 1 >= min_turns and elevated >= sustain and score >= threshold:
                hit = index
                break
        out.append(hit)
    return out


def choose_escalation(
    dialogues: Sequence[Dialogue],
    scores: Sequence[Sequence[float]],
    sustain: int,
    min_turns: int,
    low: float,
    high: float,
    max_rate: float = 1.0,
) -> float:
    """The escalation threshold in [low, high] (the annoyed..frustrated band, so that
    being frustrated for a few turns always escalates) with the best conversation-level
    F0.5 on train: precision counts double, because every handoff costs an agent's time.
    Thresholds that would hand off more than `max_rate` of the conversations (the
    handoff budget) are not considered; if none fits, the highest threshold is used."""
    labels = [int(bool(d.escalate)) for d in dialogues]
    best_t, best = high, -1.0
    for step in range(round(low * 100), round(high * 100) + 1):
        threshold = step / 100.0
        decided = [e is not None for e in _escalations(scores, threshold, sustain, min_turns, low)]
        if sum(decided) > max_rate * len(decided):
            continue
        precision, recall, _ = prf(labels, decided)
        f_half = (
            1.25 * precision * recall / (0.25 * precision + recall) if precision + recall else 0.0
        )
        if f_half > best:
            best, best_t = f_half, threshold
    return best_t


def evaluate(
    dialogues: Sequence[Dialogue],
    scores: Sequence[Sequence[float]],
    config: FrustrationConfig,
    threshold: float,
) -> dict[str, Any]:
    """Turn ROC-AUC / best F1, conversation ROC-AUC, escalation precision / recall."""
    labels = [label for d in dialogues for label in d.labels]
    flat = [s for d in scores for s in d]
    top, _ = best_f1(labels, flat)
    conv_labels = [int(bool(d.escalate)) for d in dialogues]
    conv_scores = [max(s, default=0.0) for s in scores]
    escalations = _escalations(
        scores,
        threshold,
        config.escalation.sustain_turns,
        config.escalation.min_user_turns,
        config.model.thresholds.annoyed,
    )
    precision, recall, _f1 = prf(conv_labels, [e is not None for e in escalations])
    return {
        "turn_roc_auc": round(roc_auc(labels, flat) or 0.0, 3),
        "turn_best_f1": round(top, 3),
        "conversation_roc_auc": round(roc_auc(conv_labels, conv_scores) or 0.0, 3),
        "escalation_precision": round(precision, 3),
        "escalation_recall": round(recall, 3),
        "escalation_rate": round(
            sum(e is not None for e in escalations) / max(1, len(escalations)), 3
        ),
    }


def prior_model(path: Path, fallback: ModelConfig) -> ModelConfig:
    """The hand-set `priors:` block (weights, memory), so that re-running the fit
    starts from the same place and gives the same result."""
    import yaml

    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    priors = raw.get("priors") or {}
    weights = {
        **fallback.weights,
        **{k: float(v) for k, v in (priors.get("weights") or {}).items()},
    }
    unknown = sorted(set(weights) - set(SIGNAL_NAMES))
    if unknown:
        raise ValueError(f"priors.weights: unknown signals {unknown}")
    return ModelConfig(
        bias=fallback.bias,
        memory=float(priors.get("memory", fallback.memory)),
        decay=fallback.decay,
        weights=weights,
        thresholds=fallback.thresholds,
    )


def fit_budget(path: Path) -> float:
    """`escalation.fit_max_rate` from the config file: the largest share of conversations
    the fitted escalation threshold may hand off on the training data (default 0.15)."""
    import yaml

    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return float((raw.get("escalation") or {}).get("fit_max_rate", 0.15))


def write_model_block(path: Path, model: ModelConfig) -> None:
    """Replace the `model:` block of the YAML file, keeping every other line and comment."""
    text = path.read_text(encoding="utf-8")
    lines = ["model:"]
    lines.append(f"  bias: {model.bias:.3f}")
    lines.append(
        f"  memory: {model.memory:.3f}        # how much of the previous turns' evidence carries into this turn"
    )
    lines.append(
        f"  decay: {model.decay:.2f}         # exponential decay of the carried evidence per user turn"
    )
    lines.append("  weights:")
    for name in SIGNAL_NAMES:
        lines.append(f"    {name}: {model.weights[name]:.3f}")
    lines.append("  thresholds:")
    lines.append(f"    annoyed: {model.thresholds.annoyed:.2f}")
    lines.append(f"    frustrated: {model.thresholds.frustrated:.2f}")
    lines.append(f"    escalate: {model.thresholds.escalate:.2f}")
    block = "\n".join(lines) + "\n"
    pattern = re.compile(r"^model:\n(?:[ \t]+.*\n|\n)*", re.MULTILINE)
    if not pattern.search(text):
        raise ValueError(f"{path}: no top-level 'model:' block to replace")
    path.write_text(pattern.sub(block + "\n", text, count=1), encoding="utf-8")


def fit_command(path: str, config: str | None = None, write: bool = True, seed: int = 13) -> int:
    """Run the whole fit and print a JSON report to stdout."""
    target = Path(config) if config else config_path()
    base = load_config(target)
    prior = prior_model(target, base.model)
    detector = Detector(base)
    dialogues = extract(detector, path)
    train, valid = split(dialogues, seed)
    best: tuple[float, list[float], float, float] | None = None
    best_auc = -1.0
    for decay in (0.4, 0.6, 0.8):
        weights, bias, memory = fit_weights(train, prior, decay)
        scores, _ = _scores(train, weights, bias, memory, decay)
        auc = roc_auc([l for d in train for l in d.labels], [s for d in scores for s in d]) or 0.0
        if auc > best_auc:
            best_auc, best = auc, (decay, weights, bias, memory)
    assert best is not None
    decay, weights, bias, memory = best
    train_scores, _ = _scores(train, weights, bias, memory, decay)
    labels = [l for d in train for l in d.labels]
    frustrated = stable_threshold(labels, [s for d in train_scores for s in d])
    frustrated = round(min(0.95, max(0.3, frustrated or 0.6)), 2)
    annoyed = round(max(0.2, frustrated - 0.2), 2)
    escalate = choose_escalation(
        train,
        train_scores,
        base.escalation.sustain_turns,
        base.escalation.min_user_turns,
        annoyed,
        frustrated,
        max_rate=fit_budget(target),
    )
    model = ModelConfig(
        bias=round(bias, 3),
        memory=round(memory, 3),
        decay=decay,
        weights={name: round(w, 3) for name, w in zip(SIGNAL_NAMES, weights)},
        thresholds=Thresholds(annoyed=annoyed, frustrated=frustrated, escalate=round(escalate, 2)),
    )
    fitted = FrustrationConfig(**{**base.__dict__, "model": model})
    valid_scores, _ = _scores(valid, weights, bias, memory, decay)
    report = {
        "data": str(path),
        "seed": seed,
        "dialogues": {"train": len(train), "validation": len(valid)},
        "model": {
            "bias": model.bias,
            "memory": model.memory,
            "decay": model.decay,
            "weights": model.weights,
            "thresholds": model.thresholds.__dict__,
        },
        "train": evaluate(train, train_scores, fitted, model.thresholds.escalate),
        "validation": evaluate(valid, valid_scores, fitted, model.thresholds.escalate),
    }
    print(json.dumps(report, indent=2))
    if write:
        write_model_block(target, model)
        print(f"wrote the model block of {target}", file=sys.stderr)
    return 0
