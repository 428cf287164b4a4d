"""The fit's choice of the `frustrated` threshold (tools/frustration/fit.py) is stable."""

from __future__ import annotations

import random

from tools.frustration.fit import stable_threshold


def _data(seed: int, n: int = 4000) -> tuple[list[int], list[float]]:
    rng = random.Random(seed)
    labels = [int(rng.random() < 0.1) for _ in range(n)]
    scores = [min(1.0, max(0.0, rng.gauss(0.72 if y else 0.45, 0.12))) for y in labels]
    return labels, scores


def test_threshold_is_in_the_middle_of_the_flat_top() -> None:
    labels, scores = _data(1)
    threshold = stable_threshold(labels, scores)
    assert threshold is not None and 0.3 <= threshold <= 0.95
    # a tiny change of the scores (as from refitting the text model) barely moves it
    nudged = [min(1.0, s + 0.003 * ((i % 3) - 1)) for i, s in enumerate(scores)]
    moved = stable_threshold(labels, nudged)
    assert moved is not None and abs(moved - threshold) <= 0.02


def test_no_positive_label_gives_no_threshold() -> None:
    assert stable_threshold([0, 0, 0], [0.1, 0.5, 0.9]) is None


def test_a_clean_separation_is_cut_between_the_classes() -> None:
    labels = [0] * 50 + [1] * 50
    scores = [0.2] * 50 + [0.8] * 50
    threshold = stable_threshold(labels, scores)
    assert threshold is not None and 0.2 < threshold <= 0.8
