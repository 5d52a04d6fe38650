"""Callbacks: objects the training loop calls at fixed points, to watch or steer training.

A callback overrides any of ``on_train_begin``, ``on_epoch_begin``, ``on_batch_begin``,
``on_batch_end``, ``on_epoch_end``, ``on_train_end``; each receives the ``Training`` state of
``training.fit`` (network, loss, optimizer, history, epoch, batch, batches, batch_loss, logs,
samples_seen, inputs) and may set ``state.stop_training = True``. At ``on_epoch_end``,
``state.logs`` is already the epoch's record in the History, so keys added to it are kept.
The loop only walks the list it is given. Imports numpy, tqdm, ``activations``,
``validation``.
"""

from __future__ import annotations

import math
import sys
import time

import numpy as np

from glassnet.activations import ReLU, Sigmoid, Tanh
from glassnet.validation import check_fraction, check_positive


class Callback:
    """Base class with do-nothing hooks."""

    def on_train_begin(self, state) -> None: ...

    def on_epoch_begin(self, state) -> None: ...

    def on_batch_begin(self, state) -> None: ...

    def on_batch_end(self, state) -> None: ...

    def on_epoch_end(self, state) -> None: ...

    def on_train_end(self, state) -> None: ...


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


class Diagnostics(Callback):
    """Why isn't it learning? Records per layer, every epoch, under ``layers.<i>.<name>``:

        weight_norm    ||W|| after the epoch's last step
        gradient_norm  ||dL/dW|| of that step (with the L2 term, if any)
        update_ratio   ||W_after - W_before|| / ||W_before|| of that step (healthy: ~1e-3)
        dead_share     ReLU: share of units that output 0 for every row of a sample
        saturated_share  Sigmoid/Tanh: share of outputs with |tanh| > saturation (sigmoid:
                       |2 o - 1| > saturation), where the gradient nearly vanishes

    The unit shares come from one evaluation-mode pass over up to ``sample_size`` rows
    spread through the training inputs. Costs one weight copy and that pass per epoch.
    """

    def __init__(self, sample_size: int = 1000, saturation: float = 0.99):
        self.sample_size = check_positive("sample_size", sample_size, integer=True)
        self.saturation = check_fraction("saturation", saturation, allow_zero=False)
        self.before: dict[str, np.ndarray] | None = None
        self.step: dict[str, float] = {}

    def on_batch_begin(self, state):
        if state.batch == state.batches - 1:
            self.before = {name: value.copy() for name, value in weights_of(state.network)}

    def on_batch_end(self, state):
        if self.before is None:
            return
        gradients = state.network.gradients()
        for name, weights in weights_of(state.network):
            layer, before = name.rsplit(".", 1)[0], self.before[name]
            scale = float(np.linalg.norm(before))
            change = float(np.linalg.norm(weights - before))
            self.step[f"{layer}.weight_norm"] = float(np.linalg.norm(weights))
            self.step[f"{layer}.gradient_norm"] = float(np.linalg.norm(gradients[name]))
            self.step[f"{layer}.update_ratio"] = change / scale if scale > 0 else math.inf
        self.before = None

    def on_epoch_end(self, state):
        state.logs.update(self.step)
        self.step = {}
        if state.inputs is not None:
            stride = max(1, len(state.inputs) // self.sample_size)
            sample = state.inputs[::stride][:self.sample_size]
            state.logs.update(unit_shares(state.network, sample, self.saturation))


def weights_of(network):
    """(name, array) for every parameter array named ``weights``."""
    return [(name, value) for name, value in network.parameters().items()
            if name.rsplit(".", 1)[-1] == "weights"]


def unit_shares(network, inputs: np.ndarray, saturation: float) -> dict[str, float]:
    """Dead-ReLU and saturated-Sigmoid/Tanh shares, layer by layer, for ``inputs``."""
    shares = {}
    for index, layer in enumerate(network.layers):
        inputs = layer.forward(inputs, training=False)
        if isinstance(layer, ReLU):
            shares[f"layers.{index}.dead_share"] = float(np.mean(np.all(inputs <= 0, axis=0)))
        elif isinstance(layer, Sigmoid):
            saturated = np.abs(2 * inputs - 1) > saturation
            shares[f"layers.{index}.saturated_share"] = float(np.mean(saturated))
        elif isinstance(layer, Tanh):
            shares[f"layers.{index}.saturated_share"] = float(np.mean(np.abs(inputs) > saturation))
    return shares
