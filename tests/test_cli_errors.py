"""The command line's exit codes and message helpers (cli/errors.py): the sysexits numbers
scripts rely on, and text from files put into messages escaped and cut to bounded lengths."""

from __future__ import annotations

from glassnet.cli.errors import (
    EXIT_CANNOT_WRITE,
    EXIT_CLOSED_PIPE,
    EXIT_DATA,
    EXIT_NO_INPUT,
    EXIT_UNEXPECTED,
    EXIT_USAGE,
    CommandError,
    UsageError,
    listing,
    quoted,
)


def test_the_exit_codes_are_the_documented_sysexits():
    assert (EXIT_USAGE, EXIT_DATA, EXIT_NO_INPUT, EXIT_CANNOT_WRITE, EXIT_UNEXPECTED,
            EXIT_CLOSED_PIPE) == (2, 65, 66, 73, 1, 141)


def test_a_command_error_is_a_data_error_unless_told_and_a_usage_error_is_2():
    assert CommandError("bad").exit_code == 65 and str(CommandError("bad")) == "bad"
    assert CommandError("gone", 66).exit_code == 66
    usage = UsageError("wrong")
    assert isinstance(usage, CommandError) and usage.exit_code == 2 and str(usage) == "wrong"


def test_quoted_escapes_and_cuts_at_80_characters():
    assert quoted("a\x1bb") == "'a\\x1bb'"
    assert quoted("x" * 78) == "'" + "x" * 78 + "'"  # 80 characters: kept whole
    assert quoted("x" * 79) == "'" + "x" * 76 + "..."
    assert quoted("x" * 20, limit=10) == "'xxxxxx..."


def test_listing_shows_twenty_values_of_forty_characters_at_most():
    assert listing(["a", "b\x07"]) == "a, b\\x07"
    twenty = [str(index) for index in range(20)]
    assert listing(twenty) == ", ".join(twenty)
    assert listing([*twenty, "20"]) == ", ".join(twenty) + ", ... (21 in all)"
    assert listing(["y" * 40, "z" * 41]) == "y" * 40 + ", " + "z" * 37 + "..."
    assert listing(range(5), most=2, limit=3) == "0, 1, ... (5 in all)"
