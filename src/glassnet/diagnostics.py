"""The ``Diagnostics`` callback: why isn't it learning? Per-layer norms and unit health.

Imports numpy, ``activations``, ``callbacks`` and ``validation``.
"""

from __future__ import annotations

import math

import numpy as np

from glassnet.activations import ReLU, Sigmoid, Tanh
from glassnet.callbacks import Callback
from glassnet.validation import check_fraction, check_positive


class Diagnostics(Callback):
    """Why isn't it learning? Records per layer, every epoch, under ``layers.<i>.<name>``:

        weight_norm    ||W|| after the epoch's last step
        gradient_norm  ||dL/dW|| of that step (with the L2 term, if any)
        update_ratio   ||W_after - W_before|| / ||W_before|| of that step (healthy: ~1e-3)
        dead_share     ReLU: share of units that output 0 for every row of a sample
        saturated_share  Sigmoid/Tanh: share of outputs with |tanh| > saturation (sigmoid:
                       |2 o - 1| > saturation), where the gradient nearly vanishes

    The unit shares come from one evaluation-mode pass over up to ``sample_size`` rows
    spread through the training inputs. Costs one weight copy and that pass per epoch.
    """

    def __init__(self, sample_size: int = 1000, saturation: float = 0.99):
        self.sample_size = check_positive("sample_size", sample_size, integer=True)
        self.saturation = check_fraction("saturation", saturation, allow_zero=False)
        self.before: dict[str, np.ndarray] | None = None
        self.step: dict[str, float] = {}

    def on_batch_begin(self, state):
        if state.batch == state.batches - 1:
            self.before = {name: value.copy() for name, value in weights_of(state.network)}

    def on_batch_end(self, state):
        if self.before is None:
            return
        gradients = state.network.gradients()
        for name, weights in weights_of(state.network):
            layer, before = name.rsplit(".", 1)[0], self.before[name]
            scale = float(np.linalg.norm(before))
            change = float(np.linalg.norm(weights - before))
            self.step[f"{layer}.weight_norm"] = float(np.linalg.norm(weights))
            self.step[f"{layer}.gradient_norm"] = float(np.linalg.norm(gradients[name]))
            self.step[f"{layer}.update_ratio"] = change / scale if scale > 0 else math.inf
        self.before = None

    def on_epoch_end(self, state):
        state.logs.update(self.step)
        self.step = {}
        if state.inputs is not None:
            stride = max(1, len(state.inputs) // self.sample_size)
            sample = state.inputs[::stride][:self.sample_size]
            state.logs.update(unit_shares(state.network, sample, self.saturation))


def weights_of(network):
    """(name, array) for every parameter array named ``weights``."""
    return [(name, value) for name, value in network.parameters().items()
            if name.rsplit(".", 1)[-1] == "weights"]


def unit_shares(network, inputs: np.ndarray, saturation: float) -> dict[str, float]:
    """Dead-ReLU and saturated-Sigmoid/Tanh shares, layer by layer, for ``inputs``."""
    shares = {}
    for index, layer in enumerate(network.layers):
        inputs = layer.forward(inputs, training=False)
        if isinstance(layer, ReLU):
            shares[f"layers.{index}.dead_share"] = float(np.mean(np.all(inputs <= 0, axis=0)))
        elif isinstance(layer, Sigmoid):
            saturated = np.abs(2 * inputs - 1) > saturation
            shares[f"layers.{index}.saturated_share"] = float(np.mean(saturated))
        elif isinstance(layer, Tanh):
            shares[f"layers.{index}.saturated_share"] = float(np.mean(np.abs(inputs) > saturation))
    return shares
