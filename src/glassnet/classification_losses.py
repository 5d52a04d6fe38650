"""Losses for classes: binary cross-entropy (yes/no outputs, multi-label too) and softmax
cross-entropy (one class of C), both best computed from logits with a fused gradient.

Each gives l_i and its gradient, checks its targets' range and turns the network's outputs
into probabilities (``probabilities``); the reduction over the samples is ``loss_base.Loss``'s.
Imports numpy, ``loss_base`` and ``activation_functions`` only.
"""

from __future__ import annotations

import numbers

import numpy as np

from glassnet.activation_functions import row_maximum, row_sums, sigmoid, softmax
from glassnet.loss_base import Loss, is_prepared


class BinaryCrossEntropy(Loss):
    """Binary cross-entropy for one or more independent yes/no outputs (multi-label too).

    With ``from_logits=True`` (recommended) predictions are logits z and p = sigmoid(z):
        l_i = mean_k [ max(z,0) - z t + log(1 + exp(-|z|)) ]   (the stable form of
              -t log p - (1 - t) log(1 - p))
        dl_i/dz_ik = (sigmoid(z_ik) - t_ik) / K
    because d/dz of -t log p - (1-t) log(1-p) is p - t once dp/dz = p(1-p) cancels the
    denominators. With ``from_logits=False`` predictions are probabilities, clipped to
    [eps, 1 - eps], and dl/dp = (p - t) / (p (1 - p)) / K; eps is at least the float's
    resolution, since in float32 1 - 1e-12 rounds to 1 and log(1 - p) would be log 0.
    """

    new_arrays = True

    def __init__(self, from_logits: bool = True, reduction: str = "mean", eps: float = 1e-12):
        super().__init__(reduction)
        if not isinstance(from_logits, bool | np.bool_):  # "no" would be truthy
            raise TypeError(f"from_logits must be True or False, got {from_logits!r}")
        if isinstance(eps, bool) or not isinstance(eps, numbers.Real) or not 0 <= eps < 0.5:
            raise ValueError(f"eps must be a number in [0, 0.5), got {eps!r}")
        self.from_logits = bool(from_logits)
        self.eps = eps

    def prepare_targets(self, targets, predictions):
        """Targets in [0, 1] (labels 0/1 or probabilities) of the predictions' shape."""
        targets = super().prepare_targets(targets, predictions)
        if targets.size and not (targets.min() >= 0 and targets.max() <= 1):
            outside = targets[(targets < 0) | (targets > 1) | np.isnan(targets)].flat[0]
            raise ValueError(f"BinaryCrossEntropy needs targets in [0, 1] (0/1 labels or "
                             f"probabilities), got {outside}; for classes 0..C-1 use "
                             "SoftmaxCrossEntropy")
        return targets

    def per_sample(self, predictions, targets):
        if self.from_logits:
            z = predictions
            values = np.maximum(z, 0) - z * targets + np.log1p(np.exp(-np.abs(z)))
        else:
            p = self.clip(predictions)
            values = -(targets * np.log(p) + (1 - targets) * np.log1p(-p))
        return values.mean(axis=1)

    def per_sample_gradient(self, predictions, targets):
        if self.from_logits:
            return (sigmoid(predictions) - targets) / predictions.shape[1]
        p = self.clip(predictions)
        return (p - targets) / (p * (1 - p)) / predictions.shape[1]

    def clip(self, probabilities: np.ndarray) -> np.ndarray:
        """Probabilities clipped to [eps, 1 - eps], eps no finer than the dtype resolves."""
        dtype = probabilities.dtype if probabilities.dtype.kind == "f" else np.float64
        eps = max(self.eps, float(np.finfo(dtype).eps))
        return np.clip(probabilities, eps, 1 - eps)

    def probabilities(self, outputs: np.ndarray) -> np.ndarray:
        """The network's outputs turned into probabilities (sigmoid of logits)."""
        return sigmoid(outputs) if self.from_logits else outputs

    def __repr__(self):
        return f"BinaryCrossEntropy(from_logits={self.from_logits}, reduction={self.reduction!r})"


class SoftmaxCrossEntropy(Loss):
    """Cross-entropy of softmax(logits) against class labels, computed from the logits.

        l_i = log sum_k exp(z_ik) - sum_k t_ik z_ik      (log-sum-exp, never overflows)
        dl_i/dz_i = softmax(z_i) - t_i

    The gradient is that simple because d/dz of -sum_k t_k log softmax(z)_k is
    softmax(z) * sum_k t_k - t, and one-hot (or probability) targets sum to 1. Targets are
    integer labels of shape (batch,) or one-hot rows of shape (batch, classes).
    """

    new_arrays = True

    def prepare_targets(self, targets, predictions):
        if is_prepared(targets, predictions):  # (batch, classes) rows, never labels (fit
            return targets  # checks them once, by check_targets, before its batches)
        targets = np.asarray(targets)
        classes = predictions.shape[1]
        if targets.ndim == 1 or (targets.ndim == 2 and targets.shape[1] == 1 and classes > 1):
            labels = targets.reshape(-1)
            if labels.dtype.kind == "f" and not np.all(labels == np.round(labels)):
                raise ValueError("integer class labels expected, got fractional values")
            labels = labels.astype(np.int64)
            if labels.min() < 0 or labels.max() >= classes:
                raise ValueError(
                    f"class labels must be in [0, {classes - 1}], got "
                    f"{labels.min()}..{labels.max()}"
                )
            one_hot = np.zeros(predictions.shape, dtype=predictions.dtype)
            one_hot[np.arange(len(labels)), labels] = 1
            return one_hot
        return self.check_targets(super().prepare_targets(targets, predictions))

    def check_targets(self, targets: np.ndarray) -> np.ndarray:
        """Rows of probabilities, as the gradient softmax(z) - t needs: every value in [0, 1]
        and every row summing to 1 (within 1e-3); else a ValueError naming a bad row."""
        bad = np.flatnonzero(((targets < 0) | (targets > 1)).any(axis=1)
                             | (np.abs(targets.sum(axis=1) - 1) > 1e-3))
        if bad.size:
            row = targets[bad[0]]
            raise ValueError(
                f"SoftmaxCrossEntropy needs class labels or rows of probabilities (each in "
                f"[0, 1], each row summing to 1); row {bad[0]} is {np.array2string(row[:8])}"
                f"{' ...' if row.size > 8 else ''} (sum {row.sum():.6g}); for several labels "
                "per row use BinaryCrossEntropy")
        return targets

    def per_sample(self, predictions, targets):
        largest = row_maximum(predictions)
        exponentials = np.subtract(predictions, largest)
        np.exp(exponentials, out=exponentials)  # in place: one (batch, classes) array made
        sums = row_sums(exponentials)
        # softmax(z) = exponentials / sums: kept so the gradient needs no second exp.
        self.softmax_parts = (predictions, exponentials, sums)
        values = np.log(sums)  # (batch, 1), then in place: log_sum - sum_k t_ik z_ik
        values += largest
        values -= row_sums(targets * predictions)
        return values[:, 0]

    def per_sample_gradient(self, predictions, targets):
        cached, exponentials, sums = getattr(self, "softmax_parts", None) or (None,) * 3
        if cached is not predictions:
            return softmax(predictions) - targets
        self.softmax_parts = None  # used up: the division below overwrites exponentials
        gradient = np.divide(exponentials, sums, out=exponentials)
        gradient -= targets
        return gradient

    def probabilities(self, outputs: np.ndarray) -> np.ndarray:
        """The network's logits turned into class probabilities (softmax)."""
        return softmax(outputs)
