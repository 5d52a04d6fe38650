"""glassnet train / predict / evaluate with --stream (cli.streaming, cli.csv_chunks): the
same decisions and predictions as in memory, folders and globs, the automatic switch, and
bad input: one line, a non-zero exit, nothing already saved damaged."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from cli_helpers import classification_csv, regression_csv, run, write_csv

from glassnet import load
from glassnet.cli import main, streaming


def mixed_csv(path, rows: int = 400, seed: int = 0) -> str:
    """Numbers with gaps, a category with a rare value, a date; target 'kind'."""
    rng = np.random.default_rng(seed)
    lines = []
    for index in range(rows):
        size = "" if rng.random() < 0.1 else f"{rng.normal(3, 2):.4f}"
        colour = ["red", "green", "blue"][index % 3] if index != 5 else "teal"
        day = f"2022-{1 + index % 12:02d}-{1 + index % 28:02d}"
        kind = "big" if (size and float(size) > 3) or colour == "red" else "small"
        lines.append((size, colour, day, kind))
    return write_csv(path, ["size", "colour", "day", "kind"], lines)


def train(capsys, data, model, *options):
    code, out, err = run(capsys, "train", data, "--target", "kind", "--epochs", "3",
                         "-o", model, *options)
    assert code == 0, err
    return out


def test_streamed_training_decides_as_in_memory(tmp_path, capsys):
    data = mixed_csv(tmp_path / "mixed.csv")
    memory, streamed = tmp_path / "memory.glassnet", tmp_path / "streamed.glassnet"
    out = train(capsys, data, memory, "--validation-split", "0")
    streamed_out = train(capsys, data, streamed, "--validation-split", "0", "--stream",
                         "--chunk-rows", "64")
    assert out.split("Network:")[0] == streamed_out.split("Network:")[0]  # columns, task
    first, second = load(memory), load(streamed)
    assert first.preprocessing.config() == second.preprocessing.config()
    np.testing.assert_allclose(first.network.layers[0].mean, second.network.layers[0].mean,
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(first.network.layers[0].scale,
                               second.network.layers[0].scale, rtol=1e-12)
    assert second.training["streamed"] and second.training["chunk_rows"] == 64


def test_streamed_predictions_and_scores_equal_in_memory_ones(tmp_path, capsys):
    data = classification_csv(tmp_path / "species.csv", rows=300)
    model = tmp_path / "species.glassnet"
    assert run(capsys, "train", data, "--target", "species", "--epochs", "5", "-o",
               model)[0] == 0
    for options in ((), ("--keep-columns",)):
        whole, streamed = tmp_path / "whole.csv", tmp_path / "streamed.csv"
        assert run(capsys, "predict", model, data, "--proba", "-o", whole, *options)[0] == 0
        assert run(capsys, "predict", model, data, "--proba", "-o", streamed, "--stream",
                   "--chunk-rows", "70", *options)[0] == 0
        first, second = (list(csv.reader(path.read_text().splitlines()))
                         for path in (whole, streamed))
        assert len(first) == len(second) == 301
        assert [row[:-3] for row in first] == [row[:-3] for row in second]  # labels
        np.testing.assert_allclose(np.array([row[-3:] for row in first[1:]], float),
                                   np.array([row[-3:] for row in second[1:]], float),
                                   rtol=1e-12, atol=1e-15)
    code, whole_out, _ = run(capsys, "evaluate", model, data)
    code, streamed_out, _ = run(capsys, "evaluate", model, data, "--stream", "--chunk-rows",
                                "33")
    assert code == 0 and streamed_out == whole_out


def test_a_streamed_message_names_the_line_past_blank_lines(tmp_path, capsys):
    data = mixed_csv(tmp_path / "mixed.csv")
    model = tmp_path / "mixed.glassnet"
    train(capsys, data, model, "--validation-split", "0")
    lines = ["size,colour,day,kind", "1.5,red,2022-01-01,big", "", "2.5,blue,2022-01-02,small",
             "", "", "0.5,mauve,2022-01-03,small", "1.0,red,2022-01-04,big"]
    new = tmp_path / "new.csv"
    new.write_text("\n".join(lines) + "\n")
    code, _, err = run(capsys, "predict", model, new, "--stream", "--chunk-rows", "4",
                       "--strict")
    assert code == 65 and "new.csv, line 7, column 'colour'" in err, err


def test_later_passes_take_the_first_pass_validation_rows_and_train_the_same(tmp_path):
    from glassnet.cli.csv_chunks import CsvChunks
    from glassnet.tabular import Settings
    from glassnet.tabular.plan import learn, split
    from glassnet.tabular.streaming import train_plan

    source = CsvChunks(str(mixed_csv(tmp_path / "mixed.csv", rows=300)), 64)
    plan = learn(source.chunks(), "kind", Settings(validation_split=0.25, epochs=2))
    assert sorted(plan.splits) == list(range(len(source.pieces))) == list(range(5))
    for chunk in source.chunks(np.random.default_rng(0)):
        hashed = split(chunk.frame, plan.numeric, 0.25)
        assert np.array_equal(plan.training_mask(chunk, chunk.frame), hashed)
        assert 0 < hashed.sum() < len(hashed)
    kept = train_plan(source, plan).network.parameters()
    plan.splits = {}
    hashed = train_plan(source, plan).network.parameters()
    for name, values in kept.items():
        np.testing.assert_array_equal(values, hashed[name])


def test_a_regression_streams_with_its_scaling(tmp_path, capsys):
    data = regression_csv(tmp_path / "price.csv", rows=300)
    model = tmp_path / "price.glassnet"
    code, out, err = run(capsys, "train", data, "--target", "price", "--epochs", "30",
                         "--stream", "--chunk-rows", "50", "-o", model)
    assert code == 0, err
    assert "Validation (" in out and "R^2" in out
    code, whole, _ = run(capsys, "evaluate", model, data)
    code, streamed, _ = run(capsys, "evaluate", model, data, "--stream")
    numbers = [[float(part.split()[-1]) for part in text.splitlines()[1].split(", ")]
               for text in (whole, streamed)]
    np.testing.assert_allclose(numbers[0], numbers[1], rtol=1e-3)
    assert load(model).training["validation"]["r2"] > 0.9


def test_a_folder_or_a_glob_of_files_streams(tmp_path, capsys):
    folder = tmp_path / "parts"
    folder.mkdir()
    for part in range(3):
        mixed_csv(folder / f"part{part}.csv", rows=120, seed=part)
    model = tmp_path / "model.glassnet"
    out = train(capsys, folder, model)
    assert "Read " in out and "360 rows" in out
    out = train(capsys, str(folder / "part*.csv"), model)
    assert "360 rows" in out
    code, out, err = run(capsys, "predict", model, str(folder / "part[01].csv"))
    assert code == 0 and len(out.splitlines()) == 241


def test_a_file_larger_than_its_share_of_memory_streams_by_itself(tmp_path, capsys,
                                                                  monkeypatch):
    data = mixed_csv(tmp_path / "mixed.csv")
    monkeypatch.setattr(streaming, "available_memory", lambda: 1000)
    model = tmp_path / "model.glassnet"
    code, out, err = run(capsys, "train", data, "--target", "kind", "--epochs", "1", "-o",
                         model)
    assert code == 0 and "of the 0.0 GiB of available memory: reading it in chunks" in err
    assert load(model).training["streamed"]


@pytest.mark.parametrize("text, message", [
    ("a,b,kind\n1,2,x\n3,4,y\n5,6,7,x\n7,8,y\n", "line 4: 4 field(s), but the header has 3"),
    ("a,b,kind\n1,2,x\n3,4,y\n5,x\n7,8,y\n", "line 4: 2 field(s), but the header has 3"),
    ("", "the file is empty"),
    ("a,b,kind\n", "has column names but no data rows"),
    ("a,b,kind\n1,2,x\n3,\xff4,y\n".encode("latin-1").decode("latin-1"), None),
])
def test_bad_files_are_refused_in_one_line(tmp_path, capsys, text, message):
    path = tmp_path / "bad.csv"
    if message is None:
        path.write_bytes(b"a,b,kind\n1,2,x\n3,\xff4,y\n")
        message = "line 3: not UTF-8 text (byte 0xff)"
    else:
        path.write_text(text)
    model = tmp_path / "model.glassnet"
    model.write_bytes(b"an older model")
    code, out, err = run(capsys, "train", path, "--target", "kind", "--stream", "-o", model)
    assert code == 65 and message in err and len(err.strip().splitlines()) == 1
    assert model.read_bytes() == b"an older model"


def test_bad_arguments_are_refused_in_one_line(tmp_path, capsys):
    data = mixed_csv(tmp_path / "mixed.csv")
    code, _, err = run(capsys, "train", str(tmp_path / "none*.csv"), "--target", "kind")
    assert code == 66 and "matches no file" in err
    code, _, err = run(capsys, "train", data, "--target", "kind", "--stream", "-o", data)
    assert code == 2 and "is the same file as" in err
    other = write_csv(tmp_path / "other.csv", ["size", "colour", "day", "kind", "extra"],
                      [("1", "red", "2022-01-01", "big", "1")])
    code, _, err = run(capsys, "train", str(tmp_path / "*.csv"), "--target", "kind", "-o",
                       tmp_path / "m.glassnet")
    assert code == 65 and "has the new column 'extra'" in err and other in err


def test_a_bad_line_late_in_the_file_leaves_the_old_predictions(tmp_path, capsys):
    data = classification_csv(tmp_path / "species.csv", rows=200)
    model = tmp_path / "species.glassnet"
    assert run(capsys, "train", data, "--target", "species", "--epochs", "2", "-o",
               model)[0] == 0
    with open(data, "a") as file:
        file.write("1.0,2.0,left,surplus\n")
    output = tmp_path / "predictions.csv"
    output.write_text("old predictions\n")
    code, _, err = run(capsys, "predict", model, data, "--stream", "--chunk-rows", "50",
                       "-o", output)
    assert code == 65 and "line 202: 4 field(s), but the header has 3" in err
    assert output.read_text() == "old predictions\n"
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []


def test_the_help_of_each_streaming_command_shows_its_options(capsys):
    for command in ("train", "predict", "evaluate"):
        with pytest.raises(SystemExit) as stopped:
            main([command, "--help"])
        assert stopped.value.code == 0
        assert "--stream" in capsys.readouterr().out


@pytest.mark.parametrize("available, streamed", [(None, False), (2000, False), (1999, True)])
def test_a_file_streams_by_itself_only_above_its_share_of_memory(tmp_path, capsys,
                                                                 monkeypatch, available,
                                                                 streamed):
    data = tmp_path / "hundred.csv"
    data.write_text("a,kind\n" + "1.5,x\n2.5,y\n" * 7 + "123456,y\n")
    assert data.stat().st_size == 100  # 5 % of 2000 bytes
    monkeypatch.setattr(streaming, "available_memory", lambda: available)
    model = tmp_path / "m.glassnet"
    code, _, err = run(capsys, "train", data, "--target", "kind", "--epochs", "1", "-o", model)
    assert code == 0, err
    note = (f"note: {data} is 0.0 GiB, more than 5% of the 0.0 GiB of available memory: "
            f"reading it in chunks of 10000 rows (--chunk-rows sets the size)\n")
    assert (note in err) == streamed
    assert load(model).training.get("streamed", False) == streamed
    if streamed:
        assert load(model).training["chunk_rows"] == 10_000


def test_available_memory_falls_back_to_the_page_counts_then_none(monkeypatch):
    import io
    import os

    first = streaming.available_memory()
    assert isinstance(first, int) and first > 0

    def unreadable(*arguments, **keywords):
        raise OSError("no /proc here")

    monkeypatch.setattr(streaming, "open", unreadable, raising=False)
    pages = {"SC_AVPHYS_PAGES": 3, "SC_PAGE_SIZE": 4096}
    monkeypatch.setattr(os, "sysconf", lambda name: pages[name])
    assert streaming.available_memory() == 3 * 4096

    for meminfo in ("MemAvailable: plenty kB\n", "MemAvailable:\n"):  # not a number, none
        monkeypatch.setattr(streaming, "open", lambda *_, text=meminfo: io.StringIO(text),
                            raising=False)
        assert streaming.available_memory() == 3 * 4096

    for error in (ValueError("unrecognized configuration name"), OSError("no such name")):
        def unknown(name, error=error):
            raise error

        monkeypatch.setattr(os, "sysconf", unknown)
        assert streaming.available_memory() is None
    monkeypatch.delattr(os, "sysconf")  # as on Windows
    assert streaming.available_memory() is None


def test_streamed_evaluate_counts_the_rows_without_a_target_as_in_memory(tmp_path, capsys):
    data = tmp_path / "species.csv"
    classification_csv(data, rows=90)
    model = tmp_path / "species.glassnet"
    assert run(capsys, "train", data, "--target", "species", "--epochs", "2", "-o",
               model)[0] == 0
    lines = data.read_text().splitlines()
    for row in (3, 40, 41):
        lines[row] = lines[row].rsplit(",", 1)[0] + ","
    data.write_text("\n".join(lines) + "\n")
    code, whole, err = run(capsys, "evaluate", model, data)
    assert code == 0, err
    assert whole.startswith(f"87 rows of {data} (3 without a 'species' left out), target "
                            f"'species':\naccuracy ")
    for chunk_rows in ("1", "40", "1000"):
        assert run(capsys, "evaluate", model, data, "--chunk-rows", chunk_rows) == (0, whole, "")


def test_streamed_training_that_diverges_writes_nothing(tmp_path, capsys):
    data = regression_csv(tmp_path / "price.csv", rows=100)
    model = tmp_path / "price.glassnet"
    model.write_bytes(b"an older model")
    code, out, err = run(capsys, "train", data, "--target", "price", "--stream",
                         "--learning-rate", "1e300", "--optimizer", "sgd", "--epochs", "5",
                         "-o", model)
    assert code == 65 and err.startswith("error: training diverged (") and "Traceback" not in err
    assert err.endswith(f"); try a smaller --learning-rate; {model} was not written\n")
    assert model.read_bytes() == b"an older model"


def test_a_streamed_table_error_names_the_file(tmp_path, capsys):
    data = write_csv(tmp_path / "unlabelled.csv", ["a", "kind"], [(1, ""), (2, ""), (3, "")])
    code, out, err = run(capsys, "train", data, "--target", "kind", "--stream", "-o",
                         tmp_path / "m.glassnet")
    whole = run(capsys, "train", data, "--target", "kind", "-o", tmp_path / "m.glassnet")
    assert code == whole[0] == 65 and err.startswith(f"error: {data}: ") and "kind" in err
    assert not (tmp_path / "m.glassnet").exists()


def test_small_chunks_without_held_out_rows_train(tmp_path, capsys):
    """Chunks of 2 rows: most hold no validation row, and still the held-out rows of the
    others are scored."""
    data = classification_csv(tmp_path / "species.csv", rows=60)
    model = tmp_path / "m.glassnet"
    code, out, err = run(capsys, "train", data, "--target", "species", "--epochs", "2",
                         "--chunk-rows", "2", "-o", model)
    assert code == 0, err
    held_out = load(model).training["validation_rows"]
    assert 0 < held_out < 60 and f"Validation ({held_out} rows): accuracy " in out
    assert f"{60 - held_out} training rows, {held_out} validation rows" in out


def test_a_streamed_file_whose_split_holds_out_no_row_trains_on_all(tmp_path, capsys):
    data = tmp_path / "tiny.csv"
    data.write_text("a,kind\n" + "1.5,x\n2.5,y\n" * 7 + "123456,y\n")
    model = tmp_path / "m.glassnet"
    code, out, err = run(capsys, "train", data, "--target", "kind", "--epochs", "3",
                         "--stream", "-o", model)
    assert code == 0, err
    assert "15 training rows, 0 validation rows" in out and "Validation (" not in out
    assert len(load(model).history) == 3


def test_available_memory_reads_memavailable_in_kib(monkeypatch):
    import io

    meminfo = "MemTotal:       16000 kB\nMemFree:    100 kB\nMemAvailable:    2048 kB\n"
    monkeypatch.setattr(streaming, "open", lambda *_: io.StringIO(meminfo), raising=False)
    assert streaming.available_memory() == 2048 * 1024


def test_streamed_evaluate_cuts_long_class_names_as_in_memory(tmp_path, capsys):
    rng = np.random.default_rng(5)
    names = ["a class name of exactly thirty-one", "b class name of exactly thirty-one"]
    rows = [(f"{value:.3f}", names[int(value > 0)]) for value in rng.normal(size=40)]
    data = write_csv(tmp_path / "long.csv", ["x", "kind"], rows)
    model = tmp_path / "m.glassnet"
    assert run(capsys, "train", data, "--target", "kind", "--epochs", "2", "-o", model)[0] == 0
    code, whole, err = run(capsys, "evaluate", model, data)
    assert code == 0, err
    assert "a class name of exactly thi..." in whole and names[0] not in whole
    assert run(capsys, "evaluate", model, data, "--stream") == (0, whole, "")


def test_the_note_gives_the_sizes_in_gib(tmp_path, capsys, monkeypatch):
    import os

    data = mixed_csv(tmp_path / "mixed.csv", rows=60)
    real_size = os.path.getsize
    monkeypatch.setattr(os.path, "getsize",
                        lambda path: 3 * 2**30 if str(path) == data else real_size(path))
    monkeypatch.setattr(streaming, "available_memory", lambda: 50 * 2**30)
    code, _, err = run(capsys, "train", data, "--target", "kind", "--epochs", "1", "-o",
                       tmp_path / "m.glassnet")
    assert code == 0
    assert (f"note: {data} is 3.0 GiB, more than 5% of the 50.0 GiB of available memory: "
            f"reading it in chunks of 10000 rows (--chunk-rows sets the size)\n") in err


@pytest.mark.parametrize("options", [(), ("--stream",)])
def test_the_training_time_reported_is_the_time_it_took(tmp_path, capsys, options):
    import re
    import time

    data = mixed_csv(tmp_path / "mixed.csv", rows=60)
    started = time.perf_counter()
    code, out, err = run(capsys, "train", data, "--target", "kind", "--epochs", "2", "-o",
                         tmp_path / "m.glassnet", *options)
    took = time.perf_counter() - started
    assert code == 0, err
    shown = float(re.search(r"Trained \d+ epoch\(s\) in (\d+\.\d\d) s", out).group(1))
    assert 0 <= shown <= took + 0.01
    assert 0 <= load(tmp_path / "m.glassnet").training["seconds"] <= took + 0.001
