"""Standardize (formula, constant columns, finite-difference gradient, config) and
ColumnEncoder (one-hot, unknown categories, missing values, rare categories, dates, bad
numbers, config) from preprocessing.py."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.gradcheck import check_gradients, numerical_gradient, relative_error
from glassnet.losses import SoftmaxCrossEntropy
from glassnet.network import Sequential, mlp
from glassnet.preprocessing import (
    CategoryError,
    ColumnEncoder,
    Standardize,
    UnknownValuesWarning,
)


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


def test_standardize_fits_numbers_near_the_largest_float_and_others_as_numpy_does(rng):
    inputs = np.array([[1e300, 1.0], [-1e308, 2.0], [1e308, 3.0], [1e308, 4.0]])
    with np.errstate(all="raise"):  # no overflow warning either
        layer = Standardize.fit(inputs)
    assert np.all(np.isfinite(layer.mean)) and np.all(np.isfinite(layer.scale))
    np.testing.assert_allclose(layer.forward(inputs).mean(axis=0), [0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(layer.forward(inputs).std(axis=0), [1.0, 1.0])
    ordinary = rng.standard_normal((50, 3)) * 1e5
    layer = Standardize.fit(ordinary)
    np.testing.assert_array_equal(layer.mean, ordinary.mean(axis=0))
    np.testing.assert_array_equal(layer.scale, ordinary.std(axis=0))


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


def test_unknown_category_is_all_zeros_and_one_warning_or_with_strict_an_error():
    encoder = ColumnEncoder.fit(TABLE, ["size", "colour"], categorical=["colour"])
    new = {"size": [1, 2, 3, 4], "colour": ["red", "purple", "purple", "pink"]}
    with pytest.warns(UnknownValuesWarning, match="3 value\\(s\\) training never saw.*"
                      "column 'colour' 3 \\(first 'purple', row 1\\)") as caught:
        encoded = encoder.transform(new)
    assert len(caught) == 1
    np.testing.assert_array_equal(encoded[:, 1:], [[0, 0, 1], [0, 0, 0], [0, 0, 0], [0, 0, 0]])
    with pytest.raises(CategoryError, match="'colour' has the category 'purple' \\(row 1\\) "
                                            "that training never saw \\(it saw 3\\)$") as error:
        encoder.transform(new, strict=True)
    assert (error.value.column, error.value.row, error.value.value) == ("colour", 1, "purple")


def test_no_message_lists_thousands_of_categories():
    names = [f"town{index:05d}" for index in range(5000)] * 3
    encoder = ColumnEncoder.fit({"town": names}, ["town"], categorical=["town"])
    with pytest.raises(CategoryError) as error:
        encoder.transform({"town": ["x" * 500]}, strict=True)
    assert len(str(error.value)) < 200 and "town00001" not in str(error.value)
    assert len(repr(encoder)) < 300


@pytest.mark.parametrize("bad", ["abc", "", None, "nan", float("inf")])
def test_a_non_number_in_an_old_style_number_column_is_named(bad):
    """A column from a model file of before gaps were filled refuses them, as it did."""
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
    ([{"name": "a", "categories": None, "colour": 1}], "keys name and categories"),
    ([{"name": "a", "categories": None, "kind": "category"}], "kind must be category"),
    ([{"name": "a", "categories": ["x"], "kind": "date"}], "kind must be category"),
    ([{"name": "a", "categories": None, "kind": "number", "fill": float("nan")}],
     "fill must be a finite number"),
    ([{"name": "a", "categories": None, "kind": "number", "fill": True}],
     "fill must be a finite number"),
    ([{"name": "a", "categories": None, "kind": "number", "fill": "1"}],
     "fill must be a finite number"),
    ([{"name": "a", "categories": None, "kind": "number", "indicator": 1}],
     "indicator must be true or false"),
    ([{"name": "a", "categories": ["x"], "kind": "category", "other": ["x"]}],
     "other must list categories of its own"),
    ([{"name": "a", "categories": None, "kind": "number", "other": ["x"]}],
     "other must list categories of its own"),
    ([{"name": "a", "categories": ["x"], "other": "y"}], "other must be a non-empty list"),
    ([{"name": "a", "categories": ["x"], "kind": "category", "indicator": True}],
     "column 'a' is a category column: it takes no fill and no indicator, got fill None, "
     "indicator True"),
    ([{"name": "a", "categories": ["x"], "kind": "category", "fill": 2.0}],
     "column 'a' is a category column: it takes no fill and no indicator, got fill 2.0"),
    ([{"name": "a", "categories": None, "kind": "number", "thousands": "yes"}],
     "column 'a' thousands must be true \\(for a number column\\) or false, got 'yes'"),
    ([{"name": "a", "categories": ["x"], "kind": "category", "thousands": True}],
     "column 'a' thousands must be true \\(for a number column\\)"),
])
def test_encoder_refuses_bad_column_descriptions(columns, message):
    with pytest.raises(ValueError, match=message):
        ColumnEncoder(columns)


def test_missing_numbers_get_the_training_median_and_a_was_missing_column():
    table = {"age": [10.0, None, 30.0, "NA", 50.0], "town": ["a", "b", "", "a", "b"]}
    encoder = ColumnEncoder.fit(table, ["age", "town"], categorical=["town"])
    assert encoder.output_names == ["age", "age=missing", "town=(missing)", "town=a",
                                    "town=b"]
    assert encoder.columns[0]["fill"] == 30.0
    encoded = encoder.transform({"age": [np.nan, "?", 7], "town": [None, "a", "#N/A"]})
    np.testing.assert_array_equal(encoded, [[30, 1, 1, 0, 0], [30, 1, 0, 1, 0],
                                            [7, 0, 1, 0, 0]])


def test_a_column_without_gaps_in_training_still_fills_them_later_without_an_indicator():
    encoder = ColumnEncoder.fit({"age": [1.0, 2.0, 4.0]}, ["age"])
    assert encoder.output_names == ["age"]
    np.testing.assert_array_equal(encoder.transform({"age": ["", 3]}), [[2.0], [3.0]])


def test_missing_spellings_are_configurable():
    encoder = ColumnEncoder.fit({"age": [1.0, -99, 3.0]}, ["age"], missing=["-99"])
    assert encoder.columns[0]["fill"] == 2.0 and encoder.missing == ["-99"]
    with pytest.warns(UnknownValuesWarning, match="column 'age' 1 \\(first 'NA', row 0\\)"):
        encoded = encoder.transform({"age": ["NA", "-99"]})  # NA is a word here
    np.testing.assert_array_equal(encoded, [[2.0, 1.0], [2.0, 1.0]])


def test_a_word_in_a_number_column_is_filled_and_counted_or_refused_with_strict():
    encoder = ColumnEncoder.fit({"age": [1.0, 2.0, 3.0]}, ["age"])
    with pytest.warns(UnknownValuesWarning, match="column 'age' 2 \\(first 'lots', row 1\\)"):
        encoded = encoder.transform({"age": [5, "lots", "many"]})
    np.testing.assert_array_equal(encoded[:, 0], [5.0, 2.0, 2.0])
    with pytest.raises(CategoryError, match="column 'age' needs numbers, got 'lots' \\(row 1"):
        encoder.transform({"age": [5, "lots"]}, strict=True)


def test_rare_categories_are_grouped_and_keep_their_group_later():
    words = ["a"] * 5 + ["b"] * 4 + ["c", "d", "d", "e"]
    encoder = ColumnEncoder.fit({"w": words}, ["w"], categorical=["w"])
    assert encoder.output_names == ["w=a", "w=b", "w=(other)"]
    assert encoder.columns[0]["other"] == ["c", "d", "e"]
    np.testing.assert_array_equal(encoder.transform({"w": ["e", "b"]}), [[0, 0, 1], [0, 1, 0]])
    one_rare = ColumnEncoder.fit({"w": ["a", "a", "a", "b"]}, ["w"], categorical=["w"])
    assert one_rare.output_names == ["w=a", "w=b"]  # a group of one is no group


def test_dates_become_year_month_weekday_and_days():
    encoder = ColumnEncoder.fit({"day": ["1970-01-01", "2024-02-29 13:00", None]}, ["day"],
                                dates=["day"])
    assert encoder.output_names == ["day:year", "day:month", "day:weekday", "day:days",
                                    "day=missing"]
    encoded = encoder.transform({"day": ["2024-02-29", "1969-12-31", ""]})
    leap = 19782.0  # days from 1970-01-01 to 2024-02-29, a Thursday
    np.testing.assert_array_equal(encoded, [[2024, 2, 3, leap, 0], [1969, 12, 2, -1, 0],
                                            [1997, 1, 3, leap / 2, 1]])
    parts = encoder.transform({"day": np.array(["2024-02-29"], dtype="datetime64[ns]")})
    np.testing.assert_array_equal(parts, encoded[:1])


def test_binary_outputs_mark_one_hot_and_indicator_columns():
    table = {"age": [1.0, None, 3.0], "w": ["a", "b", "b"]}
    encoder = ColumnEncoder.fit(table, ["age", "w"], categorical=["w"])
    np.testing.assert_array_equal(encoder.binary_outputs, [False, True, True, True])


def test_new_config_round_trips_and_old_config_still_builds():
    table = {"age": [1.0, None, 3.0], "w": ["a", "b", "b"], "d": ["2020-01-01"] * 3}
    encoder = ColumnEncoder.fit(table, ["age", "w", "d"], categorical=["w"], dates=["d"],
                                dropped=[{"name": "id", "reason": "names"}])
    again = ColumnEncoder(**encoder.config())
    assert again.config() == encoder.config() and again.dropped == encoder.dropped
    np.testing.assert_array_equal(again.transform(table), encoder.transform(table))
    old = ColumnEncoder(**{"columns": [{"name": "w", "categories": ["a", "b"]}]})
    assert old.config()["columns"] == [{"name": "w", "categories": ["a", "b"]}]


@pytest.mark.parametrize(("arguments", "message"), [
    ({"missing": "NA"}, "missing must be a list of strings"),
    ({"missing": [1]}, "missing must be a list of strings"),
    ({"dropped": [{"name": "x"}]}, "dropped must list"),
    ({"dropped": [{"name": "x", "reason": 3}]}, "dropped must list"),
])
def test_encoder_refuses_bad_missing_and_dropped(arguments, message):
    with pytest.raises(ValueError, match=message):
        ColumnEncoder([{"name": "a", "categories": None}], **arguments)


def test_the_unknown_values_warning_survives_pickling():
    import pickle

    encoder = ColumnEncoder.fit(TABLE, ["size", "colour"], categorical=["colour"])
    with pytest.warns(UnknownValuesWarning) as caught:
        encoder.transform({"size": [1.0], "colour": ["purple"]})
    warning = caught[0].message
    assert warning.surprises[0].value == "purple"
    again = pickle.loads(pickle.dumps(warning))
    assert str(again) == str(warning) and again.surprises == warning.surprises
    assert UnknownValuesWarning(str(warning)).surprises == []  # from its message alone


@pytest.mark.parametrize(("values", "expected"), [
    (["1,234", "12", "-5,678.25", "+1,000,000", " 3.5 "], True),
    (["1,234", "1,234,567.891"], True),
    (["1,234", "x"], False),          # a word among them
    (["1,2", "3,4"], False),          # lists
    (["12,34", "5,6"], False),        # decimal commas
    (["1,2345", "12"], False),        # groups of four digits
    (["1234", "17"], False),          # no separator at all: plain numbers, read as ever
    (["1,234", 5], False),            # not all text
    ([",123", "1,234"], False),
    (["1,234,", "1,234"], False),
])
def test_has_thousands_takes_only_strictly_grouped_numbers(values, expected):
    from glassnet.cell_values import has_thousands

    assert has_thousands(np.array(values, dtype=object)) is expected


def test_a_thousands_column_is_read_without_its_separators_now_and_after_a_round_trip():
    table = {"price": ["1,234", "12,345.5", "-7", "NA", "1,000,000"]}
    encoder = ColumnEncoder.fit(table, ["price"], thousands=["price"])
    assert encoder.columns[0]["thousands"] is True
    expected = [[1234, 0], [12345.5, 0], [-7, 0], [6789.75, 1], [1e6, 0]]
    np.testing.assert_array_equal(encoder.transform(table), expected)
    again = ColumnEncoder(**encoder.config())
    assert again.config() == encoder.config()
    np.testing.assert_array_equal(again.transform(table), expected)
    with pytest.raises(CategoryError, match="column 'price' needs numbers, got '12,34'"):
        again.transform({"price": ["12,34"]}, strict=True)


def test_a_number_column_without_thousands_reads_grouped_text_as_before():
    encoder = ColumnEncoder.fit({"a": ["1", "2", "3"]}, ["a"])
    assert "thousands" not in encoder.columns[0]  # older glassnet reads the file still
    with pytest.warns(UnknownValuesWarning, match="column 'a' 1 \\(first '1,234'"):
        encoder.transform({"a": ["1,234"]})


@pytest.mark.parametrize(("table", "error", "message"), [
    ({"a": [1.0, 2.0, 3.0], "w": ["x"]}, ValueError,
     "columns must have one length: 'a' has 3 value\\(s\\), 'w' has 1"),
    ({"a": 1.0, "w": "x"}, ValueError,
     "column 'a' must hold one value per row \\(1-D\\), got shape \\(\\)"),
    ({"a": [[1.0, 2.0]], "w": [["x", "y"]]}, ValueError,
     "column 'a' must hold one value per row \\(1-D\\), got shape \\(1, 2\\)"),
    ({"a": None, "w": ["x"]}, ValueError, "column 'a' must hold one value per row"),
    ("a w", TypeError, "table must map column names to values \\(a dict or a pandas "
                       "DataFrame\\), got str 'a w'"),
    (5, TypeError, "table must map column names to values .*got int 5"),
])
def test_the_encoder_names_columns_of_the_wrong_shape_or_length(table, error, message):
    encoder = ColumnEncoder.fit({"a": [1.0, 2.0], "w": ["x", "y"]}, ["a", "w"],
                                categorical=["w"])
    with pytest.raises(error, match=message):
        encoder.transform(table)


def test_the_encoder_reads_a_column_of_rows_of_one_value_as_a_column():
    encoder = ColumnEncoder.fit({"a": [1.0, 2.0], "w": ["x", "y"]}, ["a", "w"],
                                categorical=["w"])
    np.testing.assert_array_equal(encoder.transform({"a": [[2.0]], "w": [["x"]]}),
                                  encoder.transform({"a": [2.0], "w": ["x"]}))
