"""Element-by-element work on long flat vectors, split over a small pool of threads.

numpy releases the GIL inside its loops, so ``k`` threads that each run the same operations
on their own contiguous slice of the vectors finish in about 1/k of the time:

    split(function, (a, b, ...), *arguments)
        = function(a[s_i], b[s_i], ..., *arguments) for the slices s_1 .. s_k of [0, n)

Every element goes through the very same numpy operations as in one call on the whole
vectors, so the result is bit for bit the one-thread result (tests hold it so). Vectors
shorter than ``MINIMUM_SLICE`` elements per thread are not split: handing work to a thread
costs some tens of microseconds. The optimizers' flat step (``optimizers``) uses it.
``set_threads(1)`` turns the splitting off. Imports numpy and the standard library only.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

# Below this many elements per thread, handing a slice to another thread costs more than
# the numpy loops it would spare.
MINIMUM_SLICE = 1 << 16


def available_cores() -> int:
    """The cores this process may run on (its affinity), at most 4 and at least 1."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


class Pool:
    """The threads, started on first use; a forked child starts its own."""

    def __init__(self):
        self.threads = 1
        self.executor: ThreadPoolExecutor | None = None

    def workers(self) -> ThreadPoolExecutor:
        if self.executor is None:
            self.executor = ThreadPoolExecutor(max(1, self.threads - 1),
                                               thread_name_prefix="glassnet-elementwise")
        return self.executor

    def forget(self) -> None:
        """After a fork the parent's threads are gone from the child: start anew."""
        self.executor = None

    def resize(self, count: int) -> None:
        """Use ``count`` threads (a whole number >= 1) from now on; running threads of
        another count are stopped, once their work is done."""
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"count must be a whole number >= 1, got {count!r}")
        if count != self.threads and self.executor is not None:
            self.executor.shutdown(wait=True)
            self.executor = None
        self.threads = count


POOL = Pool()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=POOL.forget)


def set_threads(count: int) -> None:
    """Use ``count`` threads (>= 1) for the elementwise work on flat vectors; 1 (the
    default) turns the splitting off. ``available_cores()`` is a sensible count."""
    POOL.resize(count)


def get_threads() -> int:
    """The number of threads ``split`` uses at most."""
    return POOL.threads


def bounds(size: int, parts: int) -> list[tuple[int, int]]:
    """``parts`` contiguous (start, stop) ranges covering [0, size), nearly equal, each
    starting at a multiple of 16 elements (whole cache lines for float32 and float64)."""
    edges = [0] + [(size * part // parts) // 16 * 16 for part in range(1, parts)] + [size]
    return list(zip(edges[:-1], edges[1:], strict=True))


def split(function, vectors: tuple[np.ndarray, ...], *arguments) -> None:
    """Run ``function(*slices, *arguments)`` on contiguous slices of the equally long 1-D
    ``vectors``, one slice per thread (the calling thread takes the first), and wait."""
    size = len(vectors[0])
    parts = min(POOL.threads, size // MINIMUM_SLICE)
    if parts <= 1:
        function(*vectors, *arguments)
        return
    ranges = bounds(size, parts)
    executor = POOL.workers()
    futures = [executor.submit(function, *(vector[start:stop] for vector in vectors),
                               *arguments) for start, stop in ranges[1:]]
    start, stop = ranges[0]
    try:
        function(*(vector[start:stop] for vector in vectors), *arguments)
    finally:
        for future in futures:
            future.result()
