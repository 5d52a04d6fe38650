"""Weight penalties that training adds to the loss and to the gradients: L2 and L1.

    L2:  L = data loss + (l2 / 2) * sum over weight arrays W of ||W||^2  (biases are not decayed)
         dL/dW = d data loss / dW + l2 * W
    L1:  L = data loss + l1 * sum over weight arrays W of sum |W|
         dL/dW = d data loss / dW + l1 * sign(W)      (0 at W = 0, the kink's subgradient)

Relation to scikit-learn's ``alpha``: its MLP minimises data loss + (alpha / (2 n)) sum ||W||^2
where n is the number of samples in the batch (the sum of their sample weights when it has
some). So ``l2 = alpha / batch_size`` gives the same objective for minibatches of that size,
and ``l2 = alpha / n_samples`` for full-batch training and L-BFGS. (scikit-learn's shorter last
batch gets a larger share; glassnet keeps one l2 for every batch.) Numpy only.
"""

from __future__ import annotations

import numpy as np

from glassnet.validation import check_positive


def weight_arrays(parameters: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The parameter arrays named ``weights`` (``"layers.0.weights"``): biases are left out."""
    return {name: value for name, value in parameters.items()
            if name.rsplit(".", 1)[-1] == "weights"}


class L2:
    """The penalty on every parameter array named ``weights`` (``"layers.0.weights"``)."""

    def __init__(self, strength: float, parameters: dict[str, np.ndarray]):
        self.strength = check_positive("l2", strength, allow_zero=True)
        self.weights = weight_arrays(parameters)

    def value(self) -> float:
        """(l2 / 2) * sum ||W||^2."""
        return 0.5 * self.strength * sum(float(np.vdot(w, w)) for w in self.weights.values())

    def add_gradients(self, gradients: dict[str, np.ndarray]) -> None:
        """gradients[W] += l2 * W, in place."""
        for name, weights in self.weights.items():
            gradients[name] += self.strength * weights

    def __repr__(self) -> str:
        return f"L2({self.strength})"


class L1:
    """l1 * sum |W| over the weight arrays: pushes small weights to exactly 0 (sparsity)."""

    def __init__(self, strength: float, parameters: dict[str, np.ndarray]):
        self.strength = check_positive("l1", strength, allow_zero=True)
        self.weights = weight_arrays(parameters)

    def value(self) -> float:
        """l1 * sum |W|."""
        return self.strength * sum(float(np.abs(w).sum()) for w in self.weights.values())

    def add_gradients(self, gradients: dict[str, np.ndarray]) -> None:
        """gradients[W] += l1 * sign(W), in place."""
        for name, weights in self.weights.items():
            gradients[name] += self.strength * np.sign(weights)

    def __repr__(self) -> str:
        return f"L1({self.strength})"


class Penalties:
    """Several penalties as one: their values and their gradients add up (L1 + L2)."""

    def __init__(self, *penalties):
        self.penalties = penalties

    def value(self) -> float:
        return sum(penalty.value() for penalty in self.penalties)

    def add_gradients(self, gradients: dict[str, np.ndarray]) -> None:
        for penalty in self.penalties:
            penalty.add_gradients(gradients)

    def __repr__(self) -> str:
        return " + ".join(repr(penalty) for penalty in self.penalties)


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


def penalty(parameters: dict[str, np.ndarray], l1: float = 0.0, l2: float = 0.0):
    """The penalty for ``l1`` and ``l2`` (each a number >= 0): L2, L1, both, or none.

    With both, L2's value is added first, so l1=0 gives exactly ``weight_decay(l2, ...)``.
    """
    check_positive("l1", l1, allow_zero=True)
    parts = [weight_decay(l2, parameters)] if l2 > 0 else []
    if l1 > 0:
        parts.append(L1(l1, parameters))
    if not parts:
        return NoPenalty()
    return parts[0] if len(parts) == 1 else Penalties(*parts)
