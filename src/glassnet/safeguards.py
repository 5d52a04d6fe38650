"""What keeps training safe when it goes wrong: divergence and Ctrl-C.

``DivergenceGuard`` stops training with ``TrainingDiverged`` at the first batch whose loss or
gradients are not finite, before the optimizer step, so the network keeps its last finite
weights. ``Interruption`` turns Ctrl-C during ``fit`` into a request to stop after the current
batch. Imports numpy and the standard library only.
"""

from __future__ import annotations

import math
import signal
import threading

import numpy as np


class TrainingDiverged(RuntimeError):  # noqa: N818 (the agreed public name)
    """Training produced a non-finite loss, gradient or weight.

    ``epoch`` and ``batch`` count from 1; ``history`` holds the epochs completed before it.
    """

    def __init__(self, message: str, epoch: int, batch: int, history):
        super().__init__(message)
        self.epoch, self.batch, self.history = epoch, batch, history


class DivergenceGuard:
    """Checks each batch before its step; the cost is one sum per gradient array.

    A step with finite gradients can still overflow the weights (only with a learning rate
    near the float's range); the next check then finds non-finite weights and puts back the
    copy taken when training started, the one full copy this guard makes.
    """

    def __init__(self, parameters: dict[str, np.ndarray]):
        self.parameters = parameters
        self.initial = {name: value.copy() for name, value in parameters.items()}

    def check(self, loss_value: float, gradients: dict[str, np.ndarray], state) -> None:
        """Raise TrainingDiverged unless the loss and every gradient are finite."""
        # One sum per array (inf or nan anywhere makes it non-finite), no temporary arrays.
        total = sum(map(np.ndarray.sum, gradients.values()))
        if math.isfinite(loss_value) and math.isfinite(total):
            return
        bad = "loss" if not math.isfinite(loss_value) else "gradient of " + next(
            name for name, g in gradients.items() if not np.isfinite(g).all())
        raise self.diverged(state, f"the {bad} is not finite (loss {loss_value})")

    def check_weights(self, state) -> None:
        """Raise TrainingDiverged if a step left non-finite weights (checked at the end)."""
        if all(np.isfinite(value).all() for value in self.parameters.values()):
            return
        raise self.diverged(state, "the last step made the weights non-finite")

    def diverged(self, state, reason: str) -> TrainingDiverged:
        kept = "the weights from before this batch"
        if not all(np.isfinite(value).all() for value in self.parameters.values()):
            for name, value in self.parameters.items():
                np.copyto(value, self.initial[name])
            kept = "the weights it had when training started (an earlier step overflowed)"
        epoch, batch = state.epoch + 1, state.batch + 1
        message = (f"training diverged at epoch {epoch}, batch {batch}: {reason}; the network "
                   f"keeps {kept}. Try a smaller learning_rate or scaled inputs.")
        return TrainingDiverged(message, epoch, batch, state.history)


class Interruption:
    """Context manager: while active, Ctrl-C (SIGINT) sets ``requested`` instead of raising.

    The handler is installed only in the main thread (signals reach only it) and the previous
    one is put back on exit. A second Ctrl-C raises KeyboardInterrupt at once (``forced``), for
    a batch that never ends.
    """

    def __init__(self):
        self.requested = False
        self.forced = False
        self.previous = None
        self.installed = False

    def __enter__(self) -> Interruption:
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self.handle)
            self.installed = True
        return self

    def handle(self, signal_number, frame) -> None:
        if self.requested:
            self.forced = True
            raise KeyboardInterrupt
        self.requested = True

    def __exit__(self, *exception) -> None:
        if self.installed:
            previous = self.previous if self.previous is not None else signal.SIG_DFL
            signal.signal(signal.SIGINT, previous)
            self.installed = False
