"""W2's training accuracy against PyTorch's: seed luck or the setup? Trains W2 over several
seeds three ways, on one BLAS thread and one PyTorch thread:

    python benchmarks/initialisation.py 6      # seeds 0 to 5

glassnet as the benchmark runs it (Glorot-uniform weights, zero biases: ``mlp``'s default),
glassnet with PyTorch's default initialisation of ``nn.Linear`` (weights and biases uniform
in +-1/sqrt(fan_in), drawn from numpy), and PyTorch itself (``torch_runs``' network and
loop). The same data, Adam 1e-3, batch 200, 50 epochs; accuracy on the training rows, as
``benchmarks/run.py`` reports it. Never part of the tests.
"""

from __future__ import annotations

import sys

import numpy as np
import torch_runs
import workloads
from threadpoolctl import threadpool_limits

from glassnet import Adam, SoftmaxCrossEntropy, fit, mlp


def glassnet_accuracy(data, seed: int, torch_like: bool) -> float:
    """W2 on glassnet with ``seed`` for the weights and the shuffling."""
    inputs, labels = data
    network = mlp([64, 100, 10], activation="relu", rng=seed)
    if torch_like:
        draw = np.random.default_rng(seed)
        for layer in network.layers:
            for value in layer.params.values():
                bound = 1 / np.sqrt(layer.in_features)
                value[...] = draw.uniform(-bound, bound, value.shape)
    fit(network, inputs, labels, SoftmaxCrossEntropy(), Adam(1e-3), epochs=50,
        batch_size=200, rng=seed, verbose=0)
    return float(np.mean(network.predict(inputs).argmax(axis=1) == labels))


def torch_accuracy(data, seed: int) -> float:
    """W2 on PyTorch, its generator seeded with ``seed``."""
    return torch_runs.train_classifier(data, (100,), 200, 50, seed=seed)[1]


def main(argv) -> None:
    seeds = int(argv[0]) if argv else 6
    data = workloads.tabular_data()
    torch_runs.set_threads(1)
    rows = []
    print("seed  glassnet  glassnet, PyTorch's initialisation  PyTorch")
    with threadpool_limits(1, "blas"):
        for seed in range(seeds):
            rows.append((glassnet_accuracy(data, seed, False),
                         glassnet_accuracy(data, seed, True), torch_accuracy(data, seed)))
            print(f"{seed:4d}  {rows[-1][0]:.4f}    {rows[-1][1]:.4f}"
                  f"                              {rows[-1][2]:.4f}", flush=True)
    table = np.array(rows)
    print("mean  " + "    ".join(f"{value:.4f}" for value in table.mean(axis=0)))
    print("sd    " + "    ".join(f"{value:.4f}" for value in table.std(axis=0, ddof=1)))


if __name__ == "__main__":
    main(sys.argv[1:])
