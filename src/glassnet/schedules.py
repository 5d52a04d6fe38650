"""Learning-rate schedules, as callbacks that set ``optimizer.learning_rate``.

Each schedule starts from lr0, the optimizer's learning rate when training begins (or
``initial_learning_rate``), and sets the rate at the start of every epoch e (counted from 0):

    Constant          lr = lr0
    StepDecay         lr = lr0 * factor ** floor(e / every)
    ExponentialDecay  lr = lr0 * rate ** e
    InverseScaling    lr = lr0 / (t + 1) ** power, t = samples stepped on before epoch e
                      (scikit-learn's ``learning_rate="invscaling"``, ``power_t``)
    ReduceOnPlateau   lr = max(lr * factor, min_learning_rate) once ``monitor`` has not
                      improved for ``patience`` epochs (then waits ``cooldown`` epochs)

History records the rate each epoch used. Imports ``callbacks`` and ``validation`` only.
"""

from __future__ import annotations

import math

from glassnet.callbacks import Callback, Monitor
from glassnet.validation import check_fraction, check_positive


class Schedule(Callback):
    """Base class: ``value(epoch, samples_seen)`` is the rate for that epoch."""

    def __init__(self, initial_learning_rate: float | None = None):
        if initial_learning_rate is not None:
            check_positive("initial_learning_rate", initial_learning_rate)
        self.initial_learning_rate = initial_learning_rate
        self.start = initial_learning_rate  # lr0; set from the optimizer when training begins

    def on_train_begin(self, state):
        self.start = self.initial_learning_rate or state.optimizer.learning_rate

    def on_epoch_begin(self, state):
        state.optimizer.learning_rate = self.value(state.epoch, state.samples_seen)

    def value(self, epoch: int, samples_seen: int = 0) -> float:
        raise NotImplementedError

    def __repr__(self) -> str:
        settings = ", ".join(f"{key}={value!r}" for key, value in vars(self).items()
                             if key not in ("start", "tracker", "wait", "cooling"))
        return f"{type(self).__name__}({settings})"


class Constant(Schedule):
    """lr = lr0 every epoch."""

    def value(self, epoch, samples_seen=0):
        return self.start


class StepDecay(Schedule):
    """lr = lr0 * factor ** floor(epoch / every): multiplied by ``factor`` every ``every``."""

    def __init__(self, factor: float = 0.5, every: int = 10,
                 initial_learning_rate: float | None = None):
        super().__init__(initial_learning_rate)
        self.factor = check_fraction("factor", factor, allow_zero=False)
        self.every = check_positive("every", every, integer=True)

    def value(self, epoch, samples_seen=0):
        return self.start * self.factor ** (epoch // self.every)


class ExponentialDecay(Schedule):
    """lr = lr0 * rate ** epoch."""

    def __init__(self, rate: float = 0.96, initial_learning_rate: float | None = None):
        super().__init__(initial_learning_rate)
        self.rate = check_fraction("rate", rate, allow_zero=False, allow_one=True)

    def value(self, epoch, samples_seen=0):
        return self.start * self.rate ** epoch


class InverseScaling(Schedule):
    """lr = lr0 / (t + 1) ** power, t = training samples stepped on before this epoch.

    scikit-learn's "invscaling" (``power_t=0.5``): it updates the rate after each epoch with
    t = samples seen so far, so epoch 0 runs at lr0 and epoch e at lr0 / (e n + 1) ** power.
    """

    def __init__(self, power: float = 0.5, initial_learning_rate: float | None = None):
        super().__init__(initial_learning_rate)
        self.power = check_positive("power", power, allow_zero=True)

    def value(self, epoch, samples_seen=0):
        return self.start / (samples_seen + 1) ** self.power


class ReduceOnPlateau(Schedule):
    """Multiply the rate by ``factor`` when ``monitor`` stalls for ``patience`` epochs.

    An improvement must beat the best value by more than ``min_delta``; after a reduction the
    schedule waits ``cooldown`` epochs, and the rate never goes below ``min_learning_rate``.
    """

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10,
                 min_delta: float = 1e-4, cooldown: int = 0, min_learning_rate: float = 0.0,
                 mode: str = "auto"):
        super().__init__(None)
        self.tracker = Monitor(monitor, mode, min_delta, owner="ReduceOnPlateau")
        self.factor = check_fraction("factor", factor, allow_zero=False)
        self.patience = check_positive("patience", patience, integer=True, allow_zero=True)
        self.cooldown = check_positive("cooldown", cooldown, integer=True, allow_zero=True)
        self.min_learning_rate = check_positive("min_learning_rate", min_learning_rate,
                                                allow_zero=True)

    def on_train_begin(self, state):
        self.tracker.best, self.wait, self.cooling = math.nan, 0, 0

    def on_epoch_begin(self, state):
        pass  # the rate changes only at the end of a stalled epoch

    def on_epoch_end(self, state):
        improved = self.tracker.improved(self.tracker.value(state.logs))
        if self.cooling > 0:
            self.cooling -= 1
            return
        if improved:
            self.wait = 0
            return
        self.wait += 1
        if self.wait >= self.patience:
            optimizer = state.optimizer
            optimizer.learning_rate = max(optimizer.learning_rate * self.factor,
                                          self.min_learning_rate)
            self.wait, self.cooling = 0, self.cooldown
