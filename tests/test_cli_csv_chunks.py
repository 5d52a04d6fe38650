"""The chunked reader of --stream (cli/csv_chunks.py) against the in-memory one: blank lines
before the header do not shift the rows; a file without rows is named even when a folder or a
pattern named it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from cli_helpers import run, train_lights, write_csv

from glassnet.cli.csv_chunks import CsvChunks
from glassnet.cli.errors import CommandError


def test_blank_lines_before_the_header_are_skipped_as_in_memory(tmp_path, capsys):
    data, model = train_lights(tmp_path, capsys)
    padded = tmp_path / "padded.csv"
    padded.write_text("\n  \n\r\n" + Path(data).read_text(encoding="utf-8"), encoding="utf-8")
    expected = run(capsys, "predict", model, data, "--keep-columns")
    assert expected[0] == 0 and expected[1].startswith("colour,noise,action,predicted_action\n")
    assert run(capsys, "predict", model, padded, "--keep-columns") == expected
    assert run(capsys, "predict", model, padded, "--keep-columns", "--stream") == expected


@pytest.mark.parametrize("spec", ["folder", "folder/*.csv", "folder/only.csv"])
def test_one_file_without_rows_is_named_however_it_was_given(tmp_path, capsys, spec):
    (tmp_path / "folder").mkdir()
    only = tmp_path / "folder" / "only.csv"
    only.write_text("a,b,kind\n")
    code, out, err = run(capsys, "train", tmp_path / spec, "--target", "kind", "--stream",
                         "-o", tmp_path / "m.glassnet")
    assert (code, out, err) == (65, "", f"error: {only}: has column names but no data rows\n")
    assert not (tmp_path / "m.glassnet").exists()


def quoted_break_csv(path, separator=",", decimal=".") -> str:
    """40 rows of a number column, a text column with one quoted line break (row 4) and a
    cell with doubled quotes, and the target."""
    rng = np.random.default_rng(0)
    lines = [separator.join(["size", "note", "kind"])]
    for index in range(40):
        size = rng.normal(3, 1)
        note = {3: '"two\nlines"', 5: '"say ""hi"""'}.get(index, "plain")
        lines.append(separator.join([f"{size:.2f}".replace(".", decimal), note,
                                     "big" if size > 3 else "small"]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("separator, decimal", [(",", "."), (";", ",")])
def test_a_quoted_line_break_in_the_first_rows_keeps_the_column_types(tmp_path, capsys,
                                                                      separator, decimal):
    data = quoted_break_csv(tmp_path / "notes.csv", separator, decimal)
    source = CsvChunks(data, 7)
    assert (source.separator, source.decimal, source.text) == (separator, decimal, ["note", "kind"])
    frames = [chunk.frame for chunk in source.chunks()]
    assert [len(frame) for frame in frames] == [7] * 5 + [5] and source.rows == 40
    assert frames[0]["note"].tolist()[3:6] == ["two\nlines", "plain", 'say "hi"']
    assert frames[0]["size"].dtype.kind == "f"
    out = [run(capsys, "train", data, "--target", "kind", "--epochs", "1", "-o",
               tmp_path / "m.glassnet", *options)[1] for options in ((), ("--stream",))]
    assert "'size': number (numbers)" in out[0]
    assert out[0].split("Network:")[0] == out[1].split("Network:")[0]


def test_a_streamed_message_names_the_line_past_a_quoted_line_break(tmp_path, capsys):
    _, model = train_lights(tmp_path, capsys)
    new = tmp_path / "new.csv"
    new.write_text('colour,noise,action\nred,0.1,"stop\nnow"\n\ngreen,0.2,go\n'
                   'mauve,0.3,"go\n\n!"\nred,0.4,stop\n', encoding="utf-8")
    expected = "error: " + str(new) + ", line 6, column 'colour': "
    for options in ((), ("--stream",), ("--stream", "--chunk-rows", "1")):
        code, out, err = run(capsys, "predict", model, new, "--strict", "-o",
                             tmp_path / "out.csv", *options)
        assert (code, out) == (65, "") and err.startswith(expected), (options, err)
    assert not (tmp_path / "out.csv").exists()


def test_pieces_of_blank_lines_only_are_left_out(tmp_path, capsys):
    """One row per chunk, and blank lines between the rows: no chunk is empty, so predict
    and evaluate give what they give in memory."""
    data, model = train_lights(tmp_path, capsys)
    lines = Path(data).read_text(encoding="utf-8").splitlines()
    spaced = tmp_path / "spaced.csv"
    spaced.write_text("\n\n".join(lines[:6]) + "\n\n  \n", encoding="utf-8")
    source = CsvChunks(str(spaced), 1)
    assert [len(chunk.frame) for chunk in source.chunks()] == [1] * 5
    assert [chunk.where(0) for chunk in source.chunks()] == [
        f"{spaced}, line {line}" for line in (3, 5, 7, 9, 11)]
    predicted = run(capsys, "predict", model, spaced)
    assert predicted[0] == 0 and len(predicted[1].splitlines()) == 6  # header and 5 rows
    evaluated = run(capsys, "evaluate", model, spaced)
    assert evaluated[0] == 0 and evaluated[1].startswith(f"5 rows of {spaced}, target")
    assert run(capsys, "predict", model, spaced, "--chunk-rows", "1") == predicted
    assert run(capsys, "evaluate", model, spaced, "--chunk-rows", "1") == evaluated


def test_input_paths_name_a_file_the_csv_files_of_a_folder_or_a_globs_files(tmp_path):
    from glassnet.cli.csv_chunks import input_paths

    folder = tmp_path / "parts"
    folder.mkdir()
    for name in ("b.csv", "a.csv", "notes.txt", "c.CSV"):
        (folder / name).write_text("x,y\n1,2\n")
    (folder / "d.csv").mkdir()  # a folder named like a file: not matched by a glob
    assert input_paths(str(folder)) == [str(folder / "a.csv"), str(folder / "b.csv"),
                                        str(folder / "d.csv")]
    assert input_paths(str(folder / "?.csv")) == [str(folder / "a.csv"), str(folder / "b.csv")]
    odd = tmp_path / "odd[1].csv"  # exists: taken as named, not as a pattern
    odd.write_text("x,y\n1,2\n")
    assert input_paths(str(odd)) == [str(odd)]
    refusals = {str(tmp_path / "empty"): "is a folder with no .csv file in it",
                str(folder / "*.json"): "matches no file",
                str(folder / "d*"): "matches no file",
                str(tmp_path / "absent.csv"): "no such file"}
    (tmp_path / "empty").mkdir()
    for spec, message in refusals.items():
        with pytest.raises(CommandError) as caught:
            input_paths(spec)
        assert (str(caught.value), caught.value.exit_code) == (f"{spec}: {message}", 66)


def test_the_header_is_found_past_a_byte_order_mark_and_blank_lines(tmp_path):
    from glassnet.cli.csv_chunks import header_of

    path = tmp_path / "marked.csv"
    path.write_bytes(b"\xef\xbb\xbf\n \r\nx,y\r\n1,2\n")
    assert header_of(str(path)) == ("x,y", 12, 3)
    path.write_bytes(b"x,y")
    assert header_of(str(path)) == ("x,y", 3, 1)
    for data, message in ((b"\xef\xbb\xbf \n\n", "the file is empty"),
                          (b"\n\xffx,y\n1,2\n", "line 2: not UTF-8 text; save the file as UTF-8")):
        path.write_bytes(data)
        with pytest.raises(CommandError) as caught:
            header_of(str(path))
        assert str(caught.value) == f"{path}: {message}" or \
            str(caught.value) == f"{path}, {message}"
        assert caught.value.exit_code == 65


def test_lines_ending_in_a_lone_carriage_return_are_read_in_memory_and_named_by_stream(
        tmp_path, capsys):
    data, model = train_lights(tmp_path, capsys)
    old_mac = tmp_path / "old_mac.csv"
    old_mac.write_bytes(Path(data).read_bytes().replace(b"\n", b"\r"))
    expected = run(capsys, "predict", model, data)
    assert expected[0] == 0 and run(capsys, "predict", model, old_mac) == expected
    code, out, err = run(capsys, "predict", model, old_mac, "--stream")
    assert (code, out) == (65, "") and err == (
        f"error: {old_mac}, line 1: lines end in a lone carriage return (old Mac style); "
        f"--stream reads \\n or \\r\\n line ends: convert the file, or leave out --stream\n")


def folder_of(tmp_path, *texts):
    """A folder of CSV files part0.csv, part1.csv, ... holding ``texts``."""
    folder = tmp_path / "parts"
    folder.mkdir()
    for number, text in enumerate(texts):
        (folder / f"part{number}.csv").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("second, message", [
    ("a,b,kind\n1,2,x\n3,4\n", "part1.csv, line 3: 2 field(s), but the header has 3"),
    ('a,b,kind\n1,2,x\n\n3,"4",y,z\n', "part1.csv, line 4: 4 field(s), but the header has 3"),
    ('a,b,kind\n1,2,x\n3,"4,y\n5,6,x\n',  # the quote runs to the end: as in memory
     "part1.csv, line 3: 2 field(s), but the header has 3"),
    ("b,a,kind\n1,2,x\n", "part1.csv, line 1: has the columns 'b, a, kind', but "),
    ("\n \nc,b,kind\n1,2,x\n", "part1.csv, line 3: has the new column 'c', but "),
    ("d,c,kind\n1,2,x\n", "part1.csv, line 1: has the new column 'd', but "),
])
def test_a_later_file_is_checked_as_the_first_one(tmp_path, capsys, second, message):
    folder = folder_of(tmp_path, "a,b,kind\n1,2,x\n3,4,y\n", second)
    code, out, err = run(capsys, "train", folder, "--target", "kind", "-o",
                         tmp_path / "m.glassnet")
    assert (code, out) == (65, "") and err.startswith(f"error: {folder / message}"), err
    assert len(err.splitlines()) == 1 and not (tmp_path / "m.glassnet").exists()


def test_a_first_file_without_rows_leaves_the_rows_of_the_others(tmp_path, capsys):
    folder = folder_of(tmp_path, "a,kind\n", "a,kind\n1.5,x\n2.5,y\n", "a,kind\n\n",
                       "a,kind\n3.5,x\n")
    source = CsvChunks(str(folder), 10)
    assert [chunk.frame["a"].tolist() for chunk in source.chunks()] == [["1.5", "2.5"],
                                                                         ["3.5"]]
    assert source.rows == 3 and source.text == ["a", "kind"]  # no sample: all read as text
    (folder / "part2.csv").unlink()
    (folder / "part3.csv").unlink()
    two = CsvChunks(str(folder), 10)  # one file without rows, then one with
    assert [chunk.frame["a"].tolist() for chunk in two.chunks()] == [["1.5", "2.5"]]
    empty = tmp_path / "empty"
    empty.mkdir()
    for name in ("one.csv", "two.csv"):
        (empty / name).write_text("a,kind\n\n")
    with pytest.raises(CommandError, match=f"^{empty}: has column names but no data rows$"):
        list(CsvChunks(str(empty), 10).chunks())


def test_later_passes_read_the_same_pieces_in_any_order(tmp_path):
    data = write_csv(tmp_path / "rows.csv", ["a", "b", "kind"],
                     [(index, index * 0.5, "xy"[index % 2]) for index in range(23)])
    source = CsvChunks(data, 5)
    assert (source.rows, source.pieces) == (0, None)  # counted by the first pass
    first = [(chunk.key, chunk.frame["a"].tolist()) for chunk in source.chunks()]
    assert [key for key, _ in first] == [0, 1, 2, 3, 4] and source.rows == 23
    assert first[4] == (4, [20, 21, 22])
    assert [(chunk.key, chunk.frame["a"].tolist()) for chunk in source.chunks()] == first
    shuffled = [(chunk.key, chunk.frame["a"].tolist())
                for chunk in source.chunks(np.random.default_rng(3))]
    assert sorted(shuffled) == first and shuffled != first
    tables = list(source.tables())
    assert [table.frame["a"].tolist() for table in tables] == [values for _, values in first]
    assert tables[1].where(2, "b") == f"{data}, line 9, column 'b'"
    assert source.chunk_rows == 5 and source.notes == []


def test_the_first_mib_of_the_first_file_decides_the_text_columns(tmp_path):
    """Rows past the first MiB do not make a number column text, and the sample ends at the
    last whole line of that MiB (a row cut in half there is not read as a short row)."""
    row = "12345.678,{},word\n"
    rows = (1 << 20) // len(row.format(1.5)) + 2000
    lines = ["a,b,c\n"] + [row.format(index % 10 + 0.5) for index in range(rows)]
    lines[-5] = "1.0,many,word\n"
    path = tmp_path / "large.csv"
    path.write_text("".join(lines), encoding="utf-8")
    assert (1 << 20) % len(row.format(1.5)) and path.stat().st_size > 1.01 * (1 << 20)
    source = CsvChunks(str(path), 1000)
    assert source.text == ["c"]
    assert source.text_columns([["1", "2", "x"]], {"a"}) == ["a", "c"]
    frames = [chunk.frame for chunk in source.chunks()]
    assert sum(len(frame) for frame in frames) == rows == source.rows
    assert frames[0]["b"].dtype.kind == "f" and frames[-1]["b"].tolist()[-5] == "many"


def test_a_file_without_a_final_line_break_has_its_last_row(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("a, b\n 1.5 ,  x y ")
    source = CsvChunks(str(path), 10)
    (chunk,) = list(source.chunks())
    assert chunk.frame.to_dict("list") == {"a": [1.5], "b": ["x y"]} and source.text == ["b"]


def test_given_separator_and_decimal_leave_no_notes(tmp_path):
    path = tmp_path / "commas.csv"
    path.write_text("a;b\n1,5;x\n2,5;y\n")
    assert CsvChunks(str(path), 10).notes == ["semicolon-separated (detected; --sep sets it)",
                                              "decimal commas (detected; --decimal sets it)"]
    assert CsvChunks(str(path), 10, separator=";").notes == [
        "decimal commas (detected; --decimal sets it)"]
    given = CsvChunks(str(path), 10, separator=";", decimal=",")
    assert given.notes == [] and next(given.chunks()).frame["a"].tolist() == [1.5, 2.5]
    points = CsvChunks(str(path), 10, decimal=".")
    assert points.notes == ["semicolon-separated (detected; --sep sets it)"]
    assert next(points.chunks()).frame["a"].tolist() == ["1,5", "2,5"]
    path.write_text("a;b\n1.5;x\n2.5;y\n")  # semicolons with decimal points: no comma noted
    detected = CsvChunks(str(path), 10)
    assert detected.notes == ["semicolon-separated (detected; --sep sets it)"]
    assert next(detected.chunks()).frame["a"].tolist() == [1.5, 2.5]
    path.write_text("a,b\n1.5,x\n")
    assert CsvChunks(str(path), 10).notes == []


@pytest.mark.parametrize("block_bytes", [1, 5, 64])
def test_pieces_do_not_depend_on_how_much_is_read_at_a_time(tmp_path, monkeypatch,
                                                            block_bytes):
    from glassnet.cli import csv_chunks

    path = tmp_path / "rows.csv"
    path.write_text('a,note,kind\n1,"x\ny",p\n\n2,plain,q\n3,"a,b",p\n4,z,q\n5,"",p\n6,w,q',
                    encoding="utf-8")

    def read(chunk_rows):
        source = CsvChunks(str(path), chunk_rows)
        first = [(chunk.frame.to_dict("list"), [chunk.where(row) for row in
                                                 range(len(chunk.frame))])
                 for chunk in source.chunks()]
        return first, [(piece.start, piece.length, piece.line) for piece in source.pieces]

    expected = {rows: read(rows) for rows in (1, 2, 4)}
    monkeypatch.setattr(csv_chunks, "BLOCK_BYTES", block_bytes)
    for rows, result in expected.items():
        assert read(rows) == result
    frames, pieces = expected[2]
    # chunk_rows counts lines, the blank one too (a quoted line break is not a new line)
    assert [frame["a"] for frame, _ in frames] == [[1], [2, 3], [4, 5], [6]]
    assert [lines for _, lines in frames[:2]] == [[f"{path}, line 2"],
                                                 [f"{path}, line 5", f"{path}, line 6"]]
    assert pieces == [(12, 11, 2), (23, 20, 5), (43, 13, 7), (56, 5, 9)]


def test_only_the_missing_spellings_given_are_missing(tmp_path):
    """pandas' own missing-value words (n/a, #NA, -nan) are text here, as in memory; the
    spellings given (the defaults, or --missing) are missing."""
    path = tmp_path / "gaps.csv"
    path.write_text("a,b,kind\n1.5,n/a,p\n2.5,#NA,q\nNA,-nan,p\n?,4,q\n", encoding="utf-8")
    source = CsvChunks(str(path), 10, missing=["NA", "?"])
    assert source.text == ["b", "kind"]
    (chunk,) = list(source.chunks())
    assert chunk.frame["b"].tolist() == ["n/a", "#NA", "-nan", "4"]
    assert np.isnan(chunk.frame["a"].to_numpy()[2:]).all()
    assert chunk.frame["a"].tolist()[:2] == [1.5, 2.5]
    words = CsvChunks(str(path), 10, missing=["?"])
    assert words.text == ["a", "b", "kind"]
    assert next(words.chunks()).frame["a"].tolist()[2] == "NA"


def test_a_later_file_with_long_column_names_in_another_order_is_named_in_120_characters(
        tmp_path, capsys):
    names = [f"{word}_{'x' * 40}" for word in ("alpha", "beta", "gamma")]
    folder = folder_of(tmp_path, ",".join(names) + "\n1,2,3\n",
                       ",".join(names[::-1]) + "\n1,2,3\n")
    with pytest.raises(CommandError) as caught:
        list(CsvChunks(str(folder), 10).chunks())
    cut = [repr(", ".join(order))[:117] + "..." for order in (names[::-1], names)]
    assert str(caught.value) == (f"{folder / 'part1.csv'}, line 1: has the columns {cut[0]}, "
                                 f"but {folder / 'part0.csv'} has {cut[1]}")
    assert all(len(text) == 120 for text in cut)
