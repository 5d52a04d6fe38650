"""Losses for numbers: squared error, mean absolute error and Huber, each l_i with its gradient.

Shapes (batch, outputs) for predictions and targets; the reduction over the samples (mean or
sum, with sample weights) is ``loss_base.Loss``'s. Imports numpy and ``loss_base`` only.
"""

from __future__ import annotations

import numbers

import numpy as np

from glassnet.loss_base import Loss


class SquaredError(Loss):
    """l_i = 1/2 * sum_k (p_ik - t_ik)^2 / K  (K outputs);  dl_i/dp_ik = (p_ik - t_ik) / K.

    The 1/2 cancels the 2 of the derivative, so the gradient is the plain error, as in the
    tutorial. With ``reduction="mean"`` this is scikit-learn's ``squared_loss``
    (1/2 of the mean over all elements). With ``reduction="sum"``, L = 1/2 sum_i mean_k
    (p_ik - t_ik)^2: summed over the samples, still averaged over the K outputs, as every
    loss's "sum" is. The tutorial's one output makes that 1/2 sum_i (p_i - t_i)^2, whose
    gradient is ``predictions - targets``.
    """

    new_arrays = True

    def per_sample(self, predictions, targets):
        return 0.5 * ((predictions - targets) ** 2).mean(axis=1)

    def per_sample_gradient(self, predictions, targets):
        return (predictions - targets) / predictions.shape[1]


class MeanAbsoluteError(Loss):
    """l_i = sum_k |p_ik - t_ik| / K;  dl_i/dp_ik = sign(p_ik - t_ik) / K (0 at the kink).

    Robust to outliers: every error pulls with the same strength. Shapes (batch, outputs).
    """

    new_arrays = True

    def per_sample(self, predictions, targets):
        return np.abs(predictions - targets).mean(axis=1)

    def per_sample_gradient(self, predictions, targets):
        return np.sign(predictions - targets) / predictions.shape[1]


class Huber(Loss):
    """Squared near zero, absolute far out: for r = p - t and threshold delta,

        h(r) = r^2 / 2                       if |r| <= delta
        h(r) = delta * (|r| - delta / 2)     otherwise
        l_i = sum_k h(r_ik) / K;   dl_i/dp_ik = clip(r_ik, -delta, delta) / K

    Both pieces meet with equal value and slope at |r| = delta. Shapes (batch, outputs).
    """

    new_arrays = True

    def __init__(self, delta: float = 1.0, reduction: str = "mean"):
        super().__init__(reduction)
        if isinstance(delta, bool) or not isinstance(delta, numbers.Real) or not delta > 0 \
                or not np.isfinite(delta):
            raise ValueError(f"delta must be a finite number > 0, got {delta!r}")
        self.delta = float(delta)

    def per_sample(self, predictions, targets):
        size = np.abs(predictions - targets)
        values = np.where(size <= self.delta, 0.5 * size**2,
                          self.delta * (size - 0.5 * self.delta))
        return values.mean(axis=1)

    def per_sample_gradient(self, predictions, targets):
        return np.clip(predictions - targets, -self.delta, self.delta) / predictions.shape[1]

    def __repr__(self):
        return f"Huber(delta={self.delta}, reduction={self.reduction!r})"
