"""Learning-rate schedules: the rates each epoch used, worked out by hand, and bad arguments."""

from __future__ import annotations

import math

import numpy as np
import pytest

from glassnet.callbacks import Callback
from glassnet.losses import SquaredError
from glassnet.network import mlp
from glassnet.optimizers import SGD
from glassnet.schedules import (
    Constant,
    ExponentialDecay,
    InverseScaling,
    ReduceOnPlateau,
    StepDecay,
)
from glassnet.training import fit

INPUTS = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
TARGETS = np.array([1.0, 1.0, 0.0, 0.0])


def rates(schedule, epochs: int, learning_rate: float = 0.1, extra=(), batch_size=None):
    optimizer = SGD(learning_rate)
    history = fit(mlp([2, 1], rng=0), INPUTS, TARGETS, SquaredError(), optimizer,
                  epochs=epochs, batch_size=batch_size, callbacks=[*extra, schedule])
    return history["learning_rate"], optimizer


def test_constant():
    assert rates(Constant(), 3)[0] == [0.1, 0.1, 0.1]
    assert rates(Constant(initial_learning_rate=0.05), 2)[0] == [0.05, 0.05]


def test_step_decay_halves_every_two_epochs():
    # 0.1 * 0.5 ** floor(e / 2) for e = 0..4
    assert rates(StepDecay(factor=0.5, every=2), 5)[0] == [0.1, 0.1, 0.05, 0.05, 0.025]


def test_exponential_decay():
    # 0.2 * 0.9 ** e: 0.2, 0.18, 0.162, 0.1458
    assert rates(ExponentialDecay(0.9), 4, learning_rate=0.2)[0] == pytest.approx(
        [0.2, 0.18, 0.162, 0.1458], rel=1e-15)


def test_inverse_scaling_counts_samples_as_scikit_learn_does():
    # 4 samples per epoch: before epoch e, t = 4 e samples; lr = 0.1 / (t + 1) ** 0.5
    used, optimizer = rates(InverseScaling(power=0.5), 4, batch_size=2)
    assert used == pytest.approx([0.1, 0.1 / math.sqrt(5), 0.1 / 3, 0.1 / math.sqrt(13)],
                                 rel=1e-15)
    assert optimizer.iterations == 8
    assert InverseScaling(0.25, initial_learning_rate=1.0).value(0, samples_seen=15) == 0.5


def test_default_settings():
    # StepDecay halves every 10 epochs, ExponentialDecay multiplies by 0.96 an epoch,
    # InverseScaling has power 0.5 (scikit-learn's power_t), from lr0 = 1.
    assert [StepDecay(initial_learning_rate=1.0).value(e) for e in (0, 9, 10, 19, 20)] == [
        1.0, 1.0, 0.5, 0.5, 0.25]
    assert ExponentialDecay(initial_learning_rate=1.0).value(2) == pytest.approx(0.96**2,
                                                                                 rel=1e-15)
    assert InverseScaling(initial_learning_rate=1.0).value(3, samples_seen=3) == 0.5
    assert InverseScaling(initial_learning_rate=1.0).value(3) == 1.0  # no samples seen yet
    assert Constant(initial_learning_rate=0.3).value(7, samples_seen=100) == 0.3


def test_schedule_repr_shows_the_settings():
    assert repr(StepDecay(factor=0.25, every=3)) == (
        "StepDecay(initial_learning_rate=None, factor=0.25, every=3)")
    assert repr(InverseScaling()) == "InverseScaling(initial_learning_rate=None, power=0.5)"


class Script(Callback):
    def __init__(self, values, key="watched_loss"):
        self.values, self.key = values, key

    def on_epoch_end(self, state):
        state.logs[self.key] = self.values[state.epoch]


def test_reduce_on_plateau_after_patience_epochs_without_improvement():
    values = [1.0, 0.9, 0.95, 0.96, 0.97, 0.85, 0.9, 0.9]
    schedule = ReduceOnPlateau("watched_loss", factor=0.5, patience=2, min_delta=0.0)
    used, optimizer = rates(schedule, 8, learning_rate=1.0, extra=[Script(values)])
    # epochs 3 and 4 do not improve on 0.9: the rate halves for epoch 5; epoch 6 improves;
    # epochs 7 and 8 stall again: halved once more after the last epoch
    assert used == [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5]
    assert optimizer.learning_rate == 0.25


def test_reduce_on_plateau_cooldown_and_floor():
    values = [1.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]
    schedule = ReduceOnPlateau("watched_loss", factor=0.1, patience=1, cooldown=1,
                               min_learning_rate=0.005)
    used, _ = rates(schedule, 7, learning_rate=1.0, extra=[Script(values)])
    # reduce after epoch 2, cool down in epoch 3, reduce after 4, cool 5, reduce after 6
    assert used == pytest.approx([1.0, 1.0, 0.1, 0.1, 0.01, 0.01, 0.005])


def test_reduce_on_plateau_defaults_wait_ten_epochs_then_divide_by_ten():
    # val_loss falls by 5e-5 after the first epoch, less than the default min_delta of 1e-4:
    # no epoch after the first improves, so the rate is multiplied by 0.1 after the 10th
    # stalled epoch (epoch 11 counted from 1).
    values = [1.0] + [1.0 - 5e-5] * 12
    used, _ = rates(ReduceOnPlateau(), 13, learning_rate=1.0, extra=[Script(values, "val_loss")])
    assert used == pytest.approx([1.0] * 11 + [0.1] * 2, rel=1e-15)


@pytest.mark.parametrize(("make", "error", "message"), [
    (lambda: StepDecay(factor=0), ValueError, r"factor must be in \(0, 1\), got 0"),
    (lambda: StepDecay(factor=1.0), ValueError, "factor must be in"),
    (lambda: StepDecay(every=0), ValueError, "every must be > 0, got 0"),
    (lambda: StepDecay(every=1.5), TypeError, "every must be an integer, got 1.5"),
    (lambda: ExponentialDecay(0), ValueError, r"rate must be in \(0, 1\], got 0"),
    (lambda: ExponentialDecay(1.5), ValueError, "rate must be in"),
    (lambda: InverseScaling(-0.5), ValueError, "power must be >= 0, got -0.5"),
    (lambda: Constant(initial_learning_rate=-1), ValueError,
     "initial_learning_rate must be > 0, got -1"),
    (lambda: ReduceOnPlateau(factor=2.0), ValueError, "factor must be in"),
    (lambda: ReduceOnPlateau(patience=-1), ValueError, "patience must be >= 0, got -1"),
    (lambda: ReduceOnPlateau(cooldown=0.5), TypeError, "cooldown must be an integer"),
    (lambda: ReduceOnPlateau(min_learning_rate=-1.0), ValueError,
     "min_learning_rate must be >= 0, got -1.0"),
    (lambda: ReduceOnPlateau(monitor=""), ValueError, "monitor must be a recorded key"),
])
def test_schedules_refuse_bad_arguments(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_reduce_on_plateau_names_a_missing_monitor():
    with pytest.raises(ValueError, match="ReduceOnPlateau monitors 'val_loss'"):
        rates(ReduceOnPlateau(), 2)


def test_reduce_on_plateau_counts_a_nan_as_a_stalled_epoch_from_the_first_one():
    # as Keras does: NaN never improves, so with patience 1 the rate halves after epoch 1
    values = [math.nan, 1.0, 2.0]
    schedule = ReduceOnPlateau("watched_loss", factor=0.5, patience=1)
    used, optimizer = rates(schedule, 3, learning_rate=1.0, extra=[Script(values)])
    assert used == [1.0, 0.5, 0.5]
    assert optimizer.learning_rate == 0.25


def test_reduce_on_plateau_default_min_delta_counts_a_fall_of_two_ten_thousandths():
    # val_loss falls by 2e-4 every epoch, more than the default min_delta of 1e-4: every
    # epoch improves, so the rate is never reduced (the test above bounds it from below)
    values = [1.0 - 2e-4 * epoch for epoch in range(13)]
    used, _ = rates(ReduceOnPlateau(), 13, learning_rate=1.0, extra=[Script(values, "val_loss")])
    assert used == [1.0] * 13


def test_reduce_on_plateau_starts_each_fit_with_no_stalled_epoch():
    # patience 2: the NaN of epoch 1 is one stalled epoch, epoch 2 improves, epochs 3 and 4
    # stall: the rate halves only after epoch 4; a second fit starts counting afresh
    values = [math.nan, 1.0, 2.0, 3.0]
    schedule = ReduceOnPlateau("watched_loss", factor=0.5, patience=2)
    used, optimizer = rates(schedule, 4, learning_rate=1.0, extra=[Script(values)])
    assert used == [1.0, 1.0, 1.0, 1.0] and optimizer.learning_rate == 0.5
    used, optimizer = rates(schedule, 2, learning_rate=1.0, extra=[Script([math.nan, 1.0])])
    assert used == [1.0, 1.0] and optimizer.learning_rate == 1.0


def test_reduce_on_plateau_refuses_a_factor_of_zero_and_a_fractional_patience():
    with pytest.raises(ValueError, match="factor must be in"):
        ReduceOnPlateau(factor=0.0)
    with pytest.raises(TypeError, match="patience must be an integer"):
        ReduceOnPlateau(patience=1.5)


def test_reduce_on_plateau_cools_down_for_cooldown_epochs_and_by_default_none():
    values = [1.0] + [2.0] * 7
    schedule = ReduceOnPlateau("watched_loss", factor=0.5, patience=1, cooldown=2)
    used, _ = rates(schedule, 8, learning_rate=1.0, extra=[Script(values)])
    # reduce after epoch 2, cool down in epochs 3 and 4, reduce after 5, cool 6 and 7, reduce
    assert used == [1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25]
    assert ReduceOnPlateau().cooldown == 0
    used, _ = rates(ReduceOnPlateau("watched_loss", factor=0.5, patience=1), 4,
                    learning_rate=1.0, extra=[Script([1.0, 2.0, 2.0, 2.0])])
    assert used == [1.0, 1.0, 0.5, 0.25]  # no cooldown: every stalled epoch counts
