"""Scores added up chunk by chunk, for ``evaluate --stream`` and the validation rows of
``train --stream``: ``ScoreSums`` gives what ``cli.report``'s ``classification_scores`` and
``regression_scores`` give for all rows at once (within rounding), and the confusion
matrix. Imports numpy and glassnet's metrics."""

from __future__ import annotations

import numpy as np

from glassnet.metrics import confusion_matrix, log_loss
from glassnet.tabular.moments import Moments


class ScoreSums:
    """Running sums of a model's scores: ``add(truth, outputs)`` per chunk, where truth is
    class codes (samples,) or target values (samples,) and outputs the network's."""

    def __init__(self, model):
        self.model, self.rows = model, 0
        self.classes = model.task == "classification"
        self.sums = {"correct": 0.0, "log_loss": 0.0, "squared": 0.0, "absolute": 0.0}
        self.truth = Moments()
        labels = len(model.class_labels) if self.classes else 0
        self.confusion = np.zeros((labels, labels), dtype=np.int64)

    def add(self, truth: np.ndarray, outputs: np.ndarray) -> None:
        if not len(truth):
            return
        count = len(truth)
        if self.classes:
            probabilities = self.model.probabilities_from(outputs)
            predicted = probabilities.argmax(axis=1)
            self.sums["correct"] += float(np.sum(predicted == truth))
            self.sums["log_loss"] += log_loss(truth, probabilities) * count
            self.confusion += confusion_matrix(truth, predicted,
                                               labels=range(len(self.confusion)))
        else:
            errors = np.asarray(self.model.answers_from(outputs), dtype=float).reshape(-1) \
                - truth
            self.sums["squared"] += float(np.sum(errors ** 2))
            self.sums["absolute"] += float(np.sum(np.abs(errors)))
            self.truth = self.truth.merge(Moments.of(truth))
        self.rows += count

    def scores(self) -> dict[str, float]:
        """accuracy and log loss, or MSE, MAE and R^2 (1 - SSE / SST; a constant target
        gives 1 when predicted exactly, else 0, as ``metrics.r2_score``)."""
        rows = max(self.rows, 1)
        if self.classes:
            return {"accuracy": self.sums["correct"] / rows,
                    "log_loss": self.sums["log_loss"] / rows}
        squared, total = self.sums["squared"], float(self.truth.m2)
        r2 = 1.0 - squared / total if total > 0 else float(squared == 0)
        return {"mse": squared / rows, "mae": self.sums["absolute"] / rows, "r2": r2}


def held_out_scores(model, held_out) -> dict:
    """The scores of ``model`` on ``tabular.stream_batches.HeldOut`` rows, plus ``rows``."""
    sums = ScoreSums(model)
    for inputs, targets in held_out.blocks():
        outputs = model.network.predict(inputs)
        if sums.classes:
            truth = targets.argmax(axis=1) if targets.shape[1] > 1 else targets[:, 0]
            truth = truth.astype(np.int64)
        else:
            scaling = model.target_scaling or {"mean": 0.0, "scale": 1.0}
            truth = targets[:, 0] * scaling["scale"] + scaling["mean"]
        sums.add(truth, outputs)
    return {**sums.scores(), "rows": sums.rows} if sums.rows else {}
