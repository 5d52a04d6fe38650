"""Precision, recall, F1 and ROC AUC: the classification scores beyond accuracy.

Each takes targets as labels (samples,) or one-hot rows, and predictions as labels,
probabilities of class 1 or class scores (``metrics.as_labels``), so they work as ``fit``
metrics by name ("f1", "f1_macro", "roc_auc" ...). ``average="binary"`` scores the class
``positive_label`` (1 by default); ``average="macro"`` is the unweighted mean over the
classes that occur in targets or predictions. A class never predicted (or never present)
scores 0 where its denominator is 0, as scikit-learn does (``zero_division=0``). Imports
numpy, ``metrics`` and ``validation``.
"""

from __future__ import annotations

import numpy as np

from glassnet.metrics import as_labels
from glassnet.validation import check_same_length, real_array, refuse_complex

AVERAGES = ("binary", "macro")


def precision(targets, predictions, average: str = "binary", positive_label=1) -> float:
    """Precision = TP / (TP + FP): the share of predicted positives that are right."""
    true_positives, predicted, _ = counts(targets, predictions, average, positive_label)
    return float(np.mean(ratio(true_positives, predicted)))


def recall(targets, predictions, average: str = "binary", positive_label=1) -> float:
    """Recall = TP / (TP + FN): the share of actual positives found."""
    true_positives, _, actual = counts(targets, predictions, average, positive_label)
    return float(np.mean(ratio(true_positives, actual)))


def f1_score(targets, predictions, average: str = "binary", positive_label=1) -> float:
    """F1 = 2 TP / (2 TP + FP + FN), the harmonic mean of precision and recall (per class,
    then averaged for "macro")."""
    true_positives, predicted, actual = counts(targets, predictions, average, positive_label)
    return float(np.mean(ratio(2 * true_positives, predicted + actual)))


def precision_macro(targets, predictions) -> float:
    """``precision(..., average="macro")``, the form ``fit(metrics=["precision_macro"])`` uses."""
    return precision(targets, predictions, average="macro")


def recall_macro(targets, predictions) -> float:
    """``recall(..., average="macro")``."""
    return recall(targets, predictions, average="macro")


def f1_macro(targets, predictions) -> float:
    """``f1_score(..., average="macro")``."""
    return f1_score(targets, predictions, average="macro")


def ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, 0 where the denominator is 0."""
    safe = np.where(denominator > 0, denominator, 1)
    return np.where(denominator > 0, numerator / safe, 0.0)


def counts(targets, predictions, average: str, positive_label):
    """Per class (one class for "binary"): true positives, predicted and actual counts."""
    if average not in AVERAGES:
        raise ValueError(f"average must be one of {', '.join(AVERAGES)}, got {average!r}")
    target_labels = as_labels(targets, "targets")
    predicted_labels = as_labels(predictions, "predictions")
    check_same_length("targets", target_labels, "predictions", predicted_labels)
    classes = np.unique(np.concatenate([target_labels, predicted_labels]))
    if average == "binary":
        if len(classes) > 2 or (len(classes) == 2 and positive_label not in classes.tolist()):
            raise ValueError(f"average='binary' needs two classes including positive_label="
                             f"{positive_label!r}, got labels {classes.tolist()[:10]}; use "
                             f"average='macro' for more classes")
        classes = np.array([positive_label])
    is_target = target_labels[None, :] == classes[:, None]  # (classes, samples)
    is_predicted = predicted_labels[None, :] == classes[:, None]
    true_positives = np.sum(is_target & is_predicted, axis=1)
    return true_positives, is_predicted.sum(axis=1), is_target.sum(axis=1)


def roc_auc(targets, scores) -> float:
    """Area under the ROC curve = P(score of a random positive > score of a random negative),
    ties counting one half (the Mann-Whitney U statistic over the pooled, tie-averaged ranks):

        AUC = (sum of the positives' ranks - P (P + 1) / 2) / (P N)

    Binary: targets 0/1 labels (samples,); scores (samples,) of class 1, or (samples, 2).
    More classes: integer labels in [0, classes) or one-hot rows, scores (samples, classes);
    the unweighted mean of each class against the rest (scikit-learn's multi_class="ovr").
    """
    scores = real_array("scores", scores)
    labels = np.asarray(targets)
    refuse_complex("targets", labels)
    if labels.ndim == 2:
        labels = labels.argmax(axis=1) if labels.shape[1] > 1 else labels[:, 0]
    check_same_length("targets", labels, "scores", scores)
    if scores.ndim == 1 or scores.shape[1] <= 2:
        if not np.all(np.isin(labels, [0, 1])):
            raise ValueError(f"targets must be 0/1 labels for one column of scores, got "
                             f"{np.unique(labels)[:10]}")
        return binary_auc(labels == 1, scores.reshape(len(scores), -1)[:, -1])
    if not np.all(np.isin(labels, np.arange(scores.shape[1]))):
        raise ValueError(f"targets must be labels in [0, {scores.shape[1] - 1}] for "
                         f"{scores.shape[1]} score columns, got {np.unique(labels)[:10]}")
    return float(np.mean([binary_auc(labels == column, scores[:, column])
                          for column in range(scores.shape[1])]))


def binary_auc(is_positive: np.ndarray, scores: np.ndarray) -> float:
    """AUC of one class against the rest; both classes must occur."""
    if not np.all(np.isfinite(scores)):
        raise ValueError("scores must be finite numbers, got NaN or infinity")
    positives = int(is_positive.sum())
    negatives = len(is_positive) - positives
    if positives == 0 or negatives == 0:
        raise ValueError("ROC AUC needs both positive and negative samples of every class; "
                         f"got {positives} positive and {negatives} negative")
    _, inverse, tie_counts = np.unique(scores, return_inverse=True, return_counts=True)
    group_ranks = np.cumsum(tie_counts) - (tie_counts - 1) / 2.0  # ranks from 1, ties averaged
    ranks = group_ranks[inverse.reshape(-1)]
    rank_sum = ranks[is_positive].sum()
    return float((rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives))
