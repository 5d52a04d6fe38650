"""ONNX export checked by running the file in onnxruntime: every layer and activation in
float64 (to 1e-10) and float32 (to 1e-5) on random inputs; models trained on
examples/fruit.csv (one-hot of a string column, standardisation, class labels, a regression
with target scaling); binary and multilabel answers; refusals; and ``glassnet export``."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import glassnet as g
from glassnet.cli.main import main
from glassnet.layers import Layer
from glassnet.losses import BinaryCrossEntropy, SoftmaxCrossEntropy
from glassnet.normalization import BatchNormalization
from glassnet.onnx_export import export_onnx

runtime = pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TOLERANCE = {np.float64: 1e-10, np.float32: 1e-5}


def run(path, feeds: dict) -> dict:
    session = runtime.InferenceSession(os.fspath(path), providers=["CPUExecutionProvider"])
    names = [output.name for output in session.get_outputs()]
    return dict(zip(names, session.run(None, feeds), strict=True))


def every_layer(rng, dtype) -> g.Sequential:
    width = 6
    normalization = BatchNormalization(width, dtype=dtype)
    normalization.buffers["running_mean"][...] = rng.standard_normal(width)
    normalization.buffers["running_variance"][...] = rng.uniform(0.5, 2.0, width)
    normalization.params["gamma"][...] = rng.uniform(0.5, 2.0, width)
    layers = [g.Standardize(rng.standard_normal(4), rng.uniform(0.5, 2.0, 4), dtype=dtype),
              g.Dense(4, width, rng=rng, dtype=dtype), normalization, g.GELU(), g.Dropout(0.3)]
    for activation in (g.ELU(0.7), g.Softplus(), g.LeakyReLU(0.1), g.Tanh(), g.Sigmoid(),
                       g.ReLU(), g.Identity()):
        layers += [g.Dense(width, width, rng=rng, dtype=dtype), activation]
    layers += [g.Dense(width, 3, bias=False, rng=rng, dtype=dtype), g.Softmax()]
    return g.Sequential(layers, rng=rng)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_every_layer_and_activation_agrees_with_glassnet(dtype, tmp_path, rng):
    network = every_layer(rng, dtype)
    # wide inputs reach the tails of GELU, ELU and Softplus
    inputs = (rng.standard_normal((200, 4)) * np.array([1, 5, 20, 60])).astype(dtype)
    export_onnx(network, tmp_path / "network.onnx")
    outputs = run(tmp_path / "network.onnx", {"inputs": inputs})["outputs"]
    assert outputs.dtype == dtype
    np.testing.assert_allclose(outputs, network.predict(inputs), rtol=TOLERANCE[dtype],
                               atol=TOLERANCE[dtype])


@pytest.mark.parametrize("activation", [g.GELU(), g.ELU(1.3), g.Softplus(), g.LeakyReLU(0.2)])
def test_each_activation_alone_to_rounding(activation, tmp_path, rng):
    network = g.Sequential([g.Dense(3, 5, rng=rng), activation])
    inputs = rng.standard_normal((100, 3)) * 30
    export_onnx(network, tmp_path / "a.onnx")
    np.testing.assert_allclose(run(tmp_path / "a.onnx", {"inputs": inputs})["outputs"],
                               network.predict(inputs), rtol=1e-12, atol=1e-12)


def train_fruit(tmp_path, *arguments) -> g.Model:
    path = tmp_path / "fruit.glassnet"
    assert main(["train", str(EXAMPLES / "fruit.csv"), *arguments, "--epochs", "5", "-o",
                 str(path)]) == 0
    return g.load(path)


def fruit_feeds(model, table) -> dict:
    feeds = {}
    for column in model.preprocessing.columns:
        values = np.asarray(table[column["name"]])
        feeds[column["name"]] = (values.astype(object) if column["categories"] else
                                 values.astype(model.network.dtype)).reshape(-1, 1)
    return feeds


def test_fruit_classifier_with_one_hot_and_labels(tmp_path, capsys):
    pandas = pytest.importorskip("pandas")
    model = train_fruit(tmp_path, "--target", "fruit")
    capsys.readouterr()
    assert main(["export", str(tmp_path / "fruit.glassnet"), "-o",
                 str(tmp_path / "fruit.onnx")]) == 0
    assert "inputs weight_g, diameter_cm, colour" in capsys.readouterr().out
    for name in ("fruit.csv", "new_fruit.csv"):
        table = pandas.read_csv(EXAMPLES / name)
        answers = run(tmp_path / "fruit.onnx", fruit_feeds(model, table))
        np.testing.assert_allclose(answers["probabilities"], model.predict_proba(table),
                                   rtol=1e-10, atol=1e-10)
        assert answers["labels"].tolist() == model.predict(table).tolist()


def test_an_unseen_category_is_treated_in_the_runtime_as_in_glassnet(tmp_path):
    """A model whose columns predate missing-value filling refuses an unseen category, in
    glassnet and in the runtime; a fill-aware one (``kind`` in its columns) encodes it as a
    row of zeros in both."""
    import warnings

    pandas = pytest.importorskip("pandas")
    model = train_fruit(tmp_path, "--target", "fruit")
    export_onnx(model, tmp_path / "fruit.onnx")
    table = pandas.DataFrame({"weight_g": [150.0], "diameter_cm": [7.0], "colour": ["blue"]})
    colour = next(column for column in model.preprocessing.columns
                  if column["name"] == "colour")
    if "kind" not in colour:
        with pytest.raises(ValueError, match="never saw"):
            model.predict(table)
        with pytest.raises(Exception, match="OneHotEncoder|not found|category"):
            run(tmp_path / "fruit.onnx", fruit_feeds(model, table))
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = model.predict_proba(table)
    np.testing.assert_allclose(run(tmp_path / "fruit.onnx", fruit_feeds(model, table))
                               ["probabilities"], expected, rtol=1e-10, atol=1e-10)


def test_fruit_regression_undoes_the_target_scaling(tmp_path):
    pandas = pytest.importorskip("pandas")
    model = train_fruit(tmp_path, "--target", "weight_g", "--task", "regression")
    assert model.target_scaling is not None
    export_onnx(model, tmp_path / "weight.onnx")
    table = pandas.read_csv(EXAMPLES / "fruit.csv")
    predictions = run(tmp_path / "weight.onnx", fruit_feeds(model, table))["predictions"]
    assert predictions.shape == (len(table),)
    np.testing.assert_allclose(predictions, model.predict(table), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_binary_classifier_with_one_logit(dtype, tmp_path, rng):
    network = g.mlp([3, 5, 1], activation="gelu", rng=rng, dtype=dtype)
    model = g.Model(network, loss=BinaryCrossEntropy(from_logits=True),
                    task="classification", class_labels=["no", "yes"])
    inputs = rng.standard_normal((64, 3)).astype(dtype)
    export_onnx(model, tmp_path / "binary.onnx")
    answers = run(tmp_path / "binary.onnx", {"inputs": inputs})
    np.testing.assert_allclose(answers["probabilities"], model.predict_proba(inputs),
                               rtol=TOLERANCE[dtype], atol=TOLERANCE[dtype])
    assert answers["labels"].tolist() == model.predict(inputs).tolist()


def test_multilabel_and_integer_labels(tmp_path, rng):
    network = g.mlp([3, 4, 2], rng=rng)
    multilabel = g.Model(network, loss=BinaryCrossEntropy(from_logits=True),
                         task="multilabel", class_labels=["a", "b"])
    inputs = rng.standard_normal((50, 3))
    export_onnx(multilabel, tmp_path / "multi.onnx")
    answers = run(tmp_path / "multi.onnx", {"inputs": inputs})
    np.testing.assert_array_equal(answers["labels"], multilabel.predict(inputs))
    classifier = g.Model(g.mlp([3, 4, 3], rng=rng), loss=SoftmaxCrossEntropy(),
                         task="classification", class_labels=[3, 1, 2])
    export_onnx(classifier, tmp_path / "classes.onnx")
    labels = run(tmp_path / "classes.onnx", {"inputs": inputs})["labels"]
    assert labels.dtype == np.int64 and labels.tolist() == classifier.predict(inputs).tolist()


class Doubler(Layer):
    """A user's layer that glassnet has no ONNX form for."""

    def forward(self, inputs, training=False):
        return 2 * inputs

    def backward(self, grad_output, input_gradient=True):
        return 2 * grad_output


def test_a_layer_without_onnx_form_is_refused_by_name(tmp_path):
    network = g.Sequential([g.Dense(2, 2), Doubler()])
    with pytest.raises(ValueError, match="cannot export layer 1 .*Doubler.*exportable layers: "
                                         "BatchNormalization, Dense"):
        export_onnx(network, tmp_path / "x.onnx")
    assert not os.listdir(tmp_path)


def test_the_file_goes_through_the_atomic_writer(tmp_path):
    (tmp_path / "target").write_text("keep")
    (tmp_path / "link.onnx").symlink_to(tmp_path / "target")
    with pytest.raises(OSError, match="symbolic link"):
        export_onnx(g.mlp([2, 1]), tmp_path / "link.onnx")
    assert (tmp_path / "target").read_text() == "keep"


def test_cli_export_refusals(tmp_path, capsys):
    g.save(g.mlp([2, 1]), tmp_path / "m.glassnet")
    assert main(["export", str(tmp_path / "m.glassnet"), "-o", str(tmp_path / "m.txt")]) == 2
    assert "must end in .onnx" in capsys.readouterr().err
    assert main(["export", str(tmp_path / "missing"), "-o", str(tmp_path / "m.onnx")]) == 66
    assert main(["export", str(tmp_path / "m.glassnet"), "-o", str(tmp_path / "m.onnx")]) == 0
    assert (tmp_path / "m.onnx").stat().st_size > 0


def encode_in_runtime(tmp_path, column: dict, values: np.ndarray) -> np.ndarray:
    """Run one column's ONNX block on ``values`` (rows, 1)."""
    import onnx

    from glassnet.onnx_columns import column_block
    from glassnet.onnx_layers import Graph

    graph = Graph(onnx, np.dtype(np.float64))
    graph.output("outputs", column_block(graph, column), np.dtype(np.float64), [None, None])
    (tmp_path / "column.onnx").write_bytes(graph.model("column", 17).SerializeToString())
    return run(tmp_path / "column.onnx", {column["name"]: values})["outputs"]


def test_a_number_fill_and_indicator_in_the_graph(tmp_path):
    values = np.array([[30.0], [np.nan], [52.0]])
    column = {"name": "age", "categories": None, "kind": "number", "fill": 41.5,
              "indicator": False, "other": None}
    np.testing.assert_array_equal(encode_in_runtime(tmp_path, column, values),
                                  [[30.0], [41.5], [52.0]])
    column["indicator"] = True
    np.testing.assert_array_equal(encode_in_runtime(tmp_path, column, values),
                                  [[30.0, 0.0], [41.5, 1.0], [52.0, 0.0]])


def test_categories_with_other_missing_and_unknown_in_the_graph(tmp_path):
    column = {"name": "colour", "categories": ["red", "green", "(missing)"],
              "kind": "category", "fill": None, "indicator": False,
              "other": ["teal", "mauve"]}
    values = np.array([["green"], ["teal"], [""], ["NA"], ["blue"], ["mauve"], ["red"]],
                      dtype=object)
    np.testing.assert_array_equal(encode_in_runtime(tmp_path, column, values), [
        [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0], [0, 0, 1, 0], [0, 0, 0, 0], [0, 0, 0, 1],
        [1, 0, 0, 0]])


def test_a_date_column_is_refused_by_name():
    from glassnet.onnx_columns import check_column

    check_column({"name": "age", "categories": None})
    with pytest.raises(ValueError, match="cannot export column 'day' to ONNX: a date column"):
        check_column({"name": "day", "categories": None, "kind": "date"})
