"""The CSV reader of the commands (cli/data.py): what the first rows decide."""

from __future__ import annotations

import csv
import os
import stat
import types
from pathlib import Path

import pytest
from cli_helpers import classification_csv, run

from glassnet.cli import data as data_module
from glassnet.cli.data import read_table
from glassnet.cli.errors import CommandError


@pytest.mark.parametrize("row, detected", [(1000, ","), (1001, ".")])
def test_the_first_thousand_rows_decide_decimal_commas(tmp_path, row, detected):
    """Semicolons, whole numbers, and one decimal comma at ``row``: seen in the first 1000
    rows it makes the decimal a comma; later it is left as text."""
    lines = ["a;b"] + [f"{index};{index % 7}" for index in range(1, 1002)]
    lines[row] = f"{row};2,5"
    path = tmp_path / "late.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = read_table(path)
    assert table.decimal == detected
    assert table.frame["b"][row - 1] == ("2.5" if detected == "," else "2,5")


def written(tmp_path, content, name="data.csv"):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def refusal(path, code=65, **options) -> str:
    with pytest.raises(CommandError) as caught:
        read_table(path, **options)
    assert caught.value.exit_code == code
    return str(caught.value).removeprefix(f"{path}")


def test_a_table_holds_stripped_cells_the_line_of_each_row_and_how_it_was_read(tmp_path):
    path = written(tmp_path, '\n name ,"b" ,c\n\n 1 , x y ,"3\n"\n   \n,,\n4,5,6\n')
    table = read_table(path)
    assert table.columns == ["name", "b", "c"] and len(table) == 3
    assert table.frame.values.tolist() == [["1", "x y", "3"], ["", "", ""], ["4", "5", "6"]]
    assert table.lines == [4, 7, 8]  # a blank line is skipped; ",," is a row of gaps
    assert (table.separator, table.decimal, table.notes) == (",", ".", [])
    assert table.where(2) == f"{path}, line 8"
    assert table.where(0, "b") == f"{path}, line 4, column 'b'"
    two = read_table(written(tmp_path, "a,b\n1,2\n,\n \n", "two.csv"))
    assert two.frame.values.tolist() == [["1", "2"], ["", ""]] and two.lines == [2, 3]


@pytest.mark.parametrize("header, separator, name", [
    ("a;b;c", ";", "semicolon"), ("a\tb\tc", "\t", "tab"), ("a|b|c", "|", "bar"),
    ('"x;y";"z;w",v', ",", None),   # separators inside quotes do not count
    ("a;b,c", ",", None),           # a tie goes to the comma
    ("only", ",", None),            # one column
])
def test_the_separator_is_the_most_frequent_one_in_the_header(tmp_path, header, separator,
                                                              name):
    row = separator.join(["1"] * len(next(csv.reader([header], delimiter=separator))))
    table = read_table(written(tmp_path, f"{header}\n{row}\n"))
    assert table.separator == separator
    assert table.notes == ([f"{name}-separated (detected; --sep sets it)"] if name else [])


@pytest.mark.parametrize("cells, decimal", [
    (["1,5", "2"], ","), (["-,5", "+1,25"], ","), (["1,5", "2.5"], "."),
    (["1,2,3", "4"], "."), (["x,5"], "."), ([",", "5,"], "."),
])
def test_decimal_commas_are_detected_when_some_cell_has_one_and_none_a_point(tmp_path,
                                                                             cells, decimal):
    text = "a;b\n" + "".join(f"{cell};{index}\n" for index, cell in enumerate(cells))
    table = read_table(written(tmp_path, text))
    assert table.decimal == decimal
    assert ("decimal commas (detected; --decimal sets it)" in table.notes) == (decimal == ",")
    if decimal == ",":
        assert table.frame["a"].tolist() == [cell.replace(",", ".") for cell in cells]
    assert read_table(written(tmp_path, text), decimal=".").frame["a"].tolist() == cells


def test_a_comma_separated_file_keeps_decimal_points(tmp_path):
    table = read_table(written(tmp_path, 'a,b\n"1,5",2\n'))
    assert table.decimal == "." and table.frame["a"].tolist() == ["1,5"]


def test_a_given_separator_and_decimal_are_used_without_notes(tmp_path):
    table = read_table(written(tmp_path, "a;b\n1,5;2\n"), separator=";", decimal=",")
    assert table.notes == [] and table.frame.values.tolist() == [["1.5", "2"]]
    path = written(tmp_path, "a;b\n1,5;2\n")
    assert refusal(path, separator=",") == ", line 2: 2 field(s), but the header has 1"


def test_unreadable_files_are_refused_in_one_line(tmp_path):
    assert refusal(tmp_path / "absent.csv", 66) == ": no such file"
    (tmp_path / "folder.csv").mkdir()
    assert refusal(tmp_path / "folder.csv", 66) == ": is a folder, not a CSV file"
    inside_a_file = written(tmp_path, "a,b\n1,2\n", "plain.csv") / "data.csv"
    assert refusal(inside_a_file, 66) == ": cannot be read (Not a directory)"
    assert refusal(written(tmp_path, b"a,b\n1,2\n3,\x004\n")) == (
        ": contains NUL bytes; not a CSV text file")
    assert refusal(written(tmp_path, b"a,b\n\n1,\xfe\n")) == (
        ", line 3: not UTF-8 text (byte 0xfe); save the file as UTF-8")
    assert refusal(written(tmp_path, b"\xef\xbb\xbf \r\n\t\n")) == ": the file is empty"
    assert refusal(written(tmp_path, "a,b\n\n  \n")) == ": has column names but no data rows"
    long = "x" * 131_073
    assert refusal(written(tmp_path, f"a,b\n1,2\n3,{long}\n")) == (
        ", line 3: field larger than field limit (131072)")


@pytest.mark.parametrize("header, message", [
    (",a,b", None),
    (" ,a", None),
    ("", None),
    ("a,,b", "column 2 has no name"),
    ("a, b ,b", "column name 'b' appears twice"),
    ("a,-2.5,b", "looks like data ('-2.5'), not column names; add a header line naming the "
                 "columns"),
    ("a,nan,inf", None),
])
def test_column_names_are_checked(tmp_path, header, message):
    if not header:
        # the header is the first line that is not blank: line 3 here
        assert refusal(written(tmp_path, "\n \n,\n1,2\n")) == ", line 3: column 2 has no name"
        return
    row = ",".join(["1"] * (header.count(",") + 1))
    path = written(tmp_path, f"{header}\n{row}\n")
    if message is None:
        names = read_table(path).columns
        assert names == [name.strip() or "(row names)" for name in header.split(",")]
    else:
        assert refusal(path) == f", line 1: {message}"


@pytest.mark.parametrize("header, names", [
    ("a,b,", ["a", "b", "(column 3)"]),
    (",a,", ["(row names)", "a", "(column 3)"]),
    ("a,", ["a", "(column 2)"]),
])
def test_an_unnamed_last_column_after_a_named_one_gets_a_name(tmp_path, header, names):
    row = ",".join(["1"] * (header.count(",") + 1))
    assert read_table(written(tmp_path, f"{header}\n{row}\n")).columns == names
    assert refusal(written(tmp_path, "a,,\n1,2,3\n")) == ", line 1: column 2 has no name"


def test_a_separator_ending_every_line_trains_without_that_column(tmp_path, capsys):
    plain = Path(classification_csv(tmp_path / "plain.csv")).read_text(encoding="utf-8")
    ended = tmp_path / "ended.csv"
    ended.write_text(plain.replace("\n", ",\n"), encoding="utf-8")
    for stream in ([], ["--stream"]):
        code, out, err = run(capsys, "train", ended, "--target", "species", "--epochs", "2",
                             "-o", tmp_path / "m.glassnet", *stream)
        assert code == 0, err
        assert "  '(column 4)': dropped (no values)\n" in out


@pytest.mark.parametrize("stream", [[], ["--stream"]])
def test_a_device_is_refused_before_reading_it(tmp_path, capsys, monkeypatch, stream):
    """/dev/zero read as a table never ends: a device is refused by its kind, here one that
    stat reports (the file itself is an ordinary CSV file, so nothing hangs without the
    check)."""
    device = os.stat_result((stat.S_IFCHR | 0o666,) + (0,) * 9)
    monkeypatch.setattr(data_module, "os", types.SimpleNamespace(stat=lambda path: device))
    path = classification_csv(tmp_path / "zero.csv")
    code, out, err = run(capsys, "train", path, "--target", "species", "-o",
                         tmp_path / "m.glassnet", *stream)
    assert (code, out, err) == (66, "", f"error: {path}: is a character device, not a CSV "
                                        f"file\n")


def test_reading_without_pandas_names_the_extra_to_install(tmp_path, monkeypatch):
    import sys

    path = written(tmp_path, "a,b\n1,2\n")
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas fails
    with pytest.raises(CommandError) as caught:
        read_table(path)
    assert caught.value.exit_code == 1
    assert str(caught.value) == 'reading CSV files needs pandas: pip install "glassnet[cli]"'


def test_a_lone_unnamed_column_is_refused_not_taken_for_row_names():
    from glassnet.cli.data import check_header

    with pytest.raises(CommandError, match="^f.csv, line 2: column 1 has no name$"):
        check_header("f.csv", [" "], 2)
    assert check_header("f.csv", [" ", "a"], 1) == ["(row names)", "a"]
