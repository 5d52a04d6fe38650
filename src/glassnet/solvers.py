"""Full-batch solvers. ``fit_lbfgs``: L-BFGS through ``scipy.optimize.minimize``.

L-BFGS minimises the whole training objective (every sample at once, as scikit-learn's MLP
``solver="lbfgs"`` does) and is often the best choice for small data sets. It records the
same History as ``fit``, one record per L-BFGS iteration. scipy is imported lazily, inside
``fit_lbfgs`` only (``pip install "glassnet[scipy]"``). Imports numpy and the core modules.
"""

from __future__ import annotations

import math
import time

import numpy as np

from glassnet.evaluation import Evaluation
from glassnet.history import History
from glassnet.layers import Dropout
from glassnet.regularization import weight_decay
from glassnet.safeguards import Interruption, TrainingDiverged
from glassnet.schedules import Schedule
from glassnet.training import TrainingState, training_step
from glassnet.training_arguments import as_callbacks, as_loss
from glassnet.training_data import training_and_validation
from glassnet.validation import as_rng, check_positive


class LBFGS:
    """Stands in for the optimizer in the training state; L-BFGS has no learning rate."""

    learning_rate = math.nan

    def __repr__(self) -> str:
        return "LBFGS()"


class Objective:
    """f(theta) = loss + L2 penalty and its gradient, theta = every parameter flattened.

    scipy works on one float64 vector; ``load`` copies it into the network's arrays (cast to
    the network's dtype) and each call runs ``training_step`` (fit's per-batch step) on the
    full data set.
    """

    def __init__(self, network, loss, data, penalty):
        self.network, self.loss, self.data, self.penalty = network, loss, data, penalty
        self.parameters = network.parameters()
        self.last: np.ndarray | None = None
        self.value, self.gradient = math.nan, None

    def pack(self, arrays: dict[str, np.ndarray]) -> np.ndarray:
        return np.concatenate([arrays[name].ravel() for name in self.parameters]).astype(
            np.float64)

    def load(self, vector: np.ndarray) -> None:
        start = 0
        for value in self.parameters.values():
            np.copyto(value, vector[start:start + value.size].reshape(value.shape),
                      casting="same_kind")
            start += value.size

    def __call__(self, vector: np.ndarray) -> tuple[float, np.ndarray]:
        if self.last is not None and np.array_equal(vector, self.last):
            return self.value, self.gradient
        self.load(vector)
        data = self.data
        value = training_step(self.network, self.loss, data.inputs, data.targets, data.weights,
                              self.penalty)
        gradient = self.pack(self.network.gradients())
        self.last, self.value, self.gradient = vector.copy(), float(value), gradient
        return self.value, self.gradient


class Stop(Exception):  # noqa: N818 (a signal between our callback and fit_lbfgs, not an error)
    """Raised from the iteration callback to leave scipy's loop."""


def fit_lbfgs(network, inputs, targets, loss, max_iterations: int = 200,
              tolerance: float = 1e-4, l2: float = 0.0, sample_weight=None, callbacks=(),
              *, validation_data=None, metrics=(), class_weight=None,
              max_evaluations: int = 15000, verbose: int | str = "auto") -> History:
    """Train ``network`` in place by full-batch L-BFGS-B and return its History.

    Minimises L = sum_i w_i l_i / sum_i w_i + (l2 / 2) sum ||W||^2 (see ``fit`` for the
    arguments they share; l2 = alpha / n_samples reproduces scikit-learn's ``alpha``). Stops
    after ``max_iterations`` iterations or ``max_evaluations`` function evaluations, or when
    the largest gradient entry falls below ``tolerance`` (scipy's ``gtol``, scikit-learn's
    ``tol``). Each iteration is an "epoch" in the History and for callbacks (one batch each,
    ``learning_rate`` nan); learning-rate schedules do not apply. Dropout is refused: L-BFGS
    needs a deterministic objective. Ctrl-C or a callback's stop leaves the last iterate.
    ``loss``, ``metrics`` and ``callbacks`` take registry names as ``fit`` does; ``verbose``
    as ``fit``'s, one line per iteration.
    """
    check_positive("max_iterations", max_iterations, integer=True)
    check_positive("tolerance", tolerance, allow_zero=True)
    check_positive("max_evaluations", max_evaluations, integer=True)
    loss, callbacks = as_loss(loss), as_callbacks(callbacks, verbose)
    refuse_unsuitable(network, callbacks)
    try:
        from scipy.optimize import minimize
    except ImportError as error:
        raise ImportError('fit_lbfgs needs scipy: pip install "glassnet[scipy]"') from error
    data, validation = training_and_validation(
        network, loss, inputs, targets, getattr(network, "rng", as_rng(None)),
        validation_data=validation_data, sample_weight=sample_weight, class_weight=class_weight)
    objective = Objective(network, loss, data, weight_decay(l2, network.parameters()))
    run = Iterations(objective, Evaluation(network, loss, metrics, data, validation),
                     TrainingState(network, loss, LBFGS(), History(), max_iterations,
                                   batches=1, inputs=data.inputs), callbacks)
    run.minimize(minimize, {"maxiter": max_iterations, "maxfun": max_evaluations,
                            "gtol": tolerance})
    return run.state.history


class Iterations:
    """Turns scipy's per-iteration callback into History records and callback hooks."""

    def __init__(self, objective, evaluation, state, callbacks):
        self.objective, self.evaluation, self.state = objective, evaluation, state
        self.callbacks = callbacks
        self.accepted = objective.pack(objective.parameters)
        self.interruption = None

    def minimize(self, minimize, options: dict) -> None:
        """Run scipy; whatever ends it, the network gets the last accepted iterate."""
        with Interruption() as self.interruption:
            self.begin()
            try:
                result = minimize(self.objective, self.accepted, jac=True, method="L-BFGS-B",
                                  callback=self.iteration_ended, options=options)
                self.state.batch_loss, _ = self.objective(result.x)
                if not math.isfinite(self.state.batch_loss):
                    raise self.diverged()
                self.accepted = result.x
            except Stop:
                pass
            except KeyboardInterrupt:
                if self.interruption.forced:
                    raise
                self.state.history.interrupted = True
            finally:
                self.objective.load(self.accepted)
                self.callbacks.on_train_end(self.state)

    def begin(self) -> None:
        self.callbacks.on_train_begin(self.state)
        self.next_epoch()

    def next_epoch(self) -> None:
        self.started = time.perf_counter()
        self.callbacks.on_epoch_begin(self.state)
        self.callbacks.on_batch_begin(self.state)

    def iteration_ended(self, vector: np.ndarray) -> None:
        state = self.state
        state.batch_loss, _ = self.objective(vector)  # reuses the last evaluation if at vector
        if not math.isfinite(state.batch_loss):
            raise self.diverged()
        self.accepted = vector.copy()
        state.samples_seen += len(state.inputs)
        self.callbacks.on_batch_end(state)
        state.logs = self.evaluation({"epoch": state.epoch + 1, "loss": state.batch_loss})
        state.logs.update(learning_rate=math.nan, time=time.perf_counter() - self.started)
        state.history.append(state.logs)
        self.callbacks.on_epoch_end(state)
        if self.interruption.requested or state.stop_training:
            state.history.interrupted = self.interruption.requested
            state.history.stopped_early = not self.interruption.requested
            raise Stop
        state.epoch += 1
        self.next_epoch()

    def diverged(self) -> TrainingDiverged:
        epoch = self.state.epoch + 1
        return TrainingDiverged(f"L-BFGS diverged at iteration {epoch}: the loss is "
                                f"{self.state.batch_loss}; the network keeps the last finite "
                                "iterate", epoch, 1, self.state.history)


def refuse_unsuitable(network, callbacks) -> None:
    """Dropout makes the objective random; schedules have no learning rate to set."""
    for index, layer in enumerate(getattr(network, "layers", [])):
        if isinstance(layer, Dropout) and layer.rate > 0:
            raise ValueError(f"fit_lbfgs needs a deterministic objective, but layer {index} is "
                             f"{layer!r}; use fit, or Dropout(0)")
    for callback in callbacks:
        if isinstance(callback, Schedule):
            raise ValueError(f"{callback!r} sets a learning rate, which L-BFGS does not have")
