"""The fused Dense-activation passes as numba loops, twins of the functions in ``fused_layers``.

Each loop does, element by element, exactly the numpy function's operations in numpy's
order: a bias added, ReLU's maximum (``max(s, 0)`` gives +0.0 for -0.0 and keeps NaN, as
``np.maximum`` does), ReLU's derivative as a multiplication by 1 or 0 (so -0.0 and NaN come
out as numpy's), and the bias gradient summed down the batch row after row from +0.0, which
is how numpy reduces a (batch, features) array over its rows when features > 1 (one feature
it sums pairwise: that case goes to numpy). So the twins give numpy's numbers bit for bit,
in one pass. Imported only by ``accelerator.set_accelerator``; imports numba.
"""

from __future__ import annotations

import numba
import numpy as np

from glassnet import fused_layers


def compile_passes(dtype) -> dict:
    """The four loops for one dtype (float32 or float64), by the name of the numpy function
    each is the twin of, compiled when this module is imported (or read from numba's cache).
    ``zero`` and ``one`` are that dtype's, so every operation stays in it, as numpy's."""
    zero, one = dtype(0), dtype(1)
    name = np.dtype(dtype).name
    vector, matrix = f"{name}[::1]", f"{name}[:, ::1]"
    compile_loop = numba.njit(nogil=True, cache=True, error_model="numpy")

    @compile_loop
    def add_bias_loop(outputs, bias):  # pragma: no cover - compiled; run by the tests
        """``fused_layers.add_bias``: o <- z + b."""
        for row in range(outputs.shape[0]):
            for column in range(outputs.shape[1]):
                outputs[row, column] += bias[column]

    @compile_loop
    def add_bias_relu_loop(outputs, bias):  # pragma: no cover - compiled
        """``fused_layers.add_bias_relu``: o <- max(z + b, 0)."""
        for row in range(outputs.shape[0]):
            for column in range(outputs.shape[1]):
                total = outputs[row, column] + bias[column]
                outputs[row, column] = total if total > zero or total != total else zero

    @compile_loop
    def bias_gradient_loop(gradient, bias_gradient):  # pragma: no cover - compiled
        """``fused_layers.bias_gradient``: db = ((0 + G[0]) + G[1]) + ..., row after row."""
        for column in range(gradient.shape[1]):
            bias_gradient[column] = zero
        for row in range(gradient.shape[0]):
            for column in range(gradient.shape[1]):
                bias_gradient[column] += gradient[row, column]

    @compile_loop
    def relu_bias_gradient_loop(gradient, outputs, bias_gradient):  # pragma: no cover
        """``fused_layers.relu_bias_gradient``: G <- G * (o > 0), then db row after row."""
        for column in range(gradient.shape[1]):
            bias_gradient[column] = zero
        for row in range(gradient.shape[0]):
            for column in range(gradient.shape[1]):
                value = gradient[row, column] * (one if outputs[row, column] > zero else zero)
                gradient[row, column] = value
                bias_gradient[column] += value

    loops = {"add_bias": (add_bias_loop, f"void({matrix}, {vector})"),
             "add_bias_relu": (add_bias_relu_loop, f"void({matrix}, {vector})"),
             "bias_gradient": (bias_gradient_loop, f"void({matrix}, {vector})"),
             "relu_bias_gradient": (relu_bias_gradient_loop,
                                    f"void({matrix}, {matrix}, {vector})")}
    for loop, signature in loops.values():
        loop.compile(signature)
    return {key: loop for key, (loop, _) in loops.items()}


LOOPS = {np.dtype(dtype): compile_passes(dtype) for dtype in (np.float32, np.float64)}


def passable(matrices: tuple, vector: np.ndarray, summed: bool = False) -> bool:
    """Whether the loops give numpy's numbers here: (batch, features) ``matrices`` of one
    shape, C-contiguous with at least one row, and a (features,) contiguous ``vector``, all
    float32 or all float64; for a bias gradient (``summed``) at least two features, which
    numpy sums row by row (one feature it sums pairwise). Plain loops, not generators: this
    runs four times a training step."""
    dtype, shape = matrices[0].dtype, matrices[0].shape
    if dtype not in LOOPS or len(shape) != 2 or shape[0] == 0 or (summed and shape[1] < 2):
        return False
    if vector.shape != shape[1:] or vector.dtype != dtype or not vector.flags.c_contiguous:
        return False
    for matrix in matrices:
        if matrix.shape != shape or matrix.dtype != dtype or not matrix.flags.c_contiguous:
            return False
    return True


def add_bias(outputs, bias) -> None:
    """``fused_layers.add_bias``'s twin."""
    if passable((outputs,), bias):
        LOOPS[outputs.dtype]["add_bias"](outputs, bias)
    else:
        fused_layers.add_bias(outputs, bias)


def add_bias_relu(outputs, bias) -> None:
    """``fused_layers.add_bias_relu``'s twin."""
    if passable((outputs,), bias):
        LOOPS[outputs.dtype]["add_bias_relu"](outputs, bias)
    else:
        fused_layers.add_bias_relu(outputs, bias)


def bias_gradient(gradient, bias_gradient) -> None:
    """``fused_layers.bias_gradient``'s twin."""
    if passable((gradient,), bias_gradient, summed=True):
        LOOPS[gradient.dtype]["bias_gradient"](gradient, bias_gradient)
    else:
        fused_layers.bias_gradient(gradient, bias_gradient)


def relu_bias_gradient(gradient, outputs, bias_gradient) -> None:
    """``fused_layers.relu_bias_gradient``'s twin."""
    if passable((gradient, outputs), bias_gradient, summed=True):
        LOOPS[gradient.dtype]["relu_bias_gradient"](gradient, outputs, bias_gradient)
    else:
        fused_layers.relu_bias_gradient(gradient, outputs, bias_gradient)


def twins() -> dict:
    """The numpy function's name -> its compiled twin."""
    return {function.__name__: function
            for function in (add_bias, add_bias_relu, bias_gradient, relu_bias_gradient)}
