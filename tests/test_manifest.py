"""The model file's manifest (manifest.py) both ways: what a Model's fields become in the file,
and the refusal of manifests that parse but make no sense, each with its one-line message.
The container (zip, checksum, arrays) is tested in test_model_file_corpus.py."""

from __future__ import annotations

import copy
import io
import json
import math
import zipfile

import numpy as np
import pytest

from glassnet.layers import Dense
from glassnet.losses import BinaryCrossEntropy, SoftmaxCrossEntropy, SquaredError
from glassnet.model import Model
from glassnet.network import Sequential, mlp
from glassnet.preprocessing import ColumnEncoder
from glassnet.serialization import ModelFileError, describe, load, pack, pack_members, save


@pytest.fixture(scope="module")
def classifier():
    """A three-class model's manifest and arrays."""
    model = Model(mlp([2, 3], rng=0), SoftmaxCrossEntropy(), "classification",
                  ["a", "b", "c"], ["x", "y"])
    return describe(model)


def loaded(tmp_path, manifest, arrays) -> Model:
    path = tmp_path / "crafted.glassnet"
    path.write_bytes(pack(manifest, arrays))
    return load(path)


def refused(tmp_path, described, change, match: str) -> str:
    manifest, arrays = copy.deepcopy(described[0]), copy.deepcopy(described[1])
    change(manifest)
    with pytest.raises(ModelFileError, match=match) as caught:
        loaded(tmp_path, manifest, arrays)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_numpy_numbers_in_the_training_summary_are_written_as_plain_json(tmp_path):
    training = {"epochs": np.int64(3), "rate": np.float32(0.5), "sizes": (np.int32(4), 8),
                "kept": np.array([1.5, 2.5]), "flag": np.bool_(True), "none": None}
    model = Model(mlp([2, 1], rng=0), SquaredError(), "regression", training=training)
    manifest, _ = describe(model)
    assert manifest["training"] == {"epochs": 3, "rate": 0.5, "sizes": [4, 8],
                                    "kept": [1.5, 2.5], "flag": True, "none": None}
    assert type(manifest["training"]["epochs"]) is int
    save(model, tmp_path / "m.glassnet")
    assert load(tmp_path / "m.glassnet").training == manifest["training"]


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, np.float64(np.nan)])
def test_a_non_finite_number_in_the_training_summary_is_written_as_null(value, tmp_path):
    model = Model(mlp([2, 1], rng=0), SquaredError(), "regression",
                  training={"best": value, "ok": 1.25})
    assert describe(model)[0]["training"] == {"best": None, "ok": 1.25}
    save(model, tmp_path / "m.glassnet")
    assert load(tmp_path / "m.glassnet").training == {"best": None, "ok": 1.25}


def test_a_value_json_cannot_hold_is_refused_with_its_type(tmp_path):
    model = Model(mlp([2, 1], rng=0), SquaredError(), "regression",
                  training={"callback": {1, 2}})
    with pytest.raises(TypeError, match=r"^cannot store \{1, 2\} \(set\) in a model file$"):
        save(model, tmp_path / "m.glassnet")
    assert not (tmp_path / "m.glassnet").exists()


def test_a_long_value_is_cut_to_120_characters_in_the_message(tmp_path):
    value = {"x" * 300}
    model = Model(mlp([2, 1], rng=0), SquaredError(), "regression", training={"v": value})
    with pytest.raises(TypeError) as caught:
        describe(model)
    shown = str(caught.value).removeprefix("cannot store ").removesuffix(
        " (set) in a model file")
    assert len(shown) == 120 and shown == "{'" + "x" * 115 + "..."


def test_an_unknown_loss_name_is_shown_cut_to_120_characters(classifier, tmp_path):
    name = "y" * 300
    message = refused(tmp_path, classifier,
                      lambda m: m["loss"].update(name=name), "unknown loss")
    assert f"unknown loss '{'y' * 116}...; known: " in message


@pytest.mark.parametrize("loss, match", [
    ({"name": 3, "config": {}}, "loss needs a string name and a dict config, got "
                                "\\{'name': 3, 'config': \\{\\}\\}"),
    ({"name": "softmax_cross_entropy", "config": []}, "loss needs a string name and a dict"),
    ({"name": "softmax_cross_entropy"}, "loss must be a dict with keys name and config"),
    (["softmax_cross_entropy", {}], "loss must be a dict with keys name and config"),
])
def test_a_loss_entry_of_the_wrong_shape_is_refused(loss, match, classifier, tmp_path):
    refused(tmp_path, classifier, lambda m: m.update(loss=loss), match)


def test_a_training_summary_that_is_not_a_dict_is_refused(classifier, tmp_path):
    refused(tmp_path, classifier, lambda m: m.update(training=[1, 2]),
            "^.*training must be a dict, got \\[1, 2\\]$")


def test_a_classifier_whose_loss_gives_no_probabilities_is_refused(classifier, tmp_path):
    squared = {"name": "squared_error", "config": {"reduction": "mean"}}
    refused(tmp_path, classifier, lambda m: m.update(loss=squared),
            "a classification model needs a loss that gives probabilities, got SquaredError")


def test_a_regression_with_a_squared_error_loads(classifier, tmp_path):
    manifest, arrays = copy.deepcopy(classifier)
    manifest.update(task="regression", class_labels=None,
                    loss={"name": "squared_error", "config": {"reduction": "mean"}})
    model = loaded(tmp_path, manifest, arrays)
    assert model.task == "regression" and isinstance(model.loss, SquaredError)


@pytest.mark.parametrize("label, shown", [("1e400", "inf"), ("-1e400", "-inf")])
def test_a_non_finite_class_label_is_refused(label, shown, classifier, tmp_path):
    """Strict JSON has no Infinity, but 1e400 parses to one."""
    manifest, arrays = copy.deepcopy(classifier)
    manifest["class_labels"] = ["a", "b", 1.5]
    data = pack(manifest, arrays)
    text = json.dumps(manifest, indent=1).replace("1.5", label)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["manifest.json"] = text.encode()
    path = tmp_path / "nan.glassnet"
    path.write_bytes(pack_members(members))
    with pytest.raises(ModelFileError, match=f"class_labels holds the non-finite number {shown}$"):
        load(path)


def test_whole_and_fractional_number_labels_load(classifier, tmp_path):
    manifest, arrays = copy.deepcopy(classifier)
    manifest["class_labels"] = [1, 2.5, "c"]
    assert loaded(tmp_path, manifest, arrays).class_labels == [1, 2.5, "c"]


def encoded_model() -> Model:
    table = {"size": [1.0, 2.0, 4.0], "colour": ["red", "blue", "red"]}
    encoder = ColumnEncoder.fit(table, ["size", "colour"], categorical=["colour"])
    width = len(encoder.output_names)
    return Model(Sequential([Dense(width, 1, rng=0)]), SquaredError(), "regression",
                 preprocessing=encoder)


def test_a_model_with_preprocessing_round_trips(tmp_path):
    save(encoded_model(), tmp_path / "m.glassnet")
    model = load(tmp_path / "m.glassnet")
    assert model.preprocessing.names == ["size", "colour"]
    assert model.preprocessing.config() == encoded_model().preprocessing.config()


@pytest.mark.parametrize("change, match", [
    (lambda p: p.update(missing="NA"), "preprocessing missing and dropped must be lists"),
    (lambda p: p.update(dropped={"a": 1}), "preprocessing missing and dropped must be lists"),
    (lambda p: p.update(columns=[]), "preprocessing: columns must name at least one column"),
    (lambda p: p.update(columns="size"), "preprocessing must be \\{'columns': \\[...\\]\\}"),
    (lambda p: p["columns"].pop(), "preprocessing gives 1 features but the network takes 3"),
])
def test_preprocessing_that_makes_no_sense_is_refused(change, match, tmp_path):
    described = describe(encoded_model())
    refused(tmp_path, described, lambda m: change(m["preprocessing"]), match)


def test_preprocessing_with_all_three_keys_loads(tmp_path):
    manifest, arrays = describe(encoded_model())
    dropped = [{"name": "id", "reason": "an identifier"}]
    manifest["preprocessing"].update(missing=["?"], dropped=dropped)
    model = loaded(tmp_path, manifest, arrays)
    assert model.preprocessing.dropped == dropped and model.preprocessing.missing == ["?"]


@pytest.mark.parametrize("history, match", [
    ([], "history must have records, stopped_early and interrupted, got \\[\\]"),
    ({"records": []}, "history must have records, stopped_early and interrupted"),
    ({"records": [], "stopped_early": 0, "interrupted": False},
     "history stopped_early and interrupted must be true or false"),
    ({"records": [], "stopped_early": False, "interrupted": "no"},
     "history stopped_early and interrupted must be true or false"),
])
def test_a_damaged_history_is_refused(history, match, classifier, tmp_path):
    refused(tmp_path, classifier, lambda m: m.update(history=history), match)


def test_a_history_stopped_early_and_interrupted_round_trips(classifier, tmp_path):
    manifest, arrays = copy.deepcopy(classifier)
    manifest["history"] = {"records": [{"loss": 1.0}], "stopped_early": True,
                           "interrupted": True}
    history = loaded(tmp_path, manifest, arrays).history
    assert history.stopped_early is True and history.interrupted is True
    assert history["loss"] == [1.0]


def test_a_multilabel_model_with_a_sigmoid_loss_loads(tmp_path):
    model = Model(mlp([2, 2], rng=0), BinaryCrossEntropy(), "multilabel", ["p", "q"])
    save(model, tmp_path / "m.glassnet")
    assert load(tmp_path / "m.glassnet").task == "multilabel"


@pytest.mark.parametrize("key, value, match", [
    ("feature_names", ["x", 2], "^.*feature_names must be a list of str, got \\['x', 2\\]$"),
    ("feature_names", "xy", "feature_names must be a list of str, got 'xy'"),
    ("class_labels", ["a", None, "c"], "class_labels must be a list of str/int/float/bool, "
                                        "got \\['a', None, 'c'\\]"),
    ("class_labels", {"a": 1}, "class_labels must be a list of str/int/float/bool"),
])
def test_names_and_labels_of_the_wrong_kind_are_refused(classifier, tmp_path, key, value,
                                                        match):
    refused(tmp_path, classifier, lambda m: m.update({key: value}), match)


def test_a_target_scaling_fits_any_output_count_as_one_number_and_a_bare_network(tmp_path):
    network = mlp([2, 3], rng=0)
    one = Model(network, SquaredError(), "regression",
                target_scaling={"mean": 1.0, "scale": 2.0})
    save(one, tmp_path / "one.glassnet")
    assert load(tmp_path / "one.glassnet").target_scaling == {"mean": 1.0, "scale": 2.0}
    bare = Model(mlp([2, 2], rng=0), target_scaling={"mean": [0.0, 1.0], "scale": [1.0, 3.0]})
    save(bare, tmp_path / "bare.glassnet")
    loaded = load(tmp_path / "bare.glassnet")
    assert loaded.task is None and loaded.target_scaling["scale"] == [1.0, 3.0]


def test_a_losss_settings_are_written_and_read_back(tmp_path):
    from glassnet.losses import Huber

    model = Model(mlp([2, 1], rng=0), Huber(delta=2.5, reduction="sum"), "regression")
    manifest, _ = describe(model)
    assert manifest["loss"] == {"name": registry_name(Huber), "config": {"delta": 2.5,
                                                                         "reduction": "sum"}}
    save(model, tmp_path / "h.glassnet")
    loss = load(tmp_path / "h.glassnet").loss
    assert isinstance(loss, Huber) and (loss.delta, loss.reduction) == (2.5, "sum")
    binary = Model(mlp([2, 1], rng=0), BinaryCrossEntropy(from_logits=False, eps=1e-9),
                   "classification", ["no", "yes"])
    assert describe(binary)[0]["loss"]["config"] == {"from_logits": False, "reduction": "mean",
                                                     "eps": 1e-9}
    save(binary, tmp_path / "b.glassnet")
    assert load(tmp_path / "b.glassnet").loss.from_logits is False


def registry_name(cls) -> str:
    from glassnet import registry

    return next(name for name, value in registry.LOSSES.items() if value is cls)
