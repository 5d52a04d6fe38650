"""fit holds numpy's BLAS to one thread while the epochs run when every product of a step is
small, and puts the caller's thread count back afterwards, also after an error."""

from __future__ import annotations

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from glassnet import SGD, Adam, chunk_threads, fit, mlp
from glassnet.callbacks import Callback
from glassnet.training import SMALL_PRODUCT, TrainingDiverged, small_products

needs_blas_control = pytest.mark.skipif(not chunk_threads.blas_controllers(),
                                        reason="threadpoolctl finds no BLAS to hold")


def blas_threads() -> list[int]:
    return [library.num_threads for library in chunk_threads.blas_controllers()]


class ThreadsSeen(Callback):
    """The BLAS thread counts at every batch (for the test only)."""

    def __init__(self):
        self.seen = set()

    def on_batch_end(self, state):
        self.seen.add(tuple(blas_threads()))


@pytest.fixture
def two_blas_threads():
    """BLAS on two threads for one test (skipped where it cannot have two)."""
    with threadpool_limits(2, "blas"):
        if set(blas_threads()) != {2}:
            pytest.skip("this BLAS cannot run two threads here")
        yield


def classification(samples=400, features=8, seed=0):
    rng = np.random.default_rng(seed)
    inputs = rng.standard_normal((samples, features))
    return inputs, (inputs[:, 0] + inputs[:, 1] > 0).astype(int)


def test_small_products_compares_batch_times_weights_with_the_bound():
    sizes = {"weights": np.zeros((64, 128)), "bias": np.zeros(10**7)}  # 1-D: no product
    assert small_products(sizes, SMALL_PRODUCT // (64 * 128))
    assert not small_products(sizes, SMALL_PRODUCT // (64 * 128) + 1)
    assert small_products({"bias": np.zeros(5)}, 10**9)  # no product at all
    assert small_products(mlp([64, 100, 10]).parameters(), 200)  # W2: 200 x 64 x 100
    assert not small_products(mlp([784, 256, 128, 10]).parameters(), 128)  # W3


@needs_blas_control
def test_a_network_of_small_products_trains_on_one_blas_thread_and_restores(
        two_blas_threads):
    seen = ThreadsSeen()
    fit(mlp([8, 16, 2], rng=0), *classification(), "softmax_cross_entropy", Adam(0.01),
        epochs=2, batch_size=50, verbose=0, callbacks=[seen])
    assert seen.seen == {tuple(1 for _ in blas_threads())}
    assert set(blas_threads()) == {2}


@needs_blas_control
def test_a_network_with_a_large_product_keeps_the_callers_threads(two_blas_threads):
    seen = ThreadsSeen()
    inputs, labels = classification(samples=200, features=128)
    fit(mlp([128, 256, 2], rng=0), inputs, labels, "softmax_cross_entropy", Adam(0.01),
        epochs=1, batch_size=100, verbose=0, callbacks=[seen])  # 100 x 128 x 256 > 2**21
    assert seen.seen == {tuple(blas_threads())} and set(blas_threads()) == {2}


@needs_blas_control
def test_the_threads_come_back_after_divergence(two_blas_threads):
    inputs, labels = classification()
    targets = inputs @ np.full(8, 1e3)
    with np.errstate(all="ignore"), pytest.raises(TrainingDiverged):
        fit(mlp([8, 16, 1], rng=0), inputs, targets, "squared_error", SGD(1e6), epochs=50,
            batch_size=50, verbose=0)
    assert set(blas_threads()) == {2}


def test_the_weights_do_not_depend_on_the_callers_blas_threads():
    results = []
    for threads in (1, 2):
        with threadpool_limits(threads, "blas"):
            network = mlp([8, 32, 2], rng=0)
            fit(network, *classification(), "softmax_cross_entropy", Adam(0.01), epochs=3,
                batch_size=100, verbose=0)
            results.append(np.concatenate([p.ravel() for p in network.parameters().values()]))
    np.testing.assert_array_equal(results[0], results[1])
