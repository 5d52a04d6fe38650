"""The text train prints (cli/report.py): the plan before training (task, classes cut after
ten, loss, network, rows), the summary after it (stopped early, the best validation epoch,
the validation scores) and the scores' format, four significant digits."""

from __future__ import annotations

import math
from argparse import Namespace

import numpy as np
import pytest

from glassnet.cli.data import read_table
from glassnet.cli.report import best_validation, describe_start, format_scores, report_training
from glassnet.history import History
from glassnet.losses import SquaredError
from glassnet.model import Model
from glassnet.network import mlp
from glassnet.preprocessing import ColumnEncoder


def arguments(**changes):
    return Namespace(**{"target": "y", "epochs": 7, "optimizer": "adam", "learning_rate": 0.01,
                        "batch_size": 32, "hidden": [4], "activation": "relu", "seed": 3,
                        "early_stopping": 0, **changes})


@pytest.fixture
def table(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("x,y\n1,2\n3,4\n5,6\n7,8\n")
    return read_table(str(path))


def test_format_scores_keeps_four_significant_digits_and_unknown_names():
    assert format_scores({"accuracy": 0.123456, "log_loss": 12345.6, "mse": 1e-7,
                          "mae": 2.0, "r2": -0.5, "other": 1.0}) == \
        "accuracy 0.1235, log loss 1.235e+04, MSE 1e-07, MAE 2, R^2 -0.5, other 1"


@pytest.mark.parametrize("values, best", [
    ([0.5, 0.25, 0.75], (2, 0.25)), ([math.nan, 0.5, 0.5], (2, 0.5)),
    ([0.125], (1, 0.125)), ([math.nan, math.nan], None), ([], None)])
def test_best_validation_is_the_first_lowest_and_ignores_gaps(values, best):
    history = History([{"epoch": index + 1, "loss": 1.0, "val_loss": value}
                       for index, value in enumerate(values)])
    assert best_validation(history) == best


def test_best_validation_of_a_history_without_validation_is_none():
    assert best_validation(History([{"epoch": 1, "loss": 1.0}])) is None


def encoder(names):
    return ColumnEncoder([{"name": name, "categories": None} for name in names])


def test_the_plan_of_a_regression(table):
    network = mlp([1, 4, 1], rng=0)
    text = describe_start(table, arguments(), Namespace(task="regression", reason="numbers"),
                          encoder(["x"]), network, validation_rows=[3])
    assert text.splitlines() == [
        f"Read {table.path}: 4 rows, 1 feature column(s) (1 inputs after one-hot encoding)",
        "Task: regression of 'y' (numbers): 1 output, squared error",
        f"Network: {' -> '.join(repr(layer) for layer in network.layers)} (13 parameters)",
        "Training: adam, learning rate 0.01, batch size 32, up to 7 epochs, 3 training rows, "
        "1 validation rows, seed 3"]


@pytest.mark.parametrize("labels, outputs, shown", [
    (["a", "b"], 1, "2 classes (a, b): 1 output(s), binary cross-entropy"),
    ([str(n) for n in range(10)], 10,
     "10 classes (0, 1, 2, 3, 4, 5, 6, 7, 8, 9): 10 output(s), softmax cross-entropy"),
    ([str(n) for n in range(11)], 11,
     "11 classes (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, ...): 11 output(s), softmax cross-entropy"),
])
def test_the_plan_of_a_classification_names_up_to_ten_classes(table, labels, outputs, shown):
    problem = Namespace(task="classification", reason="words", labels=labels, outputs=outputs)
    text = describe_start(table, arguments(), problem, encoder(["x"]),
                          mlp([1, outputs], rng=0), validation_rows=[], training_rows=2)
    lines = text.splitlines()
    assert lines[1] == f"Task: classification of 'y' (words) into {shown}"
    assert lines[3].endswith(", 2 training rows, 0 validation rows, seed 3")


def test_a_summary_of_training_that_stopped_early_with_validation(table, capsys):
    records = [{"epoch": 1, "loss": 0.5, "val_loss": 0.75},
               {"epoch": 2, "loss": 0.25, "val_loss": 1.0}]
    history = History(records)
    history.stopped_early = True
    network = mlp([1, 1], rng=0)
    network.layers[0].params["weights"][...] = 2.0
    model = Model(network, SquaredError(), "regression", history=history)
    inputs, targets = np.array([[1.0], [2.0]]), np.array([2.0, 5.0])
    summary = report_training(model, table, arguments(early_stopping=3), inputs, targets,
                              seconds=0.5)
    assert capsys.readouterr().out.splitlines() == [
        "Trained 2 epoch(s) in 0.50 s (stopped early); final training loss 0.25",
        "Best validation loss 0.75 at epoch 1; the model keeps that epoch's weights",
        "Validation (2 rows): MSE 0.5, MAE 0.5, R^2 0.7778"]
    assert summary["stopped_early"] is True and summary["validation_rows"] == 2
    assert summary["validation"] == {"mse": 0.5, "mae": 0.5, "r2": pytest.approx(7 / 9)}
    assert (summary["best_epoch"], summary["best_val_loss"]) == (1, 0.75)
    assert summary["final_loss"] == 0.25 and summary["epochs_requested"] == 7
    assert summary["hidden"] == [4] and summary["seed"] == 3 and summary["task"] == "regression"
