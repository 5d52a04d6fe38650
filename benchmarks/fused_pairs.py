"""With the accelerator, ``fit`` through fused Dense-ReLU pairs and the fused loss against
``fit`` layer by layer with the loss's own forward and backward.

    python benchmarks/fused_pairs.py W2 1 7    # W2, one BLAS thread, 7 alternating repeats
    python benchmarks/fused_pairs.py W3 2 5    # W3 (one epoch), two BLAS threads

Both runs set ``glassnet.set_accelerator("numba")`` (so Adam's step is compiled in both);
"layers" takes the layers' own passes and the loss's own forward and backward, as ``fit``
did before the fusions, by handing ``fit`` no ``FusedNetwork`` and the loss itself. The
weights are the same bit for bit (checked here too), so the difference is the time alone:
CPU seconds of the process and wall seconds, medians.
Needs numba (glassnet[fast]) and, for W2's data, scikit-learn.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import workloads
from threadpoolctl import threadpool_limits

import glassnet
import glassnet.training as training
from glassnet.fused_layers import fused_network
from glassnet.fused_loss import fused_loss

SETTINGS = {  # data, sizes, batch size, epochs, dtype
    "W2": (workloads.tabular_data, [64, 100, 10], 200, 50, np.float64),
    "W3": (workloads.mnist_shaped_data, [784, 256, 128, 10], 128, 1, np.float32),
}


def run(data, fused: bool, sizes, batch_size, epochs, dtype):
    """(CPU seconds, wall seconds, parameter vector) of one ``fit``."""
    training.fused_network = fused_network if fused else (lambda network: None)
    training.fused_loss = fused_loss if fused else (lambda loss: loss)
    network = glassnet.mlp(sizes, activation="relu", rng=0, dtype=dtype)
    cpu, wall = time.process_time(), time.perf_counter()
    glassnet.fit(network, *data, "softmax_cross_entropy", glassnet.Adam(1e-3), epochs=epochs,
                 batch_size=batch_size, verbose=0, rng=0)
    weights = np.concatenate([value.ravel() for value in network.parameters().values()])
    return time.process_time() - cpu, time.perf_counter() - wall, weights


def main(argv) -> None:
    if len(argv) != 3 or argv[0] not in SETTINGS:
        raise SystemExit("usage: python benchmarks/fused_pairs.py W2|W3 THREADS REPEATS")
    load, sizes, batch_size, epochs, dtype = SETTINGS[argv[0]]
    data, times = load(), {True: [], False: []}
    glassnet.set_accelerator("numba")
    try:
        with threadpool_limits(int(argv[1]), "blas"):
            run(data, True, sizes, batch_size, 1, dtype)  # warm: caches, pages, BLAS threads
            for _ in range(int(argv[2])):
                results = {fused: run(data, fused, sizes, batch_size, epochs, dtype)
                           for fused in (True, False)}
                assert np.array_equal(results[True][2], results[False][2]), "not bit for bit"
                for fused, (cpu, wall, _) in results.items():
                    times[fused].append((cpu, wall))
    finally:
        training.fused_network, training.fused_loss = fused_network, fused_loss
        glassnet.set_accelerator(None)
    for fused, label in ((True, "fused"), (False, "layers")):
        cpu, wall = np.median(times[fused], axis=0)
        print(f"{argv[0]} {label:12s} CPU {cpu:.3f} s  wall {wall:.3f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
