"""``--accelerator numba`` on ``train``, ``demo`` and ``think`` (cli/acceleration.py): the
compiled steps run, the model is the numpy one bit for bit (in memory, streamed, on Dask),
the setting lasts only the run, and a missing numba, an unknown name or L-BFGS is one line
and an exit code."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from cli_helpers import classification_csv, regression_csv, run

from glassnet import load
from glassnet.accelerator import get_accelerator, set_accelerator

pytest.importorskip("numba")  # in the test extra; the missing-numba case is simulated below

from glassnet import compiled_steps  # noqa: E402

LOOPS = ("adam_loop", "plain_loop")


@pytest.fixture
def compiled_calls(monkeypatch):
    """The names of the compiled loops run, one entry per call (numpy's steps add none)."""
    calls = []
    for name in LOOPS:
        monkeypatch.setattr(compiled_steps, name, counted(getattr(compiled_steps, name),
                                                          name, calls))
    yield calls
    set_accelerator(None)  # even if a failed test left it set


def counted(loop, name: str, calls: list):
    def run_loop(*arguments):
        calls.append(name)
        loop(*arguments)
    return run_loop


def train_twice(tmp_path, capsys, data, *options):
    """Train on ``data`` without and with --accelerator numba: ((out, model) numpy, numba)."""
    results = []
    for accelerator in ([], ["--accelerator", "numba"]):
        model = tmp_path / f"model{len(results)}.glassnet"
        code, out, err = run(capsys, "train", data, *options, "-o", model, *accelerator)
        assert code == 0, err
        assert get_accelerator() is None
        results.append((out, load(model)))
    return results


def assert_same_models(first, second) -> None:
    parameters, others = first.network.parameters(), second.network.parameters()
    assert list(parameters) == list(others)
    for name, values in parameters.items():
        np.testing.assert_array_equal(others[name], values, err_msg=name)
    np.testing.assert_array_equal(second.history["loss"], first.history["loss"])


@pytest.mark.parametrize("optimizer, loop", [("adam", "adam_loop"), ("sgd", "plain_loop")])
def test_train_with_the_accelerator_saves_the_numpy_weights(optimizer, loop, tmp_path, capsys,
                                                            compiled_calls):
    data = classification_csv(tmp_path / "species.csv", rows=60)
    (plain_out, plain), (fast_out, fast) = train_twice(
        tmp_path, capsys, data, "--target", "species", "--epochs", "6", "--hidden", "8",
        "--optimizer", optimizer, "--learning-rate", "0.05")
    assert set(compiled_calls) == {loop}  # only the accelerated run called a compiled loop
    assert_same_models(plain, fast)
    plain_lines, fast_lines = plain_out.splitlines(), fast_out.splitlines()
    start = next(index for index, line in enumerate(fast_lines) if line.startswith("Training:"))
    assert fast_lines[start] == plain_lines[start] + ", accelerator numba"
    assert "accelerator" not in plain_out


def test_streamed_training_with_the_accelerator_saves_the_numpy_weights(tmp_path, capsys,
                                                                         compiled_calls):
    data = regression_csv(tmp_path / "prices.csv", rows=90)
    (plain_out, plain), (fast_out, fast) = train_twice(
        tmp_path, capsys, data, "--target", "price", "--epochs", "4", "--hidden", "8",
        "--chunk-rows", "25", "--batch-size", "16")
    assert compiled_calls and set(compiled_calls) == {"adam_loop"}
    assert_same_models(plain, fast)
    assert "seed 0, accelerator numba\n" in fast_out and "accelerator" not in plain_out


def test_the_setting_lasts_only_the_run_even_when_the_run_fails(tmp_path, capsys,
                                                                 compiled_calls):
    data = classification_csv(tmp_path / "species.csv", rows=30)
    code, out, err = run(capsys, "train", data, "--target", "colour", "--accelerator", "numba")
    assert code == 2 and "no column 'colour' for --target" in err
    assert get_accelerator() is None
    code, _, err = run(capsys, "train", data, "--target", "species", "--seed", "-1",
                       "--accelerator", "numba")
    assert code == 2 and "--seed must be >= 0" in err and get_accelerator() is None
    # a program that set the accelerator itself gets it back; the run without the flag is numpy
    set_accelerator("numba")
    code, _, err = run(capsys, "train", data, "--target", "species", "--epochs", "2",
                       "-o", tmp_path / "m.glassnet")
    assert code == 0, err
    assert compiled_calls == [] and get_accelerator() == "numba"


@pytest.mark.parametrize("command", [["train", "DATA", "--target", "species"],
                                     ["demo", "--hidden", "4"], ["think", "1", "0", "0"]])
def test_without_numba_the_command_stops_in_one_line_naming_the_install(command, tmp_path,
                                                                        capsys, monkeypatch):
    data = classification_csv(tmp_path / "species.csv", rows=30)
    monkeypatch.setitem(sys.modules, "numba", None)  # `import numba` raises ImportError
    monkeypatch.delitem(sys.modules, "glassnet.compiled_steps")  # so it is imported again
    model = tmp_path / "m.glassnet"
    argv = [data if item == "DATA" else item for item in command]
    code, out, err = run(capsys, *argv, "--accelerator", "numba",
                         *(["-o", model] if command[0] == "train" else []))
    assert (code, out) == (1, "")  # stopped before any work
    assert err.startswith("error: --accelerator numba needs numba (")
    assert err.endswith('): pip install "glassnet[fast]"\n')
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert not model.exists() and get_accelerator() is None


@pytest.mark.parametrize("command", [["train", "DATA.csv", "--target", "y"], ["demo"]])
def test_an_unknown_accelerator_is_a_usage_error_naming_the_choice(command, capsys):
    code, out, err = run(capsys, *command, "--accelerator", "cuda")
    assert (code, out) == (2, "") and len(err.splitlines()) == 1
    assert "--accelerator: invalid choice: 'cuda'" in err and "numba" in err
    assert get_accelerator() is None


@pytest.mark.parametrize("command", [["demo", "--hidden", "4,3"], ["think", "1", "0", "0"],
                                     ["demo", "--hidden", "3", "--explain", "2"]])
def test_the_tutorial_commands_print_the_same_numbers_with_the_accelerator(command, capsys,
                                                                           compiled_calls):
    options = [*command, "--iterations", "40"]
    plain = run(capsys, *options)
    calls_before = len(compiled_calls)
    fast = run(capsys, *options, "--accelerator", "numba")
    assert plain[0] == 0 and fast == plain
    if "--hidden" in command:  # fit's flat steps: the compiled loop ran
        assert calls_before == 0 and set(compiled_calls) == {"plain_loop"}
    assert get_accelerator() is None


@pytest.mark.parametrize("command", ["train", "demo", "think"])
def test_the_help_names_the_flag_and_the_extra(command, capsys):
    with pytest.raises(SystemExit):
        run(capsys, command, "--help")
    shown = " ".join(capsys.readouterr().out.split())
    assert "--accelerator {numba}" in shown and 'pip install "glassnet[fast]"' in shown
    assert "(default: numpy)" in shown


def test_the_steps_of_dask_minibatch_run_here_compiled_with_the_same_weights(
        tmp_path, tmp_path_factory, capsys, compiled_calls):
    pytest.importorskip("distributed")
    pytest.importorskip("dask.dataframe")
    from dask_helpers import local_client

    data = classification_csv(tmp_path / "species.csv", rows=60)
    with local_client(tmp_path_factory, workers=1) as client:
        (plain_out, plain), (fast_out, fast) = train_twice(
            tmp_path, capsys, data, "--target", "species", "--epochs", "3", "--hidden", "4",
            "--batch-size", "16", "--dask-scheduler", client.scheduler.address,
            "--dask-partitions", "2")
    assert compiled_calls and set(compiled_calls) == {"adam_loop"}
    assert_same_models(plain, fast)
    assert "seed 0, accelerator numba\n" in fast_out and "accelerator" not in plain_out


def test_lbfgs_takes_no_optimizer_steps_and_refuses_the_accelerator(tmp_path, capsys):
    data = classification_csv(tmp_path / "species.csv", rows=30)
    code, out, err = run(capsys, "train", data, "--target", "species", "--solver", "lbfgs",
                         "--dask-workers", "1", "--accelerator", "numba")
    assert (code, out) == (2, "") and err == (
        "--accelerator numba compiles the optimizer's steps, and --solver lbfgs takes none: "
        "drop one of them\n")
    assert get_accelerator() is None
