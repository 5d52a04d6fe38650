"""Callbacks: objects the training loop calls at fixed points, to watch or steer training.

A callback overrides any of ``on_train_begin``, ``on_epoch_begin``, ``on_batch_begin``,
``on_batch_end``, ``on_epoch_end``, ``on_train_end``; each receives the ``TrainingState`` of
``training.fit`` (network, loss, optimizer, history, epoch, batch, batches, batch_loss, logs,
samples_seen, inputs) and may set ``state.stop_training = True``. At ``on_epoch_end``,
``state.logs`` is already the epoch's record in the History, so keys added to it are kept.
``CallbackList`` walks a list of them, so the loops in ``training`` and ``solvers`` call
each hook once. Imports numpy, tqdm and ``validation``; ``Diagnostics`` lives in
``diagnostics``, the ``verbose=`` output of ``fit`` in ``progress``.

Keras's ``TerminateOnNaN`` has no counterpart here because it is built in: ``fit`` checks
every batch's loss and gradients before its step (``safeguards.DivergenceGuard``) and stops
with ``TrainingDiverged`` at the first non-finite one, the network keeping its last finite
weights; ``fit_lbfgs`` does the same per iteration.
"""

from __future__ import annotations

import math
import sys
import time

import numpy as np

from glassnet.validation import check_positive


class Callback:
    """Base class with do-nothing hooks."""

    def on_train_begin(self, state) -> None: ...

    def on_epoch_begin(self, state) -> None: ...

    def on_batch_begin(self, state) -> None: ...

    def on_batch_end(self, state) -> None: ...

    def on_epoch_end(self, state) -> None: ...

    def on_train_end(self, state) -> None: ...


HOOKS = ("on_train_begin", "on_epoch_begin", "on_batch_begin", "on_batch_end", "on_epoch_end",
         "on_train_end")


class CallbackList(Callback):
    """Several callbacks as one: each hook calls that hook of every callback, in order."""

    def __init__(self, callbacks=()):
        if not isinstance(callbacks, list | tuple | CallbackList):
            raise TypeError(f"callbacks must be a list of Callback objects, got "
                            f"{callbacks!r:.80}")
        self.callbacks = list(callbacks)
        for callback in self.callbacks:
            missing = [hook for hook in HOOKS if not callable(getattr(callback, hook, None))]
            if missing:
                raise TypeError(f"callback {callback!r:.80} lacks {', '.join(missing)}; "
                                "subclass glassnet.callbacks.Callback")

    def __iter__(self):
        return iter(self.callbacks)

    def __len__(self) -> int:
        return len(self.callbacks)

    def on_train_begin(self, state) -> None:
        for callback in self.callbacks:
            callback.on_train_begin(state)

    def on_epoch_begin(self, state) -> None:
        for callback in self.callbacks:
            callback.on_epoch_begin(state)

    def on_batch_begin(self, state) -> None:
        for callback in self.callbacks:
            callback.on_batch_begin(state)

    def on_batch_end(self, state) -> None:
        for callback in self.callbacks:
            callback.on_batch_end(state)

    def on_epoch_end(self, state) -> None:
        for callback in self.callbacks:
            callback.on_epoch_end(state)

    def on_train_end(self, state) -> None:
        for callback in self.callbacks:
            callback.on_train_end(state)

    def __repr__(self) -> str:
        return f"CallbackList({self.callbacks!r})"


class ProgressBar(Callback):
    """A tqdm bar over epochs, showing the latest losses; it appears only once training has
    run for ``delay`` seconds, and only when ``stream`` is a terminal (unless ``force``)."""

    def __init__(self, stream=None, delay: float = 1.0, force: bool = False,
                 description: str = "training"):
        self.stream = stream
        self.delay = delay
        self.force = force
        self.description = description
        self.bar = None

    def on_train_begin(self, state):
        from tqdm.auto import tqdm

        stream = self.stream if self.stream is not None else sys.stderr
        shown = self.force or (hasattr(stream, "isatty") and stream.isatty())
        self.bar = tqdm(total=state.epochs, file=stream, delay=self.delay, disable=not shown,
                        desc=self.description, unit="epoch", leave=False)
        self.started = time.perf_counter()

    def on_epoch_end(self, state):
        shown = {key: f"{value:.4g}" for key, value in state.logs.items()
                 if key.endswith("loss") and isinstance(value, float)}
        self.bar.set_postfix(shown, refresh=False)
        self.bar.update(1)

    def on_train_end(self, state):
        self.bar.close()


class Monitor:
    """The best value so far of one recorded key; lower is better for mode "min".

    mode "auto" is "min" for keys ending in loss or error, "max" for other keys naming a
    score (accuracy, r2, score, auc), else "min".
    An improvement must beat the best by more than ``min_delta``; nan never improves.
    """

    def __init__(self, key: str, mode: str = "auto", min_delta: float = 0.0, owner: str = ""):
        if not isinstance(key, str) or not key:
            raise ValueError(f"monitor must be a recorded key such as 'val_loss', got {key!r}")
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"mode must be 'auto', 'min' or 'max', got {mode!r}")
        scores = ("accuracy", "r2", "score", "auc")
        is_score = any(word in key for word in scores) and not key.endswith(("loss", "error"))
        self.mode = mode if mode != "auto" else ("max" if is_score else "min")
        self.key, self.owner = key, owner
        self.min_delta = check_positive("min_delta", min_delta, allow_zero=True)
        self.best = math.nan

    def value(self, logs: dict) -> float:
        if self.key not in logs:
            hint = " (pass validation_data or validation_split to fit)" \
                if self.key.startswith("val_") else ""
            raise ValueError(f"{self.owner} monitors {self.key!r}, which was not recorded"
                             f"{hint}; the epoch recorded {sorted(logs)}")
        return float(logs[self.key])

    def improved(self, value: float) -> bool:
        """True (and ``best`` updated) when ``value`` beats the best by more than min_delta."""
        if math.isnan(value):
            return False
        gain = value - self.best if self.mode == "max" else self.best - value
        if math.isnan(self.best) or gain > self.min_delta:
            self.best = value
            return True
        return False


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved for ``patience`` epochs in a row.

    With ``restore_best_weights`` the network ends with the weights of its best epoch
    (``best_epoch``, counted from 1), copied in place when that epoch ends and put back when
    training ends, whether it stopped early, ran out of epochs or was interrupted.
    """

    def __init__(self, monitor: str = "val_loss", patience: int = 10, min_delta: float = 0.0,
                 restore_best_weights: bool = True, mode: str = "auto"):
        self.tracker = Monitor(monitor, mode, min_delta, owner="EarlyStopping")
        self.patience = check_positive("patience", patience, integer=True, allow_zero=True)
        self.restore_best_weights = bool(restore_best_weights)
        self.best_weights: dict[str, np.ndarray] | None = None
        self.best_epoch: int | None = None

    def on_train_begin(self, state):
        self.tracker.best, self.wait, self.best_epoch = math.nan, 0, None

    def on_epoch_end(self, state):
        if self.tracker.improved(self.tracker.value(state.logs)):
            self.wait, self.best_epoch = 0, state.logs["epoch"]
            if self.restore_best_weights:
                self.keep(state.network.parameters())
            return
        self.wait += 1
        if self.wait >= self.patience:
            state.stop_training = True

    def keep(self, parameters: dict[str, np.ndarray]) -> None:
        if self.best_weights is None or self.best_weights.keys() != parameters.keys():
            self.best_weights = {name: value.copy() for name, value in parameters.items()}
            return
        for name, value in parameters.items():
            np.copyto(self.best_weights[name], value)

    def on_train_end(self, state):
        if self.restore_best_weights and self.best_epoch is not None:
            for name, value in state.network.parameters().items():
                np.copyto(value, self.best_weights[name])

    def __repr__(self):
        return (f"EarlyStopping(monitor={self.tracker.key!r}, patience={self.patience}, "
                f"min_delta={self.tracker.min_delta})")
