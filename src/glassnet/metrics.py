"""Metrics: numbers that judge predictions (no gradients). Imports numpy and ``validation``.

Regression: ``mean_squared_error``, ``mean_absolute_error``, ``r2_score``. Classification
from labels: ``accuracy``, ``confusion_matrix``; precision, recall, F1 and ROC AUC live in
``classification_metrics``. Every one matches scikit-learn's function of the same name
(tested).
"""

from __future__ import annotations

import numpy as np

from glassnet.validation import check_same_length, real_array, refuse_complex


def accuracy(targets, predictions) -> float:
    """Share of samples whose predicted label equals the target label.

    Either argument may be labels (samples,) of any kind, one-hot rows or class scores
    (samples, classes) turned into labels by argmax (logits or probabilities alike), or
    probabilities of class 1 (samples,) / (samples, 1), thresholded at 0.5. Probabilities must
    lie in [0, 1]: one column of logits is refused (apply a sigmoid first), since
    thresholding a logit at 0.5 would silently give the wrong labels.
    """
    target_labels = as_labels(targets, "targets")
    predicted_labels = as_labels(predictions, "predictions")
    # Without this check [0, 1, 1] against [1] would broadcast into a plausible number.
    check_same_length("targets", target_labels, "predictions", predicted_labels)
    return float(np.mean(target_labels == predicted_labels))


def mean_squared_error(targets, predictions) -> float:
    """MSE = mean over all elements of (prediction - target)^2 (no 1/2 here)."""
    targets, predictions = as_columns(targets, predictions)
    return float(np.mean((predictions - targets) ** 2))


def mean_absolute_error(targets, predictions) -> float:
    """MAE = mean over all elements of |prediction - target|."""
    targets, predictions = as_columns(targets, predictions)
    return float(np.mean(np.abs(predictions - targets)))


def log_loss(targets, probabilities, eps: float = 1e-15) -> float:
    """Log loss = -mean_i log p_i[t_i], each probability clipped to [eps, 1].

    targets: integer class labels (samples,) in [0, classes) or one-hot rows; probabilities
    (samples, classes), or (samples,) / (samples, 1) holding p(class 1) of a binary problem.
    """
    probabilities = real_array("probabilities", probabilities)
    if probabilities.ndim == 1 or probabilities.shape[1] == 1:
        positive = probabilities.reshape(-1)
        probabilities = np.column_stack([1.0 - positive, positive])
    labels = np.asarray(targets)
    refuse_complex("targets", labels)
    if labels.ndim == 2:  # one-hot rows, or one column of labels
        labels = labels.argmax(axis=1) if labels.shape[1] > 1 else labels[:, 0]
    if labels.dtype.kind == "f" and np.all(labels == np.round(labels)):
        labels = labels.astype(np.int64)  # 0.0 / 1.0 targets of a binary cross-entropy
    check_same_length("targets", labels, "probabilities", probabilities)
    classes = probabilities.shape[1]
    if labels.dtype.kind not in "iu" or labels.min() < 0 or labels.max() >= classes:
        raise ValueError(f"targets must be integer labels in [0, {classes - 1}], got "
                         f"{labels[:5]!r}...")
    picked = probabilities[np.arange(len(labels)), labels]
    return float(-np.mean(np.log(np.clip(picked, eps, 1.0))))


def r2_score(targets, predictions) -> float:
    """R^2 = 1 - sum (t - p)^2 / sum (t - mean t)^2, averaged over outputs.

    1 is perfect, 0 is no better than predicting the mean; a constant target gives 1 when
    predicted exactly, else 0 (as scikit-learn does).
    """
    targets, predictions = as_columns(targets, predictions)
    residual = ((targets - predictions) ** 2).sum(axis=0)
    total = ((targets - targets.mean(axis=0)) ** 2).sum(axis=0)
    safe_total = np.where(total > 0, total, 1.0)
    scores = np.where(total > 0, 1.0 - residual / safe_total, (residual == 0).astype(float))
    return float(scores.mean())


def confusion_matrix(targets, predictions, labels=None) -> np.ndarray:
    """counts[i, j] = number of samples whose true label is labels[i] and predicted labels[j].

    targets and predictions are labels (samples,) of any kind (numbers or strings);
    ``labels`` fixes the rows' order (default: the sorted labels that occur).
    """
    targets, predictions = np.asarray(targets), np.asarray(predictions)
    check_same_length("targets", targets, "predictions", predictions)
    if labels is None:
        labels = np.unique(np.concatenate([targets, predictions]))
    position = {label: index for index, label in enumerate(list(labels))}
    unknown = [label for label in set(targets.tolist()) | set(predictions.tolist())
               if label not in position]
    if unknown:
        raise ValueError(f"labels {unknown!r} are not among labels {list(labels)!r}")
    rows = np.array([position[label] for label in targets.tolist()], dtype=np.int64)
    columns = np.array([position[label] for label in predictions.tolist()], dtype=np.int64)
    counts = np.zeros((len(position), len(position)), dtype=np.int64)
    np.add.at(counts, (rows, columns), 1)
    return counts


def as_labels(values, name: str = "predictions") -> np.ndarray:
    """Labels from labels (n,), probabilities of class 1 (n,) or (n, 1), or scores
    (n, classes); a column of fractions outside [0, 1] (logits) is refused."""
    values = np.asarray(values)
    refuse_complex(name, values)
    if values.ndim == 2 and values.shape[1] > 1:
        return values.argmax(axis=1)
    column = values.reshape(-1) if values.ndim == 2 else values
    if column.dtype.kind != "f" or np.all(column == np.round(column)):
        return column  # labels (whole numbers, strings ...)
    if not np.all((column >= 0) & (column <= 1)):
        outside = column[(column < 0) | (column > 1) | np.isnan(column)][0]
        raise ValueError(f"{name} must be labels or probabilities in [0, 1]; got "
                         f"{float(outside)!r}, which looks like a logit (apply a sigmoid first)")
    return (column > 0.5).astype(np.int64)


def as_columns(targets, predictions) -> tuple[np.ndarray, np.ndarray]:
    """Both as float arrays (samples, outputs), a 1-D one as one column; shapes must agree."""
    targets = real_array("targets", targets)
    predictions = real_array("predictions", predictions)
    targets = targets.reshape(-1, 1) if targets.ndim == 1 else targets
    predictions = predictions.reshape(-1, 1) if predictions.ndim == 1 else predictions
    if targets.shape != predictions.shape:
        raise ValueError(f"targets have shape {targets.shape} but predictions have shape "
                         f"{predictions.shape}")
    return targets, predictions
