"""Callbacks that keep training on disk: ``ModelCheckpoint`` (the model file, every epoch or
at the best epoch) and ``CSVLogger`` (the History as CSV, one row per epoch).

Both write only through glassnet's atomic writers (``serialization.save`` and
``files.write_atomically``): a crash or Ctrl-C mid-write leaves the previous file whole, and
an output that is a symlink, FIFO or device is refused, never replaced. Imports the
standard library, ``callbacks``, ``files``, ``model`` and ``serialization``.
"""

from __future__ import annotations

import csv
import io
import os
import string

from glassnet.callbacks import Callback, Monitor
from glassnet.files import check_output_path, write_atomically
from glassnet.model import Model
from glassnet.serialization import save


class ModelCheckpoint(Callback):
    """Save the model at the end of every epoch, or only when ``monitor`` improved.

    ``path`` may name recorded values in ``str.format`` fields, ``"model-{epoch:03d}.glassnet"``
    or ``"best-{val_loss:.3f}.glassnet"``, to keep one file per epoch; without fields each save
    replaces the last. With ``save_best_only`` a file is written only when ``monitor``
    (``mode`` "min", "max" or "auto", as EarlyStopping) beat its best so far. ``model``: the
    Model whose network is being trained, to save its labels and preprocessing too; by
    default the network is saved alone. ``saved`` lists the paths written, in order.
    """

    def __init__(self, path, monitor: str = "val_loss", save_best_only: bool = False,
                 mode: str = "auto", model: Model | None = None):
        self.path = os.fspath(path)
        self.fields = check_template(self.path)
        self.tracker = Monitor(monitor, mode, owner="ModelCheckpoint")
        self.save_best_only = bool(save_best_only)
        if model is not None and not isinstance(model, Model):
            raise TypeError(f"model must be a glassnet Model or None, got {model!r:.80}")
        self.model = model
        self.saved: list[str] = []
        self.best_epoch: int | None = None

    def on_train_begin(self, state) -> None:
        self.tracker.best, self.best_epoch = float("nan"), None
        if self.model is not None and self.model.network is not state.network:
            raise ValueError("ModelCheckpoint's model must hold the network being trained")
        if not self.fields:  # one fixed path: refuse a folder, FIFO or symlink before training
            check_output_path(self.path)

    def on_epoch_end(self, state) -> None:
        logs = state.logs
        if self.save_best_only:
            if not self.tracker.improved(self.tracker.value(logs)):
                return
            self.best_epoch = logs["epoch"]
        missing = sorted(self.fields - set(logs))
        if missing:
            raise ValueError(f"ModelCheckpoint path {self.path!r} names {missing}, which the "
                             f"epoch did not record; it recorded {sorted(logs)}")
        path = self.path.format(**logs)
        save(self.model if self.model is not None else state.network, path)
        self.saved.append(path)

    def __repr__(self) -> str:
        return (f"ModelCheckpoint({self.path!r}, monitor={self.tracker.key!r}, "
                f"save_best_only={self.save_best_only})")


def check_template(path: str) -> set[str]:
    """The names of the ``{field}``s in ``path``; positional or nested fields are refused."""
    try:
        fields = [field for _, field, _, _ in string.Formatter().parse(path) if field is not None]
    except ValueError as error:
        raise ValueError(f"path {path!r} is not a valid format string ({error}); write a "
                         f"literal brace as {{{{ or }}}}") from None
    bad = [field for field in fields if not field.isidentifier()]
    if bad:
        raise ValueError(f"path {path!r} may only name recorded values such as {{epoch}}, "
                         f"got {{{bad[0]}}}")
    return set(fields)


class CSVLogger(Callback):
    """Write the History to ``path`` as CSV after every epoch: one row per epoch, one column
    per recorded key (``epoch``, ``loss``, ``val_loss`` ...), floats as ``repr`` so they read
    back exactly, an empty cell where an epoch lacks a key. The whole file is rewritten
    atomically each epoch, so it is never half a row; each fit starts a new file."""

    def __init__(self, path, separator: str = ","):
        self.path = os.fspath(path)
        if not isinstance(separator, str) or len(separator) != 1 or separator in "\r\n\"":
            raise ValueError(f"separator must be one character (not a quote or newline), got "
                             f"{separator!r}")
        self.separator = separator

    def on_train_begin(self, state) -> None:
        check_output_path(self.path)  # a folder, FIFO or symlink is refused before training

    def on_epoch_end(self, state) -> None:
        write_atomically(self.path, history_csv(state.history, self.separator))

    def __repr__(self) -> str:
        return f"CSVLogger({self.path!r})"


def history_csv(history, separator: str = ",") -> str:
    """The CSV text of ``history``'s records (see CSVLogger)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\n")
    columns = history.keys()
    writer.writerow(columns)
    for record in history.records:
        writer.writerow([repr(record[key]) if key in record else "" for key in columns])
    return buffer.getvalue()
