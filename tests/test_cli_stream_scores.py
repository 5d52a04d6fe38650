"""Scores added up chunk by chunk (cli/stream_scores.py) equal the scores of all rows at once
(glassnet.metrics), however the rows are cut into chunks; chunks without rows add nothing."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.cli.stream_scores import ScoreSums, held_out_scores
from glassnet.layers import Dense
from glassnet.losses import BinaryCrossEntropy, SoftmaxCrossEntropy, SquaredError
from glassnet.metrics import accuracy, confusion_matrix, log_loss, r2_score
from glassnet.model import Model
from glassnet.network import Sequential


def model_of(task, loss, outputs, labels=None, scaling=None):
    return Model(Sequential([Dense(2, outputs)], rng=np.random.default_rng(0)), loss, task,
                 labels, ["a", "b"], target_scaling=scaling)


def summed(model, truth, outputs, cuts):
    sums = ScoreSums(model)
    for part_truth, part_outputs in zip(np.split(truth, cuts), np.split(outputs, cuts),
                                        strict=True):
        sums.add(part_truth, part_outputs)
    return sums


@pytest.mark.parametrize("cuts", [[], [0, 0, 4], [1, 2, 9]])
def test_classification_sums_give_accuracy_log_loss_and_the_confusion_matrix(rng, cuts):
    model = model_of("classification", SoftmaxCrossEntropy(), 3, ["x", "y", "z"])
    truth, outputs = rng.integers(0, 3, 11), rng.normal(0, 2, (11, 3))
    probabilities = SoftmaxCrossEntropy().probabilities(outputs)
    sums = summed(model, truth, outputs, cuts)
    assert sums.rows == 11 and sums.classes
    scores = sums.scores()
    assert scores.keys() == {"accuracy", "log_loss"}
    assert scores["accuracy"] == pytest.approx(accuracy(truth, probabilities.argmax(axis=1)))
    assert scores["log_loss"] == pytest.approx(log_loss(truth, probabilities), rel=1e-12)
    np.testing.assert_array_equal(sums.confusion, confusion_matrix(
        truth, probabilities.argmax(axis=1), labels=range(3)))


def test_a_binary_classifier_with_one_output_scores_two_classes(rng):
    model = model_of("classification", BinaryCrossEntropy(), 1, ["no", "yes"])
    truth, outputs = np.array([0, 1, 1, 0, 1]), np.array([[-2.0], [3.0], [-1.0], [0.5], [0.0]])
    sums = summed(model, truth, outputs, [2])
    assert sums.confusion.tolist() == [[1, 1], [2, 1]]  # p = 0.5 (output 0) is class 0
    assert sums.scores()["accuracy"] == pytest.approx(2 / 5)


@pytest.mark.parametrize("cuts", [[], [3], [0, 5, 5, 7]])
def test_regression_sums_give_mse_mae_and_r2(rng, cuts):
    model = model_of("regression", SquaredError(), 1)
    truth, outputs = rng.normal(5, 3, 9), rng.normal(5, 3, (9, 1))
    sums = summed(model, truth, outputs, cuts)
    errors = outputs[:, 0] - truth
    scores = sums.scores()
    assert not sums.classes and sums.rows == 9 and sums.confusion.shape == (0, 0)
    assert scores == pytest.approx({"mse": np.mean(errors ** 2), "mae": np.mean(np.abs(errors)),
                                    "r2": r2_score(truth, outputs[:, 0])}, rel=1e-12)


@pytest.mark.parametrize("predicted, r2", [(4.0, 1.0), (4.5, 0.0)])
def test_a_constant_target_has_r2_one_only_when_predicted_exactly(predicted, r2):
    model = model_of("regression", SquaredError(), 1)
    sums = summed(model, np.full(4, 4.0), np.full((4, 1), predicted), [1])
    assert sums.scores()["r2"] == r2 == r2_score(np.full(4, 4.0), np.full(4, predicted))
    assert sums.scores()["mae"] == pytest.approx(predicted - 4.0)


def test_no_rows_score_zero_and_held_out_rows_of_none_give_nothing():
    model = model_of("regression", SquaredError(), 1)
    sums = ScoreSums(model)
    sums.add(np.zeros(0), np.zeros((0, 1)))
    assert sums.rows == 0 and sums.scores() == {"mse": 0.0, "mae": 0.0, "r2": 1.0}

    class NoRows:
        def blocks(self):
            return iter([])

    assert held_out_scores(model, NoRows()) == {}


class HeldOut:
    """Blocks of (inputs, targets) as tabular.stream_batches.HeldOut gives them."""

    def __init__(self, *blocks):
        self.items = blocks

    def blocks(self):
        return iter(self.items)


def test_held_out_rows_are_scored_in_the_targets_own_units(rng):
    scaling = {"mean": 10.0, "scale": 2.0}
    model = model_of("regression", SquaredError(), 1, scaling=scaling)
    inputs, scaled = rng.normal(size=(6, 2)), rng.normal(size=(6, 1))
    scores = held_out_scores(model, HeldOut((inputs[:4], scaled[:4]), (inputs[4:], scaled[4:])))
    truth = scaled[:, 0] * 2.0 + 10.0
    predicted = model.answers_from(model.network.predict(inputs))
    assert scores["rows"] == 6
    assert scores["mae"] == pytest.approx(np.mean(np.abs(predicted - truth)), rel=1e-12)
    unscaled = model_of("regression", SquaredError(), 1)
    unscaled.network = model.network
    plain = held_out_scores(unscaled, HeldOut((inputs, scaled)))
    assert plain["mae"] == pytest.approx(np.mean(np.abs(model.network.predict(inputs)[:, 0]
                                                        - scaled[:, 0])), rel=1e-12)


def test_held_out_classes_come_from_one_hot_rows_or_one_column(rng):
    inputs = rng.normal(size=(5, 2))
    three = model_of("classification", SoftmaxCrossEntropy(), 3, ["x", "y", "z"])
    codes = np.array([2, 0, 1, 1, 0])
    scores = held_out_scores(three, HeldOut((inputs, np.eye(3)[codes])))
    probabilities = three.probabilities_from(three.network.predict(inputs))
    assert scores["rows"] == 5
    assert scores["log_loss"] == pytest.approx(log_loss(codes, probabilities), rel=1e-12)
    two = model_of("classification", BinaryCrossEntropy(), 1, ["no", "yes"])
    labels = np.array([[1.0], [0.0], [1.0], [1.0], [0.0]])
    scores = held_out_scores(two, HeldOut((inputs, labels)))
    probabilities = two.probabilities_from(two.network.predict(inputs))
    assert scores["accuracy"] == pytest.approx(accuracy(labels[:, 0].astype(int),
                                                        probabilities.argmax(axis=1)))
