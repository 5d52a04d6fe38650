"""fit_lbfgs: the same minimum as long full-batch gradient descent, the same History as fit,
weights, L2, callbacks, interrupts, and refusal of what L-BFGS cannot do."""

from __future__ import annotations

import math
import signal
import sys
import threading

import numpy as np
import pytest

from glassnet.callbacks import Callback, EarlyStopping
from glassnet.diagnostics import Diagnostics
from glassnet.layers import Dense, Dropout
from glassnet.losses import BinaryCrossEntropy, SoftmaxCrossEntropy, SquaredError
from glassnet.network import Sequential, mlp
from glassnet.optimizers import SGD
from glassnet.regularization import L2
from glassnet.schedules import StepDecay
from glassnet.solvers import fit_lbfgs
from glassnet.training import TrainingDiverged, fit


def logistic_problem(seed: int = 0):
    rng = np.random.default_rng(seed)
    inputs = rng.standard_normal((60, 3))
    noisy = inputs @ np.array([1.0, -2.0, 0.5]) + rng.standard_normal(60)
    return inputs, (noisy > 0).astype(float)


def objective(network, inputs, targets, l2):
    """Data loss + (l2 / 2) sum ||W||^2 at the network's current weights."""
    data = BinaryCrossEntropy()(network.predict(inputs), targets)
    return data + L2(l2, network.parameters()).value()


def test_lbfgs_reaches_the_loss_of_long_full_batch_gradient_descent():
    inputs, targets = logistic_problem()
    descent = Sequential([Dense(3, 1, rng=0)])
    fit(descent, inputs, targets, BinaryCrossEntropy(), SGD(1.0), epochs=1000, l2=0.05,
        batch_size=None)
    quasi_newton = Sequential([Dense(3, 1, rng=0)])
    history = fit_lbfgs(quasi_newton, inputs, targets, BinaryCrossEntropy(), l2=0.05,
                        tolerance=1e-10)
    assert len(history) < 50  # far fewer passes over the data
    reached = objective(quasi_newton, inputs, targets, 0.05)
    assert reached == pytest.approx(objective(descent, inputs, targets, 0.05), rel=1e-10)
    assert history["loss"][-1] == pytest.approx(reached, rel=1e-12)
    # L-BFGS-B also stops once the loss changes by < ~2e-9 relative (scipy's ftol), so the
    # weights agree less closely than the losses
    for name, value in quasi_newton.parameters().items():
        np.testing.assert_allclose(value, descent.parameters()[name], atol=1e-4)


def test_lbfgs_records_the_same_history_as_fit(tmp_path):
    rng = np.random.default_rng(1)
    inputs = rng.standard_normal((80, 2))
    labels = (inputs[:, 0] * inputs[:, 1] > 0).astype(int)
    network = mlp([2, 8, 2], activation="tanh", rng=0)
    history = fit_lbfgs(network, inputs, labels, SoftmaxCrossEntropy(), max_iterations=30,
                        validation_data=(inputs[:20], labels[:20]), metrics=["accuracy"])
    assert len(history) == 30  # not converged yet: it ran out of iterations
    assert history.keys() == ["epoch", "loss", "accuracy", "val_loss", "val_accuracy",
                              "learning_rate", "time"]
    assert history["epoch"] == list(range(1, 31))
    assert all(math.isnan(rate) for rate in history["learning_rate"])
    assert all(np.diff(history["loss"]) <= 0)  # the line search only accepts decreases
    assert history["loss"][-1] == pytest.approx(
        SoftmaxCrossEntropy()(network.predict(inputs), labels), rel=1e-12)
    history.to_csv(tmp_path / "lbfgs.csv")
    assert (tmp_path / "lbfgs.csv").read_text().startswith("epoch,loss,accuracy,val_loss")


def test_lbfgs_sample_weight_zero_equals_dropping_the_rows():
    inputs, targets = logistic_problem(2)
    weights = np.ones(60)
    weights[::7] = 0
    first, second = Sequential([Dense(3, 1, rng=0)]), Sequential([Dense(3, 1, rng=0)])
    fit_lbfgs(first, inputs, targets, BinaryCrossEntropy(), sample_weight=weights)
    fit_lbfgs(second, inputs[weights > 0], targets[weights > 0], BinaryCrossEntropy())
    for name, value in first.parameters().items():
        np.testing.assert_array_equal(value, second.parameters()[name])


def test_lbfgs_takes_callbacks_that_stop_or_interrupt_it():
    inputs, targets = logistic_problem()
    network = mlp([3, 6, 1], activation="tanh", rng=0)
    stopper = EarlyStopping("loss", patience=2, min_delta=10.0)  # nothing counts as a gain
    history = fit_lbfgs(network, inputs, targets, BinaryCrossEntropy(),
                        callbacks=[stopper, Diagnostics()])
    assert history.stopped_early and len(history) == 3 and stopper.best_epoch == 1
    assert "layers.0.update_ratio" in history and "layers.1.saturated_share" in history

    class Interrupt(Callback):
        def on_epoch_end(self, state):
            if state.epoch == 4:
                raise KeyboardInterrupt

    network = mlp([3, 6, 1], activation="tanh", rng=0)
    history = fit_lbfgs(network, inputs, targets, BinaryCrossEntropy(), callbacks=[Interrupt()])
    assert history.interrupted and len(history) == 5
    assert objective(network, inputs, targets, 0.0) == pytest.approx(history["loss"][-1])


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(),
                    reason="signal handlers can only be installed in the main thread")
def test_ctrl_c_stops_lbfgs_after_the_current_iteration():
    class CtrlC(Callback):
        def on_epoch_end(self, state):
            if state.epoch == 2:
                signal.raise_signal(signal.SIGINT)

    before = signal.getsignal(signal.SIGINT)
    inputs, targets = logistic_problem()
    network = mlp([3, 6, 1], activation="tanh", rng=0)
    history = fit_lbfgs(network, inputs, targets, BinaryCrossEntropy(), callbacks=[CtrlC()])
    assert history.interrupted and not history.stopped_early and len(history) == 3
    assert objective(network, inputs, targets, 0.0) == pytest.approx(history["loss"][-1])
    assert signal.getsignal(signal.SIGINT) is before


def test_lbfgs_keeps_a_float32_network_in_float32():
    inputs, targets = logistic_problem()
    network = mlp([3, 4, 1], rng=0, dtype=np.float32)
    history = fit_lbfgs(network, inputs, targets, BinaryCrossEntropy(), max_iterations=20)
    assert all(value.dtype == np.float32 for value in network.parameters().values())
    assert history["loss"][-1] < history["loss"][0]


def test_lbfgs_raises_training_diverged_and_keeps_finite_weights():
    inputs = np.random.default_rng(0).standard_normal((20, 3)) * 1e200
    network = mlp([3, 4, 1], activation="relu", rng=0)
    start = {name: value.copy() for name, value in network.parameters().items()}
    with np.errstate(over="ignore", invalid="ignore"), \
            pytest.raises(TrainingDiverged, match="L-BFGS diverged at iteration 1: the loss is"):
        fit_lbfgs(network, inputs, np.ones(20), SquaredError())
    for name, value in network.parameters().items():
        np.testing.assert_array_equal(value, start[name])


def test_lbfgs_refuses_dropout_and_schedules():
    inputs, targets = logistic_problem()
    network = Sequential([Dense(3, 4), Dropout(0.5), Dense(4, 1)], rng=0)
    with pytest.raises(ValueError, match=r"deterministic objective, but layer 1 is Dropout"):
        fit_lbfgs(network, inputs, targets, BinaryCrossEntropy())
    with pytest.raises(ValueError, match="sets a learning rate, which L-BFGS does not have"):
        fit_lbfgs(mlp([3, 1], rng=0), inputs, targets, BinaryCrossEntropy(),
                  callbacks=[StepDecay()])


@pytest.mark.parametrize(("arguments", "error", "message"), [
    ({"max_iterations": 0}, ValueError, "max_iterations must be > 0, got 0"),
    ({"max_iterations": 2.5}, TypeError, "max_iterations must be an integer"),
    ({"tolerance": -1e-4}, ValueError, "tolerance must be >= 0, got -0.0001"),
    ({"l2": -1}, ValueError, "l2 must be >= 0, got -1"),
    ({"sample_weight": np.ones(3)}, ValueError, "sample_weight must be 60 numbers"),
    ({"max_evaluations": 0}, ValueError, "max_evaluations must be > 0, got 0"),
    ({"callbacks": "early"}, TypeError, "callbacks must be a list"),
])
def test_lbfgs_refuses_bad_arguments(arguments, error, message):
    inputs, targets = logistic_problem()
    with pytest.raises(error, match=message):
        fit_lbfgs(mlp([3, 1], rng=0), inputs, targets, SquaredError(), **arguments)


def test_lbfgs_without_scipy_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "scipy.optimize", None)  # makes the import fail
    inputs, targets = logistic_problem()
    with pytest.raises(ImportError, match=r'pip install "glassnet\[scipy\]"'):
        fit_lbfgs(mlp([3, 1], rng=0), inputs, targets, BinaryCrossEntropy())
