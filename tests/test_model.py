"""Model: predictions for each task, raw columns or numbers as inputs, and bad arguments."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.losses import BinaryCrossEntropy, SoftmaxCrossEntropy, SquaredError
from glassnet.model import Model
from glassnet.network import mlp
from glassnet.preprocessing import ColumnEncoder


def test_classifier_labels_follow_the_largest_probability(rng):
    model = Model(mlp([2, 3], rng=rng), SoftmaxCrossEntropy(), "classification",
                  ["a", "b", "c"])
    inputs = rng.standard_normal((6, 2))
    probabilities = model.predict_proba(inputs)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    expected = np.array(["a", "b", "c"])[probabilities.argmax(axis=1)]
    assert list(model.predict(inputs)) == list(expected)


def test_binary_classifier_gives_two_probability_columns(rng):
    model = Model(mlp([2, 1], rng=rng), BinaryCrossEntropy(), "classification", [0, 1])
    probabilities = model.predict_proba(np.array([[0.5, -1.0]]))
    assert probabilities.shape == (1, 2) and probabilities.sum() == pytest.approx(1.0)


def test_raw_columns_go_through_the_encoder(rng):
    encoder = ColumnEncoder([{"name": "size", "categories": None},
                             {"name": "colour", "categories": ["blue", "red"]}])
    model = Model(mlp([3, 1], rng=rng), SquaredError(), "regression",
                  preprocessing=encoder, target_scaling={"mean": 10.0, "scale": 2.0})
    from_table = model.predict({"size": [1.5, 2.0], "colour": ["red", "blue"]})
    from_rows = model.predict([[1.5, "red"], [2.0, "blue"]])
    outputs = model.network.predict(np.array([[1.5, 0, 1], [2.0, 1, 0]]))[:, 0]
    np.testing.assert_array_equal(from_table, outputs * 2.0 + 10.0)
    np.testing.assert_array_equal(from_rows, from_table)
    with pytest.raises(ValueError, match="inputs must have 2 columns \\(size, colour\\)"):
        model.predict([[1.5]])


@pytest.mark.parametrize(("arguments", "error", "message"), [
    ({"network": "net"}, TypeError, "network must be a Sequential network, got 'net'"),
    ({"task": "ranking"}, ValueError, "task must be one of .* got 'ranking'"),
    ({"task": "classification", "class_labels": ["a", "a", "b"]}, ValueError, "distinct"),
    ({"task": "classification", "class_labels": ["a", "b"]}, ValueError,
     "class_labels has 2 labels but the network has 3 output"),
    ({"preprocessing": {"columns": []}}, TypeError, "preprocessing must be a ColumnEncoder"),
    ({"target_scaling": {"mean": 1.0, "scale": 0.0}}, ValueError, "scale > 0"),
])
def test_model_refuses_bad_arguments(arguments, error, message, rng):
    settings = {"network": mlp([2, 3], rng=rng), "loss": SoftmaxCrossEntropy(), **arguments}
    with pytest.raises(error, match=message):
        Model(**settings)


def test_predict_proba_needs_a_classifier(rng):
    model = Model(mlp([2, 1], rng=rng), SquaredError(), "regression")
    with pytest.raises(ValueError, match="predict_proba needs a classification model; this "
                                         "one's task is 'regression'"):
        model.predict_proba(np.ones((1, 2)))
