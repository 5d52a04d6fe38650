"""Metrics: accuracy over labels, one-hot rows, probability columns and scores; mean squared
error; and refusal of mismatched shapes."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.metrics import accuracy, as_labels, mean_squared_error


def test_accuracy_on_labels():
    assert accuracy([0, 1, 2, 1], [0, 1, 1, 1]) == 0.75
    assert accuracy(np.array([1, 1]), np.array([1, 1])) == 1.0
    assert accuracy([0, 0], [1, 1]) == 0.0


def test_accuracy_on_one_hot_targets_and_scores():
    targets = np.eye(3)[[0, 2, 1, 1]]
    scores = np.array([[0.9, 0.05, 0.05], [0.1, 0.2, 0.7], [3.0, 1.0, 0.0], [0.0, 2.0, 1.0]])
    assert accuracy(targets, scores) == 0.75
    assert accuracy([0, 2, 1, 1], scores) == 0.75


def test_accuracy_thresholds_one_column_of_probabilities_at_one_half():
    probabilities = np.array([[0.2], [0.51], [0.49], [0.99]])
    assert accuracy(np.array([[0], [1], [1], [1]]), probabilities) == 0.75
    assert accuracy([0, 1, 1, 1], probabilities) == 0.75
    np.testing.assert_array_equal(as_labels(probabilities), [0, 1, 0, 1])


def test_one_column_of_whole_numbers_is_labels():
    np.testing.assert_array_equal(as_labels(np.array([[0.0], [1.0], [2.0]])), [0, 1, 2])


@pytest.mark.parametrize(
    ("targets", "predictions"),
    [([0, 1, 1], [1]), ([0, 1], [0, 1, 1]), (np.eye(3), [0, 1])],
)
def test_accuracy_refuses_a_different_number_of_samples(targets, predictions):
    with pytest.raises(ValueError, match=r"targets has \d+ samples but predictions has \d+"):
        accuracy(targets, predictions)


def test_mean_squared_error_values():
    # errors 1, -2, 0, 3 -> squares 1, 4, 0, 9 -> mean 3.5 (no 1/2)
    assert mean_squared_error([1.0, 2.0, 3.0, 4.0], [2.0, 0.0, 3.0, 7.0]) == 3.5
    assert mean_squared_error([[1.0], [2.0]], [1.0, 4.0]) == 2.0
    assert mean_squared_error(np.ones((2, 3)), np.ones((2, 3))) == 0.0


def test_mean_squared_error_refuses_mismatched_shapes():
    with pytest.raises(ValueError, match=r"targets have shape \(3, 1\) but predictions"):
        mean_squared_error([1.0, 2.0, 3.0], [1.0, 2.0])
