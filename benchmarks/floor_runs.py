"""The floor of W2 and W3: the same matrix products as training, and nothing else.

A bare loop over the same batches (consecutive rows: no shuffling, no gathering) runs, per
batch, every product that glassnet's training runs: forward one product per Dense layer;
backward one weight-gradient product per layer and one input-gradient product per layer but
the first (whose inputs are data). No bias, activation, loss or update: each product writes
into an array made once. Its time is what any library's training of the network must spend
on these products with numpy's BLAS; ``glassnet / floor`` says how much everything else adds.
"""

from __future__ import annotations

import time

import numpy as np

NAME = "floor"


def version() -> str:
    return np.__version__


def run_products(inputs, sizes, batch_size, epochs, dtype):
    """Time the products of ``epochs`` passes over ``inputs`` in batches of ``batch_size``."""
    rng = np.random.default_rng(0)
    weights = [(rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)).astype(dtype)
               for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=False)]
    outputs = [np.empty((batch_size, size), dtype=dtype) for size in sizes[1:]]
    upstream = [np.empty((batch_size, size), dtype=dtype) for size in sizes[1:-1]]
    weight_gradients = [np.empty_like(w) for w in weights]
    inputs = np.ascontiguousarray(inputs, dtype=dtype)
    started = time.perf_counter()
    for _ in range(epochs):
        for start in range(0, len(inputs), batch_size):
            batch = inputs[start:start + batch_size]
            rows = len(batch)
            layer_inputs = [batch]
            for w, out in zip(weights, outputs, strict=True):
                layer_inputs.append(np.matmul(layer_inputs[-1], w, out=out[:rows]))
            gradient = layer_inputs.pop()  # the outputs stand in for dL/d outputs
            for index in reversed(range(len(weights))):
                np.matmul(layer_inputs[index].T, gradient, out=weight_gradients[index])
                if index > 0:
                    gradient = np.matmul(gradient, weights[index].T,
                                         out=upstream[index - 1][:rows])
    return time.perf_counter() - started, None


def run_tabular(data):
    """W2's products: 64 -> 100 -> 10, batch 200, 50 epochs, float64."""
    return run_products(data[0], [64, 100, 10], 200, 50, np.float64)


def run_mnist(data):
    """W3's products: 784 -> 256 -> 128 -> 10, batch 128, 2 epochs, float32."""
    return run_products(data[0], [784, 256, 128, 10], 128, 2, np.float32)


RUNS = {"W2": run_tabular, "W3": run_mnist}
