"""The one training loop: ``fit(network, inputs, targets, loss, optimizer, ...) -> History``.

Per epoch: one permutation of the sample indices; per batch: forward, loss, backward,
optimizer step. Everything optional (progress, early stopping, schedules) comes in as
callbacks; the loop itself never prints. Imports ``validation`` and numpy only; works
on any network with forward/backward/parameters/gradients/check_inputs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from glassnet.validation import as_rng, check_positive, check_same_length


class History:
    """Per-epoch records of training: ``history["loss"]`` is the list of epoch losses.

    ``records`` holds one dict per epoch (loss, time, and whatever callbacks add).
    ``stopped_early`` / ``interrupted`` say why training ended before ``epochs``.
    """

    def __init__(self):
        self.records: list[dict[str, float]] = []
        self.stopped_early = False
        self.interrupted = False

    def append(self, record: dict[str, float]) -> None:
        self.records.append(dict(record))

    def __getitem__(self, key: str) -> list[float]:
        if not self.records or key not in self.records[-1]:
            known = sorted(self.records[-1]) if self.records else []
            raise KeyError(f"history has no {key!r}; it has {known}")
        return [record.get(key, float("nan")) for record in self.records]

    def __len__(self) -> int:
        return len(self.records)

    @property
    def epochs(self) -> int:
        return len(self.records)

    def __repr__(self) -> str:
        last = self.records[-1] if self.records else {}
        return f"History(epochs={len(self)}, last={last})"


@dataclass
class Training:
    """What callbacks see while ``fit`` runs."""

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


def fit(network, inputs, targets, loss, optimizer, epochs: int = 1,
        batch_size: int | None = None, shuffle: bool = True, rng=None,
        callbacks=()) -> History:
    """Train ``network`` in place by minibatch gradient descent and return its History.

    inputs (samples, features); targets (samples, outputs) or, for 1 output or class labels,
    (samples,). ``batch_size=None`` uses the whole set each step (full batch). ``rng`` (seed
    or generator) draws the shuffling; by default the network's own.
    """
    check_positive("epochs", epochs, integer=True, allow_zero=True)
    inputs = network.check_inputs(inputs)
    targets = prepare_targets(network, loss, inputs, targets)
    samples = len(inputs)
    batch_size = samples if batch_size is None else check_positive(
        "batch_size", batch_size, integer=True)
    batch_size = min(batch_size, samples)
    rng = as_rng(rng) if rng is not None else getattr(network, "rng", as_rng(None))
    state = Training(network, loss, optimizer, History(), epochs)
    parameters = network.parameters()
    for callback in callbacks:
        callback.on_train_begin(state)
    for state.epoch in range(epochs):
        for callback in callbacks:
            callback.on_epoch_begin(state)
        started = time.perf_counter()
        order = rng.permutation(samples) if shuffle and batch_size < samples else None
        total = 0.0
        for state.batch, start in enumerate(range(0, samples, batch_size)):
            rows = slice(start, start + batch_size) if order is None else \
                order[start:start + batch_size]
            batch_inputs, batch_targets = inputs[rows], targets[rows]
            outputs = network.forward(batch_inputs, training=True)
            state.batch_loss = loss.forward(outputs, batch_targets)
            network.backward(loss.backward())
            optimizer.step(parameters, network.gradients())
            total += state.batch_loss * len(batch_inputs)
            for callback in callbacks:
                callback.on_batch_end(state)
        state.logs = {"epoch": state.epoch + 1, "loss": total / samples,
                      "learning_rate": optimizer.learning_rate,
                      "time": time.perf_counter() - started}
        for callback in callbacks:
            callback.on_epoch_end(state)
        state.history.append(state.logs)
        if state.stop_training:
            state.history.stopped_early = True
            break
    for callback in callbacks:
        callback.on_train_end(state)
    return state.history


def prepare_targets(network, loss, inputs: np.ndarray, targets) -> np.ndarray:
    """Check targets once per fit and bring them to the shape the loss wants."""
    if isinstance(targets, str | bytes):
        raise ValueError(f"targets must be an array of numbers, got the string {targets!r}")
    targets = np.asarray(targets)
    check_same_length("inputs", inputs, "targets", targets)
    if targets.dtype.kind not in "biuf":
        raise ValueError(f"targets must be numbers, got dtype {targets.dtype}")
    if not np.isfinite(targets).all():
        raise ValueError("targets contain NaN or infinity")
    outputs = network.forward(inputs[:1])
    template = np.empty((len(inputs), outputs.shape[1]), dtype=outputs.dtype)
    return loss.prepare_targets(targets, template)
