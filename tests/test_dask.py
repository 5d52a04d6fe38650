"""glassnet.dask on a LocalCluster of two worker processes on 127.0.0.1: L-BFGS reaches the
in-memory minimum, full-batch descent equals fit, minibatches follow fit's rule, a worker
killed mid-training is recovered from, and failures stop with a clear error."""

from __future__ import annotations

import os
import signal

import numpy as np
import pytest
from dask_helpers import local_client

import glassnet.dask as gd
from glassnet.callbacks import Callback
from glassnet.losses import BinaryCrossEntropy, SoftmaxCrossEntropy
from glassnet.network import mlp
from glassnet.optimizers import SGD, Adam
from glassnet.solvers import fit_lbfgs
from glassnet.training import fit

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with local_client(tmp_path_factory) as connected:
        yield connected


def problem(seed: int = 0, rows: int = 60):
    rng = np.random.default_rng(seed)
    inputs = rng.standard_normal((rows, 3))
    noisy = inputs @ np.array([1.0, -2.0, 0.5]) + rng.standard_normal(rows)
    return inputs, (noisy > 0).astype(float), rng.uniform(0.5, 2.0, rows)


def network():
    return mlp([3, 4, 1], activation="tanh", output_activation="sigmoid", rng=0)


def spread(*arrays, chunks=(25, 20, 15)):
    return [da.from_array(array, chunks=(chunks,) + array.shape[1:]) for array in arrays]


def weights_of(net):
    return np.concatenate([value.ravel() for value in net.parameters().values()])


def relative(a, b):
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


def test_lbfgs_on_the_workers_reaches_the_in_memory_minimum(client):
    inputs, targets, weights = problem()
    local, remote = network(), network()
    expected = fit_lbfgs(local, inputs, targets, BinaryCrossEntropy(), l2=0.01,
                         sample_weight=weights, tolerance=1e-10, max_iterations=500)
    history = gd.fit_lbfgs(remote, *spread(inputs, targets), BinaryCrossEntropy(),
                           sample_weight=spread(weights)[0], l2=0.01, tolerance=1e-10,
                           max_iterations=500, client=client)
    assert relative(weights_of(remote), weights_of(local)) < 1e-8
    assert history["loss"][-1] == pytest.approx(expected["loss"][-1], rel=1e-12)
    assert history.keys() == expected.keys()


def test_full_batch_descent_on_the_workers_equals_fit(client):
    inputs, targets, _ = problem(1)
    labels = (targets + (inputs[:, 2] > 0)).astype(int)
    for optimizer in (lambda: SGD(0.5, momentum=0.9), lambda: Adam(0.01)):
        local = mlp([3, 5, 3], activation="tanh", rng=2)
        remote = mlp([3, 5, 3], activation="tanh", rng=2)
        expected = fit(local, inputs, labels, SoftmaxCrossEntropy(), optimizer(), epochs=6,
                       batch_size=None, l2=0.001, verbose=0)
        history = gd.fit(remote, *spread(inputs, labels), SoftmaxCrossEntropy(), optimizer(),
                         epochs=6, batch_size=None, l2=0.001, client=client)
        assert relative(weights_of(remote), weights_of(local)) < 1e-12
        np.testing.assert_allclose(history["loss"], expected["loss"], rtol=1e-12)


def test_one_part_in_order_equals_fit_with_the_same_batches(client):
    inputs, targets, weights = problem(2, rows=40)
    local, remote = network(), network()
    fit(local, inputs, targets, BinaryCrossEntropy(), Adam(0.05), epochs=2, batch_size=16,
        shuffle=False, sample_weight=weights, verbose=0)
    gd.fit(remote, *spread(inputs, targets, weights, chunks=(40,))[:2], BinaryCrossEntropy(),
           Adam(0.05), epochs=2, batch_size=16, shuffle=False, client=client,
           sample_weight=spread(weights, chunks=(40,))[0])
    assert relative(weights_of(remote), weights_of(local)) < 1e-12


def test_shuffled_minibatches_learn_and_repeat_with_a_seed(client):
    inputs, targets, _ = problem(3, rows=120)
    runs = []
    for _ in range(2):
        net = network()
        history = gd.fit(net, *spread(inputs, targets, chunks=(60, 60)), BinaryCrossEntropy(),
                         Adam(0.1), epochs=3, batch_size=20, rng=7, client=client)
        runs.append(weights_of(net))
    assert history["loss"][-1] < history["loss"][0]
    assert len(history) == 3
    np.testing.assert_array_equal(runs[0], runs[1])


def test_a_dask_dataframe_trains_as_in_memory(client):
    dd = pytest.importorskip("dask.dataframe")
    pandas = pytest.importorskip("pandas")
    inputs, targets, _ = problem(4, rows=40)
    frame = dd.from_pandas(pandas.DataFrame(inputs, columns=["a", "b", "c"]), npartitions=2)
    column = dd.from_pandas(pandas.Series(targets), npartitions=2)
    from_frame, in_memory = network(), network()
    gd.fit(from_frame, frame, column, BinaryCrossEntropy(), SGD(0.1), epochs=2,
           batch_size=None, client=client)
    fit(in_memory, inputs, targets, BinaryCrossEntropy(), SGD(0.1), epochs=2, batch_size=None,
        verbose=0)
    assert relative(weights_of(from_frame), weights_of(in_memory)) < 1e-12


class KillWorker(Callback):
    """Kills one worker process (SIGKILL, by its id) at the end of iteration ``at``."""

    def __init__(self, client, at: int):
        self.client, self.at = client, at

    def on_epoch_end(self, state):
        if state.epoch + 1 == self.at:
            victim = sorted(self.client.scheduler_info()["workers"])[0]
            process = self.client.run(os.getpid, workers=[victim])[victim]
            os.kill(process, signal.SIGKILL)


def test_a_worker_killed_mid_training_is_recovered_and_the_result_is_unchanged(client):
    inputs, targets, _ = problem(5)
    local, remote = network(), network()
    fit_lbfgs(local, inputs, targets, BinaryCrossEntropy(), tolerance=1e-10,
              max_iterations=8)
    history = gd.fit_lbfgs(remote, *spread(inputs, targets), BinaryCrossEntropy(),
                           tolerance=1e-10, max_iterations=8, client=client, timeout=120,
                           callbacks=[KillWorker(client, at=3)])
    assert len(history) == 8
    assert relative(weights_of(remote), weights_of(local)) < 1e-8
    client.wait_for_workers(2, timeout=60)


def test_a_part_that_fails_on_a_worker_stops_training_naming_it(client):
    inputs, targets, _ = problem(6)
    inputs[50, 1] = np.nan
    net = network()
    before = weights_of(net)
    with pytest.raises(gd.WorkerError, match=r"part 2 of 3 failed .*non-finite"):
        gd.fit(net, *spread(inputs, targets), BinaryCrossEntropy(), client=client)
    np.testing.assert_array_equal(weights_of(net), before)


def test_data_in_memory_and_mismatched_rows_are_refused(client):
    inputs, targets, _ = problem()
    with pytest.raises(TypeError, match="dask array or dask DataFrame"):
        gd.fit_lbfgs(network(), inputs, targets, BinaryCrossEntropy(), client=client)
    with pytest.raises(ValueError, match="60 rows but targets has 59"):
        gd.fit(network(), *spread(inputs), spread(targets[:59], chunks=(59,))[0],
               BinaryCrossEntropy(), client=client)
    with pytest.raises(ValueError, match="Dropout"):
        gd.fit(mlp([3, 4, 1], dropout=0.5, rng=0), *spread(inputs, targets),
               BinaryCrossEntropy(), client=client)


def test_validation_rows_on_the_workers_give_the_in_memory_val_loss(client):
    inputs, targets, weights = problem(8, rows=80)
    local, remote = network(), network()
    expected = fit(local, inputs[:60], targets[:60], BinaryCrossEntropy(), SGD(0.2), epochs=3,
                   batch_size=None, validation_data=(inputs[60:], targets[60:], weights[60:]),
                   verbose=0)
    history = gd.fit(remote, *spread(inputs[:60], targets[:60]), BinaryCrossEntropy(),
                     SGD(0.2), epochs=3, batch_size=None, client=client,
                     validation_data=(*spread(inputs[60:], targets[60:], weights[60:],
                                              chunks=(12, 8)),))
    np.testing.assert_allclose(history["val_loss"], expected["val_loss"], rtol=1e-12)


def hold(name: str, started: str) -> None:
    """On a worker: say that its one thread is taken, then keep it until ``name`` is set."""
    distributed.Event(started).set()
    distributed.Event(name).wait(120)


def test_no_answer_within_the_timeout_stops_training_naming_it(client):
    # Both workers' one thread is taken before training starts, so the first question asked
    # of them goes unanswered whatever the machine's load (a hold placed after a first epoch
    # raced with that epoch on a busy machine).
    inputs, targets, _ = problem(9)
    net = network()
    before = weights_of(net)
    workers = sorted(client.scheduler_info()["workers"])
    held = [client.submit(hold, "glassnet-test-hold", f"glassnet-test-held-{index}",
                          workers=[worker], pure=False)
            for index, worker in enumerate(workers)]
    try:
        for index in range(len(workers)):
            assert distributed.Event(f"glassnet-test-held-{index}", client=client).wait(60)
        with pytest.raises(gd.WorkerError, match=r"no answer from the workers within 2.0 s "
                                                 r"while preparing; training stopped"):
            gd.fit(net, *spread(inputs, targets), BinaryCrossEntropy(), epochs=3,
                   batch_size=None, client=client, timeout=2.0)
    finally:
        distributed.Event("glassnet-test-hold", client=client).set()
        client.gather(held)
    assert len(held) == 2
    np.testing.assert_array_equal(weights_of(net), before)
