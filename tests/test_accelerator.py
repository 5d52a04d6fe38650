"""The optional accelerator: chosen by name, numpy by default, the same training bit for bit."""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest

import glassnet
from glassnet import SGD, Adam, SoftmaxCrossEntropy, fit, mlp
from glassnet.accelerator import compilable, get_accelerator, set_accelerator, twin
from glassnet.optimizers import adam_step


@pytest.fixture
def numba_steps():
    """The accelerator set for one test, and numpy again after it."""
    pytest.importorskip("numba")
    set_accelerator("numba")
    yield
    set_accelerator(None)


def test_numpy_is_the_default_and_none_turns_the_accelerator_off(numba_steps):
    assert get_accelerator() == "numba" and glassnet.get_accelerator() == "numba"
    assert twin(adam_step) is not adam_step and twin(adam_step).__module__.endswith(
        "compiled_steps")
    set_accelerator(None)
    assert get_accelerator() is None and twin(adam_step) is adam_step


@pytest.mark.parametrize("bad", ["numpy", "NUMBA", "", 1, "numba "])
def test_an_unknown_accelerator_is_refused_and_nothing_changes(bad):
    with pytest.raises(ValueError, match="unknown accelerator"):
        set_accelerator(bad)
    assert get_accelerator() is None and twin(adam_step) is adam_step


def test_without_numba_the_message_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "numba", None)  # import numba now fails
    monkeypatch.delitem(sys.modules, "glassnet.compiled_steps", raising=False)
    with pytest.raises(ImportError, match=r"glassnet\[fast\]"):
        set_accelerator("numba")
    assert get_accelerator() is None


def test_importing_glassnet_does_not_import_numba():
    code = "import sys, glassnet; glassnet.fit; print('numba' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"


def train(optimizer, dtype, rng_seed=3):
    """A small classifier trained by ``fit`` with ``optimizer``; its parameter vector."""
    rng = np.random.default_rng(rng_seed)
    inputs = rng.standard_normal((300, 6)).astype(dtype)
    labels = (inputs[:, 0] + inputs[:, 1] ** 2 > 1).astype(int) + (inputs[:, 2] > 0)
    network = mlp([6, 16, 8, 3], rng=0, dtype=dtype)
    fit(network, inputs, labels, loss=SoftmaxCrossEntropy(), optimizer=optimizer, epochs=4,
        batch_size=32, rng=0, verbose=0)
    return np.concatenate([value.ravel() for value in network.parameters().values()])


OPTIMIZERS = [lambda: Adam(0.01), lambda: SGD(0.05), lambda: SGD(0.05, momentum=0.9),
              lambda: SGD(0.05, momentum=0.9, nesterov=True)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("make_optimizer", OPTIMIZERS)
def test_fit_with_the_accelerator_gives_numpys_weights_bit_for_bit(make_optimizer, dtype):
    pytest.importorskip("numba")
    expected = train(make_optimizer(), dtype)
    set_accelerator("numba")
    try:
        accelerated = train(make_optimizer(), dtype)
    finally:
        set_accelerator(None)
    np.testing.assert_array_equal(accelerated, expected)
    assert not np.array_equal(expected, train(make_optimizer(), dtype, rng_seed=4))


def test_the_compiled_step_runs_on_threads_too(numba_steps):
    """``elementwise.split`` hands the compiled step its slices, bit for bit one thread."""
    from glassnet import elementwise

    results = []
    for threads in (1, 2):
        elementwise.set_threads(threads)
        try:
            vector = np.linspace(-1, 1, 3 * elementwise.MINIMUM_SLICE)
            state = {}
            for step in range(3):
                Adam(0.1).update_vector(vector, np.cos(vector * (step + 1)), state)
            results.append(vector)
        finally:
            elementwise.set_threads(1)
    np.testing.assert_array_equal(results[0], results[1])


VECTOR32, VECTOR64 = np.zeros(8, np.float32), np.zeros(8)


@pytest.mark.parametrize("arrays, scalars", [
    ((VECTOR32, VECTOR32), ()), ((VECTOR64,), ()), ((VECTOR64, VECTOR64, VECTOR64), (0.5, 3)),
    ((VECTOR32, VECTOR32), (0.9, 1, np.float32(0.5))), ((VECTOR64, VECTOR64), (np.float64(2),)),
])
def test_what_the_compiled_loops_take(arrays, scalars):
    assert compilable(arrays, scalars)


@pytest.mark.parametrize("arrays, scalars", [
    ((VECTOR32.astype(np.float16), VECTOR32.astype(np.float16)), ()),  # another dtype
    ((VECTOR32.astype(np.int64), VECTOR32.astype(np.int64)), ()),
    ((VECTOR32, VECTOR64), ()), ((VECTOR64, VECTOR32), ()),  # mixed dtypes
    ((VECTOR64, VECTOR64.reshape(2, 4)), ()), ((VECTOR64.reshape(2, 4),), ()),  # not 1-D
    ((VECTOR64, np.zeros(16)[::2]), ()), ((np.zeros(16)[::2], VECTOR64), ()),  # strided
    ((VECTOR32, VECTOR32), (np.float64(0.5),)),  # numpy would step in float64
    ((VECTOR32, VECTOR32), (0.5, np.float16(0.5))), ((VECTOR64, VECTOR64), ("0.5",)),
    ((VECTOR64, VECTOR64), (np.longdouble(0.5),)), ((VECTOR64, VECTOR64), (None,)),
    ((VECTOR64, VECTOR64), (Fraction(1, 3),)), ((VECTOR64, VECTOR64), (True,)),
])
def test_what_goes_to_numpy(arrays, scalars):
    """(A float64 dtype equals None in numpy, so a scalar without a dtype must not be
    compared by its dtype: a string or a Fraction would pass as float64.)"""
    assert not compilable(arrays, scalars)
