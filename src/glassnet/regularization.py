"""Weight decay: the L2 penalty that training adds to the loss and to the gradients.

    L = data loss + (l2 / 2) * sum over weight arrays W of ||W||^2      (biases are not decayed)
    dL/dW = d data loss / dW + l2 * W

Relation to scikit-learn's ``alpha``: its MLP minimises data loss + (alpha / (2 n)) sum ||W||^2
where n is the number of samples in the batch (the sum of their sample weights when it has
some). So ``l2 = alpha / batch_size`` gives the same objective for minibatches of that size,
and ``l2 = alpha / n_samples`` for full-batch training and L-BFGS. (scikit-learn's shorter last
batch gets a larger share; glassnet keeps one l2 for every batch.) Numpy only.
"""

from __future__ import annotations

import numpy as np

from glassnet.validation import check_positive


class L2:
    """The penalty on every parameter array named ``weights`` (``"layers.0.weights"``)."""

    def __init__(self, strength: float, parameters: dict[str, np.ndarray]):
        self.strength = check_positive("l2", strength, allow_zero=True)
        self.weights = {name: value for name, value in parameters.items()
                        if name.rsplit(".", 1)[-1] == "weights"}

    def value(self) -> float:
        """(l2 / 2) * sum ||W||^2."""
        return 0.5 * self.strength * sum(float(np.vdot(w, w)) for w in self.weights.values())

    def add_gradients(self, gradients: dict[str, np.ndarray]) -> None:
        """gradients[W] += l2 * W, in place."""
        for name, weights in self.weights.items():
            gradients[name] += self.strength * weights

    def __repr__(self) -> str:
        return f"L2({self.strength})"


class NoPenalty:
    """l2 = 0: adds nothing, costs nothing."""

    strength = 0.0

    def value(self) -> float:
        return 0.0

    def add_gradients(self, gradients: dict[str, np.ndarray]) -> None:
        return None


def weight_decay(l2: float, parameters: dict[str, np.ndarray]):
    """``L2(l2, parameters)``, or ``NoPenalty()`` when ``l2`` is 0 (checked: a number >= 0)."""
    check_positive("l2", l2, allow_zero=True)
    return L2(l2, parameters) if l2 > 0 else NoPenalty()
