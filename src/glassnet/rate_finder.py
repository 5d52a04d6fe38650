"""``LearningRateFinder``: the learning-rate range test (Smith 2017, "Cyclical Learning Rates
for Training Neural Networks", section 3.3; fastai's ``lr_find``).

Train for up to ``steps`` batches while the learning rate grows exponentially from
``start`` to ``end``: rate_k = start * (end / start) ** (k / (steps - 1)). Record the loss
of every batch and its exponentially smoothed, bias-corrected value; stop once the smoothed
loss exceeds ``divergence`` times the lowest seen (or is not finite). Then the weights, the
running statistics and the optimizer (its rate and state) are put back as they were, so
the probe leaves nothing behind. The suggestion is the rate where the smoothed loss falls
fastest (the steepest negative slope against log rate, over a window), before the lowest
loss. Imports
numpy, the standard library, ``callbacks``, ``safeguards``, ``training`` and
``validation``; ``plotting`` and ``files`` (matplotlib) only to plot.
"""

from __future__ import annotations

import contextlib
import copy
import math

import numpy as np

from glassnet.callbacks import Callback
from glassnet.safeguards import TrainingDiverged
from glassnet.training import fit
from glassnet.validation import check_fraction, check_positive


class LearningRateFinder(Callback):
    """The range test as a callback; ``find`` runs it through ``fit`` in one call.

    After a run: ``rates`` and ``losses`` (raw batch losses) and ``smoothed`` (lists of the
    same length), ``suggestion()`` and ``plot(path)``.
    """

    def __init__(self, start: float = 1e-6, end: float = 10.0, steps: int = 200,
                 smoothing: float = 0.9, divergence: float = 4.0):
        self.start = check_positive("start", start)
        self.end = check_positive("end", end)
        if not self.end > self.start:
            raise ValueError(f"end must be above start, got start={start!r}, end={end!r}")
        self.steps = check_positive("steps", steps, integer=True)
        if self.steps < 2:
            raise ValueError(f"steps must be at least 2, got {steps!r}")
        self.smoothing = check_fraction("smoothing", smoothing)
        self.divergence = check_positive("divergence", divergence)
        self.rates: list[float] = []
        self.losses: list[float] = []
        self.smoothed: list[float] = []

    def rate(self, step: int) -> float:
        return self.start * (self.end / self.start) ** (step / (self.steps - 1))

    def on_train_begin(self, state) -> None:
        self.rates, self.losses, self.smoothed = [], [], []
        self.average, self.lowest = 0.0, math.inf
        self.saved = snapshot(state.network, state.optimizer)
        state.optimizer.learning_rate = self.rate(0)

    def on_batch_end(self, state) -> None:
        loss = float(state.batch_loss)
        step = len(self.losses)
        self.average = self.smoothing * self.average + (1 - self.smoothing) * loss
        smoothed = self.average / (1 - self.smoothing ** (step + 1))
        self.rates.append(state.optimizer.learning_rate)
        self.losses.append(loss)
        self.smoothed.append(smoothed)
        self.lowest = min(self.lowest, smoothed)
        exploded = not math.isfinite(smoothed) or smoothed > self.divergence * self.lowest
        if exploded or step + 1 >= self.steps:
            state.stop_training = True
        else:
            state.optimizer.learning_rate = self.rate(step + 1)

    def on_train_end(self, state) -> None:
        restore(state.network, state.optimizer, self.saved)

    def find(self, network, inputs, targets, loss, optimizer, batch_size: int = 32,
             **fit_arguments) -> float:
        """Run the range test with ``fit`` (enough epochs for ``steps`` batches) and return
        ``suggestion()``; the network and optimizer end as they began."""
        batches = math.ceil(len(inputs) / check_positive("batch_size", batch_size,
                                                         integer=True))
        epochs = math.ceil(self.steps / max(batches, 1))
        callbacks = [*fit_arguments.pop("callbacks", ()), self]
        fit_arguments.setdefault("verbose", 0)  # a tool run, not a training to watch
        # A step that produced NaN/inf ends the run: the record up to it stands, and
        # on_train_end has put the weights back.
        with contextlib.suppress(TrainingDiverged):
            fit(network, inputs, targets, loss, optimizer, epochs=epochs, batch_size=batch_size,
                callbacks=callbacks, **fit_arguments)
        return self.suggestion()

    def suggestion(self) -> float:
        """The rate where the smoothed loss falls fastest against log rate, before its lowest
        point. The slope is taken over a window of a tenth of the record (at least 2 steps),
        (s[i + w] - s[i]) / (log r[i + w] - log r[i]), so batch noise on the flat start does
        not pass for a descent; the rate returned is the window's middle."""
        count = len(self.smoothed)
        if count < 3:
            raise ValueError(f"the range test recorded {count} batch(es); it needs at least "
                             f"3 (run it first, with more data or steps)")
        smoothed = np.where(np.isfinite(self.smoothed), self.smoothed, np.inf)
        stop = max(int(np.argmin(smoothed)) + 1, 3)
        window = max(2, count // 10) if stop > 2 else 1
        window = min(window, stop - 1)
        log_rates = np.log(self.rates[:stop])
        slopes = (smoothed[window:stop] - smoothed[:stop - window]) / (
            log_rates[window:] - log_rates[:-window])
        return float(self.rates[int(np.argmin(slopes)) + window // 2])

    def plot(self, path) -> None:
        """Loss against learning rate (log axis), the suggestion marked; written atomically
        in the format the name asks for. Needs matplotlib."""
        from glassnet.files import write_atomically
        from glassnet.plotting import figure_format, import_matplotlib

        image_format = figure_format(path)
        Figure, FigureCanvasAgg = import_matplotlib()
        figure = self.figure(Figure)
        FigureCanvasAgg(figure)  # headless: no window, no pyplot state
        write_atomically(path, lambda file: figure.savefig(file, format=image_format, dpi=100))

    def figure(self, Figure):
        """The matplotlib Figure of the test (``Figure`` is matplotlib's class)."""
        figure = Figure(figsize=(6, 4))
        axes = figure.add_subplot()
        axes.plot(self.rates, self.losses, alpha=0.3, label="batch loss")
        axes.plot(self.rates, self.smoothed, label="smoothed")
        axes.axvline(self.suggestion(), color="black", linestyle="--",
                     label=f"suggestion {self.suggestion():.2g}")
        axes.set_xscale("log")
        axes.set_xlabel("learning rate")
        axes.set_ylabel("loss")
        axes.legend()
        figure.tight_layout()
        return figure


def snapshot(network, optimizer) -> dict:
    """Copies of what training changes: parameters, buffers, the optimizer's rate and state."""
    buffers = [{name: value.copy() for name, value in getattr(layer, "buffers", {}).items()}
               for layer in network.layers]
    return {"parameters": {name: value.copy() for name, value in network.parameters().items()},
            "buffers": buffers, "learning_rate": optimizer.learning_rate,
            "state": copy.deepcopy(getattr(optimizer, "state", None))}


def restore(network, optimizer, saved: dict) -> None:
    for name, value in network.parameters().items():
        np.copyto(value, saved["parameters"][name])
    for layer, buffers in zip(network.layers, saved["buffers"], strict=True):
        for name, value in buffers.items():
            np.copyto(layer.buffers[name], value)
    optimizer.learning_rate = saved["learning_rate"]
    if saved["state"] is not None:
        optimizer.state = saved["state"]
