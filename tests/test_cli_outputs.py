"""What the commands write (cli/outputs.py, cli/main.py's exit codes for standard output):
an output that is an input or another output is refused before any work, only regular
files are replaced, ``-o -`` is standard output, pictures take the format of their name,
and a failing standard output ends with the documented exit code."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys

import pytest
from cli_helpers import classification_csv, run, train_lights, write_csv

from glassnet.cli import main


@pytest.fixture
def lights(tmp_path, capsys):
    """(data path, model path) of a small model trained on the lights file."""
    return train_lights(tmp_path, capsys)


def snapshot(*paths):
    return [open(path, "rb").read() for path in paths]


@pytest.mark.parametrize("spelling", ["same", "hard link", "symlink", "other spelling"])
def test_train_refuses_to_overwrite_its_data(tmp_path, capsys, monkeypatch, spelling):
    data = classification_csv(tmp_path / "d.csv", rows=30)
    output = {"same": data, "hard link": tmp_path / "hard.csv",
              "symlink": tmp_path / "soft.csv", "other spelling": "sub/../d.csv"}[spelling]
    os.link(data, tmp_path / "hard.csv")
    os.symlink(data, tmp_path / "soft.csv")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path)
    before = snapshot(data)
    code, out, err = run(capsys, "train", data, "--target", "species", "-o", output)
    assert code == 2 and out == ""
    assert "-o" in err and "is the same file as DATA.csv" in err
    assert snapshot(data) == before and os.path.islink(tmp_path / "soft.csv")


def test_train_refuses_a_plot_over_its_model(tmp_path, capsys):
    data = classification_csv(tmp_path / "d.csv", rows=30)
    model = tmp_path / "m.png"
    code, out, err = run(capsys, "train", data, "--target", "species", "-o", model,
                         "--plot", model)
    assert code == 2 and "--plot" in err and "is the same file as -o" in err
    assert not model.exists() and out == ""


def test_plot_and_predict_refuse_to_overwrite_their_inputs(lights, tmp_path, capsys):
    data, model = lights
    os.link(model, tmp_path / "alias.glassnet")
    before = snapshot(data, model)
    cases = [("plot", model, "-o", tmp_path / "alias.glassnet"),
             ("plot", model, "--data", data, "-o", data),
             ("predict", model, data, "-o", data),
             ("predict", model, data, "-o", model)]
    for argv in cases:
        code, out, err = run(capsys, *argv)
        assert code == 2 and "is the same file as" in err and out == "", argv
    assert snapshot(data, model) == before


def test_an_empty_output_name_is_refused_before_work(lights, tmp_path, capsys):
    data, model = lights
    cases = [("train", data, "--target", "action", "-o", "", "--epochs", "2"),
             ("train", data, "--target", "action", "-o", tmp_path / "m.glassnet", "--plot",
              ""),
             ("train", data, "--target", "action", "-o", "", "--stream"),
             ("predict", model, data, "-o", "")]
    for argv in cases:
        option = argv[argv.index("") - 1]
        assert run(capsys, *argv) == (2, "", f"{option}: the file name is empty\n"), argv
    assert not (tmp_path / "m.glassnet").exists()


def test_predict_dash_is_standard_output(lights, capsys):
    data, model = lights
    default = run(capsys, "predict", model, data)
    dash = run(capsys, "predict", model, data, "-o", "-")
    assert dash == default and dash[0] == 0 and dash[1].startswith("action\n")
    assert not os.path.exists("-")


def test_outputs_are_never_turned_into_something_else(lights, tmp_path, capsys):
    data, model = lights
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    (tmp_path / "real.csv").write_text("keep\n")
    os.symlink(tmp_path / "real.csv", tmp_path / "link.csv")
    os.symlink(fifo, tmp_path / "link.png")
    for argv in [("train", data, "--target", "action", "-o", fifo),
                 ("predict", model, data, "-o", fifo),
                 ("predict", model, data, "-o", tmp_path / "link.csv"),
                 ("plot", model, "-o", tmp_path / "link.png")]:
        code, out, err = run(capsys, *argv)
        assert code == 73 and ("FIFO" in err or "symbolic link" in err), (argv, err)
        assert out == ""
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert (tmp_path / "real.csv").read_text() == "keep\n"
    code, _, err = run(capsys, "train", data, "--target", "action", "-o", "-")
    assert code == 2 and "not to standard output" in err


def test_a_prediction_file_keeps_its_permission_bits(lights, tmp_path, capsys):
    data, model = lights
    output = tmp_path / "out.csv"
    output.write_text("old\n")
    output.chmod(0o640)
    assert run(capsys, "predict", model, data, "-o", output)[0] == 0
    assert stat.S_IMODE(output.stat().st_mode) == 0o640
    assert output.read_text().startswith("action\n")
    assert sorted(os.listdir(tmp_path)) == ["lights.csv", "lights.glassnet", "out.csv"]


@pytest.mark.parametrize("name, magic", [("c.png", b"\x89PNG"), ("c.svg", b"<?xml"),
                                         ("c.PDF", b"%PDF")])
def test_a_picture_is_written_in_the_format_its_name_asks_for(lights, tmp_path, capsys, name,
                                                              magic):
    pytest.importorskip("matplotlib")
    _, model = lights
    code, out, err = run(capsys, "plot", model, "-o", tmp_path / name)
    assert code == 0, err
    assert (tmp_path / name).read_bytes().startswith(magic)


def test_a_picture_name_without_a_known_format_is_refused_before_work(lights, tmp_path, capsys):
    data, model = lights
    for argv in [("plot", model, "-o", tmp_path / "c.jpg"),
                 ("train", data, "--target", "action", "-o", tmp_path / "m.glassnet",
                  "--plot", tmp_path / "curve")]:
        code, out, err = run(capsys, *argv)
        assert code == 2 and "must end in .png, .svg, .pdf" in err and out == "", argv
    assert not (tmp_path / "m.glassnet").exists() and not (tmp_path / "c.jpg").exists()


class FullDisk:
    """A standard output on a full disk."""

    def write(self, text):
        raise OSError(errno.ENOSPC, "No space left on device")

    def flush(self):
        pass


def test_a_full_standard_output_is_exit_73(lights, monkeypatch, capsys):
    data, model = lights
    monkeypatch.setattr(sys, "stdout", FullDisk())
    for argv in (["predict", model, data], ["inspect", model]):
        assert main([str(item) for item in argv]) == 73
        assert "error: cannot write the output (No space left on device)" in \
            capsys.readouterr().err


def test_a_closed_pipe_is_exit_141_without_a_traceback(lights):
    data, model = lights
    reader, writer = os.pipe()
    os.close(reader)  # the reader has gone before anything is written
    try:
        finished = subprocess.run([sys.executable, "-c", "import sys; from glassnet.cli "
                                   "import main; sys.exit(main())", "predict", str(model),
                                   data], stdout=writer, stderr=subprocess.PIPE, text=True,
                                  timeout=120)
    finally:
        os.close(writer)
    assert finished.returncode == 141
    assert finished.stderr == ""


def test_two_inputs_may_be_one_file(tmp_path, capsys):
    data = write_csv(tmp_path / "d.csv", ["a", "y"], [(1, 2)])
    from glassnet.cli.outputs import check_distinct

    check_distinct([("MODEL", data), ("--data", data)], [("-o", tmp_path / "new.png")])


def test_a_standard_output_without_bytes_gets_the_streamed_predictions(lights, capsys):
    """sys.stdout replaced by a text-only stream (an IDE, a notebook, a test): predict
    --stream writes the same text into it as predict without --stream."""
    import contextlib
    import io

    data, model = lights
    code, expected, _ = run(capsys, "predict", model, data)
    with contextlib.redirect_stdout(io.StringIO()) as text:
        assert main(["predict", str(model), data, "--stream"]) == 0
    assert code == 0 and text.getvalue() == expected and expected.startswith("action\n")


def test_a_picture_that_cannot_be_written_is_one_line_naming_the_reason(lights, tmp_path,
                                                                       capsys, monkeypatch):
    data, model = lights
    picture = tmp_path / "p.png"

    def full_disk(model, path, points=None, targets=None):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr("glassnet.plotting.save_figure", full_disk)
    code, out, err = run(capsys, "plot", model, "-o", picture)
    assert (code, out, err.strip()) == (73, "", f"error: {picture}: cannot write (No space left "
                                                f"on device)")


def test_an_output_in_a_read_only_folder_is_exit_73_before_any_work(lights, tmp_path, capsys,
                                                                   monkeypatch):
    data, model = lights
    folder = tmp_path / "read-only"
    folder.mkdir()
    real_access = os.access  # the tests may run as root, who may write anywhere

    def access(path, mode, **keywords):
        if os.fspath(path) == str(folder) and mode & os.W_OK:
            return False
        return real_access(path, mode, **keywords)

    monkeypatch.setattr(os, "access", access)
    for argv in [("predict", model, data, "-o", folder / "p.csv"),
                 ("train", data, "--target", "action", "-o", folder / "m.glassnet")]:
        code, out, err = run(capsys, *argv)
        assert (code, out) == (73, ""), argv
        assert err == (f"error: {argv[-1]}: cannot write there (folder {folder} is missing or "
                       f"read-only)\n")
    assert os.listdir(folder) == []
    assert run(capsys, "predict", model, data, "-o", tmp_path / "p.csv")[0] == 0


def test_an_output_in_a_missing_folder_is_exit_73(lights, tmp_path, capsys):
    data, model = lights
    output = tmp_path / "no" / "p.csv"
    code, out, err = run(capsys, "predict", model, data, "-o", output)
    assert (code, out) == (73, "")
    assert err == (f"error: {output}: cannot write there (folder {tmp_path / 'no'} is missing "
                   f"or read-only)\n")


def test_a_prediction_file_that_cannot_be_written_is_exit_73_naming_the_reason(
        lights, tmp_path, capsys, monkeypatch):
    data, model = lights

    def full_disk(path, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("glassnet.cli.outputs.write_atomically", full_disk)
    output = tmp_path / "p.csv"
    code, out, err = run(capsys, "predict", model, data, "-o", output)
    assert (code, out) == (73, "")
    assert err == f"error: {output}: cannot write (No space left on device)\n"


def test_a_picture_without_matplotlib_is_exit_1_with_the_install_hint(lights, tmp_path,
                                                                      capsys, monkeypatch):
    _, model = lights
    for name in ("matplotlib", "matplotlib.backends.backend_agg", "matplotlib.figure"):
        monkeypatch.setitem(sys.modules, name, None)  # `import` raises ImportError
    code, out, err = run(capsys, "plot", model, "-o", tmp_path / "p.png")
    assert (code, out) == (1, "")
    assert err == 'error: plots need matplotlib: pip install "glassnet[plot]"\n'
    assert not (tmp_path / "p.png").exists()


class FailingOutput:
    """A standard output whose writes fail with ``code``."""

    def __init__(self, code):
        self.code = code

    def write(self, text):
        raise OSError(self.code, os.strerror(self.code))

    def flush(self):
        pass


@pytest.mark.parametrize("code", [errno.EDQUOT, errno.EFBIG, errno.EIO])
def test_every_kind_of_full_disk_is_exit_73(lights, monkeypatch, capsys, code):
    _, model = lights
    monkeypatch.setattr(sys, "stdout", FailingOutput(code))
    assert main(["inspect", str(model)]) == 73
    assert capsys.readouterr().err == (f"error: cannot write the output "
                                       f"({os.strerror(code)})\n")


def test_another_failure_of_standard_output_is_an_unexpected_error(lights, monkeypatch,
                                                                   capsys):
    _, model = lights
    monkeypatch.setattr(sys, "stdout", FailingOutput(errno.EACCES))
    assert main(["inspect", str(model)]) == 1
    assert capsys.readouterr().err == (f"error: PermissionError: [Errno {errno.EACCES}] "
                                       f"Permission denied (run with --debug for details)\n")


class ClosedFullDisk(FullDisk):
    """A full standard output that has no file descriptor any more (closed)."""

    def fileno(self):
        raise ValueError("I/O operation on closed file")


def test_a_full_standard_output_without_a_descriptor_is_still_exit_73(lights, monkeypatch,
                                                                      capsys):
    _, model = lights
    monkeypatch.setattr(sys, "stdout", ClosedFullDisk())
    assert main(["inspect", str(model)]) == 73
    assert capsys.readouterr().err == ("error: cannot write the output (No space left on "
                                       "device)\n")


def test_an_output_that_is_an_input_is_refused_naming_both(lights, capsys):
    data, model = lights
    code, out, err = run(capsys, "predict", model, data, "-o", data)
    assert (code, out) == (2, "")
    assert err == (f"-o {data} is the same file as DATA.csv {data}; it would be "
                   f"overwritten: choose another name\n")
