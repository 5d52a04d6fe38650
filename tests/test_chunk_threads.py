"""chunk_threads: predict's chunks on threads give bit for bit the chunks in turn on one BLAS
thread; BLAS's thread count is held to 1 meanwhile and restored; layers that do not declare
``concurrent_forward`` (or change forward below a class that did) run on the calling thread."""

from __future__ import annotations

import multiprocessing
import sys
import threading

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from glassnet import chunk_threads, mlp
from glassnet.activations import ReLU
from glassnet.chunk_threads import for_each, get_threads, hold_blas_to_one_thread, set_threads
from glassnet.preprocessing import Standardize

needs_blas_control = pytest.mark.skipif(not chunk_threads.blas_controllers(),
                                        reason="threadpoolctl finds no BLAS to hold")


@pytest.fixture
def threads():
    """Set the chunk thread count for one test and put the previous one back afterwards."""
    previous = get_threads()
    yield set_threads
    set_threads(previous)


def blas_threads() -> list[int]:
    """The thread counts of the BLAS libraries chunk_threads holds (those loaded when it first
    looked; another test may load another BLAS, scipy's, later)."""
    return [library.num_threads for library in chunk_threads.blas_controllers()]


@needs_blas_control
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_chunks_on_threads_equal_the_chunks_in_turn_on_one_blas_thread(dtype, threads, rng):
    network = mlp([12, 40, 30, 5], activation="relu", output_activation="softmax",
                  dropout=0.2, rng=0, dtype=dtype)
    inputs = rng.standard_normal((3001, 12)).astype(dtype)
    threads(1)
    with threadpool_limits(1, "blas"):
        in_turn = network.predict(inputs, batch_size=64)
    threads(3)
    before = blas_threads()
    on_threads = network.predict(inputs, batch_size=64)  # 47 chunks over 3 threads
    assert on_threads.tobytes() == in_turn.tobytes()
    assert blas_threads() == before


@needs_blas_control
def test_predict_uses_threads_only_when_every_layer_declares_it(threads, rng, monkeypatch):
    class Doubled(ReLU):  # changes forward alone: ReLU's concurrent_forward is not its
        def forward(self, inputs, training=False):
            self.outputs = 2 * np.maximum(inputs, 0)
            return self.outputs

    used = []
    real = chunk_threads.for_each
    monkeypatch.setattr(chunk_threads, "for_each",
                        lambda function, items, count: used.append(count) or real(
                            function, items, count))
    threads(2)
    inputs = rng.standard_normal((500, 3))
    mlp([3, 8, 2], activation="relu", rng=0).predict(inputs, batch_size=50)
    mlp([3, 8, 2], activation=Doubled, rng=0).predict(inputs, batch_size=50)
    mlp([3, 8, 2], activation="elu", rng=0).predict(inputs, batch_size=50)
    mlp([3, 8, 2], activation="relu", rng=0,
        preprocessing=Standardize.fit(inputs)).predict(inputs, batch_size=50)
    assert used == [2, 1, 1, 2]


@needs_blas_control
def test_blas_is_held_to_one_thread_while_any_caller_holds_it():
    with threadpool_limits(2, "blas"):
        with hold_blas_to_one_thread():
            assert set(blas_threads()) == {1}
            with hold_blas_to_one_thread():
                assert set(blas_threads()) == {1}
            assert set(blas_threads()) == {1}  # the outer holder still holds it
        assert set(blas_threads()) == {2}
        with hold_blas_to_one_thread(active=False):
            assert set(blas_threads()) == {2}


def test_for_each_runs_every_item_once_on_the_threads_asked_and_raises_their_errors(threads):
    threads(3)
    seen, lock = [], threading.Lock()

    def record(item):
        with lock:
            seen.append((item, threading.get_ident()))
    for_each(record, list(range(10)), 3)
    assert sorted(item for item, _ in seen) == list(range(10))
    assert len({ident for _, ident in seen}) <= 3
    assert {ident for item, ident in seen if item % 3 == 0} == {threading.get_ident()}

    def fail(item):
        if item == 7:
            raise ValueError("chunk 7 failed")
    with pytest.raises(ValueError, match="chunk 7 failed"):
        for_each(fail, list(range(10)), 3)


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_set_threads_refuses_a_bad_count(bad):
    with pytest.raises(ValueError, match=f"count must be a whole number >= 1, got {bad!r}"):
        set_threads(bad)


def predict_in_a_child(queue) -> None:
    network = mlp([3, 8, 2], activation="relu", rng=0)
    queue.put(network.predict(np.ones((400, 3)), batch_size=50).tobytes())


@pytest.mark.skipif(sys.platform == "win32", reason="fork is POSIX only")
def test_a_forked_child_predicts_on_threads_of_its_own(threads):
    threads(2)
    network = mlp([3, 8, 2], activation="relu", rng=0)
    expected = network.predict(np.ones((400, 3)), batch_size=50)  # starts the parent's pool
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=predict_in_a_child, args=(queue,))
    child.start()
    answer = queue.get(timeout=60)
    child.join(timeout=60)
    assert child.exitcode == 0 and answer == expected.tobytes()


@needs_blas_control
@pytest.mark.parametrize("count", [2, 3])
def test_blas_runs_on_one_thread_inside_every_chunk(count, threads, rng):
    from glassnet.activations import Identity

    class Watch(Identity):  # declares concurrent_forward through Identity; records BLAS
        seen: list[int] = []

        def forward(self, inputs, training=False):
            Watch.seen.extend(blas_threads())
            return super().forward(inputs, training)

    Watch.concurrent_forward = True
    threads(count)
    with threadpool_limits(2, "blas"):
        mlp([3, 4], rng=0).predict(rng.standard_normal((40, 3)), batch_size=5)  # warm
        network = mlp([3, 4], rng=0)
        network.layers.append(Watch())
        network.predict(rng.standard_normal((400, 3)), batch_size=10)
    assert Watch.seen and set(Watch.seen) == {1}
