"""One model trained on data spread over Dask workers: only parameters and gradients travel.

The rows stay on the workers, one prepared part per row block of a dask array (or dask
DataFrame). Every evaluation sends the flat parameter vector theta (``parameters_to_vector``)
to the workers, each part answers ``sums.batch_sums`` (S_p, G_p, W_p) and the client adds
them in part order and adds the penalty once:

    L(theta) = sum_p S_p / sum_p W_p + (l2 / 2) sum ||W||^2,   dL/dtheta likewise.

``fit_lbfgs``: scipy's L-BFGS on the client, one map over the parts per evaluation (the
pattern of dask-glm); the same minimum as ``solvers.fit_lbfgs``. ``fit``: synchronous
minibatch training, each step's gradient summed over one batch of every part, the
optimizer's step on the client; with ``batch_size=None`` it is full-batch and equals
``training.fit``. A task lost with its worker is rerun by Dask (lineage); a part that fails,
or no answer within ``timeout`` seconds, stops training with ``WorkerError`` naming it.
Needs ``pip install "glassnet[dask]"``; dask is imported only when a function runs.
"""

from __future__ import annotations

import time

import numpy as np

from glassnet.dask_parts import Parts, WorkerError
from glassnet.evaluation import Evaluation
from glassnet.flat import flatten, parameters_to_vector
from glassnet.history import History
from glassnet.layers import Dropout
from glassnet.regularization import weight_decay
from glassnet.safeguards import DivergenceGuard
from glassnet.solvers import LBFGS, Iterations, Objective, refuse_unsuitable
from glassnet.training import TrainingState
from glassnet.training_arguments import as_callbacks, as_loss, training_objects
from glassnet.training_data import validation_dataset
from glassnet.validation import as_rng, check_positive

__all__ = ["WorkerError", "fit", "fit_lbfgs"]


class SpreadObjective(Objective):
    """``solvers.Objective`` with the data on the workers: f = S / W + penalty."""

    def __init__(self, network, loss, parts: Parts, penalty):
        self.flat = flatten(network)
        super().__init__(network, loss, None, penalty)
        self.parts = parts

    def __call__(self, vector: np.ndarray) -> tuple[float, np.ndarray]:
        if self.last is not None and np.array_equal(vector, self.last):
            return self.value, self.gradient
        value, gradient, total = self.parts.sums(vector)
        self.load(vector)  # after the sums: a failure leaves the last point evaluated
        value, gradient = combined(self.loss, value, gradient, total, self.penalty, self.flat)
        self.last, self.value, self.gradient = vector.copy(), value, gradient
        return value, gradient


def combined(loss, value, gradient, total, penalty, flat) -> tuple[float, np.ndarray]:
    """(S / W + penalty, G / W + dpenalty) (W = 1 for reduction="sum"), at the network's
    current parameters; the gradient float64, as the flat vector is laid out."""
    scale = total if loss.reduction == "mean" else 1.0
    gradient = gradient / scale
    penalty.add_gradients(flat.views(gradient))
    return value / scale + penalty.value(), gradient


def fit_lbfgs(network, inputs, targets, loss, *, client, max_iterations: int = 200,
              tolerance: float = 1e-4, l2: float = 0.0, sample_weight=None, callbacks=(),
              validation_data=None, max_evaluations: int = 15000, timeout: float | None = 600.0,
              verbose: int | str = 0) -> History:
    """Train ``network`` in place by full-batch L-BFGS-B over data on Dask workers.

    inputs: a dask array (samples, features) or dask DataFrame; targets and sample_weight
    dask arrays or Series of the same rows; ``client`` a ``distributed.Client``. Minimises
    sum_i w_i l_i / sum_i w_i + (l2 / 2) sum ||W||^2, as ``solvers.fit_lbfgs`` (same arguments
    and History, one record per iteration); ``validation_data`` = (inputs, targets) or
    (inputs, targets, sample_weight), in memory or spread like ``inputs``, adds val_loss.
    ``timeout`` seconds for each map over the parts (None waits for ever).
    """
    check_positive("max_iterations", max_iterations, integer=True)
    check_positive("tolerance", tolerance, allow_zero=True)
    check_positive("max_evaluations", max_evaluations, integer=True)
    loss, callbacks = as_loss(loss), as_callbacks(callbacks, verbose)
    refuse_unsuitable(network, callbacks)
    from scipy.optimize import minimize
    parts = Parts(client, network, loss, inputs, targets, sample_weight, timeout)
    evaluation = evaluation_of(network, loss, validation_data, client, timeout)
    flatten(network)  # the parameters become views of one vector before the penalty holds them
    objective = SpreadObjective(network, loss, parts, weight_decay(l2, network.parameters()))
    run = Iterations(objective, evaluation,
                     TrainingState(network, loss, LBFGS(), History(), max_iterations, batches=1,
                                   inputs=parts.inputs), callbacks)
    run.minimize(minimize, {"maxiter": max_iterations, "maxfun": max_evaluations,
                            "gtol": tolerance})
    return run.state.history


def fit(network, inputs, targets, loss, optimizer="adam", epochs: int = 1, *, client,
        batch_size: int | None = 32, shuffle: bool = True, rng=None, l2: float = 0.0,
        sample_weight=None, callbacks=(), validation_data=None,
        timeout: float | None = 600.0, verbose: int | str = 0) -> History:
    """Train ``network`` in place by synchronous data-parallel gradient descent.

    Each step every part contributes ``batch_size`` of its rows (a per-part batch, as in
    PyTorch's DistributedDataParallel; a part with fewer left adds what it has), the client
    takes L = sum S_p / sum W_p + penalty and its gradient and steps ``optimizer``. An epoch
    is ceil(largest part / batch_size) steps, each part in its own order drawn from ``rng``
    each epoch when ``shuffle``. ``batch_size=None``: every row each step (full batch), equal
    to ``training.fit(batch_size=None)``. Dropout is refused (every step would reuse one
    mask). Other arguments as ``fit_lbfgs`` and ``training.fit``.
    """
    check_positive("epochs", epochs, integer=True, allow_zero=True)
    loss, optimizer, callbacks = training_objects(loss, optimizer, callbacks, verbose)
    refuse_dropout(network)
    steps = Steps(network, loss, l2, as_rng(rng) if rng is not None else getattr(
        network, "rng", as_rng(None)), shuffle, callbacks)
    steps.parts = Parts(client, network, loss, inputs, targets, sample_weight, timeout)
    steps.size = max(steps.parts.lengths) if batch_size is None else check_positive(
        "batch_size", batch_size, integer=True)
    steps.evaluation = evaluation_of(network, loss, validation_data, client, timeout)
    state = TrainingState(network, loss, optimizer, History(), epochs,
                          batches=-(-max(steps.parts.lengths) // steps.size),
                          inputs=steps.parts.inputs)
    callbacks.on_train_begin(state)
    try:
        for state.epoch in range(epochs):
            steps.epoch(state)
            if state.stop_training:
                state.history.stopped_early = True
                break
        steps.guard.check_weights(state)
    finally:
        callbacks.on_train_end(state)
    return state.history


def evaluation_of(network, loss, validation_data, client, timeout):
    """The end-of-epoch val_loss: ``Evaluation`` for validation data in memory (or none),
    ``SpreadEvaluation`` for dask arrays, whose rows stay on the workers."""
    if validation_data is None or not hasattr(validation_data[0], "dask"):
        validation = None if validation_data is None else validation_dataset(
            network, loss, validation_data)
        return Evaluation(network, loss, (), None, validation)
    if not isinstance(validation_data, tuple | list) or len(validation_data) not in (2, 3):
        raise ValueError("validation_data must be (inputs, targets) or (inputs, targets, "
                         "sample_weight)")
    weights = validation_data[2] if len(validation_data) == 3 else None
    return SpreadEvaluation(network, Parts(client, network, loss, *validation_data[:2],
                                           weights, timeout))


class SpreadEvaluation:
    """val_loss = sum_p S_p / sum_p W_p of validation parts on the workers, in evaluation
    mode and without the penalty, as ``Evaluation`` reports it for data in memory."""

    def __init__(self, network, parts: Parts):
        self.network, self.parts = network, parts

    def __call__(self, logs: dict) -> dict:
        value, total = self.parts.losses(parameters_to_vector(self.network))
        logs["val_loss"] = value / total if self.parts.loss.reduction == "mean" else value
        return logs


def refuse_dropout(network) -> None:
    for index, layer in enumerate(getattr(network, "layers", [])):
        if isinstance(layer, Dropout) and layer.rate > 0:
            raise ValueError(f"glassnet.dask.fit does not support Dropout yet (layer {index} is "
                             f"{layer!r}): every worker would reuse one mask; use Dropout(0)")


class Steps:
    """What ``fit``'s epochs share: the parts, the flat parameters, penalty, guard, order."""

    def __init__(self, network, loss, l2, rng, shuffle, callbacks):
        self.flat = flatten(network)
        self.parameters = network.parameters()
        self.penalty = weight_decay(l2, self.parameters)
        self.guard = DivergenceGuard(self.parameters)
        self.rng, self.shuffle, self.callbacks = rng, shuffle, callbacks

    def rows(self, step: int) -> int:
        """How many rows step ``step`` of an epoch uses over all parts."""
        return sum(max(0, min(self.size, length - step * self.size))
                   for length in self.parts.lengths)

    def epoch(self, state) -> None:
        """One epoch of synchronous steps, then its History record: the loss is
        sum_b L_b W_b / sum_b W_b, as ``training.fit`` records."""
        self.callbacks.on_epoch_begin(state)
        started, total, seen = time.perf_counter(), 0.0, 0.0
        seeds = (self.rng.integers(2**63, size=len(self.parts.lengths)) if self.shuffle
                 else [None] * len(self.parts.lengths))
        for batch in range(state.batches):
            state.batch = batch
            self.callbacks.on_batch_begin(state)
            weight = self.step(state, seeds)
            total, seen = total + state.batch_loss * weight, seen + weight
            state.samples_seen += self.rows(state.batch)
            self.callbacks.on_batch_end(state)
            if state.stop_training:
                break
        state.logs = self.evaluation({"epoch": state.epoch + 1, "loss": total / seen})
        state.logs.update(learning_rate=state.optimizer.learning_rate,
                          time=time.perf_counter() - started)
        state.history.append(state.logs)
        self.callbacks.on_epoch_end(state)

    def step(self, state, seeds) -> float:
        """One synchronous step; returns the step's total weight W."""
        value, gradient, weight = self.parts.sums(parameters_to_vector(state.network),
                                                  (seeds, state.batch, self.size))
        state.batch_loss, gradient = combined(state.loss, value, gradient, weight,
                                              self.penalty, self.flat)
        gradients = self.flat.views(gradient.astype(self.flat.vector.dtype))
        self.guard.check(state.batch_loss, gradients, state)
        state.optimizer.step(self.parameters, gradients)
        return weight
