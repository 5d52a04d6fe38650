"""The one training loop: ``fit(network, inputs, targets, loss, optimizer, ...) -> History``.

Per epoch: one permutation of the sample indices; per batch: forward, loss (+ L2 penalty),
backward, a finiteness check, optimizer step. Everything optional comes in as small objects
(``training_data``, ``regularization``, ``evaluation``, ``safeguards``) or as callbacks
(early stopping, schedules, diagnostics, progress); the loop itself never prints. Imports
numpy and those core modules; works on any network with forward/backward/parameters/
gradients/check_inputs, whose backward takes ``input_gradient=False`` (the gradient with
respect to the data is never needed here, and skipping it spares the largest product).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from glassnet.evaluation import Evaluation
from glassnet.history import History
from glassnet.regularization import weight_decay
from glassnet.safeguards import DivergenceGuard, Interruption, TrainingDiverged
from glassnet.training_data import Batches, prepare_targets, training_and_validation
from glassnet.validation import as_rng, check_positive

__all__ = ["History", "Training", "TrainingDiverged", "fit", "prepare_targets"]


@dataclass
class Training:
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


def fit(network, inputs, targets, loss, optimizer, epochs: int = 1,
        batch_size: int | None = None, shuffle: bool = True, rng=None, callbacks=(),
        validation_data=None, validation_split: float = 0.0, metrics=(),
        sample_weight=None, class_weight=None, l2: float = 0.0) -> History:
    """Train ``network`` in place by minibatch gradient descent and return its History.

    inputs (samples, features); targets (samples, outputs) or, for 1 output or class labels,
    (samples,). ``batch_size=None`` uses the whole set each step (full batch). ``rng`` (seed
    or generator) draws the validation split and the shuffling; by default the network's own.
    ``validation_data=(inputs, targets[, sample_weight])`` or ``validation_split`` (a
    fraction, stratified by class for classification losses) adds ``val_loss``; ``metrics``
    (names such as "accuracy", or functions (targets, predictions) -> float) are recorded on
    both. ``sample_weight`` (samples,) and ``class_weight`` (dict or "balanced") weigh the
    loss: L = sum_i w_i l_i / sum_i w_i per batch. ``l2`` adds (l2 / 2) sum ||W||^2 over the
    weights, not the biases (``regularization`` relates it to scikit-learn's alpha).

    A non-finite loss or gradient raises ``TrainingDiverged`` before its step; Ctrl-C, or a
    KeyboardInterrupt raised by a callback, ends training with ``history.interrupted``.
    """
    check_positive("epochs", epochs, integer=True, allow_zero=True)
    callbacks = check_callbacks(callbacks)
    rng = as_rng(rng) if rng is not None else getattr(network, "rng", as_rng(None))
    training, validation = training_and_validation(
        network, loss, inputs, targets, rng, validation_data=validation_data,
        validation_split=validation_split, sample_weight=sample_weight,
        class_weight=class_weight)
    batch_size = len(training) if batch_size is None else check_positive(
        "batch_size", batch_size, integer=True)
    batches = Batches(training, batch_size, shuffle)
    state = Training(network, loss, optimizer, History(), epochs, batches=len(batches),
                     inputs=training.inputs)
    guard = DivergenceGuard(network.parameters())
    parts = (batches, rng, weight_decay(l2, network.parameters()),
             Evaluation(network, loss, metrics, training, validation), guard)
    for callback in callbacks:
        callback.on_train_begin(state)
    try:
        run_interruptibly(state, parts, callbacks)
        guard.check_weights(state)
    finally:
        for callback in callbacks:
            callback.on_train_end(state)
    return state.history


def run_interruptibly(state, parts, callbacks) -> None:
    """``run`` with Ctrl-C turned into a stop after the batch; a KeyboardInterrupt from a
    callback also ends training, marked interrupted (a second Ctrl-C goes through)."""
    with Interruption() as interruption:
        try:
            run(state, *parts, interruption, callbacks)
        except KeyboardInterrupt:
            if interruption.forced:
                raise
            state.history.interrupted = True


def run(state, batches, rng, penalty, evaluation, guard, interruption, callbacks) -> None:
    """The epochs: batches, then the epoch's record, then the stop conditions."""
    network, loss, optimizer, epochs = state.network, state.loss, state.optimizer, state.epochs
    parameters = network.parameters()
    for state.epoch in range(epochs):
        for callback in callbacks:
            callback.on_epoch_begin(state)
        started = time.perf_counter()
        total = seen = 0.0
        for state.batch, (inputs, targets, weights, size) in enumerate(batches.epoch(rng)):
            for callback in callbacks:
                callback.on_batch_begin(state)
            outputs = network.forward(inputs, training=True)
            state.batch_loss = loss.forward(outputs, targets, weights) + penalty.value()
            network.backward(loss.backward(), input_gradient=False)  # inputs are data
            gradients = network.gradients()
            penalty.add_gradients(gradients)
            guard.check(state.batch_loss, gradients, state)
            optimizer.step(parameters, gradients)
            total += state.batch_loss * size
            seen += size
            state.samples_seen += len(inputs)
            for callback in callbacks:
                callback.on_batch_end(state)
            if interruption.requested or state.stop_training:
                break
        state.logs = {"epoch": state.epoch + 1, "loss": total / seen}
        evaluation(state.logs)
        state.logs["learning_rate"] = optimizer.learning_rate
        state.logs["time"] = time.perf_counter() - started
        state.history.append(state.logs)
        for callback in callbacks:
            callback.on_epoch_end(state)
        if interruption.requested:
            state.history.interrupted = True
            break
        if state.stop_training:
            state.history.stopped_early = True
            break


def check_callbacks(callbacks) -> list:
    """A list of callbacks, each with the hooks of ``callbacks.Callback``."""
    if not isinstance(callbacks, list | tuple):
        raise TypeError(f"callbacks must be a list of Callback objects, got {callbacks!r:.80}")
    hooks = ("on_train_begin", "on_epoch_begin", "on_batch_begin", "on_batch_end",
             "on_epoch_end", "on_train_end")
    for callback in callbacks:
        missing = [hook for hook in hooks if not callable(getattr(callback, hook, None))]
        if missing:
            raise TypeError(f"callback {callback!r:.80} lacks {', '.join(missing)}; subclass "
                            "glassnet.callbacks.Callback")
    return list(callbacks)
