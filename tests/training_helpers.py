"""A small training run the callback tests share: 30 points, two classes, a 2-4-2 tanh
network, softmax cross-entropy and SGD(0.1), seeded."""

import numpy as np

from glassnet.losses import SoftmaxCrossEntropy
from glassnet.network import mlp
from glassnet.optimizers import SGD
from glassnet.training import fit


def train(callbacks, epochs: int = 20, **arguments):
    """(network, history) after ``fit`` with ``callbacks`` and any further ``arguments``."""
    rng = np.random.default_rng(0)
    inputs = rng.standard_normal((30, 2))
    labels = (inputs[:, 0] > 0).astype(int)
    network = mlp([2, 4, 2], activation="tanh", rng=0)
    history = fit(network, inputs, labels, SoftmaxCrossEntropy(), SGD(0.1), epochs=epochs,
                  callbacks=callbacks, **arguments)
    return network, history
