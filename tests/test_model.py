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


def fixed_network(weights, bias) -> object:
    """A one-layer network (inputs, outputs) with the given weights and bias: known logits."""
    network = mlp([len(weights), len(bias)], rng=0)
    network.layers[0].params["weights"][...] = weights
    network.layers[0].params["bias"][...] = bias
    return network


def test_binary_probabilities_are_one_minus_p_then_p():
    # logit = x0 - x1; p = sigmoid(logit); the columns are [1 - p, p], p for class_labels[1]
    model = Model(fixed_network([[1.0], [-1.0]], [0.0]), BinaryCrossEntropy(),
                  "classification", ["no", "yes"])
    inputs = np.array([[2.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    p = 1.0 / (1.0 + np.exp(-np.array([2.0, -1.0, 0.0])))
    np.testing.assert_allclose(model.predict_proba(inputs), np.column_stack([1 - p, p]),
                               rtol=1e-15)
    # a probability of exactly 0.5 goes to the first class, as in scikit-learn
    assert list(model.predict(inputs)) == ["yes", "no", "no"]


def test_multilabel_predictions_are_each_label_above_one_half():
    # logits [x0, -x0, 0]: probabilities sigmoid(x0), sigmoid(-x0), exactly 0.5 (-> 0)
    model = Model(fixed_network([[1.0, -1.0, 0.0], [0.0, 0.0, 0.0]], [0.0, 0.0, 0.0]),
                  BinaryCrossEntropy(), "multilabel", ["red", "green", "blue"])
    inputs = np.array([[3.0, 7.0], [-2.0, 1.0]])
    predictions = model.predict(inputs)
    np.testing.assert_array_equal(predictions, [[1, 0, 0], [0, 1, 0]])
    assert predictions.dtype == np.int64
    probabilities = model.predict_proba(inputs)
    assert probabilities.shape == (2, 3)
    np.testing.assert_allclose(probabilities[:, 0], 1.0 / (1.0 + np.exp(-inputs[:, 0])))
    np.testing.assert_array_equal(probabilities[:, 2], [0.5, 0.5])


def test_regression_with_several_outputs_unscales_each_column():
    model = Model(fixed_network([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0]), SquaredError(),
                  "regression", target_scaling={"mean": [1.0, -1.0], "scale": [2.0, 10.0]})
    predictions = model.predict(np.array([[0.5, 0.25], [1.0, -1.0]]))
    np.testing.assert_allclose(predictions, [[2.0, 1.5], [3.0, -11.0]], rtol=1e-15)
    single = Model(fixed_network([[2.0], [0.0]], [1.0]), SquaredError(), "regression")
    np.testing.assert_array_equal(single.predict(np.array([[1.0, 5.0]])), [3.0])


def test_model_settings_and_repr(rng):
    model = Model(mlp([2, 1], rng=rng), BinaryCrossEntropy(), "classification", [0, 1],
                  feature_names=[1, "b"])
    assert model.outputs == 1 and model.feature_names == ["1", "b"]
    assert model.training == {} and len(model.history) == 0
    assert model.to_model() is model
    assert repr(model) == f"Model(task='classification', network={model.network!r})"
    # one output may carry two labels (binary) or one (multilabel), never three
    Model(mlp([2, 1], rng=rng), BinaryCrossEntropy(), "multilabel", ["only"])
    with pytest.raises(ValueError, match="class_labels has 3 labels but the network has 1"):
        Model(mlp([2, 1], rng=rng), BinaryCrossEntropy(), "classification", [0, 1, 2])
    with pytest.raises(ValueError, match="class_labels has 1 labels but the network has 1"):
        Model(mlp([2, 1], rng=rng), BinaryCrossEntropy(), "classification", ["only"])


@pytest.mark.parametrize(("arguments", "error", "message"), [
    ({"network": "net"}, TypeError, "network must be a Sequential network, got 'net'"),
    ({"task": "ranking"}, ValueError, "task must be one of .* got 'ranking'"),
    ({"task": "classification", "class_labels": ["a", "a", "b"]}, ValueError, "distinct"),
    ({"task": "classification", "class_labels": ["a", "b"]}, ValueError,
     "class_labels has 2 labels but the network has 3 output"),
    ({"preprocessing": {"columns": []}}, TypeError, "preprocessing must be a ColumnEncoder"),
    ({"target_scaling": {"mean": 1.0, "scale": 0.0}}, ValueError, "scale > 0"),
    ({"target_scaling": {"mean": 1.0}}, ValueError, "target_scaling must be a dict with keys"),
    ({"target_scaling": {"mean": [1.0], "scale": [1.0, 2.0]}}, ValueError, "of one shape"),
    ({"target_scaling": {"mean": float("nan"), "scale": 1.0}}, ValueError, "finite mean"),
    ({"target_scaling": {"mean": 0.0, "scale": float("inf")}}, ValueError, "finite mean"),
    ({"task": "multilabel", "class_labels": None}, ValueError, "class_labels must be distinct"),
    ({"task": "regression"}, ValueError, "a regression model needs a loss for values "
                                         "\\(squared_error, huber, ...\\), got "
                                         "SoftmaxCrossEntropy, a classification loss"),
    ({"task": "regression", "loss": BinaryCrossEntropy()}, ValueError,
     "regression model needs a loss for values .*got BinaryCrossEntropy"),
    ({"task": "multilabel", "class_labels": ["a", "b", "c"]}, ValueError,
     "a multilabel model needs binary_cross_entropy .*got SoftmaxCrossEntropy"),
    ({"task": "classification", "class_labels": ["a", "b", "c"], "loss": BinaryCrossEntropy()},
     ValueError, "BinaryCrossEntropy has one output \\(two classes\\), got 3 outputs"),
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


@pytest.mark.filterwarnings("ignore:Stochastic Optimizer")
def test_the_estimator_breaks_a_one_half_tie_as_model_does():
    pytest.importorskip("sklearn")
    from glassnet.sklearn import MLPClassifier

    estimator = MLPClassifier(hidden_layer_sizes=(2,), max_iter=1).fit(
        np.array([[0.0, 1.0], [1.0, 0.0]]), ["no", "yes"])
    for array in estimator.network_.parameters().values():
        array[...] = 0.0  # logit 0: p = 0.5 exactly
    inputs = np.ones((3, 2))
    assert estimator.predict(inputs).tolist() == ["no"] * 3
    assert estimator.to_model().predict(inputs).tolist() == ["no"] * 3


def test_logits_are_the_networks_raw_outputs_and_decision_is_a_deprecated_alias(rng):
    model = Model(mlp([2, 3], rng=rng), SoftmaxCrossEntropy(), "classification",
                  ["a", "b", "c"])
    inputs = rng.standard_normal((4, 2))
    np.testing.assert_array_equal(model.logits(inputs), model.network.predict(inputs))
    with pytest.warns(DeprecationWarning, match="use Model.logits"):
        np.testing.assert_array_equal(model.decision(inputs), model.logits(inputs))


def test_a_network_that_declares_no_width_has_zero_outputs():
    from glassnet.activations import ReLU
    from glassnet.network import Sequential

    model = Model(Sequential([ReLU()]))
    assert model.outputs == 0 and model.task is None
    np.testing.assert_array_equal(model.predict(np.array([[-1.0, 2.0]])), [[0.0, 2.0]])


def test_a_model_without_a_task_keeps_the_outputs_column_and_unscales_it():
    model = Model(fixed_network([[2.0], [0.0]], [1.0]), target_scaling={"mean": 1.0,
                                                                         "scale": 3.0})
    predictions = model.predict(np.array([[1.0, 5.0], [0.0, 0.0]]))
    assert predictions.shape == (2, 1)
    np.testing.assert_array_equal(predictions, [[10.0], [4.0]])  # (2 x + 1) * 3 + 1


def test_target_scaling_is_stored_as_plain_numbers_or_lists():
    scalar = Model(mlp([2, 1], rng=0), SquaredError(), "regression",
                   target_scaling={"mean": np.float32(2.5), "scale": 4})
    assert scalar.target_scaling == {"mean": 2.5, "scale": 4.0}
    assert type(scalar.target_scaling["scale"]) is float
    listed = Model(mlp([2, 2], rng=0), SquaredError(), "regression",
                   target_scaling={"mean": np.array([0.0, 1.0]), "scale": (1, 2)})
    assert listed.target_scaling == {"mean": [0.0, 1.0], "scale": [1.0, 2.0]}


@pytest.mark.parametrize("scaling", [{"mean": 0.0, "scale": -1.0},
                                     {"mean": [[0.0]], "scale": [[1.0]]},
                                     {"mean": 0.0, "scale": 1.0, "extra": 1},
                                     [0.0, 1.0]])
def test_target_scaling_refusals_name_the_value(scaling):
    with pytest.raises(ValueError, match="^target_scaling ") as caught:
        Model(mlp([2, 1], rng=0), SquaredError(), "regression", target_scaling=scaling)
    assert repr(scaling) in str(caught.value)


def test_rows_given_as_an_array_must_be_a_table_of_the_encoders_columns(rng):
    encoder = ColumnEncoder([{"name": "size", "categories": None}])
    model = Model(mlp([1, 1], rng=rng), SquaredError(), "regression", preprocessing=encoder)
    np.testing.assert_array_equal(model.predict(np.array([[2.0]])),
                                  model.predict({"size": [2.0]}))
    with pytest.raises(ValueError, match="inputs must have 1 columns \\(size\\), got shape "
                                         "\\(2,\\)"):
        model.predict(np.array([1.0, 2.0]))


def test_a_multilabel_model_needs_one_label_per_output(rng):
    with pytest.raises(ValueError, match="^class_labels has 2 labels but the network has 1 "
                                         "output\\(s\\)$"):
        Model(mlp([2, 1], rng=rng), BinaryCrossEntropy(), "multilabel", ["a", "b"])
    with pytest.raises(ValueError, match="^class_labels must be distinct labels for a "
                                         "multilabel model, got \\['a', 'a'\\]$"):
        Model(mlp([2, 2], rng=rng), BinaryCrossEntropy(), "multilabel", ["a", "a"])
    assert Model(mlp([2, 3], rng=rng), BinaryCrossEntropy(), "multilabel",
                 ("a", "b", "c")).class_labels == ["a", "b", "c"]


def test_a_regression_takes_no_labels_check_and_keeps_what_it_is_given(rng):
    model = Model(mlp([2, 2], rng=rng), SquaredError(), "regression", class_labels=["x"],
                  feature_names=("a", "b"), training={"epochs": 1})
    assert model.class_labels == ["x"] and model.feature_names == ["a", "b"]
    assert model.training == {"epochs": 1}
