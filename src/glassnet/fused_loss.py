"""Softmax cross-entropy's value and gradient in one go: the accelerator's loss step.

The readable loss (``classification_losses.SoftmaxCrossEntropy`` with ``loss_base.Loss``'s
reduction) makes its value in ``forward`` and its gradient in ``backward``, some fifteen
numpy calls between them. With an accelerator set, ``fit`` hands it to
``FusedSoftmaxCrossEntropy``, which does the same operations in the same order with fewer
calls, two of them compiled (``compiled_loss``):

    shift_by_row_maximum   m_i = max_k z_ik;  e = z - m
    numpy                  e <- exp(e);  s = e @ 1;  d = (t * z) @ 1;  log s
    values_and_gradient    l_i = (log s_i + m_i) - d_i;  G = (e / s - t) / n
    numpy                  L = sum_i l_i / n

numpy's exp, log and row sums (a BLAS product) are kept, so the value and the gradient are
bit for bit the loss's own. Only the default case is taken: reduction "mean", no sample
weights, targets as ``fit`` prepares them (an array of the predictions' shape and dtype),
float32 or float64 rows of 2 to ``SHORT_ROW`` classes (where the loss's row maximum runs
down the columns one after another). Anything else goes to the loss itself, and the loss
keeps the caches its own forward and backward leave. Imports numpy and glassnet's
``accelerator``, ``activation_functions`` and ``classification_losses``.
"""

from __future__ import annotations

import numpy as np

from glassnet.accelerator import get_accelerator, twin
from glassnet.activation_functions import SHORT_ROW, row_maximum, row_sums
from glassnet.classification_losses import SoftmaxCrossEntropy

FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def shift_by_row_maximum(predictions: np.ndarray, largest: np.ndarray,
                         shifted: np.ndarray) -> None:
    """m = max over each row of z into ``largest`` (batch, 1); e = z - m into ``shifted``."""
    largest[...] = row_maximum(predictions)
    np.subtract(predictions, largest, out=shifted)


def values_and_gradient(logs, largest, dots, exponentials, sums, targets, values,
                        count: float) -> None:
    """l = (log s + m) - d into ``values`` (batch,); G = (e / s - t) / count written over
    ``exponentials`` (batch, classes). logs, largest, dots, sums: (batch, 1)."""
    column = values[:, np.newaxis]
    np.add(logs, largest, out=column)
    column -= dots
    np.divide(exponentials, sums, out=exponentials)
    exponentials -= targets
    np.divide(exponentials, count, out=exponentials)


class FusedSoftmaxCrossEntropy:
    """``loss``'s forward and backward, the gradient made in ``forward`` (see the module)."""

    def __init__(self, loss: SoftmaxCrossEntropy):
        self.loss = loss
        self.gradient: np.ndarray | None = None

    def forward(self, predictions, targets, sample_weight=None) -> float:
        """L, as ``loss.forward``; the gradient kept for ``backward``."""
        self.gradient = None
        if sample_weight is not None or not fusable(predictions, targets):
            return self.loss.forward(predictions, targets, sample_weight)
        rows = predictions.shape[0]
        largest = np.empty((rows, 1), dtype=predictions.dtype)
        exponentials = np.empty_like(predictions)
        twin(shift_by_row_maximum)(predictions, largest, exponentials)
        np.exp(exponentials, out=exponentials)
        sums, dots = row_sums(exponentials), row_sums(targets * predictions)
        values = np.empty(rows, dtype=predictions.dtype)
        twin(values_and_gradient)(np.log(sums), largest, dots, exponentials, sums, targets,
                                  values, float(rows))
        self.gradient = exponentials
        loss = self.loss  # its caches as its own forward and backward leave them
        loss.predictions, loss.targets, loss.sample_weight = predictions, targets, None
        loss.total_weight, loss.softmax_parts = float(rows), None
        return float(np.add.reduce(values, axis=None) / loss.total_weight)

    def backward(self) -> np.ndarray:
        """dL/d predictions (batch, classes), as ``loss.backward``."""
        if self.gradient is None:
            return self.loss.backward()
        gradient, self.gradient = self.gradient, None
        return gradient


def fusable(predictions, targets) -> bool:
    """The default case (see the module docstring) for these arrays."""
    return (type(predictions) is np.ndarray and predictions.ndim == 2
            and predictions.dtype in FLOATS and predictions.shape[0] > 0
            and 1 < predictions.shape[1] <= SHORT_ROW and predictions.flags.c_contiguous
            and type(targets) is np.ndarray and targets.shape == predictions.shape
            and targets.dtype == predictions.dtype and targets.flags.c_contiguous)


def fused_loss(loss):
    """``FusedSoftmaxCrossEntropy(loss)`` when an accelerator is set and ``loss`` is the
    default SoftmaxCrossEntropy (reduction "mean", not a subclass); else ``loss``."""
    if (get_accelerator() is None or type(loss) is not SoftmaxCrossEntropy
            or loss.reduction != "mean"):
        return loss
    return FusedSoftmaxCrossEntropy(loss)
