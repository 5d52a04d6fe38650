"""cell_values: one raw value as a number, a day or a category's text."""

from __future__ import annotations

import math

import numpy as np
import pytest

from glassnet.cell_values import (
    category_text,
    day_of,
    has_thousands,
    refuse_complex,
    shown,
    to_days,
    to_grouped_number,
    to_number,
    to_numbers,
    without_separators,
)


@pytest.mark.parametrize("value, expected", [
    (3, 3.0), (" 2.5 ", 2.5), ("-1e3", -1000.0), (np.float32(1.5), 1.5), (True, 1.0),
])
def test_numbers_and_numeric_text_are_numbers(value, expected):
    assert to_number(value) == expected


@pytest.mark.parametrize("value", ["inf", float("-inf"), "nan", "abc", "", None, [1],
                                   1 + 2j, np.complex64(3), "1,234"])
def test_anything_else_is_nan(value):
    assert math.isnan(to_number(value))


def test_an_array_of_numbers_keeps_them_and_makes_infinities_nan():
    numbers = to_numbers(np.array([1.0, np.inf, -np.inf, np.nan, 2.0]))
    np.testing.assert_array_equal(numbers, [1.0, np.nan, np.nan, np.nan, 2.0])
    assert numbers.dtype == np.float64
    np.testing.assert_array_equal(to_numbers(np.array([True, False])), [1.0, 0.0])


def test_thousands_separators_count_only_where_asked_and_only_when_strictly_grouped():
    values = np.array(["1,234", " -12,345.6 ", "17", "1,2", "12,34", "1,2345", None],
                      dtype=object)
    np.testing.assert_array_equal(to_numbers(values), [np.nan, np.nan, 17, np.nan, np.nan,
                                                       np.nan, np.nan])
    np.testing.assert_array_equal(to_numbers(values, thousands=True),
                                  [1234, -12345.6, 17, np.nan, np.nan, np.nan, np.nan])
    assert to_grouped_number("1,000,000") == 1e6 and math.isnan(to_grouped_number("1,00"))
    assert to_grouped_number(5) == 5.0
    assert without_separators(" 1,234.5 ") == "1234.5"
    assert without_separators("1,2") == "1,2" and without_separators(7) == 7


@pytest.mark.parametrize("values, expected", [
    (["1,234", "17", "3.5"], True),
    (["1,234", " 2,000 "], True),
    (["17", "3.5"], False),                 # no separator: plain numbers, not this case
    (["1,234", "abc"], False),
    (["1,2", "3,4"], False),                # a list
    (["12,34"], False),                     # a decimal comma
    (["1,234", 5], False),                  # not all text
])
def test_a_column_has_thousands_only_when_every_value_is_such_a_number(values, expected):
    assert has_thousands(np.array(values, dtype=object)) is expected


def test_a_number_array_never_has_thousands():
    assert has_thousands(np.array([1.0, 2.0])) is False


def test_days_from_datetimes_and_iso_text():
    dates = np.array(["1970-01-02", "NaT"], dtype="datetime64[D]")
    np.testing.assert_array_equal(to_days(dates), [1.0, np.nan])
    text = np.array(["2000-01-01", "2000-01-01T12:00", "01/02/2000", "2000-13-01", 5],
                    dtype=object)
    np.testing.assert_array_equal(to_days(text), [10957.0, 10957.0, np.nan, np.nan, np.nan])
    assert math.isnan(day_of("2000-01-1x")) and math.isnan(day_of("2000/01/01"))


@pytest.mark.parametrize("value, expected", [
    (" red ", "red"), (3.0, "3"), (np.float32(2.0), "2"), (2.5, "2.5"), (True, "True"),
    (np.bool_(False), "False"), (7, "7"),
])
def test_a_category_is_known_by_its_stripped_text(value, expected):
    assert category_text(value) == expected


def test_shown_cuts_long_values_and_reads_numpy_strings_as_text():
    assert shown("abc") == "'abc'" and shown(np.str_("abc")) == "'abc'"
    long = shown("x" * 100)
    assert len(long) == 40 and long.endswith("...") and long.startswith("'xxx")
    assert shown("x" * 38) == "'" + "x" * 38 + "'"  # 40 characters: kept whole


def test_complex_columns_are_refused_by_name():
    with pytest.raises(ValueError, match=r"column 'z' holds complex numbers \(complex128\)"):
        refuse_complex("z", np.array([1 + 2j]))
    refuse_complex("x", np.array([1.0]))  # real numbers pass
