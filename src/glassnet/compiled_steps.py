"""The optimizers' flat steps as numba loops, twins of the numpy functions in ``optimizers``.

Each loop does, for one element, exactly what the numpy function does to the whole vector,
operation by operation and in the same order, with the scalars cast to the vectors' dtype
(as numpy casts a Python float): the same numbers, bit for bit, in one pass instead of
several. ``error_model="numpy"`` lets a division by 0 give inf or nan, as numpy's does, and
lets the loop vectorise. Imported only by ``accelerator.set_accelerator``; imports numba.
"""

from __future__ import annotations

import numba
import numpy as np

from glassnet import optimizer_steps
from glassnet.accelerator import compilable


def compile_loop(arrays: int, scalars: int):
    """numba's compiler for a loop over ``arrays`` 1-D contiguous vectors and ``scalars``
    numbers, all float32 or all float64: both compiled when this module is imported (or
    read from numba's cache), so no step waits for the compiler."""
    signatures = [f"void({', '.join([f'{dtype}[::1]'] * arrays + [dtype] * scalars)})"
                  for dtype in ("float32", "float64")]
    return numba.njit(signatures, nogil=True, cache=True, error_model="numpy")


@compile_loop(arrays=4, scalars=6)
def adam_loop(vector, gradient, m, v, beta_1, one_minus_beta_1, beta_2, one_minus_beta_2,
              epsilon, step_size):  # pragma: no cover - compiled; run by the tests
    """``optimizer_steps.adam_step`` element by element (all 1-D, one dtype)."""
    for index in range(vector.shape[0]):
        g = gradient[index]
        m[index] = m[index] * beta_1 + g * one_minus_beta_1
        v[index] = v[index] * beta_2 + (g * g) * one_minus_beta_2
        vector[index] -= m[index] / (np.sqrt(v[index]) + epsilon) * step_size


@compile_loop(arrays=2, scalars=1)
def plain_loop(vector, gradient, learning_rate):  # pragma: no cover - compiled
    """``optimizer_steps.plain_step``: w <- w - lr g."""
    for index in range(vector.shape[0]):
        vector[index] -= gradient[index] * learning_rate


@compile_loop(arrays=3, scalars=2)
def momentum_loop(vector, gradient, velocity, learning_rate,
                  momentum):  # pragma: no cover - compiled
    """``optimizer_steps.momentum_step``: v <- momentum v - lr g;  w <- w + v."""
    for index in range(vector.shape[0]):
        velocity[index] = velocity[index] * momentum - gradient[index] * learning_rate
        vector[index] += velocity[index]


@compile_loop(arrays=3, scalars=2)
def nesterov_loop(vector, gradient, velocity, learning_rate,
                  momentum):  # pragma: no cover - compiled
    """``optimizer_steps.nesterov_step``: v <- momentum v - lr g;  w <- w + (momentum v - lr g)."""
    for index in range(vector.shape[0]):
        scaled_gradient = gradient[index] * learning_rate
        velocity[index] = velocity[index] * momentum - scaled_gradient
        vector[index] += velocity[index] * momentum - scaled_gradient


def compiled_or_numpy(loop, arrays, scalars, numpy_step, arguments) -> None:
    """``loop(*arrays, *scalars)``, the scalars cast to the arrays' dtype, when ``compilable``
    says the loop gives numpy's numbers; else ``numpy_step(*arguments)``."""
    if not compilable(arrays, scalars):
        numpy_step(*arguments)
        return
    cast = arrays[0].dtype.type
    loop(*arrays, *map(cast, scalars))


def adam_step(vector, gradient, m, v, scratch, beta_1, beta_2, epsilon, step_size) -> None:
    """``optimizer_steps.adam_step``'s twin (``scratch`` is not needed)."""
    compiled_or_numpy(adam_loop, (vector, gradient, m, v),
                      (beta_1, 1 - beta_1, beta_2, 1 - beta_2, epsilon, step_size),
                      optimizer_steps.adam_step,
                      (vector, gradient, m, v, scratch, beta_1, beta_2, epsilon, step_size))


def plain_step(parameter, gradient, scaled_gradient, learning_rate) -> None:
    """``optimizer_steps.plain_step``'s twin."""
    compiled_or_numpy(plain_loop, (parameter, gradient), (learning_rate,),
                      optimizer_steps.plain_step, (parameter, gradient, scaled_gradient,
                                              learning_rate))


def momentum_step(parameter, gradient, scaled_gradient, velocity, learning_rate,
                  momentum) -> None:
    """``optimizer_steps.momentum_step``'s twin."""
    compiled_or_numpy(momentum_loop, (parameter, gradient, velocity), (learning_rate, momentum),
                      optimizer_steps.momentum_step, (parameter, gradient, scaled_gradient,
                                                 velocity, learning_rate, momentum))


def nesterov_step(parameter, gradient, scaled_gradient, velocity, step, learning_rate,
                  momentum) -> None:
    """``optimizer_steps.nesterov_step``'s twin (``step`` is not needed)."""
    compiled_or_numpy(nesterov_loop, (parameter, gradient, velocity), (learning_rate, momentum),
                      optimizer_steps.nesterov_step, (parameter, gradient, scaled_gradient,
                                                 velocity, step, learning_rate, momentum))


def twins() -> dict:
    """The numpy function's name -> its compiled twin."""
    return {function.__name__: function
            for function in (adam_step, plain_step, momentum_step, nesterov_step)}
