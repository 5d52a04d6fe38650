"""Precision, recall, F1 (binary and macro) and ROC AUC against scikit-learn's values, on
hand-worked numbers, through the registry, and on bad input."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.classification_metrics import f1_score, precision, recall, roc_auc
from glassnet.registry import resolve

reference = pytest.importorskip("sklearn.metrics")


def test_binary_scores_by_hand():
    # targets 1 1 0 0 1, predicted 1 0 1 0 1: TP 2, FP 1, FN 1
    targets, predictions = [1, 1, 0, 0, 1], [1, 0, 1, 0, 1]
    assert precision(targets, predictions) == pytest.approx(2 / 3)
    assert recall(targets, predictions) == pytest.approx(2 / 3)
    assert f1_score(targets, predictions) == pytest.approx(2 / 3)


@pytest.mark.parametrize(("classes", "average"), [(2, "binary"), (2, "macro"), (4, "macro")])
def test_precision_recall_f1_match_scikit_learn(classes, average, rng):
    targets, predictions = rng.integers(0, classes, 60), rng.integers(0, classes, 60)
    for ours, theirs in [(precision, reference.precision_score),
                         (recall, reference.recall_score), (f1_score, reference.f1_score)]:
        assert ours(targets, predictions, average=average) == pytest.approx(
            theirs(targets, predictions, average=average), rel=1e-12)


def test_a_class_never_predicted_scores_zero_as_in_scikit_learn():
    targets, predictions = [0, 1, 2, 2], [0, 1, 1, 1]
    assert precision(targets, predictions, average="macro") == pytest.approx(
        reference.precision_score(targets, predictions, average="macro", zero_division=0))
    assert f1_score([0, 0], [0, 0]) == 0.0  # no positive anywhere


def test_scores_take_probabilities_and_one_hot_targets(rng):
    probabilities = rng.dirichlet(np.ones(3), 30)
    labels = rng.integers(0, 3, 30)
    assert f1_score(np.eye(3)[labels], probabilities, average="macro") == pytest.approx(
        reference.f1_score(labels, probabilities.argmax(axis=1), average="macro"))
    column = rng.random((30, 1))
    binary = rng.integers(0, 2, 30)
    assert recall(binary, column) == pytest.approx(
        reference.recall_score(binary, (column[:, 0] > 0.5).astype(int)))


def test_roc_auc_matches_scikit_learn_with_ties(rng):
    targets = rng.integers(0, 2, 80)
    scores = np.round(rng.random(80), 1)  # many ties
    assert roc_auc(targets, scores) == pytest.approx(
        reference.roc_auc_score(targets, scores), rel=1e-12)
    two_columns = np.column_stack([1 - scores, scores])
    assert roc_auc(targets, two_columns) == roc_auc(targets, scores)


def test_roc_auc_by_hand():
    # positives 0.8, 0.4; negatives 0.6, 0.2: pairs won 0.8>0.6, 0.8>0.2, 0.4>0.2 -> 3 / 4
    assert roc_auc([1, 0, 1, 0], [0.8, 0.6, 0.4, 0.2]) == 0.75


def test_multiclass_roc_auc_is_one_against_rest_macro(rng):
    targets = rng.integers(0, 4, 100)
    probabilities = rng.dirichlet(np.ones(4), 100)
    assert roc_auc(targets, probabilities) == pytest.approx(
        reference.roc_auc_score(targets, probabilities, multi_class="ovr"), rel=1e-12)


@pytest.mark.parametrize("name", ["precision", "recall", "f1", "precision_macro",
                                  "recall_macro", "f1_macro", "roc_auc"])
def test_registered_names_match_scikit_learn(name, rng):
    targets = rng.integers(0, 2, 50)
    probabilities = rng.random((50, 1))
    labels = (probabilities[:, 0] > 0.5).astype(int)
    average = "macro" if name.endswith("macro") else "binary"
    expected = {"precision": lambda: reference.precision_score(targets, labels, average=average),
                "recall": lambda: reference.recall_score(targets, labels, average=average),
                "f1": lambda: reference.f1_score(targets, labels, average=average),
                "roc_auc": lambda: reference.roc_auc_score(targets, probabilities[:, 0])}
    assert resolve("metric", name)(targets, probabilities) == pytest.approx(
        expected[name.removesuffix("_macro")](), rel=1e-12)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="average must be one of binary, macro"):
        precision([0, 1], [0, 1], average="micro")
    with pytest.raises(ValueError, match="average='macro' for more classes"):
        recall([0, 1, 2], [0, 1, 2])
    with pytest.raises(ValueError, match="both positive and negative"):
        roc_auc([1, 1], [0.3, 0.4])
    with pytest.raises(ValueError, match="scores must be finite"):
        roc_auc([0, 1], [0.3, np.nan])
    with pytest.raises(ValueError, match="targets must be 0/1 labels"):
        roc_auc([0, 2], [0.3, 0.4])
    with pytest.raises(ValueError, match="targets has 2 samples but predictions has 3"):
        f1_score([0, 1], [0, 1, 1])
    with pytest.raises(ValueError, match="unknown metric 'auc'; known: .*roc_auc"):
        resolve("metric", "auc")
