"""Metrics: numbers that judge predictions (no gradients). Imports numpy and ``validation``."""

from __future__ import annotations

import numpy as np

from glassnet.validation import check_same_length


def accuracy(targets, predictions) -> float:
    """Share of samples whose predicted label equals the target label.

    Either argument may be labels (samples,) or scores/one-hot rows (samples, classes), which
    are turned into labels by argmax (one column: threshold 0.5).
    """
    target_labels, predicted_labels = as_labels(targets), as_labels(predictions)
    # Without this check [0, 1, 1] against [1] would broadcast into a plausible number.
    check_same_length("targets", target_labels, "predictions", predicted_labels)
    return float(np.mean(target_labels == predicted_labels))


def mean_squared_error(targets, predictions) -> float:
    """MSE = mean over all elements of (prediction - target)^2 (no 1/2 here)."""
    targets, predictions = np.asarray(targets, float), np.asarray(predictions, float)
    if targets.ndim == 1:
        targets = targets.reshape(-1, 1)
    if predictions.ndim == 1:
        predictions = predictions.reshape(-1, 1)
    if targets.shape != predictions.shape:
        raise ValueError(f"targets have shape {targets.shape} but predictions have shape "
                         f"{predictions.shape}")
    return float(np.mean((predictions - targets) ** 2))


def mean_absolute_error(targets, predictions) -> float:
    """MAE = mean over all elements of |prediction - target|."""
    targets, predictions = np.asarray(targets, float), np.asarray(predictions, float)
    targets = targets.reshape(-1, 1) if targets.ndim == 1 else targets
    predictions = predictions.reshape(-1, 1) if predictions.ndim == 1 else predictions
    if targets.shape != predictions.shape:
        raise ValueError(f"targets have shape {targets.shape} but predictions have shape "
                         f"{predictions.shape}")
    return float(np.mean(np.abs(predictions - targets)))


def as_labels(values) -> np.ndarray:
    """Labels from labels (n,), one column of probabilities (n, 1), or scores (n, classes)."""
    values = np.asarray(values)
    if values.ndim == 1:
        return values
    if values.shape[1] == 1:
        column = values[:, 0]
        is_probability = column.dtype.kind == "f" and not np.all(column == np.round(column))
        return (column > 0.5).astype(np.int64) if is_probability else column
    return values.argmax(axis=1)
