"""Validation helpers: random generators, positive numbers, fractions, dtypes, float arrays,
and matching sample counts; each refusal names the argument and the bad value."""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glassnet.validation import (
    as_float_array,
    as_rng,
    check_dtype,
    check_finite,
    check_fraction,
    check_positive,
    check_same_length,
    printable,
)


def test_as_rng_passes_generators_through():
    generator, legacy = np.random.default_rng(0), np.random.RandomState(0)
    assert as_rng(generator) is generator and as_rng(legacy) is legacy


def test_as_rng_seeds_a_generator_from_an_int():
    assert isinstance(as_rng(None), np.random.Generator)
    assert as_rng(3).random() == np.random.default_rng(3).random()
    assert as_rng(np.int64(3)).random() == np.random.default_rng(3).random()


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (-1, ValueError, "seed must be >= 0, got -1"),
        (True, TypeError, "rng must be an int seed, None, .*got True"),
        (1.5, TypeError, "rng must be an int seed, .*got 1.5"),
        ("7", TypeError, "rng must be an int seed, .*got '7'"),
    ],
)
def test_as_rng_refuses_other_things(value, error, message):
    with pytest.raises(error, match=message):
        as_rng(value)


def test_check_positive_returns_good_values():
    assert check_positive("learning_rate", 0.5) == 0.5
    assert check_positive("epochs", 3, integer=True) == 3
    assert check_positive("epochs", 0, integer=True, allow_zero=True) == 0
    assert check_positive("epochs", np.int64(2), integer=True) == 2


@pytest.mark.parametrize(
    ("value", "kwargs", "error", "message"),
    [
        (0, {}, ValueError, "rate must be > 0, got 0"),
        (-2.5, {}, ValueError, "rate must be > 0, got -2.5"),
        (-1, {"allow_zero": True}, ValueError, "rate must be >= 0, got -1"),
        (float("inf"), {}, ValueError, "rate must be > 0, got inf"),
        (float("nan"), {}, ValueError, "rate must be > 0, got nan"),
        (True, {}, TypeError, "rate must be a number, got True"),
        ("1", {}, TypeError, "rate must be a number, got '1'"),
        (None, {}, TypeError, "rate must be a number, got None"),
        (2.0, {"integer": True}, TypeError, "rate must be an integer, got 2.0"),
    ],
)
def test_check_positive_refuses(value, kwargs, error, message):
    with pytest.raises(error, match=message):
        check_positive("rate", value, **kwargs)


def test_check_fraction_bounds():
    assert check_fraction("momentum", 0) == 0.0 and check_fraction("momentum", 0.99) == 0.99
    assert check_fraction("p", 1, allow_one=True) == 1.0
    with pytest.raises(ValueError, match=r"p must be in \(0, 1\), got 0"):
        check_fraction("p", 0, allow_zero=False)
    with pytest.raises(ValueError, match=r"p must be in \[0, 1\), got 1"):
        check_fraction("p", 1)
    with pytest.raises(ValueError, match=r"p must be in \[0, 1\], got 1.5"):
        check_fraction("p", 1.5, allow_one=True)
    with pytest.raises(ValueError, match=r"p must be in \[0, 1\), got nan"):
        check_fraction("p", float("nan"))
    with pytest.raises(TypeError, match="p must be a number, got '0.5'"):
        check_fraction("p", "0.5")


def test_the_bounds_flags_are_keyword_only():
    # check_fraction("p", value, False) would read as "allow_zero=False" or "allow_one"?
    with pytest.raises(TypeError):
        check_fraction("p", 0.5, True)
    with pytest.raises(TypeError):
        check_positive("n", 3, True)


def test_check_dtype():
    assert check_dtype(np.float32) is np.float32
    assert check_dtype("float64") is np.float64
    assert check_dtype(np.dtype("float32")) is np.float32
    for bad in (np.int64, "float16", "complex128", "not a dtype"):
        with pytest.raises(ValueError, match="dtype must be float32 or float64, got"):
            check_dtype(bad)


def test_as_float_array_converts_and_casts():
    array = as_float_array("x", [[1, 2], [3, 4]], dtype=np.float32)
    assert array.dtype == np.float32 and array.shape == (2, 2)
    np.testing.assert_array_equal(as_float_array("x", [[True, False]]), [[1.0, 0.0]])
    np.testing.assert_array_equal(as_float_array("x", [1, 2], ndim=1), [1.0, 2.0])
    np.testing.assert_array_equal(as_float_array("x", [[[1]]], ndim=None), [[[1.0]]])


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ("abc", "x must be an array of numbers, got the string 'abc'"),
        (b"abc", "x must be an array of numbers, got the string b'abc'"),
        ([[1, 2], [3]], "x must be a rectangular array of numbers"),
        ([["1", "a"]], "x must contain only numbers"),
        ([[None, 1.0]], r"x contains a non-finite value nan at index \(0, 0\)"),
        ([[1j, 2]], "x holds complex numbers \\(dtype complex128\\); glassnet works with real "
                    "numbers only"),
        ([1.0, 2.0], r"x must be 2-dimensional \(samples, features\), got shape \(2,\)"),
        (np.zeros((2, 0)), r"x is empty \(shape \(2, 0\)\)"),
        ([[0.0, -np.inf]], r"x contains a non-finite value -inf at index \(0, 1\)"),
    ],
)
def test_as_float_array_refuses(values, message):
    with pytest.raises(ValueError, match=message):
        as_float_array("x", values)


@pytest.mark.filterwarnings("ignore:overflow encountered in cast:RuntimeWarning")
def test_as_float_array_checks_finiteness_after_the_cast():
    # 1e300 is finite in float64 but overflows float32; the check after the cast catches it
    # and says so, instead of naming an infinity the caller never gave.
    with pytest.raises(ValueError, match=r"^x holds 1e\+300 at index \(0, 1\), too large for "
                                         r"float32 \(at most 3\.403e\+38\)$"):
        as_float_array("x", [[1.0, 1e300]], dtype=np.float32)


def test_check_same_length():
    check_same_length("inputs", np.zeros((3, 2)), "targets", np.zeros(3))
    with pytest.raises(ValueError, match="inputs has 3 samples but targets has 2"):
        check_same_length("inputs", np.zeros((3, 2)), "targets", np.zeros(2))


@pytest.mark.parametrize("raw, shown", [
    ("plain label", "plain label"),
    ("red\x1b[31mALERT", "red\\x1b[31mALERT"),
    ("two\nlines\r\ttab", "two\\nlines\\r\\ttab"),
    ("nul\x00 del\x7f c1\x9b", "nul\\x00 del\\x7f c1\\x9b"),
    ("bidi\u202eevil", "bidi\\u202eevil"),
    ("caf\u00e9 \u03bb", "caf\u00e9 \u03bb"),
    (1.5, "1.5"),
])
def test_printable_escapes_control_characters(raw, shown):
    assert printable(raw) == shown


def test_printable_truncates_to_the_limit_without_cutting_an_escape():
    assert printable("a" * 100, limit=10) == "aaaaaaa..."
    assert printable("a" * 10, limit=10) == "a" * 10
    assert printable("ab\x1b" * 5, limit=10) == "ab\\x1ba..."
    assert printable("abc\x1b" * 5, limit=9) == "abc..."
    huge = "\x1b" * 10**6
    text = printable(huge, limit=20)
    assert len(text) <= 20 and "\x1b" not in text and text.endswith("...")


def test_printable_keeps_eighty_characters_by_default():
    assert printable("a" * 80) == "a" * 80
    assert printable("a" * 81) == "a" * 77 + "..."


def test_printable_refuses_a_tiny_limit():
    with pytest.raises(ValueError, match="limit must be a whole number >= 3, got 2"):
        printable("abc", limit=2)


@settings(max_examples=200, deadline=None)
@given(text=st.text(), limit=st.integers(3, 120))
def test_printable_never_lets_a_control_character_through_nor_exceeds_the_limit(text, limit):
    shown = printable(text, limit)
    assert len(shown) <= limit
    assert not any(unicodedata.category(character) in ("Cc", "Cf", "Cs", "Zl", "Zp")
                   for character in shown)
    if len(text) <= limit and all(unicodedata.category(c)[0] not in "CZ" or c == " "
                                  for c in text):
        assert shown == text  # ordinary text is shown as it is


def test_check_finite_takes_a_single_number():
    assert check_finite("rate", np.array(1.5)) is None
    with pytest.raises(ValueError, match=r"rate contains a non-finite value inf at index \(\)"):
        check_finite("rate", np.array(np.inf))


def test_printable_refuses_a_limit_that_is_not_a_whole_number():
    with pytest.raises(ValueError, match="limit must be a whole number >= 3, got 5.5"):
        printable("abcdef", limit=5.5)


def test_check_finite_finds_a_value_in_rows_wider_than_a_block():
    wide = np.zeros((3, 70_000))  # one row holds more than the 65,536 values of a block
    wide[2, 69_999] = np.nan
    with pytest.raises(ValueError, match=r"x contains a non-finite value nan at index "
                                         r"\(2, 69999\)"):
        check_finite("x", wide)


def test_check_finite_names_the_first_of_several_bad_values():
    with pytest.raises(ValueError, match=r"contains a non-finite value nan at index \(1, 0\)"):
        check_finite("x", np.array([[1.0, 2.0], [np.nan, np.inf], [-np.inf, 0.0]]))


def test_a_cast_that_overflows_warns_nothing_and_a_given_infinity_is_named_as_one():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning on the way to the message
        with pytest.raises(ValueError, match=r"^x holds 1e\+300 at index \(1, 0\), too large"):
            as_float_array("x", [[1.0, 2.0], [1e300, 0.0]], dtype=np.float32)
    with pytest.raises(ValueError, match=r"x contains a non-finite value inf at index \(0, 1\)"):
        as_float_array("x", [[1.0, np.inf]], dtype=np.float32)
