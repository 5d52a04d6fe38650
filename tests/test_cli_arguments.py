"""The argument types every command shares (cli/arguments.py): a number beyond what the
program can use is a usage error (exit 2) naming the option, before any work."""

from __future__ import annotations

import argparse

import pytest
from cli_helpers import classification_csv, run

from glassnet.cli import arguments
from glassnet.cli.arguments import (
    MAX_COUNT,
    MAX_WIDTH,
    finite_float,
    fraction,
    hidden_sizes,
    positive_float,
    positive_int,
)


@pytest.mark.parametrize("option, value", [
    ("--epochs", "100000000000000000000"),
    ("--batch-size", str(2**63)),
    ("--hidden", "8,100000000000"),
    ("--early-stopping", "1" + "0" * 30),
])
def test_train_refuses_numbers_too_large_to_use(tmp_path, capsys, option, value):
    data = classification_csv(tmp_path / "d.csv", rows=20)
    code, out, err = run(capsys, "train", data, "--target", "species", option, value,
                         "-o", tmp_path / "m.glassnet")
    assert code == 2 and out == ""
    assert f"argument {option}:" in err and "Traceback" not in err
    assert len(err.splitlines()) == 1
    assert not (tmp_path / "m.glassnet").exists()


def test_gradcheck_rows_are_bounded(tmp_path, capsys):
    code, _, err = run(capsys, "gradcheck", tmp_path / "m", tmp_path / "d.csv", "--rows",
                       "9" * 25)
    assert code == 2 and "argument --rows: expected a number <= 2147483647" in err


def test_the_bounds_themselves_are_accepted():
    assert positive_int(str(MAX_COUNT)) == MAX_COUNT
    assert hidden_sizes(f"{MAX_WIDTH},1") == [MAX_WIDTH, 1]
    with pytest.raises(argparse.ArgumentTypeError, match="at most 1000000"):
        hidden_sizes(f"{MAX_WIDTH + 1}")


@pytest.mark.parametrize("text", ["1", "-0.1", "1.5", "nan", "inf", "x"])
def test_fraction_refuses_what_is_not_in_0_1(text):
    with pytest.raises(argparse.ArgumentTypeError):
        fraction(text)


def test_fraction_accepts_zero_and_shares():
    assert fraction("0") == 0.0 and fraction("0.25") == 0.25


@pytest.mark.parametrize("convert, text, message", [
    (positive_int, "0", "expected a number >= 1, got '0'"),
    (positive_int, "-3", "expected a number >= 1, got '-3'"),
    (positive_int, "2.5", "expected a whole number, got '2.5'"),
    (positive_float, "0", "expected a number > 0, got '0'"),
    (positive_float, "-0.5", "expected a number > 0, got '-0.5'"),
    (positive_float, "inf", "expected a finite number, got 'inf'"),
    (finite_float, "nan", "expected a finite number, got 'nan'"),
    (finite_float, "-inf", "expected a finite number, got '-inf'"),
    (finite_float, "one", "expected a number, got 'one'"),
    (fraction, "1", "expected a fraction in \\[0, 1\\), got '1'"),
    (fraction, "-0.1", "expected a fraction in \\[0, 1\\), got '-0.1'"),
    (hidden_sizes, "8,0", "expected layer sizes like 4 or 8,4, got '8,0'"),
    (hidden_sizes, "8,,4", "expected layer sizes like 4 or 8,4, got '8,,4'"),
])
def test_each_refusal_names_what_was_expected_and_the_text(convert, text, message):
    with pytest.raises(argparse.ArgumentTypeError, match=f"^{message}$"):
        convert(text)


def test_the_smallest_accepted_values():
    assert positive_int("1") == 1 and positive_int(" 7 ") == 7
    assert positive_float("1e-300") == 1e-300 and finite_float("-2.5") == -2.5
    assert finite_float("0") == 0.0 and fraction("0.999") == 0.999
    assert hidden_sizes("4") == [4] and hidden_sizes(" 8 , 4 ") == [8, 4]
    assert positive_int("5", maximum=5) == 5
    with pytest.raises(argparse.ArgumentTypeError, match="^expected a number <= 5, got '6'$"):
        positive_int("6", maximum=5)


def test_a_learning_rate_of_zero_is_a_usage_error_naming_the_option(tmp_path, capsys):
    data = classification_csv(tmp_path / "d.csv", rows=20)
    code, out, err = run(capsys, "train", data, "--target", "species", "--learning-rate",
                         "0", "-o", tmp_path / "m.glassnet")
    assert (code, out) == (2, "")
    assert err == ("glassnet train: argument --learning-rate: expected a number > 0, got '0' "
                   "(see glassnet train --help)\n")
    assert not (tmp_path / "m.glassnet").exists()


def test_hidden_layers_too_large_for_the_memory_are_a_usage_error(tmp_path, capsys,
                                                                 monkeypatch):
    monkeypatch.setattr(arguments, "memory_bytes", lambda: 16 * 2**30, raising=False)
    data = classification_csv(tmp_path / "d.csv", rows=20)
    code, out, err = run(capsys, "train", data, "--target", "species", "--hidden",
                         "100000,100000", "-o", tmp_path / "m.glassnet")
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert ("argument --hidden: hidden layers '100000,100000' hold 10000100000 weights "
            "between them, about 373 GiB to train (weights, gradients, optimizer state), more "
            "than this machine's 16 GiB of memory") in err
    assert "MemoryError" not in err and not (tmp_path / "m.glassnet").exists()


def test_hidden_layers_that_fit_in_memory_are_accepted(monkeypatch):
    monkeypatch.setattr(arguments, "memory_bytes", lambda: 16 * 2**30, raising=False)
    assert hidden_sizes("10000,10000") == [10000, 10000]  # 3.7 GiB to train
    with pytest.raises(argparse.ArgumentTypeError, match="more than this machine's 16 GiB"):
        hidden_sizes("10000,100000")  # 37 GiB
