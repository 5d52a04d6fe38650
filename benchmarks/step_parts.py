"""CPU time of each part of glassnet's training steps, layer by layer, on one BLAS thread.

    python benchmarks/step_parts.py W3        # one epoch of W3 (469 steps)
    python benchmarks/step_parts.py W2        # 10 epochs of W2 (100 steps)
    python benchmarks/step_parts.py overhead  # W2's network shape on 4 x 4 batches (1,000 steps)
    python benchmarks/step_parts.py W3 numba  # the same with the accelerator (glassnet[fast])
    python benchmarks/step_parts.py W3 layers # the accelerator, but each layer on its own

The steps are ``fit``'s (the same network, loss, Adam and flat vectors; batches drawn as
``fit`` draws them), taken apart so that each layer's forward and backward (with the
accelerator: each fused Dense-activation pair's and the fused loss, as ``fit`` runs them),
the loss and the optimizer's step are timed on their own (CPU time of this process, so other
work on a shared machine counts less than in wall time; each timing adds about a
microsecond). The profile
before and after a change: run it on both versions of the code, one after the other.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import workloads
from threadpoolctl import threadpool_limits

from glassnet import Adam, SoftmaxCrossEntropy, mlp, set_accelerator
from glassnet.flat import flatten
from glassnet.fused_layers import fused_network
from glassnet.fused_loss import fused_loss
from glassnet.training_data import Batches, dataset


def tiny_data():
    """4,000 rows of 4 features, 3 classes: arrays so small that a step is all overhead."""
    rng = np.random.default_rng(0)
    return rng.standard_normal((4000, 4)), rng.integers(0, 3, 4000)


SETTINGS = {  # data, sizes, batch size, dtype, epochs
    "W2": (workloads.tabular_data, [64, 100, 10], 200, np.float64, 10),
    "W3": (workloads.mnist_shaped_data, [784, 256, 128, 10], 128, np.float32, 1),
    "overhead": (tiny_data, [4, 5, 3], 4, np.float64, 1),  # W2's calls on tiny arrays
}


class Clock:
    """Adds the CPU nanoseconds since the last ``tick`` to ``totals[key]``."""

    def __init__(self):
        self.totals: dict[str, int] = {}
        self.last = time.process_time_ns()

    def tick(self, key: str) -> None:
        now = time.process_time_ns()
        self.totals[key] = self.totals.get(key, 0) + now - self.last
        self.last = now


def step(network, loss, optimizer, batch, clock: Clock, fused=None) -> None:
    """One training step of ``fit``, each part timed (drawing its batch too); ``fused``, the
    network's ``FusedNetwork``, times its pairs instead of the layers."""
    clock.tick("drawing the batch")
    if fused is not None:
        fused_step(fused, network, loss, optimizer, batch, clock)
        return
    outputs = batch.inputs
    for index, layer in enumerate(network.layers):
        outputs = layer.forward(outputs, training=True)
        clock.tick(f"{index}. {type(layer).__name__} forward")
    loss.forward(outputs, batch.targets, None)
    gradient = loss.backward()
    clock.tick("loss, forward and backward")
    for index in reversed(range(len(network.layers))):
        layer = network.layers[index]
        gradient = layer.backward(gradient, input_gradient=index > 0)
        clock.tick(f"{index}. {type(layer).__name__} backward")
    optimizer.step(network.parameters(), network.gradients())
    clock.tick("Adam's step")


def fused_step(fused, network, loss, optimizer, batch, clock: Clock) -> None:
    """``step`` through the fused pairs: each pair's forward and backward timed."""
    outputs, pairs = batch.inputs, fused.pairs
    for index, pair in enumerate(pairs):
        outputs = fused.forward_pair(outputs, index)
        clock.tick(f"{index}. {pair_name(pair)} forward")
    fused_softmax = fused_loss(loss)
    fused_softmax.forward(outputs, batch.targets, None)
    gradient = fused_softmax.backward()
    clock.tick("loss, forward and backward")
    for index in reversed(range(len(pairs))):
        gradient = fused.backward_pair(gradient, index)
        clock.tick(f"{index}. {pair_name(pairs[index])} backward")
    optimizer.step(network.parameters(), network.gradients())
    clock.tick("Adam's step")


def pair_name(pair) -> str:
    return " and ".join(type(layer).__name__ for layer in pair if layer is not None)


def main(argv) -> None:
    if len(argv) not in (1, 2) or argv[0] not in SETTINGS or argv[1:] not in (
            [], ["numba"], ["layers"]):
        raise SystemExit("usage: python benchmarks/step_parts.py W2|W3|overhead [numba|layers]")
    set_accelerator(None if len(argv) == 1 else "numba")
    load, sizes, batch_size, dtype, epochs = SETTINGS[argv[0]]
    inputs, labels = load()
    network, loss = mlp(sizes, activation="relu", rng=0, dtype=dtype), SoftmaxCrossEntropy()
    optimizer, rng, clock, steps = Adam(1e-3), np.random.default_rng(0), Clock(), 0
    batches = Batches(dataset(network, loss, inputs, labels), batch_size, shuffle=True)
    flatten(network)
    fused = fused_network(network) if argv[1:] == ["numba"] else None
    with threadpool_limits(1, "blas"):
        clock.last = time.process_time_ns()
        for _ in range(epochs):
            for batch in batches.epoch(rng):
                step(network, loss, optimizer, batch, clock, fused)
                steps += 1
    for key, nanoseconds in [*clock.totals.items(), ("total", sum(clock.totals.values()))]:
        print(f"{key:28s} {nanoseconds / 1e9:7.3f} s {nanoseconds / steps / 1e3:8.1f} us/step")


if __name__ == "__main__":
    main(sys.argv[1:])
