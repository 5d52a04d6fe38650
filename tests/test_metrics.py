"""Metrics: accuracy over labels, one-hot rows, probability columns and scores; mean squared
error; and refusal of mismatched shapes."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.metrics import (
    accuracy,
    as_labels,
    confusion_matrix,
    log_loss,
    mean_squared_error,
    r2_score,
)


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


def test_a_probability_of_exactly_one_half_is_the_negative_label():
    # the same tie-break as Model.predict and scikit-learn's LabelBinarizer: p > 0.5 is 1
    np.testing.assert_array_equal(as_labels(np.array([[0.5], [0.75], [0.25]])), [0, 1, 0])
    assert accuracy([0, 1], np.array([[0.5], [0.5]])) == 0.5


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


def test_log_loss_by_hand_and_against_scikit_learn(rng):
    reference = pytest.importorskip("sklearn.metrics")
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
    reference = pytest.importorskip("sklearn.metrics")
    # residuals 0.1^2 + 0.1^2 + 0.5^2 + 0.3^2 = 0.36; spread around 2.5: 5 -> 1 - 0.36 / 5
    assert r2_score([1, 2, 3, 4], [1.1, 1.9, 3.5, 3.7]) == pytest.approx(1 - 0.36 / 5)
    targets, predictions = rng.standard_normal((20, 2)), rng.standard_normal((20, 2))
    assert r2_score(targets, predictions) == pytest.approx(
        reference.r2_score(targets, predictions))
    assert r2_score([3, 3], [3, 3]) == 1.0 and r2_score([3, 3], [3, 4]) == 0.0

def test_r2_score_of_a_constant_target_is_one_or_zero_as_in_scikit_learn():
    # no spread to explain: 1.0 for exact predictions, else 0.0 (not 1 - residual)
    reference = pytest.importorskip("sklearn.metrics")
    assert r2_score([3, 3], [3, 5]) == 0.0 == reference.r2_score([3, 3], [3, 5])
    targets, predictions = [[1, 3], [2, 3]], [[1, 3], [2, 5]]
    assert r2_score(targets, predictions) == 0.5 == reference.r2_score(targets, predictions)


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


def test_accuracy_refuses_one_column_of_logits():
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\].*logit"):
        accuracy([0, 1, 1], np.array([[-2.3], [0.7], [1.4]]))
    with pytest.raises(ValueError, match="targets must be labels or probabilities"):
        accuracy([-0.5, 1.5], [0, 1])


def test_accuracy_of_many_columns_takes_logits_and_probabilities_alike():
    logits = np.array([[2.0, -1.0], [-0.5, 3.0], [0.1, 0.0]])
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    assert accuracy([0, 1, 1], logits) == accuracy([0, 1, 1], probabilities) == 2 / 3


def test_one_dimensional_probabilities_are_thresholded():
    assert accuracy([0, 1, 1], [0.2, 0.9, 0.3]) == 2 / 3


@pytest.mark.parametrize("name", ["accuracy", "mean_squared_error", "mean_absolute_error", "r2",
                                  "log_loss"])
def test_metrics_by_name_match_scikit_learn(name, rng):
    reference = pytest.importorskip("sklearn.metrics")
    from glassnet.registry import resolve

    functions = {"accuracy": reference.accuracy_score, "r2": reference.r2_score,
                 "mean_squared_error": reference.mean_squared_error,
                 "mean_absolute_error": reference.mean_absolute_error,
                 "log_loss": reference.log_loss}
    if name in ("accuracy", "log_loss"):
        targets = rng.integers(0, 3, 50)
        targets[:3] = [0, 1, 2]
        probabilities = rng.dirichlet(np.ones(3), 50)
        ours = resolve("metric", name)(targets, probabilities)
        theirs = functions[name](targets, probabilities if name == "log_loss"
                                 else probabilities.argmax(axis=1))
    else:
        targets, predictions = rng.standard_normal((40, 2)), rng.standard_normal((40, 2))
        ours = resolve("metric", name)(targets, predictions)
        theirs = functions[name](targets, predictions)
    assert ours == pytest.approx(theirs, rel=1e-12)


def test_log_loss_takes_one_hot_and_float_targets():
    from glassnet.metrics import log_loss

    probabilities = np.array([[0.7, 0.3], [0.4, 0.6]])
    assert log_loss(np.eye(2)[[0, 1]], probabilities) == log_loss([0, 1], probabilities)
    assert log_loss(np.array([[0.0], [1.0]]), [0.3, 0.6]) == log_loss([0, 1], probabilities)


def test_the_refusal_of_logits_names_the_first_value_outside_zero_one():
    with pytest.raises(ValueError, match=r"\[0, 1\]; got 1\.5, which looks like a logit"):
        accuracy([0, 1, 1], np.array([[0.25], [0.75], [1.5]]))
    with pytest.raises(ValueError, match=r"\[0, 1\]; got -0\.5, which looks like a logit"):
        accuracy([0, 1, 1], np.array([[0.25], [-0.5], [1.5]]))
    with pytest.raises(ValueError, match=r"\[0, 1\]; got 1\.5, which looks like a logit"):
        accuracy([0, 1, 1], np.array([[0.0], [0.25], [1.5]]))  # 0 and 1 are inside


def test_r2_of_a_constant_target_warns_of_nothing():
    # a constant column has no spread to divide by: its score comes from the residual alone,
    # without a division by zero numpy would warn about (as scikit-learn's r2_score)
    import warnings

    targets = np.array([[3.0, 1.0], [3.0, 2.0], [3.0, 4.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert r2_score(targets, targets) == 1.0
        assert r2_score(targets, targets + [[1.0, 0.0]] * 3) == 0.5


def test_r2_score_of_targets_whose_spread_is_below_one():
    # spread around 0.15: 0.0225 + 0.0025 + 0.0025 + 0.0225 = 0.05; residual 0.1^2 = 0.01
    assert r2_score([0.0, 0.1, 0.2, 0.3], [0.0, 0.1, 0.2, 0.4]) == pytest.approx(1 - 0.01 / 0.05)


def test_log_loss_refuses_fractional_labels():
    with pytest.raises(ValueError, match=r"targets must be integer labels in \[0, 1\]"):
        log_loss([0.5, 1.0], [[0.5, 0.5], [0.5, 0.5]])


def test_probability_columns_may_hold_exactly_zero_and_one():
    assert accuracy([0, 0, 1], np.array([[0.0], [0.25], [1.0]])) == 1.0
    with pytest.raises(ValueError, match=r"\[0, 1\]; got -0\.5, which looks like a logit"):
        accuracy([0, 1, 1], np.array([[0.25], [-0.5], [0.75]]))
    with pytest.raises(ValueError, match=r"\[0, 1\]; got 1\.5, which looks like a logit"):
        accuracy([1, 0, 1], np.array([[1.0], [0.25], [1.5]]))


def test_log_loss_refuses_a_negative_label_and_shows_the_first_five():
    with pytest.raises(ValueError, match=r"in \[0, 1\], got array\(\[-1,  0,  1,  0,  1\]\)\.\.\."):
        log_loss([-1, 0, 1, 0, 1, 0], np.full((6, 2), 0.5))


def test_log_loss_of_one_hot_rows_reads_each_row():
    probabilities = np.array([[0.7, 0.3], [0.4, 0.6], [0.2, 0.8]])
    assert log_loss(np.eye(2)[[0, 1, 1]], probabilities) == log_loss([0, 1, 1], probabilities)


def test_log_loss_clips_probabilities_to_one():
    assert log_loss([1, 0], [[0.0, 1.5], [1.0, 0.0]]) == 0.0


@pytest.mark.parametrize(("metric", "targets", "predictions", "name"), [
    (mean_squared_error, [0.0, 1.0], [0.5, 1 + 1j], "predictions"),
    (r2_score, [0.0, 1j], [0.5, 1.0], "targets"),
    (log_loss, [0, 1], [0.2 + 0j, 0.9], "probabilities"),
    (accuracy, [0, 1], [0.2 + 1j, 0.9], "predictions"),
])
def test_complex_numbers_are_refused_not_made_real(metric, targets, predictions, name):
    with pytest.raises(ValueError, match=f"^{name} holds complex numbers"):
        metric(np.array(targets), np.array(predictions))


def test_roc_auc_refuses_complex_scores():
    from glassnet.classification_metrics import roc_auc

    with pytest.raises(ValueError, match="^scores holds complex numbers"):
        roc_auc(np.array([0, 1]), np.array([0.2, 0.9 + 1j]))
