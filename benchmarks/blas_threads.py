"""``fit`` on one BLAS thread against two, alternating: what ``training.small_products`` rests on.

    python benchmarks/blas_threads.py W2 7          # W2, 7 alternating repeats, accelerator on
    python benchmarks/blas_threads.py W2 7 numpy    # the same with numpy alone
    python benchmarks/blas_threads.py middle 7      # 64 -> 256 -> 128 -> 10, batch 200, float64
    python benchmarks/blas_threads.py W3 3          # W3, one epoch

"two" runs ``fit`` with numpy's BLAS on two threads and the one-thread hold turned off
(``training.SMALL_PRODUCT = 0``); "one" holds BLAS to one thread for the whole fit. The
weights of both are compared (the same bit for bit for W2; W3's larger products may round
otherwise on two threads). Run it on a quiet machine and then with another program busy
(``python -c "while True: pass" &``) to see both sides. Needs numba (glassnet[fast]) unless
``numpy`` is given, and scikit-learn for W2's data.
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np
import workloads
from threadpoolctl import threadpool_limits

import glassnet
import glassnet.training as training

SETTINGS = {  # data, sizes, batch size, epochs, dtype
    "W2": (workloads.tabular_data, [64, 100, 10], 200, 50, np.float64),
    "middle": (workloads.tabular_data, [64, 256, 128, 10], 200, 20, np.float64),
    "W3": (workloads.mnist_shaped_data, [784, 256, 128, 10], 128, 1, np.float32),
}
BOUND = training.SMALL_PRODUCT


def run(data, threads: int, sizes, batch_size, epochs, dtype):
    """(wall seconds, parameter vector) of one ``fit`` on ``threads`` BLAS threads."""
    training.SMALL_PRODUCT = BOUND if threads == 1 else 0
    with threadpool_limits(threads, "blas"):
        network = glassnet.mlp(sizes, activation="relu", rng=0, dtype=dtype)
        started = time.perf_counter()
        glassnet.fit(network, data[0].astype(dtype, copy=False), data[1],
                     "softmax_cross_entropy", glassnet.Adam(1e-3), epochs=epochs,
                     batch_size=batch_size, verbose=0, rng=0)
        seconds = time.perf_counter() - started
    return seconds, np.concatenate([value.ravel() for value in network.parameters().values()])


def main(argv) -> None:
    if len(argv) not in (2, 3) or argv[0] not in SETTINGS or argv[2:] not in ([], ["numpy"]):
        raise SystemExit("usage: python benchmarks/blas_threads.py W2|middle|W3 REPEATS [numpy]")
    load, sizes, batch_size, epochs, dtype = SETTINGS[argv[0]]
    glassnet.set_accelerator(None if argv[2:] else "numba")
    data, times = load(), {1: [], 2: []}
    for threads in (1, 2):  # warm: caches, pages, BLAS threads
        run(data, threads, sizes, batch_size, 1, dtype)
    for repeat in range(int(argv[1])):
        results = {}
        for threads in ((1, 2) if repeat % 2 == 0 else (2, 1)):
            seconds, results[threads] = run(data, threads, sizes, batch_size, epochs, dtype)
            times[threads].append(seconds)
    same = np.array_equal(results[1], results[2])
    print(f"{argv[0]}, {'numpy' if argv[2:] else 'numba'}: one BLAS thread "
          f"{statistics.median(times[1]):.3f} s, two {statistics.median(times[2]):.3f} s "
          f"(medians of {argv[1]}; every run: one {[round(t, 3) for t in times[1]]}, two "
          f"{[round(t, 3) for t in times[2]]}); the same weights bit for bit: {same}")


if __name__ == "__main__":
    main(sys.argv[1:])
