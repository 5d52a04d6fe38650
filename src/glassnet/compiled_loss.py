"""The fused loss's two passes as numba loops, twins of the functions in ``fused_loss``.

Each loop does, row by row, exactly the numpy function's operations in numpy's order: the
row maximum column after column with ``np.maximum``'s rule (the second of two equal numbers,
so max(0.0, -0.0) is -0.0; NaN wins), as numpy's reduction down the loss's transposed copy
does; then the subtraction, and later (log s + m) - d and (e / s - t) / n, with n cast to the
arrays' dtype as numpy casts a Python float. So the twins give numpy's numbers bit for bit.
Imported only by ``accelerator.set_accelerator``; imports numba.
"""

from __future__ import annotations

import numba
import numpy as np

from glassnet import fused_loss


def compile_passes(dtype) -> dict:
    """The two loops for one dtype (float32 or float64), by the name of the numpy function
    each is the twin of, compiled when this module is imported (or read from numba's cache)."""
    name = np.dtype(dtype).name
    vector, matrix = f"{name}[::1]", f"{name}[:, ::1]"
    compile_loop = numba.njit(nogil=True, cache=True, error_model="numpy")

    @compile_loop
    def shift_loop(predictions, largest, shifted):  # pragma: no cover - compiled
        """``fused_loss.shift_by_row_maximum``: m_i = max_k z_ik, e = z - m."""
        for row in range(predictions.shape[0]):
            maximum = predictions[row, 0]
            for column in range(1, predictions.shape[1]):
                value = predictions[row, column]
                maximum = maximum if maximum > value or maximum != maximum else value
            largest[row, 0] = maximum
            for column in range(predictions.shape[1]):
                shifted[row, column] = predictions[row, column] - maximum

    @compile_loop
    def values_loop(logs, largest, dots, exponentials, sums, targets, values,
                    count):  # pragma: no cover - compiled
        """``fused_loss.values_and_gradient``: l = (log s + m) - d, G = (e / s - t) / n."""
        for row in range(exponentials.shape[0]):
            values[row] = (logs[row, 0] + largest[row, 0]) - dots[row, 0]
            for column in range(exponentials.shape[1]):
                exponentials[row, column] = (exponentials[row, column] / sums[row, 0]
                                             - targets[row, column]) / count

    loops = {"shift_by_row_maximum": (shift_loop, f"void({matrix}, {matrix}, {matrix})"),
             "values_and_gradient": (values_loop, f"void({', '.join([matrix] * 6)}, "
                                                  f"{vector}, {name})")}
    for loop, signature in loops.values():
        loop.compile(signature)
    return {key: loop for key, (loop, _) in loops.items()}


LOOPS = {np.dtype(dtype): compile_passes(dtype) for dtype in (np.float32, np.float64)}


def passable(matrices: tuple, columns: tuple, vectors: tuple = ()) -> bool:
    """Whether the loops give numpy's numbers here: (batch, classes) ``matrices`` of one
    shape with at least one row, (batch, 1) ``columns``, (batch,) ``vectors``, all
    C-contiguous and of one dtype, float32 or float64."""
    dtype, shape = matrices[0].dtype, matrices[0].shape
    if dtype not in LOOPS or len(shape) != 2 or shape[0] == 0 or shape[1] == 0:
        return False
    for arrays, wanted in ((matrices, shape), (columns, (shape[0], 1)), (vectors, shape[:1])):
        for array in arrays:
            if array.shape != wanted or array.dtype != dtype or not array.flags.c_contiguous:
                return False
    return True


def shift_by_row_maximum(predictions, largest, shifted) -> None:
    """``fused_loss.shift_by_row_maximum``'s twin."""
    if passable((predictions, shifted), (largest,)):
        LOOPS[predictions.dtype]["shift_by_row_maximum"](predictions, largest, shifted)
    else:
        fused_loss.shift_by_row_maximum(predictions, largest, shifted)


def values_and_gradient(logs, largest, dots, exponentials, sums, targets, values,
                        count) -> None:
    """``fused_loss.values_and_gradient``'s twin (``count`` a Python number)."""
    if type(count) in (float, int) and passable((exponentials, targets),
                                                (logs, largest, dots, sums), (values,)):
        LOOPS[exponentials.dtype]["values_and_gradient"](
            logs, largest, dots, exponentials, sums, targets, values,
            exponentials.dtype.type(count))
    else:
        fused_loss.values_and_gradient(logs, largest, dots, exponentials, sums, targets,
                                       values, count)


def twins() -> dict:
    """The numpy function's name -> its compiled twin."""
    return {function.__name__: function
            for function in (shift_by_row_maximum, values_and_gradient)}
