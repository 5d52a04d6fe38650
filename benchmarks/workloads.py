"""The benchmark's workloads: their data, their sizes and the work each one counts.

Every library gets the same arrays, architecture, optimizer, batch size and epochs; the
settings are written out in ``glassnet_runs.py``, ``sklearn_runs.py`` and ``torch_runs.py``.
A training workload's rate is 6 x weights x samples x epochs / time (forward 2, backward 4
multiply-adds per weight and sample); prediction's is 2 x weights x samples / time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TUTORIAL_INPUTS = np.array([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]], dtype=np.float64)
TUTORIAL_OUTPUTS = np.array([[0, 1, 1, 0]], dtype=np.float64).T


@dataclass
class Workload:
    """One workload: its name, what it does, the sizes, and the data (built lazily)."""

    name: str
    title: str
    sizes: tuple[int, ...]
    samples: int
    epochs: int
    batch_size: int | None
    dtype: type
    training: bool = True
    passes_per_round: int = 1

    @property
    def weights(self) -> int:
        return sum(a * b for a, b in zip(self.sizes[:-1], self.sizes[1:], strict=False))

    @property
    def work(self) -> float:
        """Floating-point operations the workload stands for (see the module docstring)."""
        passes = 6 * self.epochs if self.training else 2
        return float(passes) * self.weights * self.samples


WORKLOADS = {
    "W1": Workload("W1", "tutorial neuron, 15,000 full-batch iterations, float64",
                   (3, 1), 4, 15000, None, np.float64, passes_per_round=5),
    "W2": Workload("W2", "2,000 x 64, 10 classes, (100,) ReLU, Adam, batch 200, 50 epochs, "
                   "float64", (64, 100, 10), 2000, 50, 200, np.float64),
    "W3": Workload("W3", "60,000 x 784, 10 classes, (256, 128) ReLU, Adam, batch 128, "
                   "2 epochs, float32", (784, 256, 128, 10), 60000, 2, 128, np.float32),
    "W4": Workload("W4", "predict_proba on 1,000,000 x 64 through (100,) to 10 classes, "
                   "float32", (64, 100, 10), 1_000_000, 1, None, np.float32, training=False),
}


def tabular_data():
    """W2: scikit-learn's make_classification, random_state=0 (float64)."""
    from sklearn.datasets import make_classification

    inputs, labels = make_classification(n_samples=2000, n_features=64, n_informative=16,
                                         n_classes=10, random_state=0)
    return inputs.astype(np.float64), labels.astype(np.int64)


def mnist_shaped_data(samples: int = 60000, features: int = 784, seed: int = 0):
    """W3: pixel-like float32 inputs in [0, 1) and labels from a random linear teacher.

    Made in float32 directly, in chunks, so that the process's peak memory is the data
    itself (the memory workload measures what fitting adds over it).
    """
    rng = np.random.default_rng(seed)
    inputs = np.empty((samples, features), dtype=np.float32)
    teacher = rng.standard_normal((features, 10)).astype(np.float32)
    labels = np.empty(samples, dtype=np.int64)
    for start in range(0, samples, 4096):
        rows = slice(start, start + 4096)
        inputs[rows] = rng.random((len(inputs[rows]), features), dtype=np.float32)
        labels[rows] = np.argmax((inputs[rows] - 0.5) @ teacher, axis=1)
    return inputs, labels


def prediction_data(samples: int = 1_000_000, features: int = 64, seed: int = 1):
    """W4: standard-normal float32 rows, and the weights every library predicts with."""
    rng = np.random.default_rng(seed)
    inputs = rng.standard_normal((samples, features), dtype=np.float32)
    hidden, classes = 100, 10
    parameters = {
        "weights_0": (rng.standard_normal((features, hidden)) / np.sqrt(features)),
        "bias_0": rng.standard_normal(hidden) * 0.1,
        "weights_1": (rng.standard_normal((hidden, classes)) / np.sqrt(hidden)),
        "bias_1": rng.standard_normal(classes) * 0.1,
    }
    return inputs, {name: value.astype(np.float32) for name, value in parameters.items()}


def tutorial_loop(iterations: int) -> np.ndarray:
    """The tutorial's own bare numpy program (SEED.md), the reference for W1."""
    random = np.random.RandomState(1)
    weights = 2 * random.random((3, 1)) - 1
    for _ in range(iterations):
        output = 1 / (1 + np.exp(-np.dot(TUTORIAL_INPUTS, weights)))
        error = TUTORIAL_OUTPUTS - output
        weights += np.dot(TUTORIAL_INPUTS.T, error * (output * (1 - output)))
    return weights
