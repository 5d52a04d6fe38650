"""What ``fit(verbose=...)`` shows: a bar over each epoch's batches and one line per epoch.

    0       nothing
    1       a bar over the epoch's batches where one can be drawn, then one line per epoch:
            in a terminal tqdm's text bar; in a Jupyter notebook tqdm's notebook bar when
            ipywidgets is importable; elsewhere (a file, a pipe, a notebook without
            ipywidgets) the lines alone, so no warning and no control characters
    2       one line per epoch
    "auto"  1 when standard output is a terminal or a notebook, else 0 (a script writing to
            a file, a test, a program that calls fit stays quiet)

A line reads ``Epoch 3/10 - 0.012s - loss: 0.4213 - val_loss: 0.5012 - learning_rate:
0.001``. Output goes to ``sys.stdout`` (as Keras's does) unless a stream is given. Imports
tqdm and ``callbacks``.
"""

from __future__ import annotations

import importlib.util
import math
import sys

from glassnet.callbacks import Callback

LEVELS = (0, 1, 2, "auto")


def in_notebook() -> bool:
    """True inside a Jupyter kernel (IPython's ZMQ shell), without importing IPython."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if hasattr(ipython, "get_ipython") else None
    return type(shell).__name__ == "ZMQInteractiveShell"


def is_terminal(stream) -> bool:
    return callable(getattr(stream, "isatty", None)) and stream.isatty()


def check_verbose(verbose) -> int | str:
    """0, 1, 2 or "auto" (True and False count as 1 and 0)."""
    if isinstance(verbose, bool):
        return int(verbose)
    if not any(verbose == level and type(verbose) is type(level) for level in LEVELS):
        raise ValueError(f"verbose must be 0, 1, 2 or 'auto', got {verbose!r:.80}")
    return verbose


def progress_for(verbose, stream=None) -> Progress | None:
    """The callback that ``verbose`` asks for, or None when it asks for nothing."""
    level = check_verbose(verbose)
    if level == "auto":
        shown = is_terminal(sys.stdout if stream is None else stream) or in_notebook()
        level = 1 if shown else 0
    return Progress(level, stream) if level else None


def bar_kind(stream) -> str | None:
    """"notebook", "terminal" or None (no bar can be drawn on ``stream``)."""
    if in_notebook():
        return "notebook" if importlib.util.find_spec("ipywidgets") is not None else None
    return "terminal" if is_terminal(stream) else None


def epoch_line(state) -> str:
    """``Epoch e/E - seconds - key: value ...`` from the epoch's record (not per-layer keys)."""
    logs = state.logs
    parts = [f"Epoch {state.epoch + 1}/{state.epochs}", f"{logs.get('time', math.nan):.3g}s"]
    parts += [f"{key}: {value:.4g}" for key, value in logs.items()
              if key not in ("epoch", "time") and not key.startswith("layers.")]
    return " - ".join(parts)


class Progress(Callback):
    """``fit``'s ``verbose`` output (see the module docstring); ``verbose`` 1 or 2."""

    def __init__(self, verbose: int = 1, stream=None):
        self.verbose = check_verbose(verbose)
        if self.verbose not in (1, 2):
            raise ValueError(f"Progress shows verbose 1 or 2, got {verbose!r}")
        self.stream, self.bar, self.kind = stream, None, None

    def on_train_begin(self, state):
        self.output = sys.stdout if self.stream is None else self.stream
        self.kind = bar_kind(self.output) if self.verbose == 1 else None

    def on_epoch_begin(self, state):
        if self.kind is None:
            return
        if self.kind == "notebook":
            from tqdm.notebook import tqdm
        else:
            from tqdm import tqdm
        self.bar = tqdm(total=state.batches, file=self.output, leave=False, unit="batch",
                        desc=f"Epoch {state.epoch + 1}/{state.epochs}")

    def on_batch_end(self, state):
        if self.bar is not None:
            self.bar.set_postfix(loss=f"{state.batch_loss:.4g}", refresh=False)
            self.bar.update(1)

    def on_epoch_end(self, state):
        self.close()
        print(epoch_line(state), file=self.output, flush=True)

    def on_train_end(self, state):
        self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def __repr__(self) -> str:
        return f"Progress(verbose={self.verbose})"
