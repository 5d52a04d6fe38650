"""What keeps training safe when it goes wrong: divergence and Ctrl-C.

``DivergenceGuard`` stops training with ``TrainingDiverged`` at the first batch whose loss or
gradients are not finite, before the optimizer step, so the network keeps its last finite
weights. ``Interruption`` turns Ctrl-C during ``fit`` into a request to stop after the current
batch. Imports numpy, the standard library and ``flat``.
"""

from __future__ import annotations

import math
import signal
import threading

import numpy as np

from glassnet.flat import same_objects, tiled_vector


class TrainingDiverged(RuntimeError):  # noqa: N818 (the agreed public name)
    """Training produced a non-finite loss, gradient or weight.

    ``epoch`` and ``batch`` count from 1; ``history`` holds the epochs completed before it.
    """

    def __init__(self, message: str, epoch: int, batch: int, history):
        super().__init__(message)
        self.epoch, self.batch, self.history = epoch, batch, history


class DivergenceGuard:
    """Checks each batch before its step; the cost is one pass over the gradients.

    A step with finite gradients can still overflow the weights (only with a learning rate
    near the float's range); the next check then finds non-finite weights and puts back the
    copy taken when training started, the one full copy this guard makes.
    """

    def __init__(self, parameters: dict[str, np.ndarray]):
        self.parameters = parameters
        self.initial = {name: value.copy() for name, value in parameters.items()}
        self.tiling: tuple | None = None  # (gradient arrays, their flat vector or None)

    def check(self, loss_value: float, gradients: dict[str, np.ndarray], state) -> None:
        """Raise TrainingDiverged unless the loss and every gradient are finite."""
        if math.isfinite(loss_value) and self.quick_check(gradients):
            return
        bad = "loss" if not math.isfinite(loss_value) else next(
            (f"gradient of {name}" for name, g in gradients.items() if not np.isfinite(g).all()),
            None)
        if bad is None:  # a sum of finite gradients overflowed: nothing is wrong
            return
        raise self.diverged(state, f"the {bad} is not finite (loss {loss_value})")

    def quick_check(self, gradients: dict[str, np.ndarray]) -> bool:
        """True if every gradient is surely finite, with no temporary array: when they tile
        one flat vector g (``glassnet.flat``, as in ``fit``), one product g . g (BLAS, one
        read of g), else one sum per array. Any inf or NaN makes either non-finite; so can
        an overflow of finite values, so False only means "look closer" (``check`` does)."""
        arrays = tuple(gradients.values())
        kept = self.tiling
        if kept is None or not same_objects(arrays, kept[0]):
            kept = self.tiling = (arrays, tiled_vector(arrays))
        with np.errstate(over="ignore", invalid="ignore"):  # the answer, not a problem
            if kept[1] is not None:
                return math.isfinite(np.dot(kept[1], kept[1]))
            return math.isfinite(sum(map(np.ndarray.sum, arrays)))

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
