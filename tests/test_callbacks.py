"""EarlyStopping (patience, min_delta, modes, restoring the best weights), a callback's
stop in the middle of an epoch, and refusal of bad arguments."""

from __future__ import annotations

import numpy as np
import pytest
from training_helpers import train

from glassnet.callbacks import Callback, EarlyStopping
from glassnet.losses import SoftmaxCrossEntropy, SquaredError
from glassnet.network import mlp
from glassnet.optimizers import SGD, Adam
from glassnet.training import fit


class Scripted(Callback):
    """Records a scripted value under ``key`` each epoch and keeps a copy of the weights."""

    def __init__(self, key: str, values):
        self.key, self.values, self.weights = key, list(values), []

    def on_epoch_end(self, state):
        state.logs[self.key] = self.values[state.epoch]
        self.weights.append({name: value.copy()
                             for name, value in state.network.parameters().items()})

def test_early_stopping_stops_after_patience_and_restores_the_best_weights():
    script = Scripted("score_loss", [5, 4, 3, 3.5, 3.2, 3.9, 4, 1, 1, 1])
    stopper = EarlyStopping(monitor="score_loss", patience=3)
    network, history = train([script, stopper])
    assert len(history) == 6 and history.stopped_early and stopper.best_epoch == 3
    for name, value in network.parameters().items():
        np.testing.assert_array_equal(value, script.weights[2][name])  # end of epoch 3
        assert not np.array_equal(value, script.weights[-1][name])

def test_restored_network_has_the_best_recorded_validation_loss():
    rng = np.random.default_rng(5)
    inputs = rng.standard_normal((40, 5))
    targets = inputs[:, 0] + 0.5 * rng.standard_normal(40)  # few samples, much noise
    valid_inputs = rng.standard_normal((40, 5))
    valid_targets = valid_inputs[:, 0] + 0.5 * rng.standard_normal(40)
    network, loss = mlp([5, 64, 1], activation="tanh", rng=0), SquaredError()
    history = fit(network, inputs, targets, loss, Adam(0.02), epochs=300,
                  validation_data=(valid_inputs, valid_targets),
                  callbacks=[EarlyStopping(patience=10)])
    assert history.stopped_early and len(history) < 300
    assert loss(network.predict(valid_inputs), valid_targets) == min(history["val_loss"])
    assert history["val_loss"][-1] > min(history["val_loss"])

def test_without_restoring_the_network_keeps_its_last_weights():
    script = Scripted("score_loss", [3, 2, 2.5, 2.6, 9, 9])
    network, history = train([script, EarlyStopping("score_loss", patience=2,
                                                     restore_best_weights=False)])
    assert len(history) == 4
    for name, value in network.parameters().items():
        np.testing.assert_array_equal(value, script.weights[-1][name])

def test_min_delta_and_the_direction_of_scores():
    small_gains = Scripted("score_loss", [1.0, 0.95, 0.96, 0.5])
    stopper = EarlyStopping("score_loss", patience=2, min_delta=0.06)
    assert len(train([small_gains, stopper])[1]) == 3 and stopper.best_epoch == 1
    accuracy = Scripted("val_accuracy", [0.5, 0.7, 0.6, 0.65, 0.9])
    stopper = EarlyStopping("val_accuracy", patience=2)  # "auto": higher is better
    assert len(train([accuracy, stopper])[1]) == 4 and stopper.best_epoch == 2
    forced = Scripted("custom", [0.5, 0.7, 0.6, 0.65, 0.9])
    stopper = EarlyStopping("custom", patience=2, mode="min")
    assert len(train([forced, stopper])[1]) == 3 and stopper.best_epoch == 1

def test_nan_never_counts_as_an_improvement():
    script = Scripted("score_loss", [1.0, float("nan"), float("nan"), 0.5])
    stopper = EarlyStopping("score_loss", patience=2)
    assert len(train([script, stopper])[1]) == 3 and stopper.best_epoch == 1

def test_monitoring_an_unrecorded_value_says_what_to_pass():
    with pytest.raises(ValueError, match="monitors 'val_loss', which was not recorded "
                                         r"\(pass validation_data or validation_split"):
        train([EarlyStopping()])

def test_interrupted_training_also_gets_the_best_weights_back():
    class Interrupt(Callback):
        def on_epoch_end(self, state):
            if state.epoch == 4:
                raise KeyboardInterrupt

    script = Scripted("score_loss", [3, 1, 2, 2, 2, 2])
    network, history = train([script, EarlyStopping("score_loss", patience=9), Interrupt()])
    assert history.interrupted and len(history) == 5
    for name, value in network.parameters().items():
        np.testing.assert_array_equal(value, script.weights[1][name])

@pytest.mark.parametrize(("arguments", "error", "message"), [
    ({"patience": -1}, ValueError, "patience must be >= 0, got -1"),
    ({"patience": 2.5}, TypeError, "patience must be an integer, got 2.5"),
    ({"min_delta": -0.1}, ValueError, "min_delta must be >= 0, got -0.1"),
    ({"monitor": ""}, ValueError, "monitor must be a recorded key"),
    ({"monitor": 3}, ValueError, "monitor must be a recorded key .* got 3"),
    ({"mode": "up"}, ValueError, "mode must be 'auto', 'min' or 'max', got 'up'"),
])
def test_early_stopping_refuses_bad_arguments(arguments, error, message):
    with pytest.raises(error, match=message):
        EarlyStopping(**arguments)

def test_a_callback_may_stop_in_the_middle_of_an_epoch():
    class StopAtBatch(Callback):
        def on_batch_end(self, state):
            state.stop_training = state.epoch == 1 and state.batch == 1

    optimizer = SGD(0.1)
    rng = np.random.default_rng(0)
    history = fit(mlp([2, 2], rng=0), rng.standard_normal((30, 2)), np.arange(30) % 2,
                  SoftmaxCrossEntropy(), optimizer, epochs=5, batch_size=10,
                  callbacks=[StopAtBatch()])
    assert history.stopped_early and len(history) == 2 and optimizer.iterations == 3 + 2
