"""The playground's engine: data, settings, training through trace_step, rewind, exports."""

import numpy as np
import pytest

from glassnet.losses import SquaredError
from glassnet.optimizers import SGD
from glassnet.playground import exports, views
from glassnet.playground.datasets import FEATURES, features, generate, parse_csv, split
from glassnet.playground.engine import Engine
from glassnet.playground.settings import PRESETS, parse_settings
from glassnet.serialization import load
from glassnet.tracing import trace_step


@pytest.mark.parametrize("name", ["circle", "xor", "gauss", "spiral", "blobs", "plane",
                                  "multigauss"])
def test_data_sets_are_seeded_and_in_the_domain(name):
    first = generate(name, 200, 10, np.random.default_rng(4))
    second = generate(name, 200, 10, np.random.default_rng(4))
    assert np.array_equal(first[0], second[0]) and np.array_equal(first[1], second[1])
    points, targets = first
    assert points.shape == (200, 2) and targets.shape == (200,)
    assert np.abs(points).max() < 12 and np.isfinite(points).all()
    if name in ("plane", "multigauss"):
        assert np.abs(targets).max() <= 1 and np.unique(targets).size > 10
    else:
        assert set(np.unique(targets)) == set(range(int(targets.max()) + 1))


def test_features_and_split():
    points = np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, 0.0], [3.0, -2.0]])
    chosen = features(points, list(FEATURES))
    assert np.allclose(chosen[0], [1, 2, 1, 4, 2, np.sin(1), np.sin(2)])
    train, test = split(10, 30, np.random.default_rng(0))
    assert len(train) == 3 and len(test) == 7 and not set(train) & set(test)
    with pytest.raises(ValueError, match="input features"):
        features(points, ["x3"])


def test_settings_are_checked_by_name():
    assert parse_settings({"layers": "8,8,8", "rate": "0.1"})["layers"] == "8,8,8"
    for bad, message in [({"layers": "9"}, "1 to 8 neurons"), ({"layers": "1,1,1,1,1,1,1"},
                         "0 to 6"), ({"rate": "abc"}, "rate must be a number"),
                         ({"rate": "100"}, "between"), ({"nope": "1"}, "unknown setting"),
                         ({"activation": "__import__"}, "activation must be one of"),
                         ({"preset": "x"}, "unknown preset"), ({"batch": "2.5"}, "whole")]:
        with pytest.raises(ValueError, match=message):
            parse_settings(bad)


def test_an_epoch_is_trace_steps_over_batches_in_the_runs_order():
    engine = Engine({"dataset": "xor", "layers": "3", "batch": "7", "seed": "5"})
    network = engine.network
    twin = Engine({"dataset": "xor", "layers": "3", "batch": "7", "seed": "5"})
    engine.step(2)
    order_rng, rows = np.random.default_rng(5 + 3), twin.train_rows
    loss, optimizer = SquaredError(), SGD(0.03)
    for _ in range(2):
        order = order_rng.permutation(len(rows))
        for start in range(0, len(rows), 7):
            chosen = rows[order[start:start + 7]]
            trace_step(twin.network, twin.inputs[chosen], twin.targets[chosen], loss, optimizer)
    for name, value in network.parameters().items():
        assert np.array_equal(value, twin.network.parameters()[name]), name
    assert engine.epoch == 2 and len(engine.history) == 3


def test_training_lowers_the_loss_and_scores_it():
    engine = Engine({"dataset": "gauss", "layers": "2"})
    before = engine.history[-1][1]
    engine.step(15)
    assert engine.history[-1][1] < before
    shown = views.state(engine)
    assert shown["test_accuracy"] > 0.9
    assert np.sum(shown["confusion"]) == len(engine.test_rows)
    assert len(shown["maps"]) == 1 and len(shown["maps"][0]) == 2
    assert len(shown["output"]) == views.GRID ** 2


def test_tutorial_preset_is_the_seed_neuron():
    engine = Engine({"preset": "tutorial"})
    assert list(PRESETS)[0] == "tutorial"
    assert np.allclose(engine.network.layers[0].weights[:, 0],
                       [-0.16595599, 0.44064899, -0.99977125])
    engine.step(300)
    from glassnet.tutorial import TRAINING_INPUTS, TRAINING_OUTPUTS, NeuralNetwork
    neuron = NeuralNetwork()
    neuron.train(TRAINING_INPUTS, TRAINING_OUTPUTS, 300)
    assert np.array_equal(engine.network.layers[0].weights, neuron.synaptic_weights)
    assert views.state(engine, maps=False)["answer"] == float(neuron.think([1, 0, 0])[0])


def test_softmax_for_four_classes_with_dropout():
    engine = Engine({"preset": "softmax"})
    engine.update({"dropout": "0.2"})
    assert engine.network.layers[-2].out_features == 4
    assert any(type(layer).__name__ == "Dropout" for layer in engine.network.layers)
    engine.step(20)
    assert views.state(engine)["test_accuracy"] > 0.8


def test_rewind_then_replay_repeats_the_same_numbers():
    engine = Engine({"dataset": "spiral", "layers": "4,4", "dropout": "0.1"})
    engine.step(6)
    at_six = {k: v.copy() for k, v in engine.network.parameters().items()}
    losses = list(engine.history)
    engine.rewind(3)
    assert engine.epoch == 3 and len(engine.history) == 4
    engine.step(3)
    assert engine.history == losses
    for name, value in engine.network.parameters().items():
        assert np.array_equal(value, at_six[name])
    with pytest.raises(ValueError, match="epoch must be between 0 and 6"):
        engine.rewind(7)


def test_neuron_and_weight_numbers_come_from_the_last_step():
    engine = Engine({"dataset": "circle", "layers": "3", "batch": "5"})
    assert views.neuron(engine, 1, 2)["traced"] is False
    engine.step(1)
    numbers, trace = views.neuron(engine, 1, 2), engine.trace
    assert numbers["z"] == np.round(trace.layers[0].outputs[:4, 2], 6).tolist()
    assert numbers["weight_gradients"] == np.round(trace.gradients["layers.0.weights"][:, 2],
                                                   6).tolist()
    assert "z1 = X @ W1 + b1  # (5, 2) @ (2, 3) + (3,) -> (5, 3)" in numbers["code"]
    weight = views.weight(engine, 2, 1, 0)
    assert weight["after"] == pytest.approx(weight["before"] - 0.03 * weight["gradient"])
    with pytest.raises(ValueError, match="unit must be between 0 and 2"):
        views.neuron(engine, 1, 3)


def test_divergence_names_the_weight_and_the_cause():
    engine = Engine({"dataset": "plane", "layers": "8,8", "activation": "relu", "rate": "10",
                     "batch": "1"})
    with np.errstate(all="ignore"):
        engine.step(50)
    assert engine.problem is not None and "Lower the learning rate" in engine.problem
    assert "layers." in engine.problem and "learning rate 10" in engine.problem


def test_gradient_check_agrees():
    engine = Engine({"dataset": "xor", "layers": "3", "activation": "tanh", "l1": "0.01"})
    result = views.gradient_check(engine)
    assert result["ok"] and set(result["errors"]) == set(engine.network.parameters())


def test_exported_script_repeats_the_run_with_edits():
    engine = Engine({"dataset": "circle", "layers": "3", "batch": "16", "l2": "0.01"})
    engine.step(2)
    engine.set_weight("layers.0.weights", (1, 2), 0.75)
    engine.step(2)
    names: dict = {}
    exec(compile(exports.script(engine), "playground_run.py", "exec"), names)  # noqa: S102
    for name, value in engine.network.parameters().items():
        assert np.array_equal(names["network"].parameters()[name], value), name


def test_exported_model_predicts_as_the_network(tmp_path):
    engine = Engine({"preset": "softmax"})
    engine.step(5)
    path = tmp_path / "run.glassnet"
    path.write_bytes(exports.model_bytes(engine))
    model = load(path)
    rows = engine.inputs[:10]
    assert np.array_equal(model.predict(rows),
                          engine.network.forward(rows).argmax(axis=1))


CSV_TEXT = "a,b,c,name,kind\n" + "\n".join(
    f"{i},{i % 7},{i * 2 % 5},n{i},{'yes' if i % 2 else 'no'}" for i in range(40))


def test_own_csv_draws_two_columns_and_holds_the_rest_fixed():
    table = parse_csv(CSV_TEXT, "a", "b", "kind")
    assert table.columns == ["a", "b", "c"]  # the word column "name" is left out
    assert table.classes == 2 and set(table.targets) == {0.0, 1.0}
    assert table.points.min() == -5 and table.points.max() == 5
    assert np.allclose(table.inputs.mean(axis=0), 0) and np.allclose(table.inputs.std(axis=0), 1)
    plane = np.array([[-5.0, -5.0], [5.0, 5.0]])
    inputs = table.grid_inputs(plane)
    assert np.allclose(inputs[:, 2], 0)  # c held at its mean
    assert np.allclose(inputs[0, :2], table.inputs[:, :2].min(axis=0))  # the plane's corners
    assert np.allclose(inputs[1, :2], table.inputs[:, :2].max(axis=0))


def test_own_csv_trains_and_bad_files_change_nothing():
    given = {"text": CSV_TEXT, "x_column": "a", "y_column": "b", "target_column": "kind"}
    engine = Engine()
    engine.update({"dataset": "csv"}, given)
    engine.step(2)
    assert len(engine.points) == 40 and engine.network.in_features == 3
    assert len(views.state(engine)["output"]) == views.GRID ** 2
    for bad, message in [({"x_column": "zz"}, "no column 'zz'"),
                         ({"x_column": "name"}, "not a number"),
                         ({"y_column": "a"}, "two different columns")]:
        with pytest.raises(ValueError, match=message):
            engine.update({}, {**given, **bad})
    assert len(engine.points) == 40 and engine.epoch == 2  # a refused CSV changes nothing


def test_csv_model_file_predicts_from_the_raw_columns(tmp_path, capsys):
    from glassnet.cli import main

    given = {"text": CSV_TEXT, "x_column": "a", "y_column": "c", "target_column": "kind"}
    engine = Engine({"loss": "crossentropy"})
    engine.update({"dataset": "csv", "layers": "3"}, given)
    engine.step(5)
    (tmp_path / "m.glassnet").write_bytes(exports.model_bytes(engine))
    (tmp_path / "d.csv").write_text(CSV_TEXT)
    assert main(["predict", str(tmp_path / "m.glassnet"), str(tmp_path / "d.csv")]) == 0
    printed = [int(value) for value in capsys.readouterr().out.split()[1:]]
    assert printed == engine.network.forward(engine.inputs).argmax(axis=1).tolist()


def test_exported_model_file_works_with_glassnet_predict(tmp_path, capsys):
    from glassnet.cli import main

    engine = Engine({"dataset": "xor", "layers": "3"})
    engine.step(3)
    model_path, data_path = tmp_path / "run.glassnet", tmp_path / "points.csv"
    model_path.write_bytes(exports.model_bytes(engine))
    rows = engine.inputs[:5]
    data_path.write_text("x1,x2\n" + "\n".join(f"{float(x)!r},{float(y)!r}" for x, y in rows))
    assert main(["predict", str(model_path), str(data_path)]) == 0
    printed = capsys.readouterr().out.split()
    assert printed[0] == "score"
    assert np.allclose([float(value) for value in printed[1:]],
                       engine.network.forward(rows)[:, 0])
