"""Fit the text model (`emotion.py`) on GoEmotions, deterministically.

`python -m tools.frustration fit-text [--data ../shared/emotions] [--out PATH]`:

1. featurises every comment with `emotion.feature_counts` (the same function the
   detector scores with);
2. fits two L2 logistic regressions (liblinear, deterministic): "negative" = any of
   anger, annoyance, disappointment, disapproval, disgust; "calm" = any of
   gratitude, relief, approval, joy, admiration;
3. picks each one's regularisation on the dev file (ROC-AUC), refits on train;
4. reports dev and test ROC-AUC and writes the weights as `emotion_model.npz`.

The data stays in ../shared/emotions/; only the fitted weights are committed.
Imports scikit-learn (present through Rasa) only here, never at scoring time.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from actions.frustration.emotion import (
    CALM_LABELS,
    HASH_SIZE,
    MODEL_PATH,
    NEGATIVE_LABELS,
    EmotionModel,
    feature_counts,
)

DEFAULT_DATA = Path(__file__).resolve().parents[3] / "shared" / "emotions"
C_GRID = (1.0, 2.0, 4.0, 8.0)


def read_split(folder: Path, split: str, names: Sequence[str]) -> tuple[list[str], list[set]]:
    """Texts and label-name sets of goemotions_<split>.tsv."""
    texts: list[str] = []
    labels: list[set] = []
    with open(folder / f"goemotions_{split}.tsv", encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2:
                continue
            texts.append(parts[0])
            labels.append({names[int(i)] for i in parts[1].split(",") if i.strip()})
    return texts, labels


def matrix(texts: Sequence[str]):
    """The sparse feature matrix of `texts`."""
    from scipy.sparse import csr_matrix

    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for text in texts:
        features = feature_counts(text)
        for index in sorted(features):
            indices.append(index)
            data.append(features[index])
        indptr.append(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(texts), HASH_SIZE))


def _target(labels: Sequence[set], group: Sequence[str]) -> list[int]:
    return [int(bool(l & set(group))) for l in labels]


def fit_text_command(data: str | None = None, out: str | None = None) -> int:
    """Fit, report on dev and test, write the model."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    folder = Path(data) if data else DEFAULT_DATA
    names = (folder / "goemotions_labels.txt").read_text(encoding="utf-8").split()
    splits = {name: read_split(folder, name, names) for name in ("train", "dev", "test")}
    X = {name: matrix(texts) for name, (texts, _) in splits.items()}
    weights: list[np.ndarray] = []
    intercepts: list[float] = []
    report: dict[str, dict[str, float | str]] = {}
    for head, group in (("negative", NEGATIVE_LABELS), ("calm", CALM_LABELS)):
        y = {name: np.array(_target(labels, group)) for name, (_, labels) in splits.items()}
        best_c, best_auc = C_GRID[0], -1.0
        for c in C_GRID:
            model = LogisticRegression(C=c, solver="liblinear", random_state=0).fit(
                X["train"], y["train"]
            )
            auc = roc_auc_score(y["dev"], model.decision_function(X["dev"]))
            if auc > best_auc:
                best_c, best_auc = c, auc
        model = LogisticRegression(C=best_c, solver="liblinear", random_state=0).fit(
            X["train"], y["train"]
        )
        weights.append(model.coef_[0])
        intercepts.append(float(model.intercept_[0]))
        report[head] = {
            "C": best_c,
            "positives_train": int(y["train"].sum()),
            "dev_roc_auc": round(float(best_auc), 4),
            "test_roc_auc": round(
                float(roc_auc_score(y["test"], model.decision_function(X["test"]))), 4
            ),
        }
    fitted = EmotionModel(np.vstack(weights), np.asarray(intercepts))
    target = Path(out) if out else MODEL_PATH
    fitted.save(target)
    report["model"] = {
        "path": str(target),
        "bytes_on_disk": target.stat().st_size,
        "bytes_in_memory": fitted.nbytes,
    }
    print(json.dumps(report, indent=2))
    print(f"wrote {target}", file=sys.stderr)
    return 0
