"""The compiled optimizer steps (numba) give the numpy steps' numbers bit for bit."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

numba = pytest.importorskip("numba")

from glassnet import compiled_steps, optimizers  # noqa: E402

DTYPES = [np.float32, np.float64]
SPECIAL = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-40, -3.5, 1e30]


def vectors(rng, dtype, size, count, special=False):
    """``count`` random vectors; with ``special``, infinities, NaN, zeros and tiny numbers
    sit in the first elements of each."""
    arrays = [rng.standard_normal(size).astype(dtype) for _ in range(count)]
    if special:
        for array in arrays:
            array[:len(SPECIAL)] = np.array(SPECIAL, dtype=dtype)[:size]
    return arrays


def run_both(name, arrays, scalars):
    """``name`` from optimizers and from compiled_steps on copies of the same arrays."""
    numpy_arrays = [array.copy() for array in arrays]
    compiled_arrays = [array.copy() for array in arrays]
    with np.errstate(all="ignore"):  # infinities and NaN among the special values
        getattr(optimizers, name)(*numpy_arrays, *scalars)
    getattr(compiled_steps, name)(*compiled_arrays, *scalars)
    return numpy_arrays, compiled_arrays


def assert_same(numpy_arrays, compiled_arrays, checked):
    for index in checked:  # NaN where numpy has NaN, every other number equal, -0.0 too
        np.testing.assert_array_equal(compiled_arrays[index], numpy_arrays[index])
        assert np.array_equal(np.signbit(compiled_arrays[index]),
                              np.signbit(numpy_arrays[index]))


STEPS = {  # name: (vectors it takes, indices of those it changes, scalars drawn below)
    "adam_step": (5, (0, 2, 3), 4),
    "plain_step": (3, (0,), 1),
    "momentum_step": (4, (0, 3), 2),
    "nesterov_step": (5, (0, 3), 2),
}


@pytest.mark.parametrize("special", [False, True])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(STEPS))
@settings(max_examples=25, deadline=None)
@given(size=st.integers(1, 300), seed=st.integers(0, 2**32 - 1),
       fractions=st.lists(st.floats(0.0, 1.0), min_size=4, max_size=4))
def test_each_compiled_step_equals_the_numpy_step_bit_for_bit(name, dtype, special, size,
                                                               seed, fractions):
    count, changed, scalar_count = STEPS[name]
    arrays = vectors(np.random.default_rng(seed), dtype, size, count, special)
    if name == "adam_step":
        arrays[3] = np.abs(arrays[3])  # v is a running mean of squares
        scalars = (fractions[0], fractions[1], 1e-8 + fractions[2], 1e-3 + fractions[3])
    else:
        scalars = (0.01 + fractions[0], fractions[1])[:scalar_count]
    assert_same(*run_both(name, arrays, scalars), changed)


@pytest.mark.parametrize("name", sorted(STEPS))
def test_the_twin_hands_other_dtypes_and_strided_vectors_to_numpy(name, rng):
    count, changed, scalar_count = STEPS[name]
    scalars = (0.9, 0.999, 1e-8, 1e-3)[:scalar_count] if name == "adam_step" else (
        0.1, 0.5)[:scalar_count]
    for arrays in ([a.astype(np.float16) for a in vectors(rng, np.float64, 40, count)],
                   [a[::2] for a in vectors(rng, np.float64, 80, count)],
                   [*vectors(rng, np.float32, 40, 1), *vectors(rng, np.float64, 40, count - 1)]):
        assert not compiled_steps.compilable(tuple(arrays))
        numpy_arrays, compiled_arrays = run_both(name, arrays, scalars)
        assert_same(numpy_arrays, compiled_arrays, changed)


def test_adam_steps_many_times_and_still_equal(rng):
    """Thirty Adam steps of a float32 vector, moments carried over, as ``update_vector``
    runs them (bias correction folded into epsilon and the step size)."""
    numpy_arrays = vectors(rng, np.float32, 1000, 5)
    numpy_arrays[2][:] = numpy_arrays[3][:] = 0
    compiled_arrays = [array.copy() for array in numpy_arrays]
    for t in range(1, 31):
        gradient = rng.standard_normal(1000).astype(np.float32)
        numpy_arrays[1][:] = compiled_arrays[1][:] = gradient
        root = math.sqrt(1 - 0.999**t)  # a Python float, as in update_vector
        scalars = (0.9, 0.999, 1e-8 * root, 1e-3 * root / (1 - 0.9**t))
        optimizers.adam_step(*numpy_arrays, *scalars)
        compiled_steps.adam_step(*compiled_arrays, *scalars)
    assert_same(numpy_arrays, compiled_arrays, (0, 2, 3))


@pytest.mark.parametrize("scalar", [np.float64(1e-3), np.float16(1e-3), np.longdouble(1e-3)])
def test_a_numpy_scalar_of_another_dtype_goes_to_numpy(scalar, rng):
    """numpy steps a float32 vector in float64 when the step size is a float64 scalar; the
    twin hands such a call to numpy, so the numbers still agree."""
    arrays = vectors(rng, np.float32, 500, 5)
    arrays[3] = np.abs(arrays[3])
    scalars = (0.9, 0.999, 1e-8, scalar)
    assert not compiled_steps.compilable(tuple(arrays), scalars)
    assert compiled_steps.compilable(tuple(arrays), (0.9, 1, np.float32(0.5)))
    assert_same(*run_both("adam_step", arrays, scalars), (0, 2, 3))


def test_every_loop_is_compiled_for_both_dtypes_when_imported():
    """The loops are numba's, compiled (or read from its cache) at import for float32 and
    float64, so no training step waits for the compiler; plain Python loops would give the
    same numbers, only slowly."""
    loops = [compiled_steps.adam_loop, compiled_steps.plain_loop,
             compiled_steps.momentum_loop, compiled_steps.nesterov_loop]
    for loop in loops:
        assert isinstance(loop, numba.core.registry.CPUDispatcher)
        assert {str(signature[0]) for signature in loop.signatures} == {
            "array(float32, 1d, C)", "array(float64, 1d, C)"}
        assert loop.targetoptions["nogil"]  # so elementwise.split's threads run at once
