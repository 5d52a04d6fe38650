"""log_loss, r2_score and confusion_matrix (the evaluate command's metrics), on hand-worked
numbers and against scikit-learn's."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as reference

from glassnet.metrics import confusion_matrix, log_loss, r2_score


def test_log_loss_by_hand_and_against_scikit_learn(rng):
    probabilities = np.array([[0.5, 0.25, 0.25], [0.1, 0.8, 0.1]])
    assert log_loss([0, 1], probabilities) == pytest.approx(-(np.log(0.5) + np.log(0.8)) / 2)
    labels, probabilities = rng.integers(0, 4, 30), rng.dirichlet(np.ones(4), 30)
    assert log_loss(labels, probabilities) == pytest.approx(
        reference.log_loss(labels, probabilities, labels=range(4)), rel=1e-12)


def test_log_loss_of_a_binary_positive_column():
    assert log_loss([1, 0], [0.9, 0.2]) == pytest.approx(-(np.log(0.9) + np.log(0.8)) / 2)
    assert log_loss([1], [[0.0]]) == pytest.approx(-np.log(1e-15))  # clipped, not infinite


def test_log_loss_refuses_labels_out_of_range():
    with pytest.raises(ValueError, match="targets must be integer labels in \\[0, 1\\]"):
        log_loss([0, 2], [[0.5, 0.5], [0.5, 0.5]])
    with pytest.raises(ValueError, match="targets has 1 samples but probabilities has 2"):
        log_loss([0], [[0.5, 0.5], [0.5, 0.5]])


def test_r2_score_by_hand_and_against_scikit_learn(rng):
    # residuals 0.1^2 + 0.1^2 + 0.5^2 + 0.3^2 = 0.36; spread around 2.5: 5 -> 1 - 0.36 / 5
    assert r2_score([1, 2, 3, 4], [1.1, 1.9, 3.5, 3.7]) == pytest.approx(1 - 0.36 / 5)
    targets, predictions = rng.standard_normal((20, 2)), rng.standard_normal((20, 2))
    assert r2_score(targets, predictions) == pytest.approx(
        reference.r2_score(targets, predictions))
    assert r2_score([3, 3], [3, 3]) == 1.0 and r2_score([3, 3], [3, 4]) == 0.0


def test_r2_score_refuses_mismatched_shapes():
    with pytest.raises(ValueError, match="targets have shape \\(3, 1\\)"):
        r2_score([1, 2, 3], [1, 2])


def test_confusion_matrix_counts_true_rows_against_predicted_columns():
    counts = confusion_matrix(["cat", "dog", "cat", "eel"], ["cat", "cat", "dog", "eel"],
                              labels=["cat", "dog", "eel"])
    np.testing.assert_array_equal(counts, [[1, 1, 0], [1, 0, 0], [0, 0, 1]])
    np.testing.assert_array_equal(confusion_matrix([1, 0, 1], [1, 1, 1]), [[0, 1], [0, 2]])


def test_confusion_matrix_refuses_labels_it_was_not_given():
    with pytest.raises(ValueError, match="labels \\['fox'\\] are not among"):
        confusion_matrix(["cat", "fox"], ["cat", "cat"], labels=["cat", "dog"])
