"""Precision, recall, F1 and ROC-AUC without heavy imports (used by replay and fit).

Kept dependency-free so the replay CLI starts fast and rasa_sdk's start-up import
of every module stays cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class BinaryReport:
    """Classification figures at one decision rule, plus threshold-free ones."""

    n: int
    positives: int
    precision: float
    recall: float
    f1: float
    roc_auc: float | None
    best_f1: float
    best_threshold: float | None

    def as_dict(self) -> dict[str, object]:
        """Rounded figures for printing."""
        return {
            "n": self.n,
            "positives": self.positives,
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "roc_auc": None if self.roc_auc is None else round(self.roc_auc, 3),
            "best_f1": round(self.best_f1, 3),
            "best_threshold": None
            if self.best_threshold is None
            else round(self.best_threshold, 4),
        }


def prf(labels: Sequence[int], predicted: Sequence[bool]) -> tuple[float, float, float]:
    """Precision, recall and F1 of boolean predictions (0 where undefined)."""
    tp = sum(1 for y, p in zip(labels, predicted) if y and p)
    fp = sum(1 for y, p in zip(labels, predicted) if not y and p)
    fn = sum(1 for y, p in zip(labels, predicted) if y and not p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def roc_auc(labels: Sequence[int], scores: Sequence[float]) -> float | None:
    """Area under the ROC curve (Mann-Whitney with tie correction); None if one class is missing."""
    pairs = sorted(zip(scores, labels))
    positives = sum(1 for _, y in pairs if y)
    negatives = len(pairs) - positives
    if positives == 0 or negatives == 0:
        return None
    rank_sum = 0.0
    i = 0
    while i < len(pairs):
        j = i
        while j + 1 < len(pairs) and pairs[j + 1][0] == pairs[i][0]:
            j += 1
        average_rank = (i + j) / 2.0 + 1.0
        rank_sum += average_rank * sum(1 for k in range(i, j + 1) if pairs[k][1])
        i = j + 1
    return (rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives)


def best_f1(labels: Sequence[int], scores: Sequence[float]) -> tuple[float, float | None]:
    """The best F1 over all thresholds "score >= t", and that threshold."""
    pairs = sorted(zip(scores, labels), key=lambda p: -p[0])
    total_pos = sum(labels)
    if total_pos == 0:
        return 0.0, None
    best, best_t = 0.0, None
    tp = fp = 0
    for index, (score, label) in enumerate(pairs):
        tp += 1 if label else 0
        fp += 0 if label else 1
        if index + 1 < len(pairs) and pairs[index + 1][0] == score:
            continue  # only cut between distinct scores
        precision = tp / (tp + fp)
        recall = tp / total_pos
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if f1 > best:
            best, best_t = f1, score
    return best, best_t


def report(
    labels: Sequence[int], scores: Sequence[float], predicted: Sequence[bool]
) -> BinaryReport:
    """All figures for one set of labels, scores and the detector's own decisions."""
    labels_list: list[int] = [1 if y else 0 for y in labels]
    precision, recall, f1 = prf(labels_list, predicted)
    top, threshold = best_f1(labels_list, scores)
    return BinaryReport(
        n=len(labels_list),
        positives=sum(labels_list),
        precision=precision,
        recall=recall,
        f1=f1,
        roc_auc=roc_auc(labels_list, scores),
        best_f1=top,
        best_threshold=threshold,
    )
