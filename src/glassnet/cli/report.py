"""Scores and summaries the commands print: the end of ``train`` (also stored in the model
as its training summary) and the numbers of ``evaluate``."""

from __future__ import annotations

import math
import os
from datetime import datetime, timezone

import numpy as np

from glassnet.cli.errors import listing
from glassnet.metrics import log_loss, mean_absolute_error, mean_squared_error, r2_score


def classification_scores(codes: np.ndarray, probabilities: np.ndarray) -> dict[str, float]:
    """Accuracy and log loss of class probabilities (samples, classes) against label codes."""
    return {"accuracy": float(np.mean(probabilities.argmax(axis=1) == codes)),
            "log_loss": log_loss(codes, probabilities)}


def regression_scores(targets: np.ndarray, predictions: np.ndarray) -> dict[str, float]:
    """Mean squared error, mean absolute error and R^2; values near the float limit give
    inf or nan, shown as such, without numpy's overflow warnings."""
    with np.errstate(over="ignore", invalid="ignore"):
        return {"mse": mean_squared_error(targets, predictions),
                "mae": mean_absolute_error(targets, predictions),
                "r2": r2_score(targets, predictions)}


def format_scores(scores: dict[str, float]) -> str:
    names = {"accuracy": "accuracy", "log_loss": "log loss", "mse": "MSE", "mae": "MAE",
             "r2": "R^2"}
    return ", ".join(f"{names.get(key, key)} {value:.4g}" for key, value in scores.items())


def validation_scores(model, inputs: np.ndarray, targets: np.ndarray,
                      outputs: np.ndarray | None = None) -> dict[str, float]:
    """Scores of the trained model on encoded validation inputs (or the network's
    ``outputs`` for them, computed elsewhere) and raw targets/codes."""
    outputs = model.network.predict(inputs) if outputs is None else outputs
    if model.task == "classification":
        return classification_scores(targets, model.probabilities_from(outputs))
    return regression_scores(targets, model.answers_from(outputs))


def best_validation(history) -> tuple[int, float] | None:
    """(epoch, val_loss) of the lowest validation loss, or None without validation."""
    values = [record.get("val_loss", math.nan) for record in history.records]
    if not values or all(math.isnan(value) for value in values):
        return None
    index = int(np.nanargmin(values))
    return history.records[index]["epoch"], float(values[index])


def report_training(model, table, arguments, inputs, targets, seconds: float,
                    outputs=None) -> dict:
    """Print the end-of-training summary and return it (JSON-safe) for the model file;
    ``outputs``: the network's outputs for the validation rows, when ``inputs`` is None."""
    history = model.history
    summary = {
        "data": os.path.basename(table.path), "rows": len(table), "target": arguments.target,
        "task": model.task, "epochs_requested": arguments.epochs, "epochs_run": len(history),
        "stopped_early": bool(history.stopped_early), "optimizer": arguments.optimizer,
        "learning_rate": arguments.learning_rate, "batch_size": arguments.batch_size,
        "hidden": list(arguments.hidden), "activation": arguments.activation,
        "seed": arguments.seed, "validation_rows": len(targets), "seconds": round(seconds, 3),
        "final_loss": history["loss"][-1] if len(history) else None,
        "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    stopped = " (stopped early)" if history.stopped_early else ""
    print(f"Trained {len(history)} epoch(s) in {seconds:.2f} s{stopped}; final training loss "
          f"{summary['final_loss']:.4g}")
    best = best_validation(history)
    if best is not None:
        summary["best_epoch"], summary["best_val_loss"] = best
        kept = "; the model keeps that epoch's weights" if arguments.early_stopping else ""
        print(f"Best validation loss {best[1]:.4g} at epoch {best[0]}{kept}")
    if len(targets):
        summary["validation"] = validation_scores(model, inputs, targets, outputs)
        print(f"Validation ({len(targets)} rows): {format_scores(summary['validation'])}")
    return summary


def describe_start(table, arguments, problem, encoder, network, validation_rows,
                   training_rows: int | None = None) -> str:
    """What is about to happen, in a few lines (``training_rows``: the count, when rows were
    left out, say for a missing target; else every row not held out); the last line ends with
    the accelerator when one is asked for."""
    if problem.task == "regression":
        task = f"regression of {arguments.target!r} ({problem.reason}): 1 output, squared error"
    else:
        kind = "binary cross-entropy" if problem.outputs == 1 else "softmax cross-entropy"
        shown = listing(problem.labels[:10])
        more = ", ..." if len(problem.labels) > 10 else ""
        task = (f"classification of {arguments.target!r} ({problem.reason}) into "
                f"{len(problem.labels)} classes ({shown}{more}): {problem.outputs} output(s), "
                f"{kind}")
    layers = " -> ".join(repr(layer) for layer in network.layers)
    rows = len(table) - len(validation_rows) if training_rows is None else training_rows
    return (f"Read {table.path}: {len(table)} rows, {len(encoder.names)} feature column(s) "
            f"({len(encoder.output_names)} inputs after one-hot encoding)\n"
            f"Task: {task}\n"
            f"Network: {layers} ({network.n_parameters} parameters)\n"
            f"Training: {arguments.optimizer}, learning rate {arguments.learning_rate}, batch "
            f"size {arguments.batch_size}, up to {arguments.epochs} epochs, {rows} training "
            f"rows, {len(validation_rows)} validation rows, seed {arguments.seed}"
            f"{accelerator_note(arguments)}")


def accelerator_note(arguments) -> str:
    """', accelerator numba' when --accelerator is given, else nothing (output unchanged)."""
    name = getattr(arguments, "accelerator", None)
    return f", accelerator {name}" if name else ""
