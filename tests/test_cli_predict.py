"""glassnet predict / evaluate (cli/predict.py): on models with known weights the CLI gives
the same answers as Model (values, the 0.5 tie-break, column names), and a model saved from
Python without an encoder reads its feature names or x0, x1, ... as number columns; a model
from the scikit-learn estimators works with every command; multi-label and multi-output
models give one plain-number column per output, equal to ``Model.predict``."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pandas as pd
import pytest
from builders import fixed_network
from cli_helpers import run, write_csv

import glassnet
from glassnet import load, save
from glassnet.losses import BinaryCrossEntropy, SquaredError
from glassnet.model import Model
from glassnet.network import mlp


@pytest.fixture
def binary_model(tmp_path):
    """logit = x - y: P(yes) = sigmoid(x - y); saved without an encoder, target 'answer'."""
    model = Model(fixed_network([[1.0], [-1.0]], [0.0]), BinaryCrossEntropy(),
                  "classification", ["no", "yes"], feature_names=["x", "y"],
                  training={"target": "answer"})
    path = tmp_path / "binary.glassnet"
    save(model, path)
    return path


def test_binary_probabilities_and_the_tie_break_match_model(binary_model, tmp_path, capsys):
    rows = [(2.0, 0.0), (0.0, 1.0), (0.5, 0.5)]
    data = write_csv(tmp_path / "d.csv", ["x", "y"], rows)
    out = tmp_path / "p.csv"
    code, _, err = run(capsys, "predict", binary_model, data, "--proba", "-o", out)
    assert code == 0, err
    lines = out.read_text().splitlines()
    assert lines[0] == "answer,probability_no,probability_yes"
    fields = [line.split(",") for line in lines[1:]]
    assert [row[0] for row in fields] == ["yes", "no", "no"]  # p = 0.5 -> the first class
    p = 1.0 / (1.0 + np.exp(-np.array([2.0, -1.0, 0.0])))
    np.testing.assert_allclose([[float(a), float(b)] for _, a, b in fields],
                               np.column_stack([1 - p, p]), rtol=1e-12)
    model = load(binary_model)
    assert list(model.predict(np.array(rows))) == ["yes", "no", "no"]


def test_kept_columns_name_the_prediction_after_the_target(binary_model, tmp_path, capsys):
    data = write_csv(tmp_path / "d.csv", ["x", "y", "answer"], [(3.0, 0.0, "no")])
    code, out, err = run(capsys, "predict", binary_model, data, "--keep-columns")
    assert code == 0, err
    assert out.splitlines() == ["x,y,answer,predicted_answer", "3.0,0.0,no,yes"]
    code, out, _ = run(capsys, "predict", binary_model, data)
    assert out.splitlines() == ["answer", "yes"]
    # without the target among the kept columns, the prediction takes the target's name
    unlabelled = write_csv(tmp_path / "u.csv", ["x", "y"], [(3.0, 0.0)])
    code, out, _ = run(capsys, "predict", binary_model, unlabelled, "--keep-columns")
    assert code == 0 and out.splitlines() == ["x,y,answer", "3.0,0.0,yes"]


def test_inspect_lists_layers_loss_classes_features_and_training(binary_model, capsys):
    code, out, err = run(capsys, "inspect", binary_model)
    assert code == 0, err
    lines = out.splitlines()
    assert "  0. Dense(2, 1)  [weights (2, 1), bias (1,)]" in lines
    assert "  1. Identity()" in lines
    assert "parameters: 3" in lines
    assert "loss: BinaryCrossEntropy(from_logits=True, reduction='mean')" in lines
    assert "classes: no, yes" in lines and "features: x, y" in lines
    assert "target: answer" in lines


def test_a_model_without_feature_names_reads_x0_x1(tmp_path, capsys):
    model = Model(fixed_network([[2.0], [1.0]], [1.0]), SquaredError(), "regression")
    path = tmp_path / "r.glassnet"
    save(model, path)
    data = write_csv(tmp_path / "d.csv", ["x1", "x0"], [(1.0, 3.0), (0.0, -1.0)])
    code, out, err = run(capsys, "predict", path, data)
    assert code == 0, err
    assert out.splitlines() == ["prediction", "8.0", "-1.0"]  # 2 x0 + x1 + 1
    code, _, err = run(capsys, "predict", path, data, "--proba")
    assert code == 65 and "--proba needs a classification model; this one is regression" in err


def test_evaluate_a_binary_model_counts_the_tie_as_the_first_class(binary_model, tmp_path,
                                                                   capsys):
    data = write_csv(tmp_path / "d.csv", ["x", "y", "answer"],
                     [(2.0, 0.0, "yes"), (0.5, 0.5, "no"), (0.0, 3.0, "yes")])
    code, out, err = run(capsys, "evaluate", binary_model, data)
    assert code == 0, err
    # log loss: mean of -log sigmoid(2), -log 0.5, -log sigmoid(-3) = 1.2895
    lines = out.splitlines()
    assert lines[1] == "accuracy 0.6667, log loss 1.29"
    assert lines[3].split() == ["no", "yes"]
    assert lines[4].split() == ["no", "1", "0"] and lines[5].split() == ["yes", "1", "1"]


def test_evaluate_names_the_line_of_the_first_unknown_class(binary_model, tmp_path, capsys):
    data = write_csv(tmp_path / "d.csv", ["x", "y", "answer"],
                     [(1.0, 0.0, "yes"), (0.0, 1.0, "no"), (2.0, 2.0, "maybe"), (0, 0, "nah")])
    code, _, err = run(capsys, "evaluate", binary_model, data)
    assert code == 65
    assert err.strip() == (f"error: {data}, line 4, column 'answer': class 'maybe' is not one "
                           f"the model knows (no, yes)")


@pytest.fixture
def estimators():
    """(MLPClassifier, MLPRegressor), or the test is skipped without scikit-learn."""
    pytest.importorskip("sklearn")
    from glassnet.sklearn import MLPClassifier, MLPRegressor

    return MLPClassifier, MLPRegressor


def data_file(tmp_path, X, extra=None):
    frame = pd.DataFrame(X, columns=[f"x{index}" for index in range(X.shape[1])])
    for name, values in (extra or {}).items():
        frame[name] = values
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    return path


def fitted(estimator, X, y, path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        estimator.fit(X, y)
    glassnet.save(estimator, path)
    return path


@pytest.fixture
def points():
    rng = np.random.default_rng(0)
    return rng.normal(size=(40, 2))


def test_an_estimators_model_works_with_every_command(estimators, points, tmp_path,
                                                      capsys):
    MLPClassifier = estimators[0]
    labels = (points[:, 0] + points[:, 1] > 0).astype(int)
    model = fitted(MLPClassifier(hidden_layer_sizes=(5,), max_iter=30, random_state=0),
                   points, labels, tmp_path / "m.glassnet")
    data = data_file(tmp_path, points, {"y": labels})
    for command in ("evaluate", "gradcheck"):
        code, out, err = run(capsys, command, model, data)
        assert code == 2 and "give it with --target COLUMN" in err and out == "", command
        code, out, err = run(capsys, command, model, data, "--target", "y")
        assert code == 0, (command, err)
    assert "accuracy" in run(capsys, "evaluate", model, data, "--target", "y")[1]
    code, out, _ = run(capsys, "predict", model, data)
    assert code == 0 and out.splitlines()[0] == "prediction"
    expected = glassnet.load(model).predict(points)
    assert [int(line) for line in out.splitlines()[1:]] == expected.tolist()
    assert run(capsys, "inspect", model)[0] == 0


def test_multilabel_predictions_are_one_0_1_column_per_label(estimators, points, tmp_path,
                                                             capsys):
    MLPClassifier = estimators[0]
    targets = np.column_stack([points[:, 0] > 0, points[:, 1] > 0, points.sum(1) > 0])
    model = fitted(MLPClassifier(hidden_layer_sizes=(6,), max_iter=40, random_state=0),
                   points, targets.astype(int), tmp_path / "m.glassnet")
    code, out, err = run(capsys, "predict", model, data_file(tmp_path, points), "--proba")
    assert code == 0, err
    table = pd.read_csv(io.StringIO(out))
    assert list(table.columns[:3]) == ["prediction_0", "prediction_1", "prediction_2"]
    loaded = glassnet.load(model)
    np.testing.assert_array_equal(table.iloc[:, :3].to_numpy(), loaded.predict(points))
    np.testing.assert_allclose(table.iloc[:, 3:].to_numpy(), loaded.predict_proba(points))


def test_multi_output_regression_gives_plain_numbers(estimators, points, tmp_path, capsys):
    MLPRegressor = estimators[1]
    targets = np.column_stack([points[:, 0] * 2, points[:, 1] - 1])
    model = fitted(MLPRegressor(hidden_layer_sizes=(6,), max_iter=40, random_state=0),
                   points, targets, tmp_path / "m.glassnet")
    data = data_file(tmp_path, points)
    code, out, err = run(capsys, "predict", model, data)
    assert code == 0, err
    assert "np.float64" not in out and "[" not in out
    table = pd.read_csv(io.StringIO(out))
    assert list(table.columns) == ["prediction_0", "prediction_1"]
    np.testing.assert_allclose(table.to_numpy(), glassnet.load(model).predict(points),
                               rtol=1e-12)
    code, _, err = run(capsys, "evaluate", model, data, "--target", "x0")
    assert code == 65 and err.strip() == ("error: a regression model with 2 output(s) cannot "
                                          "be compared with one target column")


def test_an_unknown_class_is_refused_naming_up_to_twenty_known_ones(tmp_path, capsys):
    from glassnet.losses import SoftmaxCrossEntropy

    data = write_csv(tmp_path / "d.csv", ["a", "y"], [(0.5, "c3"), (1.5, "stranger")])
    for count, more in ((20, ")"), (21, ", ... (21 in all))")):
        labels = [f"c{index}" for index in range(count)]
        path = tmp_path / f"m{count}.glassnet"
        save(Model(mlp([1, count], rng=0), SoftmaxCrossEntropy(), "classification", labels,
                   feature_names=["a"]), path)
        code, _, err = run(capsys, "evaluate", path, data, "--target", "y")
        assert code == 65
        assert f"class 'stranger' is not one the model knows ({', '.join(labels[:20])}{more}" \
            in err


def test_a_model_saved_without_a_task_is_named_so_by_evaluate_and_proba(tmp_path, capsys):
    path = tmp_path / "bare.glassnet"
    save(Model(fixed_network([[1.0], [2.0]], [0.5]), SquaredError(), None,
               feature_names=["x", "y"]), path)
    data = write_csv(tmp_path / "d.csv", ["x", "y", "z"], [(1, 2, 3), (0, 1, 2)])
    code, _, err = run(capsys, "evaluate", path, data, "--target", "z")
    assert (code, err.strip()) == (65, "error: a model saved without a task cannot be compared "
                                       "with one target column")
    code, _, err = run(capsys, "predict", path, data, "--proba")
    assert (code, err.strip()) == (65, "error: --proba needs a classification model; this one "
                                       "is saved without a task")


def test_a_long_column_name_is_shown_cut_to_eighty_characters(binary_model, tmp_path, capsys):
    data = write_csv(tmp_path / "d.csv", ["x", "y"], [(1, 2)])
    code, _, err = run(capsys, "evaluate", binary_model, data, "--target", "t" * 100)
    shown = "'" + "t" * 76 + "..."  # repr's first 77 characters and "...": 80 in all
    assert (code, err.strip()) == (65, f"error: {data}: needs the model's target column {shown}")


def test_whole_number_classes_match_however_the_file_writes_them(tmp_path, capsys):
    """Labels 1 and 2: '1', '1.0' and ' 2.00 ' name them; 1.5 and inf are classes it does
    not know."""
    path = tmp_path / "numbers.glassnet"
    save(Model(fixed_network([[1.0], [-1.0]], [0.0]), BinaryCrossEntropy(), "classification",
               [1, 2], feature_names=["x", "y"], training={"target": "answer"}), path)
    data = write_csv(tmp_path / "d.csv", ["x", "y", "answer"],
                     [(0, 1, "1"), (1, 0, "2.0"), (0, 1, "1.0"), (2, 0, " 2.00 ")])
    code, out, err = run(capsys, "evaluate", path, data)
    assert code == 0 and out.startswith("4 rows of") and "accuracy 1" in out, err
    for unknown in ("1.5", "inf"):
        data = write_csv(tmp_path / "e.csv", ["x", "y", "answer"], [(0, 1, "1"), (1, 0, unknown)])
        code, _, err = run(capsys, "evaluate", path, data)
        assert code == 65 and f"class '{unknown}' is not one the model knows (1, 2)" in err
