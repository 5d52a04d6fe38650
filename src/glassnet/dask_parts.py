"""The data side of ``glassnet.dask``: the rows stay on the workers as prepared parts, one per
row block of a dask array (or dask DataFrame), and the client asks them for one thing, their
sums at a parameter vector (``sums.batch_sums``), in part order. A part that fails on the
workers, or no answer within ``timeout`` seconds, raises ``WorkerError`` naming it; a task
lost with its worker is rerun by Dask from the data's lineage. Each part keeps its own copy of
the network beside its rows, so a step sends only the vector, inside each task (no scattered
data that a dying worker could take with it). dask is imported lazily.
"""

from __future__ import annotations

import copy
import math

import numpy as np

from glassnet.evaluation import outputs_of
from glassnet.flat import vector_to_parameters
from glassnet.sums import batch_sums, summing
from glassnet.training_data import dataset


class WorkerError(RuntimeError):
    """A part failed on the workers, or they did not answer in time; training stopped."""


def dask_array(name: str, data):
    """A dask array from a dask array, DataFrame or Series (row counts computed if unknown)."""
    try:
        import dask.array as da
    except ImportError as error:
        raise ImportError('glassnet.dask needs dask: pip install "glassnet[dask]"') from error
    if hasattr(data, "to_dask_array") and not isinstance(data, da.Array):
        data = data.to_dask_array(lengths=True)
    if not isinstance(data, da.Array):
        raise TypeError(f"{name} must be a dask array or dask DataFrame, got "
                        f"{type(data).__name__} (use fit or fit_lbfgs for data in memory)")
    return data.compute_chunk_sizes() if any(math.isnan(n) for n in data.shape) else data


def row_blocks(inputs, targets, sample_weight) -> list[tuple]:
    """(inputs, targets, weights) delayed blocks, cut at the inputs' row blocks."""
    inputs = dask_array("inputs", inputs)
    if inputs.ndim != 2 or inputs.shape[0] == 0:
        raise ValueError(f"inputs must be (samples, features) with samples > 0, got shape "
                         f"{inputs.shape}")
    inputs = inputs.rechunk({1: -1})
    columns = [dask_array("targets", targets)]
    if sample_weight is not None:
        columns.append(dask_array("sample_weight", sample_weight))
    for name, column in zip(("targets", "sample_weight"), columns, strict=False):
        if column.shape[0] != inputs.shape[0]:
            raise ValueError(f"inputs have {inputs.shape[0]} rows but {name} has "
                             f"{column.shape[0]}")
    blocks = [column.rechunk({0: inputs.chunks[0], **{a: -1 for a in range(1, column.ndim)}})
              .to_delayed().ravel() for column in [inputs, *columns]]
    return [(x, y, w[0] if w else None) for x, y, *w in zip(*blocks, strict=True)]


class Parts:
    """The prepared parts on the workers and the one question asked of them: their sums."""

    def __init__(self, client, network, loss, inputs, targets, sample_weight, timeout):
        from dask import delayed
        self.client, self.network, self.loss, self.timeout = client, network, loss, timeout
        blocks = row_blocks(inputs, targets, sample_weight)
        self.inputs = dask_array("inputs", inputs)
        self.lengths = self.inputs.chunks[0]
        self.futures = client.compute([delayed(prepared_part)(network, loss, *block)
                                       for block in blocks])
        self.collect(self.futures, "preparing")

    def sums(self, vector: np.ndarray, batch=None) -> tuple[float, np.ndarray, float]:
        """(sum_p S_p, sum_p G_p, sum_p W_p) at ``vector``; ``batch`` = (seeds, step, size)
        picks each part's rows of this step, None all rows."""
        futures = [self.client.submit(part_sums, part, self.loss, vector,
                                      None if batch is None else (batch[0][p], *batch[1:]),
                                      pure=False)
                   for p, part in enumerate(self.futures)]
        answers = self.collect(futures, "computing the sums")
        gradient = np.zeros(len(vector), dtype=np.float64)
        value = total = 0.0
        for part_value, part_gradient, part_total in answers:  # a fixed order: reproducible
            value, total = value + part_value, total + part_total
            gradient += part_gradient
        return value, gradient, total

    def losses(self, vector: np.ndarray) -> tuple[float, float]:
        """(sum_p S_p, sum_p W_p) at ``vector`` in evaluation mode (``training=False``), the
        loss only: S / W is what ``Evaluation`` reports as val_loss for data in memory."""
        futures = [self.client.submit(part_loss, part, self.loss, vector,
                                      pure=False) for part in self.futures]
        answers = self.collect(futures, "computing the validation loss")
        return (sum(value for value, _ in answers), sum(total for _, total in answers))

    def collect(self, futures, doing: str) -> list:
        """The futures' results; a failed part or a timeout raises WorkerError."""
        from distributed import wait
        try:
            wait(futures, timeout=self.timeout)
        except TimeoutError as error:
            self.client.cancel(futures)
            raise WorkerError(f"no answer from the workers within {self.timeout} s while "
                                f"{doing}; training stopped") from error
        for index, future in enumerate(futures):
            if future.status == "error":
                error = future.exception()
                raise WorkerError(f"part {index} of {len(futures)} failed on the workers "
                                    f"while {doing}: {type(error).__name__}: {error}"
                                    ) from error
        return self.client.gather(futures)


def prepared_part(network, loss, inputs, targets, weights) -> tuple:
    """On a worker: a part's checked Dataset and the part's own copy of the network, which
    its steps reuse (each overwrites every parameter first), so that a step sends only the
    vector. Both are results of the part's task: a lost worker's parts are recomputed."""
    return dataset(network, loss, inputs, targets, weights), copy.deepcopy(network)


def part_sums(part, loss, vector, batch) -> tuple[float, np.ndarray, float]:
    """On a worker: ``batch_sums`` of a part's rows (all, or step ``step`` of an epoch's
    order drawn from ``seed`` in batches of ``size`` rows), on the part's network."""
    data, network = part
    if batch is not None:
        seed, step, size = batch
        rows = slice(step * size, (step + 1) * size)
        if seed is not None and size < len(data):
            rows = np.random.default_rng(seed).permutation(len(data))[rows]
        data = data.subset(rows)
    return batch_sums(network, loss, data.inputs, data.targets, data.weights, vector)


def part_loss(part, loss, vector) -> tuple[float, float]:
    """On a worker: (S, W) = (sum_i w_i l_i, sum_i w_i) of a part's rows at ``vector``, the
    network in evaluation mode (as ``Evaluation`` computes val_loss), on the part's network."""
    data, network = part
    vector_to_parameters(vector, network)
    value = summing(loss).forward(outputs_of(network, data.inputs), data.targets, data.weights)
    total = (float(len(data.inputs)) if data.weights is None
             else float(np.sum(data.weights, dtype=np.float64)))
    return float(value), total
