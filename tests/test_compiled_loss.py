"""The fused loss's compiled passes (numba) give the numpy functions' numbers bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

numba = pytest.importorskip("numba")

from compiled_helpers import assert_compiled_twins, assert_same_bits  # noqa: E402

from glassnet import compiled_loss, fused_loss  # noqa: E402

DTYPES = [np.float32, np.float64]
SPECIAL = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-40, -1e-40, -3.5, 1e30, 1e30]
NAMES = ["shift_by_row_maximum", "values_and_gradient"]


def arguments(name, rng, dtype, rows, classes, special):
    """Random arrays for ``name``; with ``special``, zeros of both signs, ties, infinities,
    NaN and subnormals among the (rows, classes) ones."""
    def matrix(shape):
        values = rng.standard_normal(shape).astype(dtype)
        if special:
            count = min(values.size, len(SPECIAL))
            values.flat[:count] = np.array(SPECIAL, dtype=dtype)[rng.permutation(count)]
        return values

    if name == "shift_by_row_maximum":
        return [matrix((rows, classes)), np.empty((rows, 1), dtype),
                np.empty((rows, classes), dtype)], ()
    columns = [matrix((rows, 1)) for _ in range(3)]
    return [*columns, matrix((rows, classes)), np.abs(matrix((rows, 1))),
            matrix((rows, classes)), np.empty(rows, dtype)], (float(rows),)


def run_both(name, values, scalars):
    """``name`` from fused_loss (numpy) and from compiled_loss on copies of ``values``."""
    numpy_values = [value.copy() for value in values]
    compiled_values = [value.copy() for value in values]
    with np.errstate(all="ignore"):
        getattr(fused_loss, name)(*numpy_values, *scalars)
        getattr(compiled_loss, name)(*compiled_values, *scalars)
    return numpy_values, compiled_values


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(NAMES), dtype=st.sampled_from(DTYPES), rows=st.integers(1, 300),
       classes=st.integers(2, 16), special=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_each_compiled_pass_gives_numpys_numbers(name, dtype, rows, classes, special, seed):
    values, scalars = arguments(name, np.random.default_rng(seed), dtype, rows, classes,
                                special)
    assert_same_bits(*run_both(name, values, scalars))


@pytest.mark.parametrize("dtype", DTYPES)
def test_the_row_maximum_keeps_numpys_zero_and_nan(dtype):
    """max(0.0, -0.0) is numpy's second number, -0.0, and max(-0.0, 0.0) is 0.0."""
    rows = np.array([[0.0, -0.0], [-0.0, 0.0], [np.nan, 1.0], [1.0, np.nan], [-np.inf, -1.0]],
                    dtype=dtype)
    values, _ = arguments("shift_by_row_maximum", np.random.default_rng(0), dtype, 5, 2, False)
    values[0] = rows
    numpy_values, compiled_values = run_both("shift_by_row_maximum", values, ())
    assert_same_bits(numpy_values, compiled_values)
    assert list(np.signbit(compiled_values[1][:2, 0])) == [True, False]


@pytest.mark.parametrize("name", NAMES)
def test_each_twin_runs_its_loop_on_what_passes(name, monkeypatch):
    calls = []

    def recorder(key):
        return lambda *values: calls.append(key)

    monkeypatch.setattr(compiled_loss, "LOOPS", {np.dtype(dtype): {key: recorder(key)
                                                                   for key in NAMES}
                                                 for dtype in DTYPES})
    values, scalars = arguments(name, np.random.default_rng(0), np.float32, 5, 3, False)
    getattr(compiled_loss, name)(*values, *scalars)
    assert calls == [name]


def test_what_goes_to_numpy():
    matrix, column = np.ones((3, 4)), np.ones((3, 1))
    assert compiled_loss.passable((matrix,), (column,), (np.ones(3),))
    assert not compiled_loss.passable((matrix,), (np.ones((3, 2)),))  # a column too wide
    assert not compiled_loss.passable((matrix,), (column.astype(np.float32),))  # dtypes
    assert not compiled_loss.passable((matrix,), (column,), (np.ones(4),))  # too long
    assert not compiled_loss.passable((np.ones((4, 3)).T,), (column,))  # not C-contiguous
    assert not compiled_loss.passable((np.ones((0, 4)),), (np.ones((0, 1)),))  # no rows
    assert not compiled_loss.passable((matrix.astype(np.float16),), (column,))
    assert not compiled_loss.passable((np.ones(4),), (column,))  # not a matrix
    assert not compiled_loss.passable((matrix, np.ones((3, 5))), (column,))  # shapes


@pytest.mark.parametrize("count", [np.float64(3.0), np.float32(3.0), "3"])
def test_a_count_that_is_not_a_python_number_goes_to_numpy(count, monkeypatch):
    """A numpy float64 count makes numpy divide a float32 gradient in float64: numpy's."""
    calls = []
    monkeypatch.setattr(compiled_loss, "LOOPS", {np.dtype(dtype): {
        key: (lambda *values: calls.append(values)) for key in NAMES} for dtype in DTYPES})
    values, _ = arguments("values_and_gradient", np.random.default_rng(0), np.float32, 3, 4,
                          False)
    if isinstance(count, str):
        with pytest.raises(TypeError):
            compiled_loss.values_and_gradient(*values, count)
    else:
        compiled_loss.values_and_gradient(*values, count)
    assert calls == []
    compiled_loss.values_and_gradient(*values, 3.0)
    assert len(calls) == 1


@pytest.mark.parametrize("name", NAMES)
def test_a_mismatched_call_raises_as_numpy_does(name):
    values, scalars = arguments(name, np.random.default_rng(0), np.float64, 3, 4, False)
    values[1] = np.ones((4, 1))  # a column of the wrong length: numpy refuses it
    with pytest.raises(ValueError):
        getattr(compiled_loss, name)(*values, *scalars)


def test_no_classes_goes_to_numpy_which_refuses_it():
    """A (batch, 0) array never reaches the loop (it would read past the row): numpy's."""
    assert not compiled_loss.passable((np.ones((3, 0)),), (np.ones((3, 1)),))
    with pytest.raises(ValueError):
        compiled_loss.shift_by_row_maximum(np.ones((3, 0)), np.ones((3, 1)), np.ones((3, 0)))


def test_the_loops_are_compiled_for_both_dtypes_and_handed_out_by_name():
    assert_compiled_twins(compiled_loss, fused_loss, NAMES, DTYPES)
