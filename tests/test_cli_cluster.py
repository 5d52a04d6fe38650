"""glassnet train --dask-scheduler / --dask-workers (cli/cluster.py and cli/cluster_data.py)
on a LocalCluster of two worker processes on 127.0.0.1: the rows the workers encode are the
rows the in-memory command trains on, L-BFGS on the cluster reaches the in-memory minimum,
a killed worker is recovered from, and failures leave any model file untouched."""

from __future__ import annotations

import os
import signal
import socket
import time
from argparse import Namespace
from dataclasses import replace

import numpy as np
import pytest
from cli_helpers import categorical_csv, regression_csv, run, write_csv
from dask_helpers import held_workers, local_client

import glassnet.dask as spread_training
from glassnet import load
from glassnet.cli import cluster_data
from glassnet.cli.errors import CommandError
from glassnet.cli.main import build_parser
from glassnet.cli.tables import read
from glassnet.cli.train import settings_of
from glassnet.solvers import fit_lbfgs
from glassnet.tabular import prepare

pytest.importorskip("distributed")
pytest.importorskip("dask.dataframe")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with local_client(tmp_path_factory) as connected:
        yield connected


def arguments_of(*argv) -> Namespace:
    return build_parser().parse_args(["train", *map(str, argv)])


def messy_csv(path, rows: int = 70) -> str:
    """Semicolons and decimal commas, a missing target, gaps, a category, an ID column."""
    rng = np.random.default_rng(4)
    lines = []
    for row in range(rows):
        size = "" if row % 11 == 3 else f"{rng.uniform(0, 9):.2f}".replace(".", ",")
        colour = rng.choice(["red", "green", "blue", ""])
        target = "" if row == 5 else ("yes" if rng.random() < 0.5 else "no")
        lines.append((f"id{row}", size, colour, f"{rng.normal():.3f}".replace(".", ","), target))
    path.write_text("name;size;colour;noise;answer\n" + "\n".join(";".join(line)
                                                                  for line in lines) + "\n")
    return str(path)


@pytest.mark.parametrize("make, target", [(messy_csv, "answer"), (regression_csv, "price"),
                                          (categorical_csv, "action")])
def test_the_workers_encode_the_rows_the_in_memory_command_trains_on(client, tmp_path, make,
                                                                     target):
    data = make(tmp_path / "table.csv")
    arguments = arguments_of(data, "--target", target, "--dask-partitions", 3)
    settings = settings_of(arguments)
    plan = cluster_data.plan(client, arguments, settings, 60)
    spread = cluster_data.spread(client, plan, settings, 3)
    held_out = replace(settings, cross_validate_below=0)  # the cluster never uses folds
    prepared = prepare(read(arguments).frame, target, held_out)
    training, validation = prepared.training_rows, prepared.validation_rows
    assert spread.inputs.numblocks[0] == spread.partitions >= 3
    np.testing.assert_array_equal(spread.inputs.compute(), prepared.inputs[training])
    np.testing.assert_array_equal(spread.targets.compute(), prepared.targets[training])
    np.testing.assert_array_equal(spread.validation_inputs.compute(),
                                  prepared.inputs[validation])
    np.testing.assert_array_equal(spread.validation_targets.compute(),
                                  prepared.targets[validation])
    np.testing.assert_array_equal(spread.reported.compute(),
                                  prepared.problem.targets[validation])
    assert plan.encoder.config() == prepared.encoder.config()
    assert plan.network.layers[0].config() == prepared.network.layers[0].config()


def test_by_default_a_small_file_is_one_partition_per_worker(client, tmp_path):
    """Default: one partition per 64 MiB of file, at least one per worker (here 2)."""
    data = categorical_csv(tmp_path / "lights.csv", rows=500)
    assert os.path.getsize(data) > 6000  # a few kilobytes, far below 64 MiB
    arguments = arguments_of(data, "--target", "action")
    settings = settings_of(arguments)
    plan = cluster_data.plan(client, arguments, settings, 60)
    assert cluster_data.spread(client, plan, settings, None, 60).partitions == 2


def test_workers_that_do_not_answer_while_reading_are_one_line_and_exit_69(client,
                                                                           tmp_path):
    data = categorical_csv(tmp_path / "lights.csv", rows=40)
    arguments = arguments_of(data, "--target", "action")
    settings = settings_of(arguments)
    plan = cluster_data.plan(client, arguments, settings, 60)
    with held_workers(client), pytest.raises(CommandError) as refused:
        cluster_data.spread(client, plan, settings, None, 1.0)
    assert refused.value.exit_code == 69
    assert str(refused.value) == f"no answer from the workers within 1.0 s while reading {data}"


def test_lbfgs_on_the_cluster_reaches_the_in_memory_minimum(client, tmp_path, capsys):
    data = regression_csv(tmp_path / "prices.csv", rows=90)
    model_path = tmp_path / "prices.glassnet"
    code, out, err = run(capsys, "train", data, "--target", "price", "--hidden", "4",
                         "--solver", "lbfgs", "--epochs", "400", "--early-stopping", "0",
                         "--dask-scheduler", client.scheduler.address, "--dask-partitions", 3,
                         "-o", model_path)
    assert code == 0, err
    assert "solver lbfgs; the rows stay on the workers" in out
    arguments = arguments_of(data, "--target", "price", "--hidden", "4")
    settings = settings_of(arguments)
    prepared = prepare(read(arguments).frame, "price", replace(settings, cross_validate_below=0))
    rows = prepared.training_rows
    fit_lbfgs(prepared.network, prepared.inputs[rows], prepared.targets[rows],
              prepared.problem.loss, l2=settings.l2, max_iterations=400)
    trained = load(model_path)
    expected = np.concatenate([p.ravel() for p in prepared.network.parameters().values()])
    found = np.concatenate([p.ravel() for p in trained.network.parameters().values()])
    assert np.max(np.abs(found - expected)) / np.max(np.abs(expected)) < 1e-8
    assert trained.training["cluster"] == {"workers": 2, "partitions": 3, "solver": "lbfgs"}
    assert trained.training["validation"]["r2"] > 0.99


def test_minibatch_steps_train_a_classifier_that_predict_reads(client, tmp_path, capsys):
    data = categorical_csv(tmp_path / "lights.csv", rows=120)
    model_path = tmp_path / "lights.glassnet"
    # 25 epochs at the old default rate 0.01: enough to separate the lights exactly
    code, out, err = run(capsys, "train", data, "--target", "action", "--epochs", "25",
                         "--learning-rate", "0.01", "--dask-scheduler",
                         client.scheduler.address, "-o", model_path)
    assert code == 0, err
    assert "Validation (24 rows): accuracy" in out
    model = load(model_path)
    assert model.class_labels == ["go", "stop"]
    assert model.training["validation"]["accuracy"] == 1.0
    code, out, err = run(capsys, "predict", model_path, data)
    assert code == 0, err
    assert len(out.splitlines()) == 121


class KillOneWorker:
    """Wraps ``Steps.step``: SIGKILLs one worker process (by its id) before step ``at``."""

    def __init__(self, client, step, at: int):
        self.client, self.step, self.at, self.calls = client, step, at, 0

    def __call__(self, steps, state, seeds):
        self.calls += 1
        if self.calls == self.at:
            victim = sorted(self.client.scheduler_info()["workers"])[0]
            os.kill(self.client.run(os.getpid, workers=[victim])[victim], signal.SIGKILL)
        return self.step(steps, state, seeds)


def test_a_worker_killed_mid_training_is_recovered_and_the_model_saved(client, tmp_path,
                                                                        capsys, monkeypatch):
    data = categorical_csv(tmp_path / "lights.csv", rows=60)
    model_path = tmp_path / "lights.glassnet"
    killer = KillOneWorker(client, spread_training.Steps.step, at=2)
    monkeypatch.setattr(spread_training.Steps, "step",
                        lambda steps, state, seeds: killer(steps, state, seeds))
    code, _, err = run(capsys, "train", data, "--target", "action", "--epochs", "4",
                       "--early-stopping", "0", "--dask-scheduler", client.scheduler.address,
                       "--dask-timeout", 120, "-o", model_path)
    assert code == 0, err
    assert killer.calls == 4 and len(load(model_path).history) == 4  # one step an epoch
    client.wait_for_workers(2, timeout=60)


def test_a_failure_on_the_cluster_leaves_the_model_file_untouched(client, tmp_path, capsys,
                                                                  monkeypatch):
    data = categorical_csv(tmp_path / "lights.csv", rows=60)
    model_path = tmp_path / "lights.glassnet"
    model_path.write_bytes(b"an earlier model")

    def lost(*_):
        raise spread_training.WorkerError("part 1 of 2 failed on the workers")

    monkeypatch.setattr(spread_training.Parts, "sums", lost)
    code, out, err = run(capsys, "train", data, "--target", "action", "--dask-scheduler",
                         client.scheduler.address, "-o", model_path)
    assert code == 69
    assert err.strip() == (f"error: part 1 of 2 failed on the workers; {model_path} was not "
                           f"written")
    assert model_path.read_bytes() == b"an earlier model"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:{port}", "not a scheduler",
                                     "not a scheduler " + "x" * 250])
def test_an_unreachable_scheduler_is_one_line_naming_it(tmp_path, capsys, address):
    data = categorical_csv(tmp_path / "lights.csv", rows=30)
    address = address.format(port=free_port())
    code, out, err = run(capsys, "train", data, "--target", "action", "--dask-scheduler",
                         address, "--dask-timeout", 2, "-o", tmp_path / "m.glassnet")
    assert code == 69
    shown = address[:200]  # a long address is cut to its first 200 characters
    assert err.startswith(f"error: --dask-scheduler {shown!r}: no Dask scheduler answered")
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err and len(err) < 450
    assert not (tmp_path / "m.glassnet").exists()


def test_a_bad_file_is_named_from_the_worker_with_its_exit_code(client, tmp_path, capsys):
    code, _, err = run(capsys, "train", tmp_path / "absent.csv", "--target", "y",
                       "--dask-scheduler", client.scheduler.address)
    assert (code, err.strip()) == (66, f"error: {tmp_path / 'absent.csv'}: no such file")
    data = write_csv(tmp_path / "one.csv", ["a", "y"], [(1, "x"), (2, "x")])
    code, _, err = run(capsys, "train", data, "--target", "y", "--dask-scheduler",
                       client.scheduler.address)
    assert code == 65 and "only one class" in err


def test_cluster_options_are_checked(tmp_path, capsys):
    data = categorical_csv(tmp_path / "lights.csv", rows=30)
    code, _, err = run(capsys, "train", data, "--target", "action", "--solver", "lbfgs")
    assert code == 2 and "--solver lbfgs needs --dask-scheduler or --dask-workers" in err
    code, _, err = run(capsys, "train", data, "--target", "action", "--dask-workers", 2,
                       "--dask-scheduler", "tcp://127.0.0.1:1")
    assert code == 2 and "not allowed with argument" in err
    code, _, err = run(capsys, "train", data, "--target", "action", "--dask-workers", 0)
    assert code == 2 and "--dask-workers" in err
    code, _, err = run(capsys, "train", data, "--target", "action", "--dask-workers", 2,
                       "--stream")
    assert code == 2 and "do not go together" in err


def test_local_workers_are_started_for_the_run_and_stopped_after(tmp_path, capsys):
    data = categorical_csv(tmp_path / "lights.csv", rows=40)
    code, out, err = run(capsys, "train", data, "--target", "action", "--epochs", "2",
                         "--dask-workers", 1, "-o", tmp_path / "m.glassnet")
    assert code == 0, err
    assert "Cluster: 1 worker(s)" in out and load(tmp_path / "m.glassnet").training[
        "cluster"]["workers"] == 1


@pytest.mark.parametrize("command", ["train", "predict", "evaluate"])
def test_help_shows_the_options_and_the_solver_mapping(capsys, command):
    with pytest.raises(SystemExit) as exited:
        run(capsys, command, "--help")
    assert exited.value.code == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert "--stream" in shown and "of the available memory" in shown
    if command == "train":
        assert "--dask-scheduler ADDRESS" in shown and "--dask-workers N" in shown
        assert "minibatch (default) = synchronous steps of --optimizer" in shown
        assert "(glassnet.dask.fit_lbfgs)" in shown


def test_divergence_on_the_cluster_is_one_line_and_writes_nothing(client, tmp_path, capsys,
                                                                 monkeypatch):
    from glassnet.training import TrainingDiverged

    def diverging(*_, **__):
        raise TrainingDiverged("the loss is inf at epoch 2", 2, 1, None)

    monkeypatch.setattr(spread_training, "fit", diverging)
    data = categorical_csv(tmp_path / "lights.csv", rows=30)
    model_path = tmp_path / "lights.glassnet"
    model_path.write_bytes(b"an earlier model")
    code, _, err = run(capsys, "train", data, "--target", "action", "--dask-scheduler",
                       client.scheduler.address, "-o", model_path)
    assert (code, err) == (65, f"error: training diverged (the loss is inf at epoch 2); try a "
                               f"smaller --learning-rate; {model_path} was not written\n")
    assert model_path.read_bytes() == b"an earlier model"


def test_no_validation_rows_and_a_plot_on_the_cluster(client, tmp_path, capsys):
    data = categorical_csv(tmp_path / "lights.csv", rows=30)
    model_path, picture = tmp_path / "lights.glassnet", tmp_path / "curves.png"
    started = time.perf_counter()
    code, out, err = run(capsys, "train", data, "--target", "action", "--epochs", "2",
                         "--validation-split", "0", "--dask-scheduler",
                         client.scheduler.address, "-o", model_path, "--plot", picture)
    took = time.perf_counter() - started
    assert code == 0, err
    assert 0 <= load(model_path).training["seconds"] <= took + 0.001  # the time it took
    # a cluster trains with the in-memory defaults, not the larger ones of --stream
    assert (load(model_path).training["batch_size"],
            load(model_path).training["learning_rate"]) == (64, 0.001)
    assert "30 training rows, 0 validation rows" in out and "Validation (" not in out
    assert f"Model saved to {model_path}\n" in out and len(load(model_path).history) == 2
    assert picture.read_bytes().startswith(b"\x89PNG")


def test_chunk_rows_does_not_go_with_a_cluster_and_dask_is_needed(tmp_path, capsys,
                                                                  monkeypatch):
    import sys

    data = categorical_csv(tmp_path / "lights.csv", rows=30)
    code, out, err = run(capsys, "train", data, "--target", "action", "--dask-workers", 2,
                         "--chunk-rows", 5)
    assert (code, out) == (2, "") and err == (
        "--stream/--chunk-rows and --dask-scheduler/--dask-workers do not go together: on a "
        "cluster the partitions are the chunks\n")
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    code, out, err = run(capsys, "train", data, "--target", "action", "--dask-workers", 2,
                         "-o", tmp_path / "m.glassnet")
    assert (code, out) == (1, "") and err == (
        'error: --dask-scheduler and --dask-workers need Dask: pip install "glassnet[dask]"\n')
    assert not (tmp_path / "m.glassnet").exists()


def test_the_workers_read_targets_with_thousands_separators_as_numbers():
    from types import SimpleNamespace

    from glassnet.tabular import choose_task

    values = np.array(["1,234", "12,345.5", "999", "2,000"] * 3, dtype=object)
    plan = SimpleNamespace(problem=choose_task(values, "price"),
                           scaling={"mean": 1000.0, "scale": 2.0})
    targets, reported = cluster_data.encode_targets(values, plan)
    np.testing.assert_array_equal(reported[:4], [1234, 12345.5, 999, 2000])
    np.testing.assert_array_equal(targets[:4], (reported[:4] - 1000.0) / 2.0)
    classes = np.array(["1,000", "2,000", "3,000"] * 3, dtype=object)
    plan = SimpleNamespace(problem=choose_task(classes, "size"), scaling=None)
    np.testing.assert_array_equal(cluster_data.encode_targets(classes, plan)[0][:3], [0, 1, 2])
