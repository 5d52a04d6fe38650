"""The one training loop: ``fit(network, inputs, targets, loss, optimizer, ...) -> History``.

``training_step`` is the per-batch work, shared by ``fit`` and ``solvers.fit_lbfgs``:
forward, loss (+ L2 penalty), backward, gradients. ``fit`` adds, per batch, a finiteness
check and the optimizer step, and per epoch one permutation of the sample indices and the
epoch's record. Everything optional comes in as small objects (``training_data``,
``regularization``, ``evaluation``, ``safeguards``) or as callbacks (early stopping,
schedules, diagnostics, progress), walked by one ``CallbackList``; the loop itself never
prints. Works on any network with forward/backward/parameters/gradients/check_inputs, whose
backward takes ``input_gradient=False`` (the gradient with respect to the data is never
needed here, and skipping it spares the largest product). With an accelerator set, ``fit``
runs the passes of a network of Dense layers and ReLU as fused pairs (``fused_layers``) and
the default softmax cross-entropy's value and gradient in one go (``fused_loss``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from glassnet.callbacks import CallbackList
from glassnet.chunk_threads import hold_blas_to_one_thread
from glassnet.evaluation import Evaluation
from glassnet.flat import flatten_if_possible
from glassnet.fused_layers import fused_network
from glassnet.fused_loss import fused_loss
from glassnet.history import History
from glassnet.regularization import NoPenalty, weight_decay
from glassnet.safeguards import DivergenceGuard, Interruption, TrainingDiverged
from glassnet.training_arguments import DEFAULT_BATCH_SIZE, training_objects
from glassnet.training_data import Batches, prepare_targets, training_and_validation
from glassnet.validation import as_rng, check_positive

__all__ = ["DEFAULT_BATCH_SIZE", "History", "TrainingDiverged", "TrainingState", "fit",
           "prepare_targets", "training_step"]

# A training step's products of at most this many multiply-adds each run on one BLAS thread.
SMALL_PRODUCT = 2**21


@dataclass
class TrainingState:
    """What callbacks see while ``fit`` runs (epoch and batch count from 0 here)."""

    network: object
    loss: object
    optimizer: object
    history: History
    epochs: int
    epoch: int = 0
    batch: int = 0
    batch_loss: float = float("nan")
    logs: dict = field(default_factory=dict)
    stop_training: bool = False
    batches: int = 0  # per epoch
    samples_seen: int = 0  # training rows stepped on so far in this fit
    inputs: object = None  # the training inputs (samples, features), after any split


NO_PENALTY = NoPenalty()


def training_step(network, loss, inputs: np.ndarray, targets: np.ndarray,
                  weights: np.ndarray | None = None, penalty=NO_PENALTY, passes=None) -> float:
    """One forward and backward pass in training mode; returns L and fills the gradients.

    L = loss(network(inputs), targets, weights) + penalty, where inputs (batch, features),
    targets (batch, outputs), weights (batch,) or None. Afterwards ``network.gradients()``
    holds dL/dparameter for every parameter (the penalty's share added in place). No step is
    taken: ``fit`` hands the gradients to its optimizer, ``fit_lbfgs`` to scipy. ``passes``
    runs the forward and backward passes in the network's place: ``fit`` hands over its
    ``fused_layers.FusedNetwork`` when an accelerator is set (the same numbers).
    """
    passes = network if passes is None else passes
    outputs = passes.forward(inputs, training=True)
    value = loss.forward(outputs, targets, weights) + penalty.value()
    passes.backward(loss.backward(), input_gradient=False)  # the inputs are data
    penalty.add_gradients(network.gradients())
    return value


def fit(network, inputs, targets, loss, optimizer="adam", epochs: int = 1,
        batch_size: int | None = DEFAULT_BATCH_SIZE, shuffle: bool = True, rng=None,
        callbacks=(), validation_data=None, validation_split: float = 0.0, metrics=(),
        sample_weight=None, class_weight=None, l2: float = 0.0,
        verbose: int | str = "auto") -> History:
    """Train ``network`` in place by minibatch gradient descent and return its History.

    inputs (samples, features); targets (samples, outputs) or, for 1 output or class labels,
    (samples,). ``loss``, ``optimizer``, ``metrics`` and ``callbacks`` (schedules too) are
    objects or registry names ("softmax_cross_entropy", "adam", "accuracy",
    "early_stopping"); a name builds the object with its defaults. ``batch_size`` rows per
    step, 32 by default (Keras's default: many noisy steps per epoch, which train and
    generalise better than one full-batch step, at a size BLAS still runs well);
    ``batch_size=None`` uses the whole set each step (full batch). ``rng`` (seed or
    generator) draws the validation split and the shuffling; by default the network's own.
    ``validation_data=(inputs, targets[, sample_weight])`` or ``validation_split`` (a
    fraction, stratified by class for classification losses) adds ``val_loss``; metrics are
    recorded on both. ``sample_weight`` (samples,) and ``class_weight`` (dict or
    "balanced") weigh the loss: L = sum_i w_i l_i / sum_i w_i per batch. ``l2`` adds
    (l2 / 2) sum ||W||^2 over the weights, not the biases. ``verbose``: 0 silent, 1 a
    progress bar and one line per epoch, 2 one line per epoch, "auto" (default) 1 in a
    terminal or notebook and 0 otherwise (``progress.Progress``).

    A non-finite loss or gradient raises ``TrainingDiverged`` before its step; Ctrl-C, or a
    KeyboardInterrupt raised by a callback, ends training with ``history.interrupted``.
    When every product of a step is small (``small_products``), numpy's BLAS is held to one
    thread while the epochs run (``chunk_threads.hold_blas_to_one_thread``) and restored
    after: on such products a second BLAS thread gains nothing, and while another program
    keeps a core busy it makes every product wait for that core.
    """
    check_positive("epochs", epochs, integer=True, allow_zero=True)
    loss, optimizer, callbacks = training_objects(loss, optimizer, callbacks, verbose)
    rng = as_rng(rng) if rng is not None else getattr(network, "rng", as_rng(None))
    training, validation = training_and_validation(
        network, loss, inputs, targets, rng, validation_data=validation_data,
        validation_split=validation_split, sample_weight=sample_weight,
        class_weight=class_weight)
    batch_size = len(training) if batch_size is None else check_positive(
        "batch_size", batch_size, integer=True)
    batches = Batches(training, batch_size, shuffle)
    flatten_if_possible(network)  # one vector for the parameters: a step is whole-vector work
    state = TrainingState(network, loss, optimizer, History(), epochs, batches=len(batches),
                          inputs=training.inputs)
    guard = DivergenceGuard(network.parameters())
    callbacks.on_train_begin(state)
    one_thread = small_products(network.parameters(), batches.batch_size)
    try:
        with Interruption() as interruption, hold_blas_to_one_thread(one_thread):
            run_interruptibly(state, batches, rng=rng, interruption=interruption,
                              penalty=weight_decay(l2, network.parameters()),
                              evaluation=Evaluation(network, loss, metrics, training,
                                                    validation),
                              guard=guard, callbacks=callbacks)
        guard.check_weights(state)
    finally:
        callbacks.on_train_end(state)
    return state.history


def small_products(parameters: dict[str, np.ndarray], batch_size: int) -> bool:
    """Whether every product of a training step is small: batch x fan_in x fan_out <=
    SMALL_PRODUCT multiply-adds for every 2-D parameter (a Dense layer's weights, (fan_in,
    fan_out)), whose forward and backward products each take that many."""
    return all(batch_size * value.size <= SMALL_PRODUCT
               for value in parameters.values() if np.ndim(value) == 2)


def run_interruptibly(state: TrainingState, batches: Batches, *, interruption: Interruption,
                      **parts) -> None:
    """``run`` with Ctrl-C turned into a stop after the batch; a KeyboardInterrupt from a
    callback also ends training, marked interrupted (a second Ctrl-C goes through)."""
    try:
        run(state, batches, interruption=interruption, **parts)
    except KeyboardInterrupt:
        if interruption.forced:
            raise
        state.history.interrupted = True


def run(state: TrainingState, batches: Batches, *, rng, penalty, evaluation: Evaluation,
        guard: DivergenceGuard, interruption: Interruption, callbacks: CallbackList) -> None:
    """The epochs: batches, then the epoch's record, then the stop conditions."""
    for epoch in range(state.epochs):
        state.epoch = epoch
        callbacks.on_epoch_begin(state)
        started = time.perf_counter()
        loss = run_epoch(state, batches, rng, penalty, guard, interruption, callbacks)
        state.logs = evaluation({"epoch": state.epoch + 1, "loss": loss})
        state.logs["learning_rate"] = state.optimizer.learning_rate
        state.logs["time"] = time.perf_counter() - started
        state.history.append(state.logs)
        callbacks.on_epoch_end(state)
        if interruption.requested or state.stop_training:
            state.history.interrupted = interruption.requested
            state.history.stopped_early = not interruption.requested
            break


def run_epoch(state: TrainingState, batches: Batches, rng, penalty, guard: DivergenceGuard,
              interruption: Interruption, callbacks: CallbackList) -> float:
    """One pass over the batches; returns the epoch's loss, sum_b L_b W_b / sum_b W_b with
    W_b the batch's total weight (its row count without sample weights)."""
    network, loss, optimizer = state.network, state.loss, state.optimizer
    parameters = network.parameters()
    total = seen = 0.0
    for state.batch, batch in enumerate(batches.epoch(rng)):
        callbacks.on_batch_begin(state)
        state.batch_loss = training_step(network, fused_loss(loss), batch.inputs,
                                         batch.targets, batch.weights, penalty,
                                         fused_network(network))
        gradients = network.gradients()
        guard.check(state.batch_loss, gradients, state)
        optimizer.step(parameters, gradients)
        total += state.batch_loss * batch.total_weight
        seen += batch.total_weight
        state.samples_seen += len(batch.inputs)
        callbacks.on_batch_end(state)
        if interruption.requested or state.stop_training:
            break
    return total / seen
