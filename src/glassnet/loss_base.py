"""The loss base class: the two-step protocol and the reduction over the samples.

A loss follows a two-step protocol like a layer: ``forward(predictions, targets,
sample_weight=None) -> float`` caches what ``backward() -> grad_predictions`` needs.
Each loss only defines its per-sample value l_i (for K outputs, the mean over them of the
per-output values) and that value's gradient; the shared reduction over the samples turns
them into

    mean:  L = sum_i w_i l_i / sum_i w_i        (w_i = 1 without sample weights)
    sum:   L = sum_i w_i l_i

so weighted losses are normalised by the total weight. ``reduction`` means this one thing
for every loss: it chooses how samples are combined, never how outputs are. The losses
themselves live in ``regression_losses`` and ``classification_losses``; ``losses`` gathers
them all. Imports numpy only.
"""

from __future__ import annotations

import numpy as np

# set by forward, for backward
CACHES = ("predictions", "targets", "sample_weight", "total_weight", "softmax_parts")


class Loss:
    """Base class: subclasses give ``per_sample`` values and their ``per_sample_gradient``.

    ``new_arrays``: True when ``per_sample`` and ``per_sample_gradient`` always return new
    arrays of the loss's own, which the reduction then weighs and divides in place: every
    loss here. False by default, so a custom loss's arrays are never written over (a subclass
    of a loss here whose methods return arrays it keeps sets it back to False).
    """

    new_arrays = False

    def __init__(self, reduction: str = "mean"):
        if reduction not in ("mean", "sum"):
            raise ValueError(f"reduction must be 'mean' or 'sum', got {reduction!r}")
        self.reduction = reduction

    def per_sample(self, predictions: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """l_i for each sample: (batch, outputs), (batch, outputs) -> (batch,)."""
        raise NotImplementedError

    def per_sample_gradient(self, predictions: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """d l_i / d predictions_i: (batch, outputs) -> (batch, outputs)."""
        raise NotImplementedError

    def prepare_targets(self, targets: np.ndarray, predictions: np.ndarray) -> np.ndarray:
        """Bring targets to the predictions' shape; 1-D targets become one column."""
        if is_prepared(targets, predictions):
            return targets  # as fit hands them over, batch after batch: nothing to redo
        targets = np.asarray(targets, dtype=predictions.dtype)
        if targets.ndim == 1:
            targets = targets.reshape(-1, 1)
        if targets.shape != predictions.shape:
            raise ValueError(
                f"targets have shape {targets.shape} but predictions have shape "
                f"{predictions.shape}"
            )
        return targets

    def forward(self, predictions, targets, sample_weight=None) -> float:
        """L (see the module docstring); caches the arrays for ``backward``.

        predictions (batch, outputs); targets as ``prepare_targets`` takes them;
        sample_weight (batch,) or None (any other shape is refused: a column would broadcast).
        """
        self.predictions = predictions
        self.targets = self.prepare_targets(targets, predictions)
        self.sample_weight = check_weights(sample_weight, len(predictions))
        self.total_weight = self.normaliser()
        values = self.weighted(self.per_sample(predictions, self.targets), self.sample_weight)
        # np.add.reduce(values, axis=None) is values.sum() without its Python wrapper
        return float(np.add.reduce(values, axis=None) / self.total_weight)

    def backward(self) -> np.ndarray:
        """dL/d predictions, shape (batch, outputs)."""
        if getattr(self, "predictions", None) is None:
            raise RuntimeError(f"{type(self).__name__}.backward needs forward first: it "
                               "differentiates the loss forward last computed")
        gradient = self.per_sample_gradient(self.predictions, self.targets)
        if self.sample_weight is not None:
            gradient = self.weighted(gradient, self.sample_weight[:, np.newaxis])
        if self.reduction == "mean":
            own = self.new_arrays and gradient.dtype.kind == "f"
            gradient = np.divide(gradient, self.total_weight, out=gradient if own else None)
        return gradient

    def weighted(self, values: np.ndarray, weights: np.ndarray | None) -> np.ndarray:
        """values * weights, in place when ``values`` is the loss's own and keeps its dtype."""
        if weights is None:
            return values
        own = self.new_arrays and values.dtype == weights.dtype
        return np.multiply(values, weights, out=values if own else None)

    def __call__(self, predictions, targets, sample_weight=None) -> float:
        return self.forward(predictions, targets, sample_weight)

    def __getstate__(self) -> dict:
        """The loss's settings only: a pickled (or copied) loss never carries the
        predictions, targets and weights its last forward cached."""
        return {key: value for key, value in self.__dict__.items() if key not in CACHES}

    def normaliser(self) -> float:
        """W = sum_i w_i for "mean" (the batch size without weights); 1 for "sum"."""
        if self.reduction == "sum":
            return 1.0
        if self.sample_weight is None:
            return float(len(self.predictions))
        return float(self.sample_weight.sum())

    def __repr__(self) -> str:
        return f"{type(self).__name__}(reduction={self.reduction!r})"


def is_prepared(targets, predictions: np.ndarray) -> bool:
    """Whether ``targets`` already is an array of the predictions' shape and dtype."""
    return (type(targets) is np.ndarray and targets.shape == predictions.shape
            and targets.dtype == predictions.dtype)


def check_weights(sample_weight, samples: int) -> np.ndarray | None:
    """``sample_weight`` as a (samples,) array of numbers, or None."""
    if sample_weight is None:
        return None
    weights = np.asarray(sample_weight)
    if weights.shape != (samples,) or weights.dtype.kind not in "biuf":
        raise ValueError(f"sample_weight must be {samples} numbers of shape ({samples},), one "
                         f"per sample; got {weights.dtype} of shape {weights.shape}")
    return weights
