"""Does numpy's BLAS keep its second thread busy between products? The CPU time of the whole
process against the main thread's, over W3-sized steps: one product (128 x 784 @ 784 x 256,
float32) and then about a millisecond of elementwise passes on the main thread.

    python benchmarks/blas_spin.py 1      # one BLAS thread
    python benchmarks/blas_spin.py 2      # two: compare "other threads" with the main thread

If the other threads' CPU time is close to the main thread's although the products are a
small part of the work, BLAS's worker spins while the main thread does the elementwise work:
on a two-core machine that core is then not free for an elementwise thread of glassnet's
(``glassnet.elementwise``). Never part of the tests.
"""

from __future__ import annotations

import resource
import sys
import time

import numpy as np
from threadpoolctl import threadpool_limits


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def measure(threads: int, steps: int = 300) -> dict:
    """Wall and CPU seconds of ``steps`` (product, elementwise passes) with ``threads``."""
    rng = np.random.default_rng(0)
    inputs = rng.random((128, 784), dtype=np.float32)
    weights = rng.random((784, 256), dtype=np.float32)
    vector = rng.random(235146, dtype=np.float32)  # W3's parameter count
    scratch = np.empty_like(vector)
    with threadpool_limits(threads, "blas"):
        inputs @ weights
        process, main, started = (cpu_seconds(resource.RUSAGE_SELF),
                                  cpu_seconds(resource.RUSAGE_THREAD), time.perf_counter())
        elementwise = 0.0
        for _ in range(steps):
            inputs @ weights
            begun = time.perf_counter()
            for _ in range(6):
                np.multiply(vector, 0.9, out=scratch)
                np.sqrt(scratch, out=scratch)
            elementwise += time.perf_counter() - begun
        main = cpu_seconds(resource.RUSAGE_THREAD) - main
        process = cpu_seconds(resource.RUSAGE_SELF) - process
    return {"threads": threads, "wall": time.perf_counter() - started,
            "elementwise_wall": elementwise, "main_cpu": main, "other_cpu": process - main}


def main(argv) -> None:
    if len(argv) != 1 or argv[0] not in ("1", "2", "3", "4"):
        raise SystemExit("usage: python benchmarks/blas_spin.py THREADS (1 to 4)")
    figures = measure(int(argv[0]))
    print(f"BLAS threads {figures['threads']}: wall {figures['wall']:.3f} s (elementwise part "
          f"{figures['elementwise_wall']:.3f} s), CPU of the main thread "
          f"{figures['main_cpu']:.3f} s, of the other threads {figures['other_cpu']:.3f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
