"""LearningRateFinder: the exponential schedule, a stop when the loss explodes, weights and
optimizer state put back, a suggestion in a sensible range on a small problem, and the plot."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet import SGD, Adam, SoftmaxCrossEntropy, mlp
from glassnet.rate_finder import LearningRateFinder


def blobs(rng, rows=256):
    labels = rng.integers(0, 3, rows)
    inputs = rng.standard_normal((rows, 4)) + 2.5 * np.eye(3, 4)[labels]
    return inputs, labels


def test_rates_grow_exponentially_and_the_loss_explodes(rng):
    inputs, labels = blobs(rng)
    network = mlp([4, 16, 3], rng=rng)
    finder = LearningRateFinder(start=1e-5, end=100.0, steps=300)
    finder.find(network, inputs, labels, SoftmaxCrossEntropy(), SGD(0.01), batch_size=32)
    rates = np.array(finder.rates)
    np.testing.assert_allclose(rates[1:] / rates[:-1], (1e7) ** (1 / 299))
    assert rates[0] == 1e-5
    assert len(rates) < 300  # stopped once the loss blew up, before the last rate
    assert finder.smoothed[-1] > 4 * min(finder.smoothed) or not np.isfinite(finder.losses[-1])


def test_weights_and_optimizer_are_left_as_they_were(rng):
    inputs, labels = blobs(rng)
    network = mlp([4, 16, 3], rng=rng)
    optimizer = Adam(0.003)
    before = {name: value.copy() for name, value in network.parameters().items()}
    LearningRateFinder(steps=100).find(network, inputs, labels, SoftmaxCrossEntropy(),
                                       optimizer, batch_size=32)
    for name, value in network.parameters().items():
        np.testing.assert_array_equal(value, before[name])
    assert optimizer.learning_rate == 0.003 and optimizer.state == {}


def test_suggestion_lies_in_a_sensible_range_and_trains_well(rng):
    inputs, labels = blobs(rng)
    network = mlp([4, 16, 3], rng=rng)
    loss = SoftmaxCrossEntropy()
    finder = LearningRateFinder(start=1e-6, end=10.0, steps=200)
    suggestion = finder.find(network, inputs, labels, loss, SGD(0.01), batch_size=32)
    assert 1e-3 <= suggestion <= 3.0
    lowest = finder.rates[int(np.argmin(finder.smoothed))]
    assert suggestion <= lowest
    from glassnet import fit

    history = fit(network, inputs, labels, loss, SGD(suggestion), epochs=5, batch_size=32,
                  rng=rng)
    assert history["loss"][-1] < 0.5 * history["loss"][0]


def test_plot_writes_a_png(tmp_path, rng):
    pytest.importorskip("matplotlib")
    inputs, labels = blobs(rng, rows=64)
    finder = LearningRateFinder(steps=40)
    finder.find(mlp([4, 8, 3], rng=rng), inputs, labels, SoftmaxCrossEntropy(), SGD(0.1),
                batch_size=16)
    finder.plot(tmp_path / "rates.png")
    assert (tmp_path / "rates.png").read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match="must end in"):
        finder.plot(tmp_path / "rates.jpeg")


def test_bad_settings_and_no_run_are_refused():
    with pytest.raises(ValueError, match="end must be above start"):
        LearningRateFinder(start=1.0, end=0.1)
    with pytest.raises(ValueError, match="steps must be at least 2"):
        LearningRateFinder(steps=1)
    with pytest.raises(ValueError, match="recorded 0 batch"):
        LearningRateFinder().suggestion()


def test_running_statistics_are_put_back_too(rng):
    from glassnet import BatchNormalization, Dense, ReLU, Sequential

    inputs, labels = blobs(rng, rows=64)
    network = Sequential([Dense(4, 8, rng=rng), BatchNormalization(8), ReLU(),
                          Dense(8, 3, rng=rng)], rng=rng)
    before = {name: value.copy() for name, value in network.buffers().items()}
    LearningRateFinder(steps=20).find(network, inputs, labels, SoftmaxCrossEntropy(),
                                      SGD(0.1), batch_size=16)
    assert before  # running_mean and running_variance
    for name, value in network.buffers().items():
        np.testing.assert_array_equal(value, before[name])
