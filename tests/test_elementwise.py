"""elementwise: flat vectors split over threads give bit for bit the one-thread result; the
slices cover every element once; bad thread counts are refused; a forked child still works."""

from __future__ import annotations

import multiprocessing
import sys

import numpy as np
import pytest

from glassnet import elementwise
from glassnet.elementwise import MINIMUM_SLICE, bounds, get_threads, set_threads, split
from glassnet.optimizers import SGD, Adam

LONG = 3 * MINIMUM_SLICE + 37  # long enough for three threads, not a multiple of 16


@pytest.fixture
def threads():
    """Set the thread count for one test and put the previous one back afterwards."""
    previous = get_threads()
    yield set_threads
    set_threads(previous)


@pytest.mark.parametrize("size, parts", [(10, 1), (100, 3), (LONG, 3), (LONG, 4), (17, 2)])
def test_bounds_cover_every_element_once_in_order(size, parts):
    ranges = bounds(size, parts)
    assert len(ranges) == parts and ranges[0][0] == 0 and ranges[-1][1] == size
    assert all(stop == start for (_, stop), (start, _) in zip(ranges, ranges[1:], strict=False))
    assert all(start % 16 == 0 for start, _ in ranges)


def test_split_hands_each_thread_its_own_slice(threads):
    threads(3)
    seen = []
    vector = np.arange(LONG, dtype=np.float64)
    split(lambda part, scale: seen.append((part[0], len(part), scale)), (vector,), 2.0)
    assert len(seen) == 3 and sum(length for _, length, _ in seen) == LONG
    assert sorted(first for first, _, _ in seen)[0] == 0
    assert {scale for _, _, scale in seen} == {2.0}


def test_short_vectors_are_not_split(threads):
    threads(4)
    seen = []
    split(lambda part: seen.append(len(part)), (np.zeros(2 * MINIMUM_SLICE - 1),))
    assert seen == [2 * MINIMUM_SLICE - 1]


def test_an_error_in_a_thread_reaches_the_caller(threads):
    threads(2)

    def fails_on_the_second_slice(part):
        if part[0] > 0:
            raise FloatingPointError("second slice")

    with pytest.raises(FloatingPointError, match="second slice"):
        split(fails_on_the_second_slice, (np.arange(LONG, dtype=np.float64),))


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True, None])
def test_bad_thread_counts_are_refused_and_nothing_changes(bad, threads):
    before = get_threads()
    with pytest.raises(ValueError, match="count must be a whole number >= 1"):
        set_threads(bad)
    assert get_threads() == before


def optimizer_run(factory, threads, dtype, steps=4):
    """The flat vector and the optimizer's state after ``steps`` flat steps on LONG values,
    with the given thread count."""
    set_threads(threads)
    rng = np.random.default_rng(5)
    vector = rng.standard_normal(LONG).astype(dtype)
    optimizer = factory()
    for _ in range(steps):
        gradient = rng.standard_normal(LONG).astype(dtype)
        optimizer.step({"a": vector[:100], "b": vector[100:]},
                       {"a": gradient[:100], "b": gradient[100:]})
    assert optimizer.joined is not None  # the flat path ran
    return vector, optimizer.joined[1]


@pytest.mark.parametrize("factory", [lambda: Adam(0.01), lambda: SGD(0.1),
                                     lambda: SGD(0.1, momentum=0.9),
                                     lambda: SGD(0.1, momentum=0.9, nesterov=True)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_optimizer_steps_on_threads_are_bit_for_bit_one_thread(factory, dtype, threads):
    one_vector, one_state = optimizer_run(factory, 1, dtype)
    for count in (2, 3):
        vector, state = optimizer_run(factory, count, dtype)
        assert np.array_equal(vector, one_vector)
        for key in ("m", "v", "velocity"):
            if key in one_state:
                assert np.array_equal(state[key], one_state[key])


def child_sum(queue) -> None:
    vector = np.ones(LONG)
    parts = []
    split(lambda part: parts.append(float(part.sum())), (vector,))
    queue.put(sum(parts))


@pytest.mark.skipif(sys.platform != "linux", reason="fork is the Linux default")
def test_a_forked_child_starts_its_own_threads(threads):
    threads(2)
    split(lambda part: None, (np.zeros(LONG),))  # the parent's pool is running
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=child_sum, args=(queue,))
    child.start()
    child.join(timeout=60)
    assert child.exitcode == 0 and queue.get(timeout=5) == LONG
    assert elementwise.POOL.executor is not None  # the parent's pool is untouched


def test_one_thread_by_default_and_a_sensible_core_count():
    assert elementwise.Pool().threads == 1
    assert 1 <= elementwise.available_cores() <= 4
