"""The binary copy of the parsed chunks (cli/chunk_cache.py) that the epochs of
``train --stream`` read instead of the CSV file: the same frames, dtype for dtype, on awkward
files; the same trained network bit for bit; giving up (disk full, no folder, too little free
space, too many words) falls back to the CSV; the file is removed however training ends."""

from __future__ import annotations

import errno

import numpy as np
import pandas
import pytest
from cli_helpers import run

from glassnet import load
from glassnet.cli import chunk_cache
from glassnet.cli.chunk_cache import ChunkCache
from glassnet.cli.csv_chunks import CsvChunks
from glassnet.column_encoding import MISSING_SPELLINGS
from glassnet.tabular import Settings
from glassnet.tabular.plan import learn
from glassnet.tabular.streaming import train_plan

AWKWARD = {  # name -> (text, reading options)
    "quotes": ('size,note,kind\n1.5,"a, b",x\n2.5,"line\none",y\n,"",x\n4,"say ""hi""",y\n'
               "5.25, padded ,x\n6,NA,y\n7,plain,x\n", {}),
    "decimal commas": ("size;colour;kind\n1,5;red;x\n2,25;;y\n-3,0;blue;x\n4;red;y\n"
                       "NA;green;x\n6,5;blue;y\n", {}),
    "whole numbers with a gap": ("count,flag,kind\n1,True,x\n2,False,y\n3,True,x\n,False,y\n"
                                 "5,True,x\n6,False,y\n7,True,x\n", {}),
    "spellings and words": ("size,colour,kind\n1,red,x\n?,n/a,y\n3, blue ,x\nnull,,y\n"
                            "5,nan,x\n6,None,y\n7,green,x\n", {"missing": ["?", "null"]}),
    "a forced text column": ("code,size,kind\n1,1.5,x\n2,2.5,y\n3,,x\n4,4.5,y\n5,5.5,x\n"
                             "6,6.5,y\n7,7.5,x\n", {"text_columns": ["code"]}),
    "blank lines": ("size,colour,kind\n1,red,x\n\n2,blue,y\n\n\n3,red,x\n4,,y\n5,blue,x\n"
                    "6,red,y\n7,blue,x\n", {}),
}


@pytest.fixture(autouse=True)
def private_temporary_folder(tmp_path, monkeypatch):
    """Temporary files of these tests go to their own folder, which is checked."""
    folder = tmp_path / "temporary"
    folder.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(folder))
    return folder


def passes(path, options, chunk_rows=2):
    """(the first pass's frames, the frames of a later pass in file order, the source)."""
    source = CsvChunks(str(path), chunk_rows, cache=True, **options)
    first = [chunk.frame for chunk in source.chunks()]
    return first, [chunk.frame for chunk in source.chunks()], source


@pytest.mark.parametrize("name", AWKWARD)
def test_a_later_pass_reads_the_same_frames_from_the_copy(tmp_path, name):
    text, options = AWKWARD[name]
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    first, later, source = passes(path, options)
    assert source.cache.usable and source.cache.note is None and len(first) > 1
    for number, (parsed, cached) in enumerate(zip(first, later, strict=True)):
        assert cached is not parsed and source.cache.frame(number) is not None
        assert list(cached.dtypes) == list(parsed.dtypes)
        pandas.testing.assert_frame_equal(cached, parsed, check_exact=True)
    source.close()
    assert not source.cache.usable and list((tmp_path / "temporary").iterdir()) == []


def test_the_words_keep_their_dtype_and_missing_cells(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text(AWKWARD["spellings and words"][0], encoding="utf-8")
    first, later, _ = passes(path, {"missing": ["?", "null", *MISSING_SPELLINGS]}, 3)
    colour = pandas.concat([frame["colour"] for frame in later], ignore_index=True)
    assert colour.isna().tolist() == [False, False, False, True, True, True, False]
    assert colour[0] == "red" and colour[1] == "n/a" and colour[2] == "blue"


def mixed_file(path, rows=600, seed=0):
    rng = np.random.default_rng(seed)
    lines = ["size,colour,count,kind"]
    for index in range(rows):
        size = "NA" if rng.random() < 0.1 else f"{rng.normal(3, 2):.5f}"
        colour = "" if rng.random() < 0.05 else ["red", "green", "blue"][rng.integers(3)]
        kind = "big" if size != "NA" and float(size) > 3 or colour == "red" else "small"
        lines.append(f"{size},{colour},{index % 7},{kind}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def trained(path, cache: bool):
    source = CsvChunks(path, 64, missing=MISSING_SPELLINGS, cache=cache)
    settings = Settings(validation_split=0.2, epochs=3, batch_size=32)
    try:
        plan = learn(source.chunks(), "kind", settings)
        return train_plan(source, plan).network.parameters(), source
    finally:
        source.close()


def test_training_on_the_copy_equals_training_on_the_file_bit_for_bit(tmp_path):
    path = mixed_file(tmp_path / "mixed.csv")
    from_file, _ = trained(path, cache=False)
    from_copy, source = trained(path, cache=True)
    assert source.cache.size > 0 and source.cache.note is None
    for name, values in from_file.items():
        np.testing.assert_array_equal(values, from_copy[name])


def test_a_full_disk_or_no_folder_falls_back_to_the_file(tmp_path, monkeypatch):
    path = mixed_file(tmp_path / "mixed.csv")
    expected, _ = trained(path, cache=False)
    source = CsvChunks(path, 64, cache=True)
    source.cache.writer = FullWriter(source.cache.writer)
    list(source.chunks())
    assert not source.cache.usable and "No space left on device" in source.cache.note
    assert "each epoch parses the CSV again" in source.notes[-1]
    assert list((tmp_path / "temporary").iterdir()) == []
    missing = ChunkCache(10, folder=str(tmp_path / "no such folder"))
    assert missing.writer is None and "No such file or directory" in missing.note
    with monkeypatch.context() as patch:
        patch.setattr(chunk_cache.shutil, "disk_usage", lambda folder: Usage(1000))
        short = ChunkCache(600)
    assert short.writer is None and "less than twice the data" in short.note
    monkeypatch.setattr(chunk_cache, "WORDS_LIMIT", 2)
    crowded, source = trained(path, cache=True)
    assert "more than 2 distinct words" in source.cache.note
    for name, values in expected.items():
        np.testing.assert_array_equal(values, crowded[name])


class FullWriter:
    """A file whose disk is full."""

    def __init__(self, file):
        self.file, self.closed = file, False

    def write(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    def close(self):
        self.closed = True
        self.file.close()


class Usage:
    def __init__(self, free):
        self.free = free


def test_the_command_removes_the_copy_and_records_its_size(tmp_path, capsys):
    path = mixed_file(tmp_path / "mixed.csv")
    model = tmp_path / "model.glassnet"
    code, out, err = run(capsys, "train", path, "--target", "kind", "--stream",
                         "--chunk-rows", "100", "--epochs", "2", "-o", model)
    assert code == 0, err
    assert load(model).training["cache_bytes"] == 600 * (8 + 4 + 8 + 4)  # size colour count kind
    assert list((tmp_path / "temporary").iterdir()) == []
    with open(path, "a") as file:
        file.write("1.0,red,3,big,surplus\n")
    code, out, err = run(capsys, "train", path, "--target", "kind", "--stream",
                         "--chunk-rows", "100", "-o", model)
    assert code == 65 and "line 602: 5 field(s), but the header has 4" in err
    assert list((tmp_path / "temporary").iterdir()) == []
