"""Optimizers: how one step changes each parameter array, given its gradient.

An optimizer sees only ``dict[str, ndarray]`` of parameters and of gradients, keyed by
stable names such as ``"layers.0.weights"``, keeps its own state by those names, and
updates the parameter arrays in place. ``learning_rate`` is a plain attribute so that
schedules (callbacks) can change it between steps. Numpy only; imports only ``validation``.
"""

from __future__ import annotations

import numpy as np

from glassnet.validation import check_fraction, check_positive


class Optimizer:
    """Base class: ``step`` walks the parameters; a subclass says how one array is updated."""

    def __init__(self, learning_rate: float):
        self.learning_rate = check_positive("learning_rate", learning_rate)
        self.state: dict[str, dict[str, np.ndarray]] = {}
        self.iterations = 0

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        """Update every array of ``params`` in place from the matching array of ``grads``."""
        self.iterations += 1
        for name, parameter in params.items():
            self.update(name, parameter, grads[name], self.state.setdefault(name, {}))

    def update(self, name: str, parameter: np.ndarray, gradient: np.ndarray, state: dict):
        raise NotImplementedError

    def reset(self) -> None:
        """Forget all state (velocities, moments, step count)."""
        self.state.clear()
        self.iterations = 0


class SGD(Optimizer):
    """Stochastic gradient descent, with optional (Nesterov) momentum.

        plain:     w <- w - lr * g
        momentum:  v <- momentum * v - lr * g;   w <- w + v
        Nesterov:  v <- momentum * v - lr * g;   w <- w + momentum * v - lr * g
    (the formulation scikit-learn's MLP uses; v starts at 0).
    """

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.0,
                 nesterov: bool = False):
        super().__init__(learning_rate)
        self.momentum = check_fraction("momentum", momentum)
        if nesterov and momentum == 0:
            raise ValueError("nesterov=True needs momentum > 0, got momentum=0")
        self.nesterov = bool(nesterov)

    def update(self, name, parameter, gradient, state):
        # lr * g goes into a buffer kept in ``state``: no new array per step.
        scaled_gradient = np.multiply(gradient, float(self.learning_rate),
                                      out=buffer(state, "scaled_gradient", parameter))
        if self.momentum == 0:
            parameter -= scaled_gradient
            return
        velocity = state.setdefault("velocity", np.zeros_like(parameter))
        velocity *= self.momentum
        velocity -= scaled_gradient
        if self.nesterov:
            step = np.multiply(velocity, self.momentum, out=buffer(state, "step", parameter))
            step -= scaled_gradient
            parameter += step
        else:
            parameter += velocity

    def __repr__(self):
        return (f"SGD(learning_rate={self.learning_rate}, momentum={self.momentum}, "
                f"nesterov={self.nesterov})")


class GradientDescent(SGD):
    """Plain gradient descent, w <- w - lr * g: the tutorial's update (lr = 1)."""

    def __init__(self, learning_rate: float = 1.0):
        super().__init__(learning_rate)

    def __repr__(self):
        return f"GradientDescent(learning_rate={self.learning_rate})"


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015), with bias correction. At step t, for gradient g:

        m <- beta_1 m + (1 - beta_1) g          v <- beta_2 v + (1 - beta_2) g^2
        m_hat = m / (1 - beta_1^t)              v_hat = v / (1 - beta_2^t)
        w <- w - lr * m_hat / (sqrt(v_hat) + epsilon)
    """

    def __init__(self, learning_rate: float = 0.001, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-8):
        super().__init__(learning_rate)
        self.beta_1 = check_fraction("beta_1", beta_1)
        self.beta_2 = check_fraction("beta_2", beta_2)
        self.epsilon = check_positive("epsilon", epsilon)

    def update(self, name, parameter, gradient, state):
        if not state:
            state.update(m=np.zeros_like(parameter), v=np.zeros_like(parameter), t=0)
        state["t"] += 1
        m, v, t = state["m"], state["v"], state["t"]
        # The formulas above, in place: two buffers kept in ``state`` take every
        # intermediate, so a step makes no new arrays.
        scratch, step = buffer(state, "scratch", parameter), buffer(state, "step", parameter)
        m *= self.beta_1
        m += np.multiply(gradient, 1 - self.beta_1, out=scratch)
        v *= self.beta_2
        scratch = np.square(gradient, out=scratch)
        scratch *= 1 - self.beta_2
        v += scratch
        denominator = np.divide(v, 1 - self.beta_2**t, out=scratch)  # v_hat
        np.sqrt(denominator, out=denominator)
        denominator += self.epsilon
        step = np.divide(m, 1 - self.beta_1**t, out=step)  # m_hat
        step *= float(self.learning_rate)
        step /= denominator
        parameter -= step

    def __repr__(self):
        return (f"Adam(learning_rate={self.learning_rate}, beta_1={self.beta_1}, "
                f"beta_2={self.beta_2}, epsilon={self.epsilon})")


def buffer(state: dict, key: str, parameter: np.ndarray) -> np.ndarray:
    """A scratch array shaped like ``parameter``, made once and kept in ``state[key]``."""
    array = state.get(key)
    if array is None or array.shape != parameter.shape or array.dtype != parameter.dtype:
        array = state[key] = np.empty_like(parameter)
    return array
