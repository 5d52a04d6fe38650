"""glassnet train / predict / evaluate / inspect / gradcheck end to end on small CSV files
made in the tests: string labels, regression, categorical features; once as a real
subprocess."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from cli_helpers import (
    categorical_csv,
    classification_csv,
    regression_csv,
    run,
    train_species,
    write_csv,
)

from glassnet import load


@pytest.fixture
def species(tmp_path, capsys):
    """A classifier trained on the three-species file: (csv path, model path, train output)."""
    return train_species(tmp_path, capsys)


def test_train_a_classifier_on_string_labels(species):
    _, model_path, out = species
    assert "classification of 'species' (words) into 3 classes (left, middle, right)" in out
    assert "softmax cross-entropy" in out and "Model saved to" in out
    assert "Best validation loss" in out and "Validation (24 rows): accuracy" in out
    model = load(model_path)
    assert model.class_labels == ["left", "middle", "right"]
    assert model.feature_names == ["width", "height"]
    assert model.training["target"] == "species"
    assert model.training["epochs_run"] == len(model.history) <= 150
    assert model.training["validation"]["accuracy"] > 0.8


def test_predict_writes_class_names_and_probabilities(species, tmp_path, capsys):
    data, model_path, _ = species
    out_path = tmp_path / "predicted.csv"
    code, _, err = run(capsys, "predict", model_path, data, "-o", out_path, "--proba",
                       "--keep-columns")
    assert code == 0, err
    lines = out_path.read_text().splitlines()
    assert lines[0] == ("width,height,species,predicted_species,probability_left,"
                        "probability_middle,probability_right")
    rows = [line.split(",") for line in lines[1:]]
    assert len(rows) == 120
    assert np.mean([row[2] == row[3] for row in rows]) > 0.85
    np.testing.assert_allclose([sum(map(float, row[4:])) for row in rows], 1.0)
    code, out, _ = run(capsys, "predict", model_path, data)  # to standard output
    assert code == 0 and out.splitlines()[0] == "species" and len(out.splitlines()) == 121


def test_evaluate_prints_accuracy_log_loss_and_confusion_matrix(species, capsys):
    data, model_path, _ = species
    code, out, _ = run(capsys, "evaluate", model_path, data)
    assert code == 0
    accuracy = float(out.split("accuracy ")[1].split(",")[0])
    assert accuracy > 0.85 and "log loss" in out
    matrix = out.split("predicted class)\n")[1].splitlines()
    assert matrix[0].split() == ["left", "middle", "right"]
    # columns of at least 8 characters, right-aligned, after a column of 8 for the true class
    assert matrix[0] == " " * 8 + "     left   middle    right"
    assert all(len(line) == 8 + 3 * 9 and line[:8].strip() in ("left", "middle", "right")
               for line in matrix[1:4])
    counts = np.array([[int(cell) for cell in line.split()[1:]] for line in matrix[1:]])
    # the printed accuracy has 4 significant digits
    assert counts.sum() == 120 and np.trace(counts) / 120 == pytest.approx(accuracy, abs=5e-5)


def test_inspect_shows_architecture_and_summary_without_running(species, capsys,
                                                                monkeypatch):
    _, model_path, _ = species
    from glassnet.network import Sequential

    def refuse(*arguments, **keywords):
        raise AssertionError("inspect ran the network")

    monkeypatch.setattr(Sequential, "forward", refuse)
    code, out, _ = run(capsys, "inspect", model_path)
    assert code == 0
    assert "1. Dense(2, 16)  [weights (2, 16), bias (16,)]" in out
    assert "parameters: 99" in out  # 2*16 + 16 + 16*3 + 3
    assert "classes: left, middle, right" in out and "target: species" in out


def test_gradcheck_reports_small_errors(species, capsys):
    data, model_path, _ = species
    code, out, _ = run(capsys, "gradcheck", model_path, data, "--rows", "10")
    assert code == 0 and "on 10 rows" in out
    errors = [float(line.split()[1]) for line in out.splitlines() if "layers." in line]
    assert len(errors) == 4 and max(errors) < 1e-6
    assert all(line.endswith("  ok") for line in out.splitlines() if "layers." in line)
    assert out.splitlines()[-1] == f"largest {max(errors):.3g}: gradients agree"


def test_regression_on_numbers(tmp_path, capsys):
    data = regression_csv(tmp_path / "houses.csv")
    model_path = tmp_path / "houses.glassnet"
    code, out, err = run(capsys, "train", data, "--target", "price", "--epochs", "200",
                         "--hidden", "8", "-o", model_path)
    assert code == 0, err
    assert "regression of 'price' (numbers): 1 output, squared error" in out
    code, out, _ = run(capsys, "evaluate", model_path, data)
    assert code == 0 and "MSE" in out and "MAE" in out
    assert float(out.split("R^2 ")[1]) > 0.95
    model = load(model_path)
    assert model.target_scaling["mean"] > 40  # prices around 57: learned on a standard scale
    code, out, _ = run(capsys, "predict", model_path, data)
    predicted = np.array([float(value) for value in out.splitlines()[1:]])
    assert 40 < predicted.mean() < 75


def test_categorical_features_are_one_hot_encoded(tmp_path, capsys):
    data = categorical_csv(tmp_path / "lights.csv")
    model_path = tmp_path / "lights.glassnet"
    code, out, err = run(capsys, "train", data, "--target", "action", "--epochs", "60",
                         "-o", model_path)
    assert code == 0, err
    assert "2 feature column(s) (4 inputs after one-hot encoding)" in out
    assert "binary cross-entropy" in out
    code, out, _ = run(capsys, "inspect", model_path)
    assert "column 'colour': category, one-hot of 'blue', 'green', 'red'" in out
    new = write_csv(tmp_path / "new.csv", ["noise", "colour"], [(0.1, "red"), (0.3, "green")])
    code, out, _ = run(capsys, "predict", model_path, new)
    assert code == 0 and out.splitlines() == ["action", "stop", "go"]


def test_small_integer_targets_are_classes_unless_told(tmp_path, capsys):
    data = write_csv(tmp_path / "grades.csv", ["hours", "grade"],
                     [(hours, 1 + hours // 4) for hours in range(12)])
    code, out, _ = run(capsys, "train", data, "--target", "grade", "--epochs", "5",
                       "-o", tmp_path / "a.glassnet")
    assert code == 0 and "(whole numbers with 3 distinct values) into 3 classes" in out
    assert load(tmp_path / "a.glassnet").class_labels == [1, 2, 3]
    code, out, _ = run(capsys, "train", data, "--target", "grade", "--epochs", "5",
                       "--task", "regression", "-o", tmp_path / "b.glassnet")
    assert code == 0 and "regression of 'grade' (--task regression)" in out


def test_defaults_are_the_documented_settings(tmp_path, capsys, monkeypatch):
    # omitting every option trains exactly as spelling out the defaults the help documents
    data = classification_csv(tmp_path / "small.csv", rows=30)
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "train", data, "--target", "species")
    assert code == 0, err
    assert "Model saved to model.glassnet" in out
    code, _, err = run(capsys, "train", data, "--target", "species", "--task", "auto",
                       "--hidden", "64,32", "--activation", "relu", "--epochs", "200",
                       "--batch-size", "64", "--learning-rate", "0.001", "--l2", "0.01",
                       "--optimizer", "adam", "--validation-split", "0.2",
                       "--early-stopping", "20", "--seed", "0", "--cross-validate-below", "1000",
                       "-o", "explicit.glassnet")
    assert code == 0, err
    default, explicit = load(tmp_path / "model.glassnet"), load(tmp_path / "explicit.glassnet")
    # Standardize, then Dense 64, ReLU, Dense 32, ReLU, Dense 3 (logits), Identity
    assert [getattr(layer, "out_features", None) for layer in default.network.layers] == [
        2, 64, None, 32, None, 3, None]
    assert type(default.network.layers[2]).__name__ == "ReLU"
    assert len(default.history) == len(explicit.history) <= 200
    assert default.training["validation_rows"] == 0  # 30 rows: 5 folds, then all rows
    assert default.training["cross_validation"] == explicit.training["cross_validation"]
    assert default.training["cross_validation"]["validation_rows"] == [6] * 5
    for name, value in explicit.network.parameters().items():
        np.testing.assert_array_equal(default.network.parameters()[name], value)


def test_early_stopping_and_no_validation(tmp_path, capsys):
    data = classification_csv(tmp_path / "species.csv", rows=60)
    code, out, _ = run(capsys, "train", data, "--target", "species", "--epochs", "2000",
                       "--early-stopping", "3", "--learning-rate", "0.05",
                       "--cross-validate-below", "0", "-o", tmp_path / "m.glassnet")
    model = load(tmp_path / "m.glassnet")
    assert code == 0 and "(stopped early)" in out and model.history.stopped_early
    assert model.training["epochs_run"] < 2000 and "best_epoch" in model.training
    code, out, _ = run(capsys, "train", data, "--target", "species", "--epochs", "3",
                       "--validation-split", "0", "-o", tmp_path / "n.glassnet")
    assert code == 0 and "0 validation rows" in out and "Best validation" not in out


def test_a_real_subprocess_trains_and_predicts(tmp_path):
    data = categorical_csv(tmp_path / "lights.csv")
    model_path = tmp_path / "lights.glassnet"
    command = [sys.executable, "-c", "import sys; from glassnet.cli import main; "
                                     "sys.exit(main())"]
    trained = subprocess.run([*command, "train", data, "--target", "action", "--epochs", "20",
                              "-o", str(model_path)], capture_output=True, text=True,
                             timeout=120)
    assert trained.returncode == 0, trained.stderr
    assert "Model saved to" in trained.stdout
    predicted = subprocess.run([*command, "predict", str(model_path), data],
                               capture_output=True, text=True, timeout=120)
    assert predicted.returncode == 0 and len(predicted.stdout.splitlines()) == 91
    bad = subprocess.run([*command, "train", str(tmp_path / "absent.csv"), "--target", "x"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 66 and "Traceback" not in bad.stderr
    assert bad.stderr.strip() == f"error: {tmp_path / 'absent.csv'}: no such file"


def test_train_without_a_target_is_a_usage_error_and_writes_nothing(tmp_path, capsys):
    data = classification_csv(tmp_path / "small.csv", rows=30)
    model = tmp_path / "m.glassnet"
    code, _, err = run(capsys, "train", data, "-o", model)
    assert code == 2 and "the following arguments are required: --target" in err
    assert not model.exists()


def test_ctrl_c_during_training_is_exit_130_and_writes_no_model(tmp_path, capsys, monkeypatch):
    """A KeyboardInterrupt from a callback ends training as Ctrl-C does (after the epoch):
    exit 130, one line, and no model file (nor a damaged earlier one)."""
    from glassnet.callbacks import Callback
    from glassnet.cli import train as train_command

    class CtrlC(Callback):
        def __init__(self, **_):
            self.epochs = 0

        def on_epoch_end(self, state):
            self.epochs += 1
            if self.epochs == 2:
                raise KeyboardInterrupt

    monkeypatch.setattr(train_command, "ProgressBar", CtrlC)
    data = classification_csv(tmp_path / "small.csv", rows=30)
    model = tmp_path / "m.glassnet"
    model.write_bytes(b"an earlier model")
    code, out, err = run(capsys, "train", data, "--target", "species", "--epochs", "5",
                         "-o", model)
    assert (code, err.strip()) == (130, f"error: training was interrupted; {model} was not "
                                        f"written")
    assert model.read_bytes() == b"an earlier model" and "Traceback" not in err


def test_a_small_table_says_it_is_cross_validated_and_what_the_folds_chose(tmp_path, capsys):
    data = classification_csv(tmp_path / "small.csv", rows=32)
    model_path = tmp_path / "m.glassnet"
    code, out, err = run(capsys, "train", data, "--target", "species", "--epochs", "4",
                         "--hidden", "4", "-o", model_path)
    assert code == 0, err
    folds = load(model_path).training["cross_validation"]
    assert folds["folds"] == 5 and sorted(set(folds["validation_rows"])) == [6, 7]
    lines = out.splitlines()
    assert ("Small table: 32 rows, fewer than 1000 (--cross-validate-below), so none are held "
            "out: 5 folds choose the epoch count, then the model trains on all 32 rows") in lines
    assert (f"Cross-validation: lowest mean validation loss of 5 folds (6-7 rows each) at epoch "
            f"{folds['epochs']}, the epochs trained on all rows; fold validation accuracy there "
            f"{folds['score']:.4g} (mean)") in lines
    assert 1 <= folds["epochs"] <= 4 and len(load(model_path).history) == folds["epochs"]


def test_a_small_regression_reports_the_folds_r2_in_equal_folds(tmp_path, capsys):
    data = regression_csv(tmp_path / "houses.csv", rows=30)
    model_path = tmp_path / "m.glassnet"
    code, out, err = run(capsys, "train", data, "--target", "price", "--epochs", "3",
                         "--hidden", "4", "--cross-validate-below", "31", "-o", model_path)
    assert code == 0, err
    folds = load(model_path).training["cross_validation"]
    assert folds["metric"] != "accuracy" and folds["validation_rows"] == [6] * 5
    assert "fewer than 31 (--cross-validate-below)" in out
    assert (f"of 5 folds (6 rows each) at epoch {folds['epochs']}, the epochs trained on all "
            f"rows; fold validation R^2 there {folds['score']:.4g} (mean)") in out


@pytest.mark.parametrize("below", ["30", "0"])
def test_a_table_of_at_least_cross_validate_below_rows_holds_rows_out(tmp_path, capsys, below):
    data = classification_csv(tmp_path / "small.csv", rows=30)
    model_path = tmp_path / "m.glassnet"
    code, out, err = run(capsys, "train", data, "--target", "species", "--epochs", "2",
                         "--hidden", "4", "--cross-validate-below", below, "-o", model_path)
    assert code == 0, err
    assert "Small table" not in out and "Cross-validation" not in out
    assert "Validation (6 rows): accuracy" in out
    assert "cross_validation" not in load(model_path).training


def test_early_stopping_0_trains_every_epoch(tmp_path, capsys):
    data = classification_csv(tmp_path / "species.csv", rows=60)
    code, out, err = run(capsys, "train", data, "--target", "species", "--epochs", "40",
                         "--learning-rate", "0.5", "--early-stopping", " 0 ",
                         "--cross-validate-below", "0", "-o", tmp_path / "m.glassnet")
    assert code == 0, err
    model = load(tmp_path / "m.glassnet")
    assert len(model.history) == 40 and not model.history.stopped_early
    assert "(stopped early)" not in out


def test_plot_draws_the_loss_curves_after_saving_the_model(tmp_path, capsys):
    data = classification_csv(tmp_path / "small.csv", rows=30)
    picture = tmp_path / "curves.png"
    code, out, err = run(capsys, "train", data, "--target", "species", "--epochs", "2",
                         "--hidden", "4", "-o", tmp_path / "m.glassnet", "--plot", picture)
    assert code == 0, err
    assert picture.read_bytes().startswith(b"\x89PNG") and (tmp_path / "m.glassnet").exists()


def test_plot_without_matplotlib_is_refused_before_training(tmp_path, capsys, monkeypatch):
    import glassnet.plotting

    def absent():
        raise ImportError('plotting needs matplotlib: pip install "glassnet[plot]"')

    monkeypatch.setattr(glassnet.plotting, "import_matplotlib", absent)
    data = classification_csv(tmp_path / "small.csv", rows=30)
    code, out, err = run(capsys, "train", data, "--target", "species", "-o",
                         tmp_path / "m.glassnet", "--plot", tmp_path / "curves.png")
    assert (code, out) == (1, "")
    assert err == 'error: plotting needs matplotlib: pip install "glassnet[plot]"\n'
    assert not (tmp_path / "m.glassnet").exists()


def test_a_model_that_cannot_be_saved_is_exit_73_naming_the_reason(tmp_path, capsys,
                                                                   monkeypatch):
    from glassnet.cli import train as train_command

    def full_disk(model, path):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(train_command, "save", full_disk)
    data = classification_csv(tmp_path / "small.csv", rows=30)
    model_path = tmp_path / "m.glassnet"
    code, out, err = run(capsys, "train", data, "--target", "species", "--epochs", "1",
                         "-o", model_path)
    assert code == 73 and "Model saved" not in out
    assert err == f"error: {model_path}: cannot write the model (No space left on device)\n"


def test_streaming_trains_with_its_own_defaults_unless_given(tmp_path, capsys):
    from glassnet.tabular.streaming import STREAM_BATCH_SIZE, STREAM_LEARNING_RATE

    data = classification_csv(tmp_path / "small.csv", rows=30)
    settings = {}
    for options in ((), ("--stream",), ("--stream", "--batch-size", "7", "--learning-rate",
                                        "0.3")):
        model_path = tmp_path / "m.glassnet"
        code, _, err = run(capsys, "train", data, "--target", "species", "--epochs", "1",
                           "-o", model_path, *options)
        assert code == 0, err
        training = load(model_path).training
        settings[len(options)] = (training["batch_size"], training["learning_rate"])
    assert settings == {0: (64, 0.001), 1: (STREAM_BATCH_SIZE, STREAM_LEARNING_RATE),
                        5: (7, 0.3)}
    assert (STREAM_BATCH_SIZE, STREAM_LEARNING_RATE) != (64, 0.001)
