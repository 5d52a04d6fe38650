"""The compiled fused passes (numba) give the numpy functions' numbers bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

numba = pytest.importorskip("numba")

from compiled_helpers import assert_compiled_twins, assert_same_bits  # noqa: E402

from glassnet import compiled_layers, fused_layers  # noqa: E402

DTYPES = [np.float32, np.float64]
SPECIAL = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-40, -1e-40, -3.5, 1e30]
NAMES = ["add_bias", "add_bias_relu", "bias_gradient", "relu_bias_gradient"]


def arguments(name, rng, dtype, rows, features, special):
    """Random arrays for ``name``: (rows, features) matrices and a (features,) vector; with
    ``special``, zeros of both signs, infinities, NaN and subnormals among them."""
    def matrix():
        values = rng.standard_normal((rows, features)).astype(dtype)
        if special:
            count = min(values.size, len(SPECIAL))
            values.flat[:count] = np.array(SPECIAL, dtype=dtype)[rng.permutation(count)]
        return values

    vector = rng.standard_normal(features).astype(dtype)
    if name == "relu_bias_gradient":
        return [matrix(), matrix(), vector]
    return [matrix(), vector]


def run_both(name, values):
    """``name`` from fused_layers (numpy) and from compiled_layers on copies of ``values``."""
    numpy_values = [value.copy() for value in values]
    compiled_values = [value.copy() for value in values]
    with np.errstate(all="ignore"):  # infinities and NaN among the special values
        getattr(fused_layers, name)(*numpy_values)
    getattr(compiled_layers, name)(*compiled_values)
    return numpy_values, compiled_values


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(NAMES), dtype=st.sampled_from(DTYPES),
       rows=st.integers(1, 300), features=st.integers(2, 40), special=st.booleans(),
       seed=st.integers(0, 2**32 - 1))
def test_each_compiled_pass_gives_numpys_numbers(name, dtype, rows, features, special, seed):
    values = arguments(name, np.random.default_rng(seed), dtype, rows, features, special)
    assert_same_bits(*run_both(name, values))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", NAMES)
def test_w3_and_w2_sized_arrays(name, dtype):
    """The sizes of the benchmark's layers, where numpy's own loops are vectorised."""
    for rows, features in [(128, 256), (128, 128), (200, 100), (200, 10)]:
        values = arguments(name, np.random.default_rng(rows), dtype, rows, features, True)
        assert_same_bits(*run_both(name, values))


@pytest.mark.parametrize("name", ["bias_gradient", "relu_bias_gradient"])
def test_one_feature_is_summed_by_numpy(name, monkeypatch):
    """numpy sums a single column pairwise, not row after row: that case is numpy's."""
    calls = []
    monkeypatch.setattr(compiled_layers, "LOOPS", {np.dtype(dtype): {key: calls.append
                                                                      for key in NAMES}
                                                   for dtype in DTYPES})
    values = arguments(name, np.random.default_rng(0), np.float64, 1000, 1, False)
    assert_same_bits(*run_both(name, values))
    assert calls == []
    assert not compiled_layers.passable((values[0],), values[-1], summed=True)
    assert compiled_layers.passable((values[0],), values[-1])  # adding a bias is compiled
    two = arguments(name, np.random.default_rng(0), np.float64, 1000, 2, False)
    assert compiled_layers.passable((two[0],), two[-1], summed=True)  # two: row by row


@pytest.mark.parametrize("name", NAMES)
def test_each_twin_runs_its_loop_on_what_passes(name, monkeypatch):
    calls = []

    def recorder(key):
        return lambda *values: calls.append(key)

    loops = {np.dtype(dtype): {key: recorder(key) for key in NAMES} for dtype in DTYPES}
    monkeypatch.setattr(compiled_layers, "LOOPS", loops)
    values = arguments(name, np.random.default_rng(0), np.float32, 5, 3, False)
    getattr(compiled_layers, name)(*values)
    assert calls == [name]


@pytest.mark.parametrize("values", [
    lambda: (np.ones((3, 4), np.float32), np.ones(4)),  # mixed dtypes
    lambda: (np.ones((4, 3)).T, np.ones(4)),  # not C-contiguous
    lambda: (np.ones((3, 4)), np.ones(5)),  # a bias of the wrong width
    lambda: (np.ones((0, 4)), np.ones(4)),  # no rows
    lambda: (np.ones((3, 4), np.float16), np.ones(4, np.float16)),  # another dtype
    lambda: (np.ones(4), np.ones(4)),  # not a matrix
    lambda: (np.ones((3, 8))[:, ::2], np.ones(4)),  # a strided view
], ids=["mixed", "fortran", "width", "empty", "float16", "vector", "strided"])
def test_what_goes_to_numpy(values):
    matrix, vector = values()
    assert not compiled_layers.passable((matrix,), vector)
    assert not compiled_layers.passable((np.ones((3, 4)), matrix), np.ones(4)) or (
        matrix.shape == (3, 4) and matrix.dtype == np.float64 and matrix.flags.c_contiguous)


@pytest.mark.parametrize("name", NAMES)
def test_a_mismatched_call_raises_as_numpy_does(name):
    """A bias of the wrong width goes to numpy, which refuses it (never a read past it)."""
    values = [np.ones((3, 4)), np.ones(5)]
    if name == "relu_bias_gradient":
        values.insert(1, np.ones((3, 4)))
    with pytest.raises(ValueError):
        getattr(compiled_layers, name)(*values)
    if name == "relu_bias_gradient":
        with pytest.raises(ValueError):
            compiled_layers.relu_bias_gradient(np.ones((3, 4)), np.ones((3, 5)), np.ones(4))


def test_the_loops_are_compiled_for_both_dtypes_and_handed_out_by_name():
    assert_compiled_twins(compiled_layers, fused_layers, NAMES, DTYPES)
