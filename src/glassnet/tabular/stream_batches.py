"""The batches of a table read chunk by chunk, for ``training``'s loop.

``StreamBatches.epoch(rng)`` reads the chunks (in a new random order each epoch when the
source allows it), encodes each with the ``Plan``, keeps its training rows and, once
``buffer_chunks`` chunks are buffered, shuffles their rows together and hands out batches;
rows short of a whole batch wait for the next buffer. The rows held never exceed
``buffer_chunks`` chunks plus one batch (``most_rows_held`` records it), besides the
``prefetch.DEPTH`` chunks read ahead in a thread. The validation
rows of the first epoch go to a ``HeldOut`` file on disk, which ``StreamEvaluation`` reads
back block by block at the end of every epoch. numpy only.
"""

from __future__ import annotations

import os
import tempfile

import numpy as np

from glassnet.evaluation import outputs_of, resolve_metrics
from glassnet.tabular.prefetch import prefetched
from glassnet.training_data import Batch

BLOCK_ROWS = 8_192  # validation rows evaluated at once


class HeldOut:
    """The validation rows' inputs and targets (as the loss wants them), appended to a
    temporary file as they are read, read back in blocks."""

    def __init__(self, features: int, outputs: int, dtype):
        self.features, self.outputs, self.dtype = features, outputs, np.dtype(dtype)
        handle, self.path = tempfile.mkstemp(prefix="glassnet-validation-", suffix=".bin")
        self.file = os.fdopen(handle, "wb")
        self.rows, self.complete = 0, False

    def append(self, inputs: np.ndarray, targets: np.ndarray) -> None:
        rows = np.hstack([inputs, targets.reshape(len(targets), self.outputs)]).astype(self.dtype)
        self.file.write(rows.tobytes())
        self.rows += len(rows)

    def finish(self) -> None:
        self.file.close()
        self.complete = True

    def blocks(self):
        """(inputs, targets) blocks of at most BLOCK_ROWS rows, in file order."""
        if not self.rows:
            return
        width = self.features + self.outputs
        with open(self.path, "rb") as file:  # read, not mapped: mapped pages count as resident
            for start in range(0, self.rows, BLOCK_ROWS):
                rows = min(BLOCK_ROWS, self.rows - start)
                block = np.fromfile(file, dtype=self.dtype, count=rows * width)
                block = block.reshape(rows, width)
                yield block[:, :self.features], block[:, self.features:]

    def close(self) -> None:
        if not self.file.closed:
            self.file.close()
        if os.path.exists(self.path):
            os.remove(self.path)


class StreamBatches:
    """Batches over the training rows of ``source``'s chunks (see the module docstring)."""

    def __init__(self, source, plan, network, loss, batch_size: int, buffer_chunks: int,
                 held_out: HeldOut | None = None):
        self.source, self.plan, self.network, self.loss = source, plan, network, loss
        self.batch_size, self.buffer_chunks = batch_size, buffer_chunks
        self.held_out = held_out
        self.most_rows_held = 0
        self.inputs = self.targets = None

    def __len__(self) -> int:
        return max(-(-self.plan.training_rows // self.batch_size), 1)

    def epoch(self, rng):
        """Yield Batch(inputs, targets, None, rows) over the epoch's training rows."""
        filled = buffered = 0
        order = np.random.default_rng(rng.integers(2**63))  # drawn here: the thread's own
        for inputs, targets in prefetched(self.source.chunks(order), self.rows_of):
            self.reserve(filled + len(inputs), inputs, targets)
            self.inputs[filled:filled + len(inputs)] = inputs
            self.targets[filled:filled + len(inputs)] = targets
            filled, buffered = filled + len(inputs), buffered + 1
            if buffered >= self.buffer_chunks:
                filled = yield from self.batches(filled, rng, last=False)
                buffered = 0
        yield from self.batches(filled, rng, last=True)
        if self.held_out is not None and not self.held_out.complete:
            self.held_out.finish()

    def reserve(self, rows: int, inputs: np.ndarray, targets: np.ndarray) -> None:
        """One buffer for the epochs, made (or grown) to hold ``rows`` rows; its first size
        is ``buffer_chunks`` chunks like this one and a batch."""
        if self.inputs is not None and len(self.inputs) >= rows:
            return
        size = max(rows, self.buffer_chunks * len(inputs) + self.batch_size)
        grown = [np.empty((size, *array.shape[1:]), array.dtype) for array in (inputs, targets)]
        if self.inputs is not None:
            for old, new in zip((self.inputs, self.targets), grown, strict=True):
                new[:len(old)] = old
        self.inputs, self.targets = grown

    def rows_of(self, chunk):
        """The chunk's training rows (inputs, targets as the loss wants them); its
        validation rows go to the held-out file in the first epoch."""
        inputs, targets, training = self.plan.encode(chunk, self.network.dtype)
        targets = self.prepared(targets)
        if self.held_out is not None and not self.held_out.complete:
            self.held_out.append(inputs[~training], targets[~training])
        return inputs[training], targets[training]

    def prepared(self, targets: np.ndarray) -> np.ndarray:
        """Targets in the shape and dtype the loss wants (what ``fit`` does once)."""
        template = np.empty((len(targets), self.plan.problem.outputs), self.network.dtype)
        return self.loss.prepare_targets(targets, template)

    def batches(self, filled: int, rng, last: bool):
        """Shuffle the buffer's ``filled`` rows and yield whole batches (all of them when
        ``last``); the rows left over move to the buffer's start: returns their count."""
        self.most_rows_held = max(self.most_rows_held, filled)
        order = rng.permutation(filled)
        size = self.batch_size
        end = filled if last else filled - filled % size
        for start in range(0, end, size):
            rows = order[start:start + size]
            yield Batch(self.inputs[rows], self.targets[rows], None, len(rows))
        rest = order[end:]
        self.inputs[:len(rest)], self.targets[:len(rest)] = \
            self.inputs[rest], self.targets[rest]
        return len(rest)


class StreamEvaluation:
    """``evaluation.Evaluation`` over the held-out file: ``val_loss`` and ``val_<metric>``
    as the row-weighted mean of the blocks' values (exact for a mean over rows, such as
    the loss and accuracy). Metrics on the training rows are not computed (that would take
    one more pass over the file); the epoch's ``loss`` is there."""

    def __init__(self, network, loss, metrics, held_out: HeldOut | None):
        self.network, self.loss = network, loss
        self.metrics = resolve_metrics(metrics)
        self.held_out = held_out

    def __call__(self, logs: dict) -> dict:
        if self.held_out is None or not self.held_out.rows:
            return logs
        sums, rows = {}, 0
        probabilities = getattr(self.loss, "probabilities", None)
        for inputs, targets in self.held_out.blocks():
            outputs = outputs_of(self.network, inputs)
            values = {"val_loss": self.loss.forward(outputs, targets, None)}
            predictions = outputs if probabilities is None else probabilities(outputs)
            raw = targets.argmax(axis=1) if targets.shape[1] > 1 else targets[:, 0]
            for name, metric in self.metrics.items():
                values[f"val_{name}"] = metric(raw, predictions)
            for name, value in values.items():
                sums[name] = sums.get(name, 0.0) + float(value) * len(inputs)
            rows += len(inputs)
        logs.update({name: total / rows for name, total in sums.items()})
        return logs
