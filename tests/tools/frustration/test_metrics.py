"""Metrics against hand-computed values."""

import pytest

from tools.frustration.metrics import best_f1, prf, report, roc_auc


def test_roc_auc_perfect_random_and_ties():
    assert roc_auc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]) == 1.0
    assert roc_auc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]) == 0.5
    assert roc_auc([1, 0, 1, 0], [0.9, 0.8, 0.3, 0.1]) == pytest.approx(0.75)
    assert roc_auc([1, 1], [0.2, 0.3]) is None


def test_prf_counts():
    assert prf([1, 1, 0, 0], [True, False, True, False]) == (0.5, 0.5, 0.5)
    assert prf([0, 0], [False, False]) == (0.0, 0.0, 0.0)


def test_best_f1_picks_the_best_cut():
    score, threshold = best_f1([1, 1, 0, 0], [0.9, 0.8, 0.7, 0.1])
    assert score == 1.0 and threshold == 0.8


def test_report_bundles_everything():
    result = report([1, 0], [0.9, 0.1], [True, True]).as_dict()
    assert result["precision"] == 0.5 and result["recall"] == 1.0 and result["roc_auc"] == 1.0
