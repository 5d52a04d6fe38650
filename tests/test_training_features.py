"""fit's validation (data or stratified seeded split), metrics, History records and files,
multi-label classification and multi-output regression, and refusal of bad new arguments."""

from __future__ import annotations

import csv
import json
import math

import numpy as np
import pytest

from glassnet.callbacks import Callback
from glassnet.history import History
from glassnet.losses import (
    BinaryCrossEntropy,
    Huber,
    MeanAbsoluteError,
    SoftmaxCrossEntropy,
    SquaredError,
)
from glassnet.metrics import accuracy
from glassnet.network import mlp
from glassnet.optimizers import SGD, Adam
from glassnet.training import fit


class Spy(Callback):
    """Keeps the training inputs fit settled on (after any split)."""

    def on_train_begin(self, state):
        self.inputs = state.inputs.copy()


def numbered(samples: int, labels: np.ndarray) -> np.ndarray:
    """Inputs whose first column is the row number, so a split can be read back."""
    return np.column_stack([np.arange(samples, dtype=float), labels.astype(float)])


def split_of(labels, fraction, rng, loss=None):
    samples = len(labels)
    spy = Spy()
    outputs = 2 if loss is None else 1
    fit(mlp([2, outputs], rng=0), numbered(samples, labels), labels,
        loss or SoftmaxCrossEntropy(), SGD(1e-9), epochs=1, validation_split=fraction, rng=rng,
        callbacks=[spy])
    training = spy.inputs[:, 0].astype(int)
    return training, np.setdiff1d(np.arange(samples), training)


def test_validation_split_is_stratified_seeded_and_disjoint():
    labels = np.array([0] * 80 + [1] * 20)
    training, validation = split_of(labels, 0.25, rng=1)
    assert len(training) == 75 and len(validation) == 25
    assert np.bincount(labels[validation]).tolist() == [20, 5]  # 25 % of each class
    assert np.all(np.diff(training) > 0)  # training rows keep their order
    again, _ = split_of(labels, 0.25, rng=1)
    other, _ = split_of(labels, 0.25, rng=2)
    np.testing.assert_array_equal(training, again)
    assert not np.array_equal(training, other)


def test_validation_split_for_regression_is_a_plain_seeded_share():
    targets = np.linspace(0, 1, 40)
    training, validation = split_of(targets, 0.1, rng=0, loss=SquaredError())
    assert len(validation) == 4 and len(training) == 36


def blobs(samples: int = 120, seed: int = 0):
    rng = np.random.default_rng(seed)
    labels = np.arange(samples) % 3
    centres = np.array([[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]])
    return centres[labels] + 0.8 * rng.standard_normal((samples, 2)), labels


def test_history_records_validation_loss_metrics_learning_rate_and_time():
    inputs, labels = blobs()
    valid_inputs, valid_labels = blobs(60, seed=1)
    network, loss = mlp([2, 8, 3], activation="tanh", rng=0), SoftmaxCrossEntropy()
    history = fit(network, inputs, labels, loss, Adam(0.02), epochs=15, batch_size=16,
                  validation_data=(valid_inputs, valid_labels), metrics=["accuracy"])
    assert history.keys() == ["epoch", "loss", "accuracy", "val_loss", "val_accuracy",
                              "learning_rate", "time"]
    # the last record was computed at the final weights, in evaluation mode
    assert history["val_loss"][-1] == loss(network.predict(valid_inputs), valid_labels)
    final = loss.probabilities(network.predict(valid_inputs))
    assert history["val_accuracy"][-1] == accuracy(valid_labels, final)
    train_final = loss.probabilities(network.predict(inputs))
    assert history["accuracy"][-1] == accuracy(labels, train_final) > 0.8
    assert history["learning_rate"] == [0.02] * 15
    assert all(value >= 0 for value in history["time"])


def test_validation_data_may_carry_sample_weights():
    inputs, labels = blobs()
    weights = np.where(labels == 0, 3.0, 1.0)
    network, loss = mlp([2, 3], rng=0), SoftmaxCrossEntropy()
    history = fit(network, inputs, labels, loss, SGD(0.1), epochs=2,
                  validation_data=(inputs, labels, weights))
    assert history["val_loss"][-1] == pytest.approx(
        loss(network.predict(inputs), labels, weights), rel=1e-12)


def test_metrics_may_be_functions_or_a_renaming_dict():
    inputs, targets = blobs()[0], blobs()[0] @ np.array([1.0, -1.0])

    def largest_error(targets, predictions):
        return float(np.max(np.abs(predictions[:, 0] - targets)))

    network = mlp([2, 1], rng=0)
    history = fit(network, inputs, targets, SquaredError(), SGD(0.1), epochs=3,
                  validation_split=0.2, rng=0, metrics=[largest_error, "mean_absolute_error"])
    assert {"largest_error", "val_largest_error", "val_mean_absolute_error"} <= set(
        history.keys())
    renamed = fit(network, inputs, targets, SquaredError(), SGD(0.1), epochs=1,
                  metrics={"worst": largest_error})
    assert renamed["worst"][0] == largest_error(targets, network.predict(inputs))


def test_history_round_trips_through_dict_json_and_csv(tmp_path):
    history = History([{"epoch": 1, "loss": 0.5, "val_loss": math.nan, "time": 0.1},
                       {"epoch": 2, "loss": 0.25, "val_loss": math.inf, "time": 0.1,
                        "layers.0.weight_norm": 3.0}], stopped_early=True)
    history.to_json(tmp_path / "history.json")
    text = (tmp_path / "history.json").read_text()
    assert '"nan"' in text and '"inf"' in text and "NaN" not in text  # strict JSON
    back = History.from_json(tmp_path / "history.json")
    assert back.stopped_early and not back.interrupted
    assert back["loss"] == [0.5, 0.25] and back["epoch"] == [1, 2]
    assert math.isnan(back["val_loss"][0]) and back["val_loss"][1] == math.inf
    assert math.isnan(back["layers.0.weight_norm"][0])  # absent in epoch 1
    assert json.loads(json.dumps(history.to_dict(), allow_nan=True))["records"][0]["loss"] == 0.5
    history.to_csv(tmp_path / "history.csv")
    with open(tmp_path / "history.csv", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["epoch", "loss", "val_loss", "time", "layers.0.weight_norm"]
    assert rows[1] == ["1", "0.5", "nan", "0.1", ""] and float(rows[2][1]) == 0.25


@pytest.mark.parametrize(("data", "message"), [
    ([], "data must be a dict"),
    ({"records": [1]}, r"data\['records'\]\[0\] must be a dict"),
    ({"records": [{"loss": "low"}]}, "history value 'loss' must be a number"),
    ({"records": [{"": 1.0}]}, "history keys must be non-empty strings"),
    ({"records": [], "interrupted": "yes"}, "data\\['interrupted'\\] must be true or false"),
])
def test_history_from_dict_refuses_bad_data(data, message):
    with pytest.raises(ValueError, match=message):
        History.from_dict(data)


def test_multi_label_classification_through_fit():
    rng = np.random.default_rng(3)
    inputs = rng.standard_normal((200, 3))
    targets = np.column_stack([inputs[:, 0] > 0, inputs[:, 1] > 0, inputs.sum(axis=1) > 0])
    network, loss = mlp([3, 16, 3], activation="tanh", rng=0), BinaryCrossEntropy()
    history = fit(network, inputs, targets.astype(float), loss, Adam(0.02), epochs=60,
                  batch_size=32, validation_split=0.2, rng=0)
    predicted = loss.probabilities(network.predict(inputs)) > 0.5
    assert predicted.shape == (200, 3)
    assert np.mean(predicted == targets, axis=0).min() > 0.9
    assert history["val_loss"][-1] < history["val_loss"][0]


@pytest.mark.parametrize("loss", [SquaredError(), MeanAbsoluteError(), Huber(0.5)], ids=repr)
def test_multi_output_regression_through_fit(loss):
    rng = np.random.default_rng(4)
    inputs = rng.standard_normal((100, 3))
    targets = inputs @ np.array([[1.0, -2.0], [0.5, 0.0], [0.0, 1.5]]) + [0.5, -1.0]
    network = mlp([3, 2], rng=0)
    fit(network, inputs, targets, loss, Adam(0.01), epochs=300, batch_size=20)
    assert np.abs(network.predict(inputs) - targets).max() < 0.05


XOR = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] * 5)
XOR_LABELS = np.array([0, 1, 1, 0] * 5)


@pytest.mark.parametrize(("arguments", "error", "message"), [
    ({"validation_split": 1.0}, ValueError, r"validation_split must be in \[0, 1\), got 1.0"),
    ({"validation_split": -0.1}, ValueError, "validation_split must be in"),
    ({"validation_split": "0.2"}, TypeError, "validation_split must be a number"),
    ({"validation_split": 0.01}, ValueError, "validation_split=0.01 leaves 0 of 20 samples"),
    ({"validation_split": 0.2, "validation_data": (XOR, XOR_LABELS)}, ValueError,
     "give validation_data or validation_split, not both"),
    ({"validation_data": XOR}, ValueError, r"validation_data must be \(inputs, targets\)"),
    ({"validation_data": (XOR[:, :1], XOR_LABELS)}, ValueError,
     "validation inputs must have 2 features"),
    ({"validation_data": (XOR, XOR_LABELS[:3])}, ValueError,
     "validation inputs has 20 samples but validation targets has 3"),
    ({"validation_data": (XOR, XOR_LABELS, -np.ones(20))}, ValueError,
     "validation sample_weight must be finite and >= 0, got -1.0 at index 0"),
    ({"metrics": ["acc"]}, ValueError, "unknown metric 'acc'; known: accuracy"),
    ({"metrics": [3]}, TypeError, "metrics must be names .* got 3"),
    ({"metrics": 3}, TypeError, "metrics must be a list of names or functions, got 3"),
    ({"metrics": {"loss": accuracy}}, ValueError, "metric name 'loss' is already taken"),
    ({"l2": -1.0}, ValueError, "l2 must be >= 0, got -1.0"),
    ({"l2": "big"}, TypeError, "l2 must be a number, got 'big'"),
    ({"callbacks": Callback()}, TypeError, "callbacks must be a list of Callback objects"),
    ({"callbacks": [object()]}, TypeError, "lacks on_train_begin"),
])
def test_fit_refuses_bad_new_arguments(arguments, error, message):
    network = mlp([2, 3, 2], rng=0)
    before = {name: value.copy() for name, value in network.parameters().items()}
    with pytest.raises(error, match=message):
        fit(network, XOR, XOR_LABELS, SoftmaxCrossEntropy(), SGD(0.1), epochs=2, **arguments)
    for name, value in network.parameters().items():
        np.testing.assert_array_equal(value, before[name])


def test_a_metric_that_returns_no_number_is_named():
    with pytest.raises(TypeError, match="metric '<lambda>' must return a number, got"):
        fit(mlp([2, 2], rng=0), XOR, XOR_LABELS, SoftmaxCrossEntropy(), SGD(0.1),
            metrics=[lambda targets, predictions: [1, 2]])
