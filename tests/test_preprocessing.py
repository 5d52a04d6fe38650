"""Standardize (formula, constant columns, finite-difference gradient, config) and
ColumnEncoder (one-hot, unknown categories, bad numbers, config) from preprocessing.py."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.gradcheck import check_gradients, numerical_gradient, relative_error
from glassnet.losses import SoftmaxCrossEntropy
from glassnet.network import Sequential, mlp
from glassnet.preprocessing import CategoryError, ColumnEncoder, Standardize


def test_standardize_fits_mean_and_standard_deviation():
    inputs = np.array([[1.0, 10.0], [3.0, 20.0], [5.0, 60.0]])
    layer = Standardize.fit(inputs)
    np.testing.assert_allclose(layer.mean, [3.0, 30.0])
    np.testing.assert_allclose(layer.scale, [np.sqrt(8 / 3), np.sqrt(1400 / 3)])
    outputs = layer.forward(inputs)
    np.testing.assert_allclose(outputs.mean(axis=0), [0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(outputs.std(axis=0), [1.0, 1.0])


def test_constant_columns_get_scale_one_and_become_zero():
    inputs = np.array([[7.0, 1.0], [7.0, 2.0], [7.0, 3.0]])
    layer = Standardize.fit(inputs)
    assert layer.scale[0] == 1.0
    np.testing.assert_array_equal(layer.forward(inputs)[:, 0], [0.0, 0.0, 0.0])
    # 0.1 repeated has a standard deviation of a few ulps, not exactly 0
    assert Standardize.fit(np.full((5, 1), 0.1)).scale[0] == 1.0


def test_standardize_gradient_matches_finite_differences(rng):
    layer = Standardize(mean=rng.standard_normal(4), scale=rng.random(4) + 0.5)
    inputs = rng.standard_normal((6, 4))
    upstream = rng.standard_normal((6, 4))

    def scalar() -> float:
        return float(np.sum(layer.forward(inputs) * upstream))

    numerical = numerical_gradient(scalar, inputs)
    layer.forward(inputs)
    assert relative_error(layer.backward(upstream), numerical) < 1e-6
    assert layer.params == {} and layer.grads == {}


def test_network_with_standardize_passes_the_gradient_check(rng):
    inputs = rng.standard_normal((8, 3)) * [1.0, 100.0, 0.01] + [0.0, 50.0, 3.0]
    network = Sequential([Standardize.fit(inputs)] + mlp([3, 4, 3], activation="tanh",
                                                         rng=1).layers)
    errors = check_gradients(network, SoftmaxCrossEntropy(), inputs, rng.integers(0, 3, 8))
    assert errors and max(errors.values()) < 1e-6


def test_standardize_config_rebuilds_it_exactly(rng):
    layer = Standardize.fit(rng.standard_normal((10, 3)))
    again = Standardize(**layer.config())
    np.testing.assert_array_equal(again.mean, layer.mean)
    np.testing.assert_array_equal(again.scale, layer.scale)
    single = Standardize.fit(rng.standard_normal((10, 3)), dtype=np.float32)
    assert single.forward(np.ones((2, 3), np.float32)).dtype == np.float32
    assert Standardize(**single.config()).mean.dtype == np.float32


@pytest.mark.parametrize(("arguments", "message"), [
    ({"mean": [0.0, 1.0], "scale": [1.0]}, "same length"),
    ({"mean": [0.0], "scale": [0.0]}, "scale must be > 0, got 0.0"),
    ({"mean": [0.0], "scale": [-2.0]}, "scale must be > 0, got -2.0"),
    ({"mean": [np.nan], "scale": [1.0]}, "mean contains a non-finite value"),
    ({"mean": "abc", "scale": [1.0]}, "mean must be an array of numbers"),
    ({"mean": [0.0], "scale": [1.0], "dtype": "int8"}, "dtype must be float32 or float64"),
])
def test_standardize_refuses_bad_arguments(arguments, message):
    with pytest.raises(ValueError, match=message):
        Standardize(**arguments)


def test_standardize_fit_refuses_one_dimensional_inputs():
    with pytest.raises(ValueError, match="inputs must be 2-dimensional"):
        Standardize.fit([1.0, 2.0, 3.0])


TABLE = {"size": [1.5, 2.0, 3.0, 4.5], "colour": ["red", "blue", "red", "green"]}


def test_encoder_one_hot_encodes_string_columns_in_sorted_order():
    encoder = ColumnEncoder.fit(TABLE, ["size", "colour"], categorical=["colour"])
    assert encoder.output_names == ["size", "colour=blue", "colour=green", "colour=red"]
    encoded = encoder.transform({"colour": ["green", "red"], "size": ["2.5", 7]})
    np.testing.assert_array_equal(encoded, [[2.5, 0, 1, 0], [7.0, 0, 0, 1]])


def test_unknown_category_is_an_error_naming_column_row_and_value():
    encoder = ColumnEncoder.fit(TABLE, ["size", "colour"], categorical=["colour"])
    with pytest.raises(CategoryError, match="'colour' has the category 'purple' \\(row 2\\)") \
            as caught:
        encoder.transform({"size": [1, 2, 3], "colour": ["red", "red", "purple"]})
    assert (caught.value.column, caught.value.row, caught.value.value) == ("colour", 2, "purple")


@pytest.mark.parametrize("bad", ["abc", "", None, "nan", float("inf")])
def test_a_non_number_in_a_number_column_is_named(bad):
    encoder = ColumnEncoder([{"name": "size", "categories": None}])
    with pytest.raises(CategoryError, match="column 'size' needs numbers") as caught:
        encoder.transform({"size": [1.0, bad]})
    assert caught.value.row == 1


def test_missing_columns_are_named():
    encoder = ColumnEncoder.fit(TABLE, ["size", "colour"], categorical=["colour"])
    with pytest.raises(ValueError, match="lacks the column\\(s\\) \\['colour'\\]"):
        encoder.transform({"size": [1.0]})


def test_encoder_config_round_trip():
    encoder = ColumnEncoder.fit(TABLE, ["size", "colour"], categorical=["colour"])
    again = ColumnEncoder(**encoder.config())
    assert again.config() == encoder.config()
    np.testing.assert_array_equal(again.transform(TABLE), encoder.transform(TABLE))


@pytest.mark.parametrize(("columns", "message"), [
    ([], "at least one column"),
    ([{"name": "a", "categories": None}, {"name": "a", "categories": None}], "distinct names"),
    ([{"name": "", "categories": None}], "non-empty string"),
    ([{"name": "a", "categories": [1, 2]}], "list of strings"),
    ([{"name": "a", "categories": ["x", "x"]}], "repeated categories"),
    ([{"name": "a"}], "keys name and categories"),
])
def test_encoder_refuses_bad_column_descriptions(columns, message):
    with pytest.raises(ValueError, match=message):
        ColumnEncoder(columns)
