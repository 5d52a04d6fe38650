"""Optimizers: how one step changes each parameter array, given its gradient.

An optimizer sees only ``dict[str, ndarray]`` of parameters and of gradients, keyed by
stable names such as ``"layers.0.weights"``, keeps its own state by those names, and
updates the parameter arrays in place. ``learning_rate`` is a plain attribute so that
schedules (callbacks) can change it between steps.

Two paths, one result. ``update`` steps one array as the formula reads: the reference. When
the arrays are views tiling one flat vector (``glassnet.flat``; ``fit`` arranges it) and so
are the gradients, ``update_vector`` steps the whole vector at once, its state kept in
vectors of the same layout whose per-name views are ``state[name]`` (same keys, same values),
so a step is a few whole-buffer operations instead of a dozen per array. Tests hold the two
paths equal: bit for bit for SGD, within rounding for Adam (rearranged, see there). With an
accelerator set (``glassnet.set_accelerator("numba")``), ``update_vector`` runs the compiled
twin of its step function (``accelerator.twin``), bit for bit the numpy function.
The step functions themselves, numpy on whole arrays, are in ``optimizer_steps``; how a
per-name state becomes one vector state and back, in ``optimizer_state``.
Numpy only; imports ``accelerator``, ``elementwise``, ``flat``, ``optimizer_state``,
``optimizer_steps`` and ``validation``.
"""

from __future__ import annotations

import math

import numpy as np

from glassnet.accelerator import twin
from glassnet.elementwise import split
from glassnet.flat import same_objects
from glassnet.optimizer_state import WORKSPACE, flat_vectors, join_states, share
from glassnet.optimizer_steps import (
    adam_step,
    buffer,
    momentum_step,
    nesterov_step,
    plain_step,
    update_moments,
)
from glassnet.validation import check_fraction, check_positive

__all__ = ["SGD", "WORKSPACE", "Adam", "GradientDescent", "Optimizer", "adam_step", "buffer",
           "flat_vectors", "join_states", "momentum_step", "nesterov_step", "plain_step",
           "share", "update_moments"]



class Optimizer:
    """Base class: ``step`` walks the parameters (or their flat vector); a subclass says how
    one array is updated (``update``). A subclass whose update is element by element and
    never looks at the name may also give ``update_vector``, the step of the flat vector."""

    update_vector = None  # (vector, gradient, state) -> None, in a subclass that has one

    def __init__(self, learning_rate: float):
        self.learning_rate = check_positive("learning_rate", learning_rate)
        self.state: dict[str, dict[str, np.ndarray]] = {}
        self.iterations = 0
        self.joined: tuple | None = None  # (names, vector state, per-name dicts)
        self.tiling: tuple | None = None  # (arrays, their flat vectors or None, names)

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        """Update every array of ``params`` in place from the matching array of ``grads``."""
        self.iterations += 1
        vectors = None if self.update_vector is None else self.flat_vectors(params, grads)
        state = None if vectors is None else self.vector_state(params)
        if state is None:
            for name, parameter in params.items():
                self.update(name, parameter, grads[name], self.state.setdefault(name, {}))
            return
        self.update_vector(*vectors, state)
        share(state, self.joined[2], params)

    def update(self, name: str, parameter: np.ndarray, gradient: np.ndarray, state: dict):
        raise NotImplementedError

    def flat_vectors(self, params, grads) -> tuple[np.ndarray, np.ndarray] | None:
        """``flat_vectors(params, grads)``, remembered for the very same arrays (the network
        hands the same views each step, so the check runs once per fit, not per step)."""
        arrays, names = (*params.values(), *grads.values()), tuple(params)
        kept = self.tiling
        if kept is not None and kept[2] == names and same_objects(arrays, kept[0]):
            return kept[1]
        vectors = flat_vectors(params, grads)
        self.tiling = (arrays, vectors, names)
        return vectors

    def vector_state(self, params: dict[str, np.ndarray]) -> dict | None:
        """The state of the whole vector: the one kept from the last flat step over these
        names, else the per-name states joined; None if they cannot be (unequal counts)."""
        names, joined = tuple(params), self.joined
        if joined is not None and joined[0] == names and same_objects(
                map(self.state.get, names), joined[2]):
            return joined[1]
        state = join_states([self.state.get(name) for name in names], params)
        if state is None:
            return None
        dicts = [{} for _ in names]
        self.state.update(zip(names, dicts, strict=True))
        self.joined = (names, state, dicts)
        return state

    def __getstate__(self) -> dict:
        # A copy (pickle) keeps the per-name state, whose arrays no longer share memory
        # with a vector: the copy's first flat step joins them anew.
        return {**self.__dict__, "joined": None, "tiling": None}

    def reset(self) -> None:
        """Forget all state (velocities, moments, step count)."""
        self.state.clear()
        self.iterations = 0
        self.joined = self.tiling = None


class SGD(Optimizer):
    """Stochastic gradient descent, with optional (Nesterov) momentum.

        plain:     w <- w - lr * g
        momentum:  v <- momentum * v - lr * g;   w <- w + v
        Nesterov:  v <- momentum * v - lr * g;   w <- w + momentum * v - lr * g
    (the formulation scikit-learn's MLP uses; v starts at 0). The flat vector takes the same
    operations, so both paths agree bit for bit.
    """

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.0,
                 nesterov: bool = False):
        super().__init__(learning_rate)
        # momentum 1 is undamped (v sums every step), allowed as scikit-learn allows it
        self.momentum = float(check_fraction("momentum", momentum, allow_one=True))
        if nesterov and momentum == 0:
            raise ValueError("nesterov=True needs momentum > 0, got momentum=0")
        self.nesterov = bool(nesterov)

    def update(self, name, parameter, gradient, state):
        function, arrays, arguments = self.plan(parameter, gradient, state)
        function(*arrays, *arguments)

    def update_vector(self, vector, gradient, state):
        """The flat vector's step: ``update``'s operations on the whole vector, its slices
        on a few threads (``elementwise.split``), so bit for bit ``update``."""
        function, arrays, arguments = self.plan(vector, gradient, state)
        split(twin(function), arrays, *arguments)

    def plan(self, parameter, gradient, state) -> tuple:
        """(function, arrays, scalars) of one step: lr * g goes into a buffer kept in
        ``state``, so no new array is made per step."""
        scaled_gradient = buffer(state, "scaled_gradient", parameter)
        learning_rate = float(self.learning_rate)
        if self.momentum == 0:
            return plain_step, (parameter, gradient, scaled_gradient), (learning_rate,)
        velocity = state.setdefault("velocity", np.zeros_like(parameter))
        arrays = (parameter, gradient, scaled_gradient, velocity)
        if not self.nesterov:
            return momentum_step, arrays, (learning_rate, self.momentum)
        arrays += (buffer(state, "step", parameter),)
        return nesterov_step, arrays, (learning_rate, self.momentum)

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
        self.beta_1 = float(check_fraction("beta_1", beta_1))
        self.beta_2 = float(check_fraction("beta_2", beta_2))
        self.epsilon = float(check_positive("epsilon", epsilon))

    def update(self, name, parameter, gradient, state):
        """One array, as the formula reads (the reference for ``update_vector``)."""
        m, v, t = self.moments(parameter, gradient, state)
        m_hat = m / (1 - self.beta_1**t)
        v_hat = v / (1 - self.beta_2**t)
        parameter -= float(self.learning_rate) * m_hat / (np.sqrt(v_hat) + self.epsilon)

    def update_vector(self, vector, gradient, state):
        """The flat vector's step: the same m and v (bit for bit), then the step rearranged
        as PyTorch's Adam does, with c_1 = 1 - beta_1^t and c_2 = 1 - beta_2^t,

            lr * m_hat / (sqrt(v_hat) + eps) = (lr sqrt(c_2) / c_1) m / (sqrt(v) + eps sqrt(c_2))

        in place and without new arrays (``adam_step``), the vector's slices on a few threads
        (``elementwise.split``: bit for bit one thread); equal within a few roundings."""
        t = self.count(vector, state)
        root_c2 = math.sqrt(1 - self.beta_2**t)
        arrays = (vector, gradient, state["m"], state["v"], buffer(state, "scratch", vector))
        split(twin(adam_step), arrays, self.beta_1, self.beta_2, self.epsilon * root_c2,
              float(self.learning_rate) * root_c2 / (1 - self.beta_1**t))

    def count(self, parameter, state) -> int:
        """t, counted up, with m and v made (zeros) at the first step."""
        if not state:
            state.update(m=np.zeros_like(parameter), v=np.zeros_like(parameter), t=0)
        state["t"] += 1
        return state["t"]

    def moments(self, parameter, gradient, state):
        """m and v updated in place (one scratch array kept in ``state``), and t."""
        t = self.count(parameter, state)
        m, v = state["m"], state["v"]
        update_moments(gradient, m, v, buffer(state, "scratch", parameter), self.beta_1,
                       self.beta_2)
        return m, v, t

    def __repr__(self):
        return (f"Adam(learning_rate={self.learning_rate}, beta_1={self.beta_1}, "
                f"beta_2={self.beta_2}, epsilon={self.epsilon})")
