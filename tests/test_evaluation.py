"""End-of-epoch evaluation: validation loss and metrics in the History, weighted validation
data, metrics as names, functions or a renaming dict, and refusal of bad arguments."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.evaluation import outputs_of
from glassnet.losses import (
    SoftmaxCrossEntropy,
    SquaredError,
)
from glassnet.metrics import accuracy
from glassnet.network import mlp
from glassnet.optimizers import SGD, Adam
from glassnet.training import fit


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

XOR = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] * 5)

XOR_LABELS = np.array([0, 1, 1, 0] * 5)

def test_a_metric_that_returns_no_number_is_named():
    with pytest.raises(TypeError, match="metric '<lambda>' must return a number, got"):
        fit(mlp([2, 2], rng=0), XOR, XOR_LABELS, SoftmaxCrossEntropy(), SGD(0.1),
            metrics=[lambda targets, predictions: [1, 2]])


def test_evaluation_outputs_are_network_predict_in_chunks():
    # A wide layer makes predict work in chunks of 256 rows; the evaluation's val_loss is the
    # loss of those outputs, equal to one forward pass over every row.
    rng = np.random.default_rng(1)
    inputs, labels = rng.normal(size=(700, 3)), rng.integers(0, 2, 700)
    network = mlp([3, 256, 2], rng=0)
    assert network.chunk_rows(np.float64) < 700
    history = fit(network, inputs[:100], labels[:100], "softmax_cross_entropy", SGD(0.1),
                  epochs=1, validation_data=(inputs, labels), verbose=0)
    whole = SoftmaxCrossEntropy()(network.forward(inputs), labels)
    assert history["val_loss"][0] == pytest.approx(whole, rel=1e-12)
    np.testing.assert_array_equal(outputs_of(network, inputs), network.predict(inputs))
