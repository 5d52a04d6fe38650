"""The byte-level line handling of --stream (cli/csv_lines.py): where pieces are cut (never
inside a quoted field), the line number of each row past blank lines, and the checks made on
each piece (NUL bytes, UTF-8, the field count of each record, as the in-memory reader counts
it)."""

from __future__ import annotations

import pytest
from cli_helpers import run
from hypothesis import given, settings
from hypothesis import strategies as st

from glassnet.cli.csv_lines import (
    Piece,
    PieceLines,
    check_block,
    check_records,
    line_ends,
    row_lines,
)
from glassnet.cli.errors import CommandError


@pytest.mark.parametrize("rows, final, cuts", [
    (1, False, [4, 8, 12, 16]),
    (2, False, [8, 16]),
    (3, False, [12]),
    (3, True, [12, 16]),
    (4, True, [16]),
    (5, False, []),
    (5, True, [16]),
])
def test_a_buffer_is_cut_after_every_rows_th_line_and_at_its_end_when_final(rows, final,
                                                                            cuts):
    assert line_ends(b"a,1\nb,2\nc,3\nd,4\n", rows, final) == cuts


def test_the_end_of_a_final_buffer_is_a_cut_only_when_it_holds_more_than_spaces():
    assert line_ends(b"a,1\nb,2", 1, final=True) == [4, 7]
    assert line_ends(b"a,1\nb,2", 1, final=False) == [4]
    assert line_ends(b"a,1\n  \r\n", 1, final=True) == [4, 8]  # a line of its own, though blank
    assert line_ends(b"a,1\n  ", 1, final=True) == [4]
    assert line_ends(b"", 1, final=True) == []


def test_a_line_break_inside_quotes_does_not_end_a_line():
    buffer = b'a,"x\ny"\nb,c\n"one\ntwo\nthree",d\n'
    assert line_ends(buffer, 1, final=False) == [8, 12, len(buffer)]
    assert line_ends(buffer, 2, final=False) == [12]
    assert line_ends(buffer, 2, final=True) == [12, len(buffer)]
    # quotes doubled inside a quoted field ("") keep the count even
    assert line_ends(b'"say ""hi""\n",1\nb,2\n', 1, final=False) == [16, 20]


def test_each_row_gets_the_line_it_starts_on_past_blank_lines():
    block = b"1,2\n\n   \n3,4\r\n \t\n5,6\n"
    assert row_lines(block, 10, 3) == [10, 13, 15]
    assert row_lines(block, 1, 2) == [1, 4]
    # more rows than non-blank lines (pandas' count is the truth): the last line repeats
    assert row_lines(block, 10, 5) == [10, 13, 15, 15, 15]
    assert row_lines(b"\n\n", 7, 2) == [7, 7]
    assert row_lines(b"!\n \n?\n", 3, 2) == [3, 5]  # one column: '!' is a row, ' ' is not
    # a row whose quoted cell spans lines is on the line it starts on
    assert row_lines(b'1,"a\n\nb"\n2,c\n"x\ny",3\n4,d\n', 5, 4) == [5, 8, 9, 11]


def test_piece_lines_read_the_piece_from_its_file(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_bytes(b"a,b\n1,2\n\n3,4\n5,6\n")
    piece = Piece(str(path), start=8, length=10, line=3)  # "\n3,4\n5,6\n"
    lines = PieceLines(piece, 2)
    assert len(lines) == 2
    assert [lines[0], lines[1]] == [4, 5]
    assert lines[-1] == 5


def refused(block: bytes, separator: str = ",", width: int = 2, line: int = 1) -> str:
    with pytest.raises(CommandError) as caught:
        check_block(block, Piece("data.csv", 0, len(block), line), separator, width)
    assert caught.value.exit_code == 65
    return str(caught.value)


def test_a_piece_with_nul_bytes_or_not_utf8_is_refused_naming_the_line():
    assert refused(b"1,2\n3,\x004\n") == "data.csv: contains NUL bytes; not a CSV text file"
    assert refused(b"1,2\n3,4\n5,\xe96\n", line=20) == (
        "data.csv, line 22: not UTF-8 text (byte 0xe9); save the file as UTF-8")
    assert refused(b"\xff,2\n", line=3).startswith("data.csv, line 3: not UTF-8 text (byte 0xff)")


@pytest.mark.parametrize("block, separator, width, message", [
    (b"1,2\n3\n", ",", 2, "data.csv, line 9: 1 field(s), but the header has 2"),
    (b"1,2,3\n", ",", 2, "data.csv, line 8: 3 field(s), but the header has 2"),
    (b"1;2;3\n4,5,6\n", ";", 3, "data.csv, line 9: 1 field(s), but the header has 3"),
    (b"1,2\n\n  \n4,5,6\n", ",", 2, "data.csv, line 11: 3 field(s), but the header has 2"),
    (b"1\t2\t3\n\t\n", "\t", 3, "data.csv, line 9: 2 field(s), but the header has 3"),  # a tab
])
def test_an_unquoted_line_with_another_field_count_is_refused(block, separator, width,
                                                              message):
    assert refused(block, separator, width, line=8) == message


@pytest.mark.parametrize("block", [
    b"1,2\n\n   \n3,4\n",                      # blank lines are skipped
    b'1,"a,b,c"\n',                             # separators inside quotes are not counted here
    b'1,"first\nno separator, or, many, here\nend"\n3,4\n',  # lines inside a quoted field
    b"1\t2\n",                                  # a tab-separated line of two fields
    b'"a\nb",1\n"c\n, , , ,\nd",2\n',              # inside a field after three quotes
    b'1,"a"',                                   # the file's last byte closes a quote
])
def test_blank_quoted_and_inside_quote_lines_pass(block):
    separator = "\t" if b"\t" in block else ","
    check_block(block, Piece("data.csv", 0, len(block), 1), separator, 2)


@pytest.mark.parametrize("line, fields", [
    ('1, "a,b"', 3),  # a quote after a space is no quote to the CSV dialect: three fields
    ('"1"', 1),  # a quoted line with too few fields
    ('1,"a\nb",3', 3),  # too many fields in a record that spans two lines
])
def test_streaming_past_the_first_chunk_refuses_what_in_memory_refuses(tmp_path, capsys,
                                                                       monkeypatch, line,
                                                                       fields):
    monkeypatch.setattr("glassnet.cli.csv_chunks.SNIFF_BYTES", 64)  # the first chunk's bytes
    rows = "".join(f"{number},x{number % 3}\n" for number in range(40))
    path = tmp_path / "data.csv"
    path.write_text("n,kind\n" + rows + line + "\n" + rows, encoding="utf-8")
    assert len(("n,kind\n" + rows).encode()) > 64  # the bad line is past the first chunk
    expected = (65, "", f"error: {path}, line 42: {fields} field(s), but the header has 2\n")
    for options in ((), ("--stream",), ("--stream", "--chunk-rows", "1")):
        got = run(capsys, "train", path, "--target", "kind", "--epochs", "1", "-o",
                  tmp_path / "m.glassnet", *options)
        assert got == expected, options
    assert not (tmp_path / "m.glassnet").exists()


CELLS = ["1", "ab", "", " ", "\t", '"a,b"', '"x\ny"', '"say ""hi"""', '""', ' "a,b"', 'a"b',
         '"a"b', ' "a"', '"\n"', '" , "', '"\t;"']


def verdict(check, *arguments) -> str | None:
    try:
        check(*arguments)
    except CommandError as error:
        return f"{error} (exit {error.exit_code})"
    return None


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(st.lists(st.sampled_from(CELLS), min_size=1, max_size=4),
                          st.sampled_from([[], ["  "]])), max_size=6),
       st.sampled_from(["\n", "\r\n"]), st.sampled_from([",", ";", "\t"]), st.integers(1, 3))
def test_the_field_counts_of_numpy_are_those_of_the_csv_reader(rows, newline, separator,
                                                               width):
    # check_block counts fields with numpy when every quote opens, closes or doubles; its
    # verdict (refusal and message, or none) is that of reading every record with csv
    block = "".join(separator.join(row) + newline for row in rows).encode()
    piece = Piece("data.csv", 0, len(block), 5)
    assert verdict(check_block, block, piece, separator, width) == \
        verdict(check_records, piece, block.decode(), separator, width)
