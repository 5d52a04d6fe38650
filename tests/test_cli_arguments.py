"""The argument types every command shares (cli/arguments.py): a number beyond what the
program can use is a usage error (exit 2) naming the option, before any work."""

from __future__ import annotations

import argparse

import pytest
from cli_helpers import classification_csv, run

from glassnet.cli.arguments import MAX_COUNT, MAX_WIDTH, fraction, hidden_sizes, positive_int


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
