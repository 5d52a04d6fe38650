"""glassnet predict / evaluate (cli/predict.py) on a regression model with known weights:
the printed scores, the rows left out for a missing target, the column names, and each
refusal (a target that is no number, a missing target column or model file, several
outputs against one column) with its exit code and one line."""

from __future__ import annotations

import pytest
from builders import fixed_network
from cli_helpers import run, write_csv

from glassnet import save
from glassnet.losses import SquaredError
from glassnet.model import Model


@pytest.fixture
def regression(tmp_path):
    """z = (x + 2 y + 0.5) * 2 + 1 (the network learned z scaled by mean 1, scale 2)."""
    path = tmp_path / "r.glassnet"
    save(Model(fixed_network([[1.0], [2.0]], [0.5]), SquaredError(), "regression",
               feature_names=["x", "y"], training={"target": "z"},
               target_scaling={"mean": 1.0, "scale": 2.0}), path)
    return path


def test_evaluate_prints_the_scores_and_the_rows_left_out(regression, tmp_path, capsys):
    data = write_csv(tmp_path / "d.csv", ["x", "y", "z"],
                     [(1, 2, 10.0), (0, 1, ""), (0, 0, 2.0), (1, 1, "NA")])
    code, out, err = run(capsys, "evaluate", regression, data)
    assert (code, err) == (0, "")
    # predicted 12 and 2 for 10 and 2: MSE (4 + 0) / 2, MAE 1, R^2 1 - 4 / 32
    assert out == (f"2 rows of {data} (2 without a 'z' left out), target 'z':\n"
                   f"MSE 2, MAE 1, R^2 0.875\n")


def test_evaluate_with_every_target_present_mentions_nothing_left_out(regression, tmp_path,
                                                                      capsys):
    data = write_csv(tmp_path / "d.csv", ["x", "y", "z"], [(1, 2, 12.0), (0, 0, 2.0)])
    code, out, _ = run(capsys, "evaluate", regression, data)
    assert code == 0 and out.splitlines()[0] == f"2 rows of {data}, target 'z':"


def test_predict_writes_unscaled_values_named_after_the_target(regression, tmp_path, capsys):
    data = write_csv(tmp_path / "d.csv", ["x", "y", "z"], [(1, 2, 0), (0, 1, 0)])
    code, out, _ = run(capsys, "predict", regression, data)
    assert (code, out) == (0, "z\n12.0\n6.0\n")
    code, out, _ = run(capsys, "predict", regression, data, "--keep-columns")
    assert (code, out) == (0, "x,y,z,predicted_z\n1,2,0,12.0\n0,1,0,6.0\n")
    output = tmp_path / "p.csv"
    code, out, _ = run(capsys, "predict", regression, data, "-o", output)
    assert (code, out, output.read_text()) == (0, "", "z\n12.0\n6.0\n")


def test_a_target_that_is_not_a_number_is_named_with_its_line(regression, tmp_path, capsys):
    data = write_csv(tmp_path / "d.csv", ["x", "y", "z"], [(1, 2, 12.0), (0, 1, "abc")])
    code, out, err = run(capsys, "evaluate", regression, data)
    assert (code, out) == (65, "")
    assert err == f"error: {data}, line 3, column 'z': 'abc' is not a number\n"


def test_evaluate_needs_the_target_column(regression, tmp_path, capsys):
    data = write_csv(tmp_path / "d.csv", ["x", "y"], [(1, 2)])
    code, out, err = run(capsys, "evaluate", regression, data)
    assert (code, out) == (65, "")
    assert err == f"error: {data}: needs the model's target column 'z'\n"


def test_proba_needs_a_classifier(regression, tmp_path, capsys):
    data = write_csv(tmp_path / "d.csv", ["x", "y"], [(1, 2)])
    code, out, err = run(capsys, "predict", regression, data, "--proba")
    assert (code, out) == (65, "")
    assert err == "error: --proba needs a classification model; this one is regression\n"


def test_a_regression_with_two_outputs_cannot_be_evaluated_on_one_column(tmp_path, capsys):
    path = tmp_path / "two.glassnet"
    save(Model(fixed_network([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0]), SquaredError(),
               "regression", feature_names=["x", "y"]), path)
    data = write_csv(tmp_path / "d.csv", ["x", "y", "z"], [(1, 2, 3)])
    code, out, err = run(capsys, "evaluate", path, data, "--target", "z")
    assert (code, out) == (65, "")
    assert err == ("error: a regression model with 2 output(s) cannot be compared with one "
                   "target column\n")
    code, out, _ = run(capsys, "predict", path, data)
    assert (code, out) == (0, "prediction_0,prediction_1\n1.0,2.0\n")


def test_a_model_saved_from_python_needs_target(tmp_path, capsys):
    path = tmp_path / "bare.glassnet"
    save(Model(fixed_network([[1.0], [2.0]], [0.0]), SquaredError(), "regression",
               feature_names=["x", "y"]), path)
    data = write_csv(tmp_path / "d.csv", ["x", "y", "z"], [(1, 2, 5)])
    code, out, err = run(capsys, "evaluate", path, data)
    assert (code, out) == (2, "")
    assert err == (f"{path}: the model does not name its target column (it was saved from "
                   f"Python); give it with --target COLUMN\n")
    code, out, _ = run(capsys, "evaluate", path, data, "--target", "z")
    assert code == 0 and "MSE 0, MAE 0, R^2" in out


def test_a_missing_model_file_is_exit_66(tmp_path, capsys):
    data = write_csv(tmp_path / "d.csv", ["x", "y"], [(1, 2)])
    missing = tmp_path / "none.glassnet"
    for command in ("predict", "evaluate"):
        code, out, err = run(capsys, command, missing, data)
        assert (code, out) == (66, "")
        assert err == f"error: {missing}: cannot read the model (No such file or directory)\n"
