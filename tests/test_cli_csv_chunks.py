"""The chunked reader of --stream (cli/csv_chunks.py) against the in-memory one: blank lines
before the header do not shift the rows; a file without rows is named even when a folder or a
pattern named it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from cli_helpers import run, train_lights

from glassnet.cli.csv_chunks import CsvChunks


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
