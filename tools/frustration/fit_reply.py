"""Fit the reply model on rated dialogues, deterministically.

`python -m tools.frustration fit-reply [PATH] [--out FILE] [--seed 13]`:

1. reads the labelled conversations (default ../shared/frustration/uss_dev.jsonl),
   each customer turn with the bot message just before it, as the detector sees them;
2. keeps the train part of the same split by dialogue id that `fit` uses, so the
   validation dialogues stay unseen;
3. picks the regularisation by 5-fold cross-validation on train (folds by dialogue)
   and fits one L2 logistic regression (liblinear, balanced classes);
4. writes the weights as `actions/frustration/reply_model.npz`.

`fit` then refits the detector's weights with this signal's *out-of-fold* values on
train (`out_of_fold`), so the combination does not trust a model on the turns it
learned from. The data is read, never copied.
"""

from __future__ import annotations

import json
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from actions.frustration.emotion import HASH_SIZE
from actions.frustration.reply import MODEL_PATH, ReplyModel, reply_features
from tools.frustration.replay import ReplayInputError, parse_conversation

DEFAULT_DATA = Path(__file__).resolve().parents[3] / "shared" / "frustration" / "uss_dev.jsonl"
C_GRID = (0.05, 0.1, 0.2)
FOLDS = 5
VALIDATION_SHARE = 0.2  # as tools.frustration.fit (kept equal by a test)


@dataclass(frozen=True)
class ReplyTurn:
    """One labelled customer turn with the bot message before it."""

    dialogue: str
    text: str
    bot: str | None
    label: int


def in_validation(dialogue_id: str, seed: int) -> bool:
    """The split by dialogue id that `fit` and `evaluate` use."""
    return zlib.crc32(f"{seed}:{dialogue_id}".encode()) % 1000 < VALIDATION_SHARE * 1000


def read_turns(path: str | Path) -> Iterator[ReplyTurn]:
    """Labelled customer turns, each with the bot message just before it (None if none)."""
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                conversation = parse_conversation(line)
            except ReplayInputError as error:
                sys.stderr.write(f"line {number}: {error}\n")
                continue
            dialogue = str(conversation.get("id", number))
            previous_bot: str | None = None
            for turn in conversation["turns"]:
                text = turn.get("text") or ""
                if turn["speaker"] == "bot":
                    previous_bot = text
                    continue
                label = turn.get("label")
                if label is not None:
                    yield ReplyTurn(dialogue, text, previous_bot, int(label))
                previous_bot = None


def design_matrix(turns: list[ReplyTurn]):
    """Sparse feature rows (scipy CSR), one per turn."""
    import numpy as np
    from scipy import sparse

    data: list[float] = []
    indices: list[int] = []
    pointers = [0]
    for turn in turns:
        features = reply_features(turn.text, turn.bot)
        for key in sorted(features):
            indices.append(key)
            data.append(features[key])
        pointers.append(len(indices))
    return sparse.csr_matrix(
        (np.asarray(data, dtype=np.float64), np.asarray(indices), np.asarray(pointers)),
        shape=(len(turns), HASH_SIZE),
    )


def _regression(c: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(
        C=c, solver="liblinear", class_weight="balanced", max_iter=1000, random_state=0
    )


def _fold(dialogue_id: str) -> int:
    return zlib.crc32(f"fold:{dialogue_id}".encode()) % FOLDS


def out_of_fold_scores(turns: list[ReplyTurn], c: float) -> list[float]:
    """Each turn's probability from a model fitted on the other folds (folds by dialogue)."""
    import numpy as np

    X = design_matrix(turns)
    y = np.asarray([t.label for t in turns])
    folds = np.asarray([_fold(t.dialogue) for t in turns])
    out = np.zeros(len(turns))
    for k in range(FOLDS):
        held = folds == k
        if held.all() or not held.any() or len(set(y[~held])) < 2:
            continue
        model = _regression(c).fit(X[~held], y[~held])
        out[held] = model.predict_proba(X[held])[:, 1]
    return [round(float(v), 4) for v in out]


def out_of_fold(path: str | Path, seed: int, c: float) -> dict[str, list[float]]:
    """Out-of-fold reply-model values of the train dialogues, by dialogue id, in turn order."""
    train = [t for t in read_turns(path) if not in_validation(t.dialogue, seed)]
    by_dialogue: dict[str, list[float]] = {}
    for turn, score in zip(train, out_of_fold_scores(train, c)):
        by_dialogue.setdefault(turn.dialogue, []).append(score)
    return by_dialogue


def fit_reply_command(
    path: str | None, out: str | None, seed: int = 13, c: float | None = None
) -> int:
    """Pick C by cross-validation on train, fit, report, write the model."""
    import numpy as np
    from sklearn.metrics import roc_auc_score

    source = Path(path) if path else DEFAULT_DATA
    if not source.is_file():
        sys.stderr.write(f"no labelled dialogues at {source}\n")
        return 2
    turns = list(read_turns(source))
    train = [t for t in turns if not in_validation(t.dialogue, seed)]
    valid = [t for t in turns if in_validation(t.dialogue, seed)]
    y_train = np.asarray([t.label for t in train])
    report: dict[str, object] = {"train_turns": len(train), "validation_turns": len(valid)}
    if c is None:
        cv = {}
        for candidate in C_GRID:
            scores = out_of_fold_scores(train, candidate)
            cv[candidate] = float(roc_auc_score(y_train, scores))
        c = max(C_GRID, key=lambda k: (round(cv[k], 4), -k))
        report["cross_validated_roc_auc"] = {str(k): round(v, 4) for k, v in cv.items()}
    regression = _regression(c).fit(design_matrix(train), y_train)
    model = ReplyModel(regression.coef_[0], float(regression.intercept_[0]), c)
    if valid and len({t.label for t in valid}) == 2:
        probabilities = [model.read(t.text, t.bot) for t in valid]
        report["validation_roc_auc"] = round(
            float(roc_auc_score([t.label for t in valid], probabilities)), 4
        )
    target = Path(out) if out else MODEL_PATH
    model.save(target)
    report.update(
        C=c, path=str(target), bytes_on_disk=target.stat().st_size, bytes_in_memory=model.nbytes
    )
    print(json.dumps(report, indent=2))
    return 0
