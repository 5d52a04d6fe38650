"""Small tables (tabular/folds.py, tabular/training.py): which tables are cross-validated,
the folds, the epoch count taken from the folds' mean validation curve, the final fit on all
rows (the same as training on all rows for that many epochs, bit for bit), and the command's
summary of it."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from cli_helpers import run

from glassnet import load
from glassnet.tabular import Settings, fit_table, prepare, train
from glassnet.tabular.fit import on_rows, train_held_out
from glassnet.tabular.folds import cross_validates, fold_rows


def small_table(rows: int = 60, seed: int = 0) -> pd.DataFrame:
    """A regression table with a number, a category with missing values, and noise."""
    rng = np.random.default_rng(seed)
    size = rng.normal(size=rows)
    town = rng.choice(["north", "south", ""], rows)
    noise = rng.normal(scale=0.5, size=rows)
    return pd.DataFrame({"size": size, "town": town,
                         "y": 3 * size + np.where(town == "north", 2.0, 0.0) + noise})


@pytest.mark.parametrize(("rows", "options", "expected"), [
    (999, {}, True), (1000, {}, False), (10, {}, True), (9, {}, False),
    (500, {"validation_split": 0.0}, False), (500, {"patience": None}, False),
    (500, {"patience": 0}, False), (500, {"cross_validate_below": 0}, False),
    (1500, {"cross_validate_below": 2000}, True)])
def test_which_tables_are_cross_validated(rows, options, expected):
    assert cross_validates(rows, Settings(**options)) is expected


@pytest.mark.parametrize("rows", [10, 23, 999])
def test_every_row_is_validated_once_and_never_trained_on_in_its_fold(rows):
    folds = fold_rows(rows, Settings(seed=3))
    assert len(folds) == 5
    validated = np.concatenate([validation for _, validation in folds])
    np.testing.assert_array_equal(np.sort(validated), np.arange(rows))
    for training, validation in folds:
        assert not set(training) & set(validation)
        np.testing.assert_array_equal(np.union1d(training, validation), np.arange(rows))
        assert np.all(np.diff(training) > 0) and np.all(np.diff(validation) > 0)
        assert len(validation) in (rows // 5, rows // 5 + 1)
    again = fold_rows(rows, Settings(seed=3))
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(folds, again, strict=True))


def test_prepare_holds_no_rows_out_of_a_small_table():
    frame = small_table(rows=60)
    prepared = prepare(frame, "y", Settings())
    assert len(prepared.training_rows) == 60 and len(prepared.validation_rows) == 0
    assert len(prepared.folds) == 5 and prepared.scaling["mean"] == pytest.approx(
        frame["y"].mean())
    held_out = prepare(frame, "y", Settings(cross_validate_below=0))
    assert held_out.folds == [] and len(held_out.validation_rows) == 12


def test_the_epoch_count_is_the_lowest_point_of_the_folds_mean_curve():
    frame, settings = small_table(rows=60), Settings(epochs=40, learning_rate=0.01, seed=2)
    model = fit_table(frame, "y", settings)
    prepared = prepare(frame, "y", settings)
    curves = []
    for training, validation in prepared.folds:  # each fold by hand, every epoch
        fold = on_rows(prepared, training, validation, settings)
        assert len(fold.training_rows) == 48 and fold.scaling != prepared.scaling
        curves.append(train_held_out(fold, replace(settings, patience=None))
                      .history["val_loss"])
    epochs = int(np.argmin(np.mean(curves, axis=0))) + 1
    summary = model.training["cross_validation"]
    assert summary["epochs"] == epochs == len(model.history)
    assert summary["best_epochs"] == [int(np.argmin(curve)) + 1 for curve in curves]
    assert summary["folds"] == 5 and summary["validation_rows"] == [12] * 5
    assert summary["metric"] == "r2" and summary["score"] == pytest.approx(
        np.mean(summary["scores"]))
    assert 0.5 < summary["score"] <= 1 and "val_loss" not in model.history
    # the final fit is one plain run on all rows for that many epochs, bit for bit
    alone = train_held_out(prepared, replace(settings, epochs=epochs, patience=None))
    for name, value in alone.network.parameters().items():
        np.testing.assert_array_equal(model.network.parameters()[name], value)


def test_a_classifier_reports_the_folds_accuracy():
    frame = small_table(rows=50, seed=1)
    frame["y"] = np.where(frame["y"] > frame["y"].median(), "high", "low")
    model = fit_table(frame, "y", epochs=30, learning_rate=0.01)
    summary = model.training["cross_validation"]
    assert summary["metric"] == "accuracy" and len(model.history) == summary["epochs"]
    assert all(0 <= score <= 1 for score in summary["scores"]) and summary["score"] > 0.7
    assert np.mean(model.predict(frame) == frame["y"]) > 0.8


def test_train_holds_rows_out_when_asked():
    frame = small_table(rows=60)
    settings = Settings(epochs=300, learning_rate=0.01, patience=5, cross_validate_below=0)
    model = train(prepare(frame, "y", settings), settings)
    assert "cross_validation" not in model.training and model.history.stopped_early
    assert "val_loss" in model.history


def test_the_command_says_why_and_what_the_folds_chose(tmp_path, capsys):
    path = tmp_path / "small.csv"
    small_table(rows=60).to_csv(path, index=False)
    code, out, err = run(capsys, "train", path, "--target", "y", "--epochs", "30",
                         "-o", tmp_path / "m.glassnet")
    assert code == 0, err
    model = load(tmp_path / "m.glassnet")
    summary = model.training["cross_validation"]
    assert "60 training rows, 0 validation rows" in out
    assert ("Small table: 60 rows, fewer than 1000 (--cross-validate-below), so none are "
            "held out: 5 folds choose the epoch count, then the model trains on all 60 "
            "rows") in out
    assert (f"Cross-validation: lowest mean validation loss of 5 folds (12 rows each) at "
            f"epoch {summary['epochs']}, the epochs trained on all rows; fold validation R^2 "
            f"there {summary['score']:.4g} (mean)") in out
    assert f"Trained {summary['epochs']} epoch(s)" in out and "Best validation" not in out
    assert model.training["epochs_run"] == summary["epochs"]
    code, out, _ = run(capsys, "inspect", tmp_path / "m.glassnet")
    assert code == 0 and "cross_validation: {'rows': 60, 'below': 1000, 'folds': 5" in out
    code, out, err = run(capsys, "train", path, "--target", "y", "--epochs", "30",
                         "--cross-validate-below", "0", "-o", tmp_path / "n.glassnet")
    assert code == 0, err
    assert "48 training rows, 12 validation rows" in out and "Small table" not in out
    assert "cross_validation" not in load(tmp_path / "n.glassnet").training


def test_a_bad_threshold_is_refused_in_one_line(tmp_path, capsys):
    path = tmp_path / "small.csv"
    small_table(rows=20).to_csv(path, index=False)
    code, _, err = run(capsys, "train", path, "--target", "y", "--cross-validate-below", "-5")
    assert code == 2 and "--cross-validate-below" in err and "Traceback" not in err


def test_ctrl_c_during_a_fold_ends_training_and_the_command_writes_no_model(tmp_path, capsys,
                                                                             monkeypatch):
    from glassnet.tabular import training

    calls = []

    def interrupted_second_fold(prepared, settings, callbacks=(), metrics=None):
        model = train_held_out(prepared, settings, callbacks, metrics)
        calls.append(len(prepared.validation_rows))
        model.history.interrupted = len(calls) == 2  # as fit records a Ctrl-C
        return model

    monkeypatch.setattr(training, "train_held_out", interrupted_second_fold)
    model = fit_table(small_table(rows=30), "y", epochs=3)
    assert model.history.interrupted and calls == [6, 6]
    assert "cross_validation" not in model.training
    path, output = tmp_path / "small.csv", tmp_path / "m.glassnet"
    small_table(rows=30).to_csv(path, index=False)
    output.write_bytes(b"an earlier model")
    calls.clear()
    code, _, err = run(capsys, "train", path, "--target", "y", "--epochs", "3", "-o", output)
    assert (code, err.strip()) == (130, f"error: training was interrupted; {output} was not "
                                        f"written")
    assert output.read_bytes() == b"an earlier model"
