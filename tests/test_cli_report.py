"""cli/report.py: the scores train prints and stores, on models with known weights, worked
out by hand (binary: one logit turned into the two columns [1 - p, p]; regression: the
scaling undone before scoring)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from cli_helpers import huge_regression, run

from glassnet.cli.report import format_scores, validation_scores
from glassnet.losses import BinaryCrossEntropy, SquaredError
from glassnet.model import Model
from glassnet.network import mlp


def one_layer(weights, bias):
    network = mlp([len(weights), len(bias)], rng=0)
    network.layers[0].params["weights"][...] = weights
    network.layers[0].params["bias"][...] = bias
    return network


def test_binary_validation_scores_use_both_class_columns():
    model = Model(one_layer([[1.0], [-1.0]], [0.0]), BinaryCrossEntropy(), "classification",
                  ["no", "yes"])
    inputs = np.array([[2.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    codes = np.array([1, 0, 1])                       # every row right: p(yes) > 0.5 for 1
    p = 1.0 / (1.0 + np.exp(-np.array([2.0, -1.0, 1.0])))
    expected_log_loss = -(math.log(p[0]) + math.log(1 - p[1]) + math.log(p[2])) / 3
    scores = validation_scores(model, inputs, codes)
    assert scores["accuracy"] == 1.0  # one column alone would make every argmax class 0
    assert scores["log_loss"] == pytest.approx(expected_log_loss, rel=1e-12)


def test_regression_validation_scores_undo_the_target_scaling():
    model = Model(one_layer([[1.0]], [0.0]), SquaredError(), "regression",
                  target_scaling={"mean": 10.0, "scale": 2.0})
    inputs = np.array([[0.0], [1.0], [-1.0]])         # predictions 10, 12, 8
    targets = np.array([10.0, 13.0, 8.0])
    scores = validation_scores(model, inputs, targets)
    assert scores["mse"] == pytest.approx(1 / 3, rel=1e-12)
    assert scores["mae"] == pytest.approx(1 / 3, rel=1e-12)
    assert scores["r2"] == pytest.approx(1 - 1.0 / np.sum((targets - targets.mean()) ** 2))
    assert format_scores(scores) == "MSE 0.3333, MAE 0.3333, R^2 " + f"{scores['r2']:.4g}"


def test_the_training_summary_keeps_milliseconds_and_prints_hundredths(tmp_path, capsys):
    from argparse import Namespace

    from glassnet.cli.data import read_table
    from glassnet.cli.report import report_training
    from glassnet.history import History

    path = tmp_path / "d.csv"
    path.write_text("x,y\n1,2\n3,4\n")
    model = Model(one_layer([[1.0]], [0.0]), SquaredError(), "regression",
                  history=History([{"epoch": 1, "loss": 0.5}]))
    arguments = Namespace(target="y", epochs=1, optimizer="adam", learning_rate=0.01,
                          batch_size=32, hidden=[4], activation="relu", seed=0,
                          early_stopping=0)
    summary = report_training(model, read_table(str(path)), arguments, np.empty((0, 1)),
                              np.empty(0), seconds=1.23456)
    assert summary["seconds"] == 1.235 and summary["epochs_run"] == 1
    assert summary["data"] == "d.csv" and summary["rows"] == 2 and "validation" not in summary
    assert "Trained 1 epoch(s) in 1.23 s; final training loss 0.5\n" in capsys.readouterr().out


@pytest.mark.parametrize("patience, kept", [(5, "; the model keeps that epoch's weights"),
                                            (0, "")])
def test_the_summary_names_the_lowest_validation_loss_and_its_epoch(tmp_path, capsys,
                                                                    patience, kept):
    from argparse import Namespace

    from glassnet.cli.data import read_table
    from glassnet.cli.report import report_training
    from glassnet.history import History

    path = tmp_path / "d.csv"
    path.write_text("x,y\n1,2\n3,4\n")
    records = [{"epoch": epoch, "loss": 1.0 / epoch, "val_loss": value}
               for epoch, value in ((1, 0.8), (2, 0.3125), (3, 0.6))]
    model = Model(one_layer([[1.0]], [0.0]), SquaredError(), "regression",
                  history=History(records))
    arguments = Namespace(target="y", epochs=3, optimizer="adam", learning_rate=0.01,
                          batch_size=32, hidden=[4], activation="relu", seed=0,
                          early_stopping=patience)
    summary = report_training(model, read_table(str(path)), arguments, np.empty((0, 1)),
                              np.empty(0), seconds=1.0)
    assert (summary["best_epoch"], summary["best_val_loss"]) == (2, 0.3125)
    assert f"Best validation loss 0.3125 at epoch 2{kept}\n" in capsys.readouterr().out


def test_scores_near_the_float_limit_are_inf_without_numpys_warnings(tmp_path, capsys):
    model, huge = huge_regression(tmp_path, capsys)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's overflow warnings would fail here
        code, out, err = run(capsys, "evaluate", model, huge)
    assert (code, err) == (0, "") and "MSE inf" in out
