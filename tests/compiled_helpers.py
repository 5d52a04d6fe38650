"""Checks shared by the tests of the compiled twins (compiled_layers, compiled_loss)."""

from __future__ import annotations

import numba
import numpy as np


def assert_same_bits(numpy_values, compiled_values):
    """Every number's bits the same, -0.0 included; NaN where numpy has NaN (the sign bit of
    a NaN made from two NaNs depends on the order the compiler adds them in: no number)."""
    for expected, actual in zip(numpy_values, compiled_values, strict=True):
        assert actual.dtype == expected.dtype and actual.shape == expected.shape
        numbers = ~np.isnan(expected)
        np.testing.assert_array_equal(np.isnan(actual), ~numbers)
        np.testing.assert_array_equal(actual[numbers].view(np.uint8),
                                      expected[numbers].view(np.uint8))


def assert_compiled_twins(compiled, reference, names, dtypes):
    """``compiled.LOOPS`` holds, for each dtype, one numba loop per name, compiled for that
    dtype only and without the GIL; ``compiled.twins()`` hands out the twin of each numpy
    function of ``reference`` by that function's name."""
    for dtype in dtypes:
        loops = compiled.LOOPS[np.dtype(dtype)]
        assert sorted(loops) == sorted(names)
        for loop in loops.values():
            assert isinstance(loop, numba.core.registry.CPUDispatcher)
            assert len(loop.signatures) == 1 and loop.targetoptions["nogil"]
            assert str(loop.signatures[0][0].dtype) == np.dtype(dtype).name
    twins = compiled.twins()
    assert sorted(twins) == sorted(names)
    assert all(getattr(reference, name).__name__ == name for name in twins)
