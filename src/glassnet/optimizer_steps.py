"""The optimizers' steps as numpy on whole arrays, in place: the reference formulas.

Each function changes its arrays in place with numpy's ufuncs, writing into the workspace
arrays it is handed (``buffer`` makes them once), so a step allocates nothing. ``Optimizer``
subclasses call them on one array (``update``) or on the whole flat vector
(``update_vector``); with an accelerator set, ``accelerator.twin`` hands over a compiled
twin (``compiled_steps``) that gives the same numbers bit for bit. Numpy only.
"""

from __future__ import annotations

import numpy as np


def buffer(state: dict, key: str, parameter: np.ndarray) -> np.ndarray:
    """A scratch array shaped like ``parameter``, made once and kept in ``state[key]``."""
    array = state.get(key)
    if array is None or array.shape != parameter.shape or array.dtype != parameter.dtype:
        array = state[key] = np.empty_like(parameter)
    return array


def plain_step(parameter, gradient, scaled_gradient, learning_rate) -> None:
    """w <- w - lr g, in place (lr g into ``scaled_gradient``)."""
    np.multiply(gradient, learning_rate, out=scaled_gradient)
    parameter -= scaled_gradient


def momentum_step(parameter, gradient, scaled_gradient, velocity, learning_rate,
                  momentum) -> None:
    """v <- momentum v - lr g;  w <- w + v, in place."""
    np.multiply(gradient, learning_rate, out=scaled_gradient)
    velocity *= momentum
    velocity -= scaled_gradient
    parameter += velocity


def nesterov_step(parameter, gradient, scaled_gradient, velocity, step, learning_rate,
                  momentum) -> None:
    """v <- momentum v - lr g;  w <- w + momentum v - lr g, in place (via ``step``)."""
    np.multiply(gradient, learning_rate, out=scaled_gradient)
    velocity *= momentum
    velocity -= scaled_gradient
    np.multiply(velocity, momentum, out=step)
    step -= scaled_gradient
    parameter += step


def update_moments(gradient, m, v, scratch, beta_1, beta_2) -> None:
    """m <- beta_1 m + (1 - beta_1) g;  v <- beta_2 v + (1 - beta_2) g^2, in place."""
    m *= beta_1
    m += np.multiply(gradient, 1 - beta_1, out=scratch)
    v *= beta_2
    scratch = np.square(gradient, out=scratch)
    scratch *= 1 - beta_2
    v += scratch


def adam_step(vector, gradient, m, v, scratch, beta_1, beta_2, epsilon, step_size) -> None:
    """``update_moments``, then w <- w - step_size m / (sqrt(v) + epsilon), in place (the
    rearranged step of ``Adam.update_vector``, whose scalars it takes)."""
    update_moments(gradient, m, v, scratch, beta_1, beta_2)
    denominator = np.sqrt(v, out=scratch)
    denominator += epsilon
    step = np.divide(m, denominator, out=denominator)
    step *= step_size
    vector -= step
