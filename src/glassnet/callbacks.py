"""Callbacks: objects the training loop calls at fixed points, to watch or steer training.

A callback overrides any of ``on_train_begin``, ``on_epoch_begin``, ``on_batch_end``,
``on_epoch_end``, ``on_train_end``; each receives the ``Training`` state of
``training.fit`` (network, loss, optimizer, history, epoch, batch, batch_loss, logs) and
may set ``state.stop_training = True``. Nothing here is called by the loop by name of a
concrete class: the loop only walks the list it is given. Imports numpy and tqdm only.
"""

from __future__ import annotations

import sys
import time


class Callback:
    """Base class with do-nothing hooks."""

    def on_train_begin(self, state) -> None: ...

    def on_epoch_begin(self, state) -> None: ...

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
