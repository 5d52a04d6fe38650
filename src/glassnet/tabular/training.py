"""A table in, a trained ``Model`` out: ``fit_table`` (``prepare`` then ``train``), and
``train``, which holds rows out for early stopping or, on a small table (``tabular.folds``),
chooses the epoch count by cross-validation and then trains on every row.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from glassnet.model import Model
from glassnet.tabular.fit import (
    Prepared,
    Settings,
    on_rows,
    prepare,
    settings_with,
    train_held_out,
)


def fit_table(frame, target: str, settings: Settings | None = None, callbacks=(),
              **options) -> Model:
    """Train on a pandas DataFrame (raw: missing values, words, dates allowed) to predict
    column ``target``; ``options`` override ``Settings`` fields (``epochs=50``, ...)."""
    settings = settings_with(settings, options)
    return train(prepare(frame, target, settings), settings, callbacks)


def train(prepared: Prepared, settings: Settings, callbacks=()) -> Model:
    """Train the prepared network: on a small table (``prepared.folds``) by cross-validation
    and then on all rows, else with early stopping on the held-out rows."""
    if prepared.folds:
        return train_on_folds(prepared, settings, callbacks)
    return train_held_out(prepared, settings, callbacks)


def train_on_folds(prepared: Prepared, settings: Settings, callbacks=()) -> Model:
    """Each fold trains a fresh network on the other folds for all ``settings.epochs``; the
    epoch count is E = argmin_e mean_k val_loss_k(e), the lowest point of the folds' mean
    validation curve (as ``xgboost.cv`` picks its rounds); the prepared network then trains
    on every row for E epochs. ``callbacks`` see only that last run. The model's
    ``training`` summary holds ``cross_validation``: E, each fold's validation rows and its
    score at epoch E (accuracy, or R^2), and the epoch each fold alone would have picked."""
    metric = "accuracy" if prepared.problem.task == "classification" else "r2"
    runs = []
    for training_rows, validation_rows in prepared.folds:
        fold = on_rows(prepared, training_rows, validation_rows, settings)
        model = train_held_out(fold, replace(settings, patience=None), metrics=(metric,))
        if model.history.interrupted:
            return model
        runs.append(model.history)
    epochs = int(np.argmin(np.mean([run["val_loss"] for run in runs], axis=0))) + 1
    model = train_held_out(prepared, replace(settings, epochs=epochs, patience=None),
                           callbacks)
    model.training["cross_validation"] = folds_summary(runs, epochs, metric, prepared,
                                                       settings)
    return model


def folds_summary(runs: list, epochs: int, metric: str, prepared: Prepared,
                  settings: Settings) -> dict:
    """What the folds found, JSON-safe, for the model file and the command's summary."""
    scores = [float(run[f"val_{metric}"][epochs - 1]) for run in runs]
    return {"rows": len(prepared.rows), "below": settings.cross_validate_below,
            "folds": len(runs), "epochs": epochs, "metric": metric,
            "validation_rows": [len(rows) for _, rows in prepared.folds],
            "scores": scores, "score": float(np.mean(scores)),
            "best_epochs": [int(np.argmin(run["val_loss"])) + 1 for run in runs]}
