"""The chunked reader of --stream (cli/csv_chunks.py) against the in-memory one: blank lines
before the header do not shift the rows; a file without rows is named even when a folder or a
pattern named it."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import run, train_lights


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
