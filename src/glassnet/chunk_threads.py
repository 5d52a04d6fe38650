"""Independent chunks of rows on a few threads, with numpy's BLAS held to one thread meanwhile.

``predict`` works through its rows in chunks, each independent of the others. numpy's BLAS
threads each product on its own, but the elementwise work between products (bias, ReLU,
softmax) runs on one core while BLAS's idle threads spin-wait on the others
(``benchmarks/blas_spin.py``). Here k threads each take whole chunks (chunk i goes to thread
i mod k) with BLAS held to one thread per call, so every core does products and elementwise
work alike:

    for_each(function, items, threads) = [function(item) for item in items], in some order

Each chunk goes through the very same operations as in a one-thread run on one BLAS thread,
so the result is bit for bit that run's (tests hold it so; a product on two BLAS threads may
round differently from one on one thread, as any BLAS may). BLAS's thread count is
process-wide: ``hold_blas_to_one_thread`` sets it to 1 for as long as any caller holds it and
then restores it (through threadpoolctl); where no BLAS can be controlled, ``threads_for``
gives 1 and nothing runs on threads. Imports numpy, threadpoolctl and ``elementwise``.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager

from glassnet.elementwise import Pool, available_cores

POOL = Pool()
POOL.threads = available_cores()


def set_threads(count: int) -> None:
    """Use up to ``count`` threads (>= 1) for ``predict``'s chunks; 1 runs them in turn.
    The default is ``elementwise.available_cores()``."""
    POOL.resize(count)


def get_threads() -> int:
    """The number of threads ``for_each`` uses at most."""
    return POOL.threads


def threads_for(items: int) -> int:
    """Threads for ``items`` chunks: at most one per chunk, 1 when BLAS cannot be held."""
    threads = min(POOL.threads, items)
    return threads if threads > 1 and blas_controllers() else 1


def for_each(function, items: list, threads: int) -> None:
    """``function(item)`` for every item, item i on thread i mod ``threads`` (the calling
    thread takes the first share), and wait for all; an error in any is raised here."""
    if threads <= 1:
        for item in items:
            function(item)
        return
    executor = POOL.workers()
    futures = [executor.submit(run_all, function, items[part::threads])
               for part in range(1, threads)]
    try:
        run_all(function, items[::threads])
    finally:
        for future in futures:
            future.result()


def run_all(function, items: list) -> None:
    for item in items:
        function(item)


class BlasHold:
    """How many callers hold BLAS to one thread, and the thread counts to restore."""

    def __init__(self):
        self.lock = threading.Lock()
        self.holders = 0
        self.saved: list = []
        self.controllers: list | None = None  # found on first use


HOLD = BlasHold()


def forget() -> None:
    """In a forked child: the parent's threads are gone and so are the holders (BLAS's
    counts restored if a holder had them); start anew."""
    POOL.forget()
    if HOLD.holders:
        for library, threads in HOLD.saved:
            library.set_num_threads(threads)
    HOLD.lock, HOLD.holders, HOLD.saved = threading.Lock(), 0, []


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=forget)


def blas_controllers() -> list:
    """threadpoolctl's controllers of the BLAS libraries loaded (found once), or []."""
    if HOLD.controllers is None:
        try:
            from threadpoolctl import ThreadpoolController
            found = ThreadpoolController().select(user_api="blas").lib_controllers
        except Exception:  # no threadpoolctl, or a BLAS it cannot read
            found = []
        HOLD.controllers = list(found)
    return HOLD.controllers


@contextmanager
def hold_blas_to_one_thread(active: bool = True):
    """BLAS on one thread inside the block (when ``active``); its counts restored after the
    last holder leaves."""
    if not active:
        yield
        return
    with HOLD.lock:
        if HOLD.holders == 0:
            HOLD.saved = [(library, library.num_threads) for library in blas_controllers()]
            for library, _ in HOLD.saved:
                library.set_num_threads(1)
        HOLD.holders += 1
    try:
        yield
    finally:
        with HOLD.lock:
            HOLD.holders -= 1
            if HOLD.holders == 0:
                for library, threads in HOLD.saved:
                    library.set_num_threads(threads)
