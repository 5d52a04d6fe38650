"""batch_sums: the summed loss, gradient and weight at a parameter vector, with no penalty;
a full batch's mean is sums / total weight (fit's own numbers), parts add up, finite
differences agree, and bad input is refused."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.flat import parameters_to_vector, vector_to_parameters
from glassnet.losses import SoftmaxCrossEntropy, SquaredError
from glassnet.network import mlp
from glassnet.sums import batch_sums
from glassnet.training import training_step


def problem(rng, rows: int = 30):
    inputs = rng.standard_normal((rows, 3))
    labels = (inputs[:, 0] > 0).astype(int) + (inputs[:, 1] > 0.5)
    return inputs, labels, rng.uniform(0.5, 2.0, rows)


@pytest.mark.parametrize("weighted", [False, True])
def test_full_batch_mean_loss_and_gradient_are_the_sums_over_the_total_weight(rng, weighted):
    inputs, labels, weights = problem(rng)
    weights = weights if weighted else None
    network, loss = mlp([3, 5, 3], activation="tanh", rng=1), SoftmaxCrossEntropy()
    vector = parameters_to_vector(mlp([3, 5, 3], activation="tanh", rng=2))
    value, gradient, total = batch_sums(network, loss, inputs, labels, weights, vector)
    assert total == pytest.approx(30.0 if weights is None else weights.sum(), rel=1e-15)
    reference = mlp([3, 5, 3], activation="tanh", rng=2)
    mean = training_step(reference, loss, inputs, loss.prepare_targets(
        labels, np.empty((30, 3))), weights)
    assert value / total == pytest.approx(mean, rel=1e-14)
    expected = np.concatenate([g.ravel() for g in reference.gradients().values()])
    np.testing.assert_allclose(gradient / total, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(parameters_to_vector(network), vector)  # the network keeps it


def test_sums_of_parts_add_up_to_the_sums_of_the_whole(rng):
    inputs, labels, weights = problem(rng)
    network, loss = mlp([3, 4, 3], rng=0), SoftmaxCrossEntropy()
    vector = parameters_to_vector(network)
    whole = batch_sums(network, loss, inputs, labels, weights, vector)
    parts = [batch_sums(network, loss, inputs[rows], labels[rows], weights[rows], vector)
             for rows in (slice(0, 7), slice(7, 20), slice(20, 30))]
    assert sum(part[0] for part in parts) == pytest.approx(whole[0], rel=1e-13)
    np.testing.assert_allclose(sum(part[1] for part in parts), whole[1], rtol=1e-12,
                               atol=1e-14)
    assert sum(part[2] for part in parts) == pytest.approx(whole[2], rel=1e-14)


def test_the_gradient_agrees_with_finite_differences_of_the_summed_loss(rng):
    inputs = rng.standard_normal((12, 2))
    targets = rng.standard_normal((12, 2))
    network, loss = mlp([2, 3, 2], activation="sigmoid", rng=3), SquaredError()
    vector = parameters_to_vector(network)
    _, gradient, _ = batch_sums(network, loss, inputs, targets, None, vector)
    step = 1e-6
    numerical = np.empty_like(vector)
    for index in range(len(vector)):
        shift = np.zeros_like(vector)
        shift[index] = step
        above = batch_sums(network, loss, inputs, targets, None, vector + shift)[0]
        below = batch_sums(network, loss, inputs, targets, None, vector - shift)[0]
        numerical[index] = (above - below) / (2 * step)
    np.testing.assert_allclose(gradient, numerical, rtol=1e-6, atol=1e-8)


def test_an_empty_batch_adds_nothing_and_the_loss_given_is_unchanged(rng):
    network, loss = mlp([3, 2], rng=0), SquaredError()
    vector = parameters_to_vector(network)
    value, gradient, total = batch_sums(network, loss, np.empty((0, 3)), np.empty((0, 2)),
                                        None, vector)
    assert (value, total) == (0.0, 0.0)
    np.testing.assert_array_equal(gradient, np.zeros(len(vector)))
    batch_sums(network, loss, rng.standard_normal((4, 3)), rng.standard_normal((4, 2)), None,
               vector)
    assert loss.reduction == "mean"


def test_bad_vectors_and_losses_are_refused(rng):
    network = mlp([3, 2], rng=0)
    vector = parameters_to_vector(network)
    inputs, targets = rng.standard_normal((4, 3)), rng.standard_normal((4, 2))
    with pytest.raises(ValueError, match="shape"):
        batch_sums(network, SquaredError(), inputs, targets, None, vector[:-1])
    with pytest.raises(ValueError, match="finite"):
        batch_sums(network, SquaredError(), inputs, targets, None, vector * np.nan)
    with pytest.raises(TypeError, match="glassnet Loss"):
        batch_sums(network, lambda p, t, w=None: 0.0, inputs, targets, None, vector)
    vector_to_parameters(vector, network)
