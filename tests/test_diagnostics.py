"""Diagnostics: per-layer norms and the update ratio of the epoch's last step, dead ReLU
units and saturated sigmoids, and refusal of bad arguments."""

from __future__ import annotations

import numpy as np
import pytest
from training_helpers import train

from glassnet.activations import ReLU, Sigmoid
from glassnet.diagnostics import Diagnostics
from glassnet.layers import Dense
from glassnet.losses import SquaredError
from glassnet.network import Sequential
from glassnet.optimizers import SGD
from glassnet.training import fit


def test_diagnostics_records_norms_and_the_update_ratio_of_the_last_step():
    network, history = train([Diagnostics()], epochs=3, batch_size=8)
    record = history.records[-1]
    for layer in ("layers.0", "layers.2"):
        assert {f"{layer}.weight_norm", f"{layer}.gradient_norm", f"{layer}.update_ratio"} \
            <= set(record)
    assert record["layers.1.saturated_share"] == 0.0  # small tanh inputs, far from +-1
    weights, gradient = network.parameters()["layers.0.weights"], \
        network.gradients()["layers.0.weights"]
    before = weights + 0.1 * gradient  # plain SGD: W_after = W_before - 0.1 g
    assert record["layers.0.weight_norm"] == pytest.approx(np.linalg.norm(weights))
    assert record["layers.0.gradient_norm"] == pytest.approx(np.linalg.norm(gradient))
    assert record["layers.0.update_ratio"] == pytest.approx(
        0.1 * np.linalg.norm(gradient) / np.linalg.norm(before))

def test_diagnostics_finds_dead_relu_units_and_saturated_sigmoids():
    hidden = Dense(2, 4, rng=0)
    hidden.params["bias"][...] = [0.0, 0.0, -100.0, -100.0]  # two units never fire
    saturating = Dense(2, 3, rng=1)
    saturating.params["weights"] *= 1000.0
    network = Sequential([hidden, ReLU(), Dense(4, 1, rng=2)])
    inputs = np.random.default_rng(0).standard_normal((50, 2))
    history = fit(network, inputs, inputs[:, 0], SquaredError(), SGD(1e-6), epochs=1,
                  callbacks=[Diagnostics()])
    assert history["layers.1.dead_share"] == [0.5]
    history = fit(Sequential([saturating, Sigmoid(), Dense(3, 1, rng=2)]), inputs, inputs[:, 0],
                  SquaredError(), SGD(1e-6), epochs=1, callbacks=[Diagnostics(sample_size=20)])
    assert history["layers.1.saturated_share"][0] > 0.9

@pytest.mark.parametrize(("arguments", "error", "message"), [
    ({"sample_size": 0}, ValueError, "sample_size must be > 0, got 0"),
    ({"saturation": 1.5}, ValueError, r"saturation must be in \(0, 1\), got 1.5"),
])
def test_diagnostics_refuses_bad_arguments(arguments, error, message):
    with pytest.raises(error, match=message):
        Diagnostics(**arguments)
