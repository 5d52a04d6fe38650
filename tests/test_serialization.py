"""save/load: bit-for-bit round trips for every layer type and a whole Model, and the
atomic save (an error or a kill mid-save leaves the old file loadable)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glassnet import registry
from glassnet.layers import Dense, Dropout
from glassnet.losses import BinaryCrossEntropy, SoftmaxCrossEntropy, SquaredError
from glassnet.model import Model
from glassnet.network import Sequential, mlp
from glassnet.preprocessing import ColumnEncoder, Standardize
from glassnet.serialization import load, save
from glassnet.training import History

ACTIVATION_CLASSES = sorted(set(registry.ACTIVATIONS.values()), key=lambda cls: cls.__name__)


def assert_same_network(first: Sequential, second: Sequential, inputs) -> None:
    assert [type(layer) for layer in first.layers] == [type(layer) for layer in second.layers]
    for name, value in first.parameters().items():
        again = second.parameters()[name]
        assert again.dtype == value.dtype and again.shape == value.shape
        np.testing.assert_array_equal(again, value)
    assert np.array_equal(first.predict(inputs), second.predict(inputs))  # bit for bit


def round_trip(tmp_path, model, name="model.glassnet"):
    path = tmp_path / name
    save(model, path)
    return load(path)


@pytest.mark.parametrize("activation", ACTIVATION_CLASSES, ids=lambda cls: cls.__name__)
def test_every_activation_round_trips(activation, tmp_path, rng):
    network = Sequential([Dense(3, 4, rng=rng), activation(), Dense(4, 2, rng=rng)])
    network.layers[0].params["bias"][...] = rng.standard_normal(4)
    loaded = round_trip(tmp_path, network).network
    assert_same_network(network, loaded, rng.standard_normal((5, 3)))


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_dense_with_and_without_bias_round_trips(bias, dtype, tmp_path, rng):
    network = Sequential([Dense(4, 3, bias=bias, rng=rng, dtype=dtype)])
    loaded = round_trip(tmp_path, network).network
    assert set(loaded.layers[0].params) == ({"weights", "bias"} if bias else {"weights"})
    assert loaded.dtype == dtype
    assert_same_network(network, loaded, rng.standard_normal((3, 4)).astype(dtype))


def test_standardize_dropout_and_leaky_slope_round_trip(tmp_path, rng):
    inputs = rng.standard_normal((20, 3)) * 10 + 4
    network = Sequential([Standardize.fit(inputs), Dropout(0.25), Dense(3, 5, rng=rng),
                          registry.ACTIVATIONS["leaky_relu"](slope=0.2), Dense(5, 1, rng=rng)])
    loaded = round_trip(tmp_path, network).network
    assert loaded.layers[1].rate == 0.25 and loaded.layers[3].slope == 0.2
    np.testing.assert_array_equal(loaded.layers[0].mean, network.layers[0].mean)
    np.testing.assert_array_equal(loaded.layers[0].scale, network.layers[0].scale)
    assert_same_network(network, loaded, inputs)


@settings(max_examples=15, deadline=None)
@given(sizes=st.lists(st.integers(1, 6), min_size=2, max_size=4),
       activation=st.sampled_from(sorted(registry.ACTIVATIONS)), seed=st.integers(0, 1000))
def test_property_round_trip_predicts_identically(tmp_path_factory, sizes, activation, seed):
    network = mlp(sizes, activation=activation, rng=seed)
    folder = tmp_path_factory.mktemp("property")
    loaded = round_trip(folder, network).network
    inputs = np.random.default_rng(seed).standard_normal((4, sizes[0]))
    assert_same_network(network, loaded, inputs)


def classification_model(rng) -> Model:
    table = {"height": rng.random(12) * 50 + 150, "colour": ["red", "blue", "green"] * 4}
    encoder = ColumnEncoder.fit(table, ["height", "colour"], categorical=["colour"])
    encoded = encoder.transform(table)
    network = Sequential([Standardize.fit(encoded)] + mlp([4, 5, 3], rng=rng).layers)
    history = History()
    history.append({"epoch": 1, "loss": 1.5, "val_loss": float("nan"), "time": 0.01})
    history.append({"epoch": 2, "loss": 1.25, "val_loss": 1.5, "time": 0.01})
    history.stopped_early = True
    return Model(network, SoftmaxCrossEntropy(), "classification", ["cat", "dog", "eel"],
                 ["height", "colour"], encoder, training={"epochs_run": 2, "seed": 3},
                 history=history), table


def test_a_whole_model_round_trips_with_everything_it_holds(tmp_path, rng):
    model, table = classification_model(rng)
    loaded = round_trip(tmp_path, model)
    assert loaded.task == "classification" and loaded.class_labels == ["cat", "dog", "eel"]
    assert loaded.feature_names == ["height", "colour"]
    assert loaded.preprocessing.config() == model.preprocessing.config()
    assert loaded.training == {"epochs_run": 2, "seed": 3}
    assert loaded.history["loss"] == [1.5, 1.25] and np.isnan(loaded.history["val_loss"][0])
    assert loaded.history.stopped_early and not loaded.history.interrupted
    assert isinstance(loaded.loss, SoftmaxCrossEntropy)
    assert list(loaded.predict(table)) == list(model.predict(table))
    assert np.array_equal(loaded.predict_proba(table), model.predict_proba(table))


def test_binary_and_regression_models_round_trip(tmp_path, rng):
    inputs = rng.standard_normal((6, 2))
    binary = Model(mlp([2, 3, 1], rng=rng), BinaryCrossEntropy(from_logits=True),
                   "classification", ["no", "yes"])
    loaded = round_trip(tmp_path, binary, "binary.glassnet")
    assert loaded.loss.from_logits and loaded.predict_proba(inputs).shape == (6, 2)
    assert np.array_equal(loaded.predict_proba(inputs), binary.predict_proba(inputs))
    regression = Model(mlp([2, 3, 1], rng=rng), SquaredError(), "regression",
                       target_scaling={"mean": 100.0, "scale": 20.0})
    loaded = round_trip(tmp_path, regression, "regression.glassnet")
    assert loaded.target_scaling == {"mean": 100.0, "scale": 20.0}
    assert np.array_equal(loaded.predict(inputs), regression.predict(inputs))
    assert abs(float(np.mean(loaded.predict(inputs))) - 100) < 100  # scaled back


def test_an_object_with_to_model_is_saved_through_it(tmp_path, rng):
    model = Model(mlp([2, 1], rng=rng))

    class Estimator:
        def to_model(self):
            return model

    assert_same_network(model.network, round_trip(tmp_path, Estimator()).network,
                        np.ones((1, 2)))


def test_save_refuses_what_is_not_a_model(tmp_path):
    with pytest.raises(TypeError, match="model must be a glassnet Model.*got 'weights'"):
        save("weights", tmp_path / "model.glassnet")
    assert list(tmp_path.iterdir()) == []


def test_save_refuses_nan_weights_and_keeps_the_old_file(tmp_path, rng):
    path = tmp_path / "model.glassnet"
    network = mlp([2, 2], rng=rng)
    save(network, path)
    before = path.read_bytes()
    network.layers[0].params["weights"][0, 0] = np.nan
    with pytest.raises(ValueError, match="layers.0.weights holds NaN"):
        save(network, path)
    assert path.read_bytes() == before


def test_an_error_after_the_temporary_file_is_written_keeps_the_old_file(tmp_path, rng,
                                                                          monkeypatch):
    path = tmp_path / "model.glassnet"
    old, new = mlp([2, 3, 1], rng=1), mlp([2, 3, 1], rng=2)
    save(old, path)

    def failing_replace(source, target):
        assert os.path.getsize(source) > 0  # the new file was fully written first
        raise OSError("disk unplugged")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk unplugged"):
        save(new, path)
    monkeypatch.undo()
    assert_same_network(old, load(path).network, np.ones((1, 2)))
    assert [item.name for item in tmp_path.iterdir()] == ["model.glassnet"]  # no temp left


def test_a_save_killed_midway_leaves_a_loadable_file(tmp_path):
    path = tmp_path / "model.glassnet"
    save(mlp([300, 300, 1], rng=0), path)
    script = textwrap.dedent(f"""
        import sys
        from glassnet import mlp, save
        networks = [mlp([300, 300, 1], rng=seed) for seed in (0, 1)]
        print("ready", flush=True)
        for count in range(100000):
            save(networks[count % 2], {str(path)!r})
    """)
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
    assert process.stdout.readline().strip() == b"ready"
    try:
        process.wait(timeout=0.7)  # let it save a few times, then kill it mid-way
    except subprocess.TimeoutExpired:
        process.kill()
    process.wait()
    process.stdout.close()
    loaded = load(path).network
    expected = [mlp([300, 300, 1], rng=seed).predict(np.ones((1, 300))) for seed in (0, 1)]
    assert any(np.array_equal(loaded.predict(np.ones((1, 300))), value) for value in expected)


def test_load_of_a_missing_file_is_the_usual_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "absent.glassnet")


def test_save_into_a_missing_folder_fails_cleanly(tmp_path, rng):
    with pytest.raises(FileNotFoundError):
        save(mlp([2, 1], rng=rng), tmp_path / "no" / "model.glassnet")


def test_save_goes_through_the_atomic_writer_and_never_replaces_a_fifo(tmp_path):
    from glassnet.files import NotRegularFileError

    fifo = tmp_path / "model.glassnet"
    os.mkfifo(fifo)
    with pytest.raises(NotRegularFileError, match="is a FIFO"):
        save(mlp([2, 1], rng=0), fifo)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and list(tmp_path.iterdir()) == [fifo]


def test_save_keeps_the_permission_bits_of_the_file_it_replaces(tmp_path):
    path = tmp_path / "model.glassnet"
    save(mlp([2, 1], rng=0), path)
    os.chmod(path, 0o640)
    save(mlp([2, 1], rng=1), path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640


def test_the_file_records_the_version_of_version_py():
    import glassnet
    from glassnet.serialization import describe
    from glassnet.version import __version__

    assert glassnet.__version__ == __version__
    assert describe(Model(mlp([2, 1], rng=0)))[0]["glassnet_version"] == __version__


def test_the_model_file_modules_import_downwards_only():
    """modelfile (container) <- manifest (fields) <- serialization (save, load): no module
    imports one above it, and none imports the package root."""
    import ast
    from pathlib import Path

    import glassnet

    order = ["modelfile", "manifest", "serialization"]
    for position, name in enumerate(order):
        tree = ast.parse((Path(glassnet.__file__).parent / f"{name}.py").read_text())
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                     for alias in node.names}
        above = {f"glassnet.{module}" for module in order[position + 1:]}
        assert not imported & above, name
        assert "glassnet" not in {alias.name for node in ast.walk(tree)
                                  if isinstance(node, ast.Import) for alias in node.names}
        assert all(alias.name != "__version__" for node in ast.walk(tree)
                   if isinstance(node, ast.ImportFrom) and node.module == "glassnet"
                   for alias in node.names)


@pytest.mark.parametrize("key, value, message", [
    ("class_labels", ["a", "b", "c", "d"],
     "inconsistent model: class_labels has 4 labels but the network has 3 output(s)"),
    ("loss", "nope", "loss must be a dict with keys name and config, got 'nope'"),
])
def test_a_crafted_file_is_one_model_file_error_naming_what_is_wrong(tmp_path, key, value,
                                                                     message):
    """What Model() refuses is an inconsistent model; what the file's own checks refuse is
    named as it is, never wrapped twice."""
    from glassnet.serialization import ModelFileError, describe, pack

    model = Model(mlp([2, 3], rng=0), SoftmaxCrossEntropy(), "classification", ["a", "b", "c"])
    manifest, arrays = describe(model)
    path = tmp_path / "crafted.glassnet"
    path.write_bytes(pack({**manifest, key: value}, arrays))
    with pytest.raises(ModelFileError) as refused:
        load(path)
    assert str(refused.value) == f"{path}: {message}"
