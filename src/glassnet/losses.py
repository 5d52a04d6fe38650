"""Loss functions: a number that says how wrong the predictions are, and its gradient.

A loss follows a two-step protocol like a layer: ``forward(predictions, targets,
sample_weight=None) -> float`` caches what ``backward() -> grad_predictions`` needs.
Each loss only defines its per-sample value l_i (for K outputs, the mean over them of the
per-output values) and that value's gradient; the shared reduction over the samples turns
them into

    mean:  L = sum_i w_i l_i / sum_i w_i        (w_i = 1 without sample weights)
    sum:   L = sum_i w_i l_i

so weighted losses are normalised by the total weight. ``reduction`` means this one thing
for every loss: it chooses how samples are combined, never how outputs are. Losses that
take logits say so and document their fused gradient. Numpy only; imports only
``activations`` from glassnet.
"""

from __future__ import annotations

import numbers

import numpy as np

from glassnet.activations import row_maximum, row_sums, sigmoid, softmax

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
        self.from_logits = from_logits
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
        if is_prepared(targets, predictions):  # (batch, classes) rows, never labels
            return targets
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
        return super().prepare_targets(targets, predictions)

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
