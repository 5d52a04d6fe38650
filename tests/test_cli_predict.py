"""glassnet predict / evaluate on models with known weights: the CLI gives the same answers
as Model (values, the 0.5 tie-break, column names), and a model saved from Python without an
encoder reads its feature names or x0, x1, ... as number columns."""

from __future__ import annotations

import numpy as np
import pytest
from cli_helpers import run, write_csv

from glassnet import load, save
from glassnet.losses import BinaryCrossEntropy, SquaredError
from glassnet.model import Model
from glassnet.network import mlp


def fixed_network(weights, bias):
    network = mlp([len(weights), len(bias)], rng=0)
    network.layers[0].params["weights"][...] = weights
    network.layers[0].params["bias"][...] = bias
    return network


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
