"""When training goes wrong: divergence raises TrainingDiverged and keeps finite weights;
Ctrl-C and a KeyboardInterrupt from a callback leave a usable network and an interrupted
History; the SIGINT handler is put back; the same seed gives bit-identical weights."""

from __future__ import annotations

import signal
import threading

import numpy as np
import pytest

from glassnet.callbacks import Callback
from glassnet.layers import Dense, Dropout
from glassnet.losses import SoftmaxCrossEntropy, SquaredError
from glassnet.network import Sequential, mlp
from glassnet.optimizers import SGD, Adam
from glassnet.training import TrainingDiverged, fit


def regression(samples: int = 32, seed: int = 0):
    rng = np.random.default_rng(seed)
    inputs = rng.standard_normal((samples, 3))
    return inputs, inputs @ np.array([1.0, -2.0, 3.0]) + 10.0


class LastWeights(Callback):
    """A copy of the weights at the start of every batch (for the test only)."""

    def on_batch_begin(self, state):
        self.weights = {name: value.copy() for name, value in state.network.parameters().items()}


def test_divergence_with_a_huge_learning_rate_raises_and_keeps_finite_weights():
    inputs, targets = regression()
    network, last = mlp([3, 8, 1], activation="relu", rng=0), LastWeights()
    with np.errstate(over="ignore", invalid="ignore"), \
            pytest.raises(TrainingDiverged, match=r"diverged at epoch \d+, batch \d+") as caught:
        fit(network, inputs, targets, SquaredError(), SGD(10.0), epochs=50, batch_size=8,
            callbacks=[last])
    error = caught.value
    assert error.epoch >= 1 and 1 <= error.batch <= 4
    assert len(error.history) == error.epoch - 1  # the epochs completed before it
    for name, value in network.parameters().items():
        assert np.isfinite(value).all()
        np.testing.assert_array_equal(value, last.weights[name])  # from before the bad batch
    assert np.isfinite(network.predict(inputs)).all()


def test_a_step_that_overflows_finite_weights_puts_back_the_starting_weights():
    inputs, targets = regression()
    network = Sequential([Dense(3, 1, rng=0)])
    start = {name: value.copy() for name, value in network.parameters().items()}
    for epochs in (1, 3):  # caught at the end of fit, or by the next batch
        with np.errstate(over="ignore", invalid="ignore"), \
                pytest.raises(TrainingDiverged, match="when training started"):
            fit(network, inputs, targets, SquaredError(), SGD(1e308), epochs=epochs)
        for name, value in network.parameters().items():
            np.testing.assert_array_equal(value, start[name])


class InterruptAt(Callback):
    """Raises KeyboardInterrupt, or sends SIGINT, at one (epoch, batch)."""

    def __init__(self, epoch: int, batch: int, send_signal: bool = False, times: int = 1):
        self.epoch, self.batch, self.send_signal, self.times = epoch, batch, send_signal, times

    def on_batch_end(self, state):
        if (state.epoch, state.batch) != (self.epoch, self.batch):
            return
        if not self.send_signal:
            raise KeyboardInterrupt
        for _ in range(self.times):
            signal.raise_signal(signal.SIGINT)


def classification():
    rng = np.random.default_rng(1)
    inputs = rng.standard_normal((40, 2))
    return inputs, (inputs[:, 0] > 0).astype(int)


def test_an_interrupt_raised_from_a_callback_leaves_a_usable_network():
    inputs, labels = classification()
    network, optimizer = mlp([2, 4, 2], rng=0), Adam(0.01)
    history = fit(network, inputs, labels, SoftmaxCrossEntropy(), optimizer, epochs=10,
                  batch_size=10, callbacks=[InterruptAt(epoch=3, batch=1)])
    assert history.interrupted and not history.stopped_early
    assert len(history) == 3 and optimizer.iterations == 3 * 4 + 2
    assert np.isfinite(network.predict(inputs)).all()
    more = fit(network, inputs, labels, SoftmaxCrossEntropy(), optimizer, epochs=2)
    assert len(more) == 2 and not more.interrupted


main_thread_only = pytest.mark.skipif(
    threading.current_thread() is not threading.main_thread(),
    reason="signal handlers can only be installed in the main thread")


@main_thread_only
def test_ctrl_c_stops_after_the_current_batch_and_restores_the_handler():
    inputs, labels = classification()
    before = signal.getsignal(signal.SIGINT)
    network, optimizer = mlp([2, 4, 2], rng=0), SGD(0.1)
    history = fit(network, inputs, labels, SoftmaxCrossEntropy(), optimizer, epochs=10,
                  batch_size=10, callbacks=[InterruptAt(2, 1, send_signal=True)])
    assert history.interrupted and len(history) == 3  # the cut epoch is recorded too
    assert optimizer.iterations == 2 * 4 + 2  # it finished the batch it was in, no more
    assert np.isfinite(history["loss"]).all()
    assert signal.getsignal(signal.SIGINT) is before


@main_thread_only
def test_a_second_ctrl_c_raises_at_once():
    inputs, labels = classification()
    before = signal.getsignal(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt):
        fit(mlp([2, 2], rng=0), inputs, labels, SoftmaxCrossEntropy(), SGD(0.1), epochs=5,
            batch_size=10, callbacks=[InterruptAt(1, 0, send_signal=True, times=2)])
    assert signal.getsignal(signal.SIGINT) is before


def test_fit_in_another_thread_leaves_signals_alone():
    inputs, labels = classification()
    results = []

    def train():
        results.append(fit(mlp([2, 2], rng=0), inputs, labels, SoftmaxCrossEntropy(),
                           SGD(0.1), epochs=3))

    worker = threading.Thread(target=train)
    worker.start()
    worker.join()
    assert len(results[0]) == 3


def run_with_everything(seed: int) -> dict[str, np.ndarray]:
    inputs, labels = classification()
    network = Sequential([Dense(2, 8, rng=seed), Dropout(0.3), Dense(8, 2, rng=seed + 1)],
                         rng=seed)
    fit(network, inputs, labels, SoftmaxCrossEntropy(), Adam(0.01), epochs=5, batch_size=7,
        validation_split=0.2, class_weight="balanced", l2=1e-3, metrics=["accuracy"])
    return network.parameters()


def test_the_same_seed_gives_bit_identical_weights_with_dropout_and_a_split():
    first, second, other = run_with_everything(3), run_with_everything(3), run_with_everything(4)
    for name, value in first.items():
        np.testing.assert_array_equal(value, second[name])
    assert any(not np.array_equal(value, other[name]) for name, value in first.items())


def guard_case(flat: bool, dtype=np.float64):
    """A DivergenceGuard and gradients {a, b} that tile one vector (``flat``) or not."""
    from glassnet.safeguards import DivergenceGuard

    vector = np.ones(10, dtype=dtype)
    gradients = ({"a": vector[:4].reshape(2, 2), "b": vector[4:]} if flat
                 else {"a": np.ones((2, 2), dtype=dtype), "b": np.ones(6, dtype=dtype)})
    return DivergenceGuard({"a": np.zeros((2, 2)), "b": np.zeros(6)}), gradients


class Where:
    epoch, batch, history = 0, 2, []


@pytest.mark.parametrize("flat", [True, False])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("position", [0, 3])
def test_the_guard_finds_a_bad_gradient_on_either_path_and_names_it(flat, bad, position):
    guard, gradients = guard_case(flat)
    guard.check(1.0, gradients, Where())  # all finite: no error
    assert (guard.tiling[1] is not None) == flat  # the flat path is taken where it applies
    gradients["b"][position] = bad
    with pytest.raises(TrainingDiverged, match=r"gradient of b is not finite") as caught:
        guard.check(1.0, gradients, Where())
    assert caught.value.batch == 3


@pytest.mark.parametrize("flat", [True, False])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_huge_finite_gradients_whose_sum_overflows_are_not_divergence(flat, dtype):
    guard, gradients = guard_case(flat, dtype)
    for gradient in gradients.values():
        gradient[...] = np.finfo(dtype).max
    with np.errstate(over="ignore"):
        guard.check(1.0, gradients, Where())  # no error
    with pytest.raises(TrainingDiverged, match="the loss is not finite"):
        guard.check(float("nan"), gradients, Where())


def test_the_guard_follows_gradient_arrays_that_are_replaced():
    guard, gradients = guard_case(flat=True)
    guard.check(1.0, gradients, Where())
    replaced = {"a": np.ones((2, 2)), "b": np.full(6, np.inf)}  # no longer one vector
    with pytest.raises(TrainingDiverged, match="gradient of b"):
        guard.check(1.0, replaced, Where())
    assert guard.tiling[1] is None
