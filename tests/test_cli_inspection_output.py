"""glassnet inspect, gradcheck and plot (cli/inspection.py): the lines inspect prints for a
model with or without classes and features, gradcheck on a scaled regression and a float32
model, its verdict either side of 1e-6, and the refusals of each command with their codes."""

from __future__ import annotations

import numpy as np
from cli_helpers import run, write_csv

import glassnet
from glassnet.losses import SoftmaxCrossEntropy, SquaredError
from glassnet.model import Model
from glassnet.network import mlp


def saved(tmp_path, model, name="m.glassnet"):
    path = tmp_path / name
    glassnet.save(model, path)
    return path


def rows_csv(tmp_path, count=30):
    rows = [(index / 10, index % 3, index / 5) for index in range(count)]
    return write_csv(tmp_path / "d.csv", ["a", "b", "y"], rows)


def test_inspect_prints_each_line_of_a_regression_with_features(tmp_path, capsys):
    path = saved(tmp_path, Model(mlp([2, 1], rng=0), SquaredError(), "regression",
                                 feature_names=["a", "b"], training={"epochs": 3}))
    code, out, err = run(capsys, "inspect", path)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"{path}: a glassnet regression model",
        "  0. Dense(2, 1)  [weights (2, 1), bias (1,)]",
        "  1. Identity()",
        "parameters: 3",
        "loss: SquaredError(reduction='mean')",
        "features: a, b",
        "epochs: 3",
    ]


def test_inspect_of_a_bare_network_names_no_task_classes_or_features(tmp_path, capsys):
    path = saved(tmp_path, mlp([2, 2, 1], activation="tanh", rng=0))
    code, out, _ = run(capsys, "inspect", path)
    lines = out.splitlines()
    assert code == 0 and lines[0] == f"{path}: a glassnet network model"
    assert lines[2] == "  1. Tanh()" and lines[-2:] == ["parameters: 9", "loss: None"]
    assert not any(line.startswith(("classes:", "features:")) for line in lines)


def test_gradcheck_unscales_a_regressions_targets_and_passes(tmp_path, capsys):
    model = Model(mlp([2, 3, 1], activation="tanh", rng=0), SquaredError(), "regression",
                  feature_names=["a", "b"], target_scaling={"mean": 100.0, "scale": 50.0})
    path = saved(tmp_path, model)
    code, out, err = run(capsys, "gradcheck", path, rows_csv(tmp_path), "--target", "y",
                         "--rows", "5")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == ("relative error |backprop - finite differences| / (|backprop| + |finite "
                        "differences|) on 5 rows:")
    assert len(lines) == 6 and lines[-1].endswith(": gradients agree")
    assert all(line.endswith("  ok") for line in lines[1:5])
    assert lines[1].split()[0] == "layers.0.weights"
    assert "note:" not in out


def test_gradcheck_of_a_float32_model_says_float32_is_coarse(tmp_path, capsys):
    model = Model(mlp([2, 3, 1], activation="tanh", rng=0, dtype=np.float32), SquaredError(),
                  "regression", feature_names=["a", "b"])
    code, out, _ = run(capsys, "gradcheck", saved(tmp_path, model), rows_csv(tmp_path),
                       "--target", "y", "--rows", "3")
    assert code == 0
    assert out.splitlines()[0] == ("note: the model is float32; finite differences in float32 "
                                   "are coarse")


def test_gradcheck_of_a_model_without_a_loss_is_a_data_error(tmp_path, capsys):
    path = saved(tmp_path, mlp([2, 1], rng=0))
    code, out, err = run(capsys, "gradcheck", path, rows_csv(tmp_path), "--target", "y")
    assert (code, out) == (65, "")
    assert err == f"error: {path}: the model has no loss to check against\n"


def test_gradcheck_of_a_classifier_checks_against_the_class_codes(tmp_path, capsys):
    model = Model(mlp([2, 3], rng=0), SoftmaxCrossEntropy(), "classification", [0, 1, 2],
                  feature_names=["a", "b"])
    data = write_csv(tmp_path / "c.csv", ["a", "b", "y"],
                     [(0.1 * index, 0.3, index % 3) for index in range(9)])
    code, out, _ = run(capsys, "gradcheck", saved(tmp_path, model), data, "--target", "y")
    assert code == 0 and "on 9 rows:" in out and out.endswith("gradients agree\n")


def test_plot_needs_an_output(tmp_path, capsys):
    path = saved(tmp_path, mlp([2, 1], rng=0))
    code, out, err = run(capsys, "plot", path)
    assert (code, out) == (2, "")
    assert "the following arguments are required: -o/--output" in err


def test_plot_of_a_missing_model_is_exit_66(tmp_path, capsys):
    missing = tmp_path / "none.glassnet"
    code, out, err = run(capsys, "plot", missing, "-o", tmp_path / "p.png")
    assert (code, out) == (66, "")
    assert err == f"error: {missing}: cannot read the model (No such file or directory)\n"
    assert not (tmp_path / "p.png").exists()


def test_inspect_of_a_model_with_columns_lists_the_columns_not_the_features(tmp_path, capsys):
    from glassnet.preprocessing import ColumnEncoder

    encoder = ColumnEncoder([{"name": "size", "categories": None},
                             {"name": "colour", "categories": ["blue", "red"]}])
    model = Model(mlp([3, 1], rng=0), SquaredError(), "regression", preprocessing=encoder,
                  feature_names=["size", "colour"])
    code, out, _ = run(capsys, "inspect", saved(tmp_path, model))
    lines = out.splitlines()
    assert code == 0 and [line.split(":")[0] for line in lines[-2:]] == \
        ["column 'size'", "column 'colour'"]
    assert "'blue', 'red'" in lines[-1]
    assert not any(line.startswith(("features:", "classes:")) for line in lines)


def test_inspect_cuts_a_long_training_value_to_400_characters(tmp_path, capsys):
    path = saved(tmp_path, Model(mlp([2, 1], rng=0), SquaredError(), "regression",
                                 training={"note": "x" * 500, "short": "y" * 400}))
    code, out, _ = run(capsys, "inspect", path)
    lines = out.splitlines()
    assert code == 0
    assert "note: " + "x" * 397 + "..." in lines and "short: " + "y" * 400 in lines
