"""W3 trained as two half-batches on two Python threads, measured beside fit and the floor.

    python benchmarks/half_batches.py 3     # 3 rounds, the contestants in rotating order

The prototype of speed round 2 (not part of glassnet): each batch's rows are cut in two, each
half goes forward and backward on its own thread with numpy's BLAS held to one thread
(threadpoolctl), through its own copy of the layers (layers cache per call) sharing the
parameter arrays; then each thread takes half of the flat vectors and computes

    g = (n_1 / n) g_1 + (n_2 / n) g_2        and Adam's step on that slice (``adam_step``)

so both cores do products and elementwise work alike, where BLAS's own threads leave the
elementwise work to one core. The halves' gradients are summed in another order than one
product over the whole batch, so the weights equal fit's within rounding, not bit for bit.
Each round prints the wall time, the process's CPU time and the accuracy of: fit on two and
on one BLAS thread, the floor (``floor_runs``) on two and on one, and the half batches on two
threads and in turn on one (what the halves cost in CPU, whatever the machine's load).
"""

from __future__ import annotations

import copy
import math
import resource
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor

import floor_runs
import numpy as np
import workloads
from glassnet_runs import run_mnist
from threadpoolctl import threadpool_limits

from glassnet import SoftmaxCrossEntropy, elementwise, mlp
from glassnet.flat import flatten
from glassnet.optimizers import adam_step
from glassnet.training import training_step
from glassnet.training_data import Batches, dataset

BETA_1, BETA_2, EPSILON, LEARNING_RATE = 0.9, 0.999, 1e-8, 1e-3


def twin(network):
    """A copy of ``network`` with its own layers (and caches), sharing the parameter arrays."""
    copied = copy.deepcopy(network)
    for mine, theirs in zip(copied.layers, network.layers, strict=True):
        mine.params.update(theirs.params)
    return copied


def sum_and_step(vector, first, second, m, v, scratch, first_share, step_scalars):
    """On one slice: g = first_share g_1 + (1 - first_share) g_2 (into ``first``), then
    Adam's flat step (``optimizers.adam_step``) with g."""
    np.multiply(first, first_share, out=first)
    first += np.multiply(second, 1 - first_share, out=second)
    adam_step(vector, first, m, v, scratch, *step_scalars)


def step_scalars(t: int) -> tuple:
    """adam_step's beta_1, beta_2, epsilon sqrt(c_2) and lr sqrt(c_2) / c_1 at step t."""
    root_c2 = math.sqrt(1 - BETA_2**t)
    return (BETA_1, BETA_2, EPSILON * root_c2, LEARNING_RATE * root_c2 / (1 - BETA_1**t))


class InTurn:
    """Stands in for the thread pool: runs what it is handed at once, on the calling thread."""

    def __init__(self, workers: int):
        self.workers = workers

    def __enter__(self):
        return self

    def __exit__(self, *details) -> None:
        return None

    def submit(self, function, *arguments):
        done = Future()
        done.set_result(function(*arguments))
        return done


def half_batches(data, epochs: int = 2, batch_size: int = 128, threads: int = 2):
    """W3's training with each batch as two halves on ``threads`` threads (2, or 1 for the
    halves in turn); (seconds, accuracy)."""
    inputs, labels = data
    network = mlp([784, 256, 128, 10], activation="relu", rng=0, dtype=np.float32)
    loss = SoftmaxCrossEntropy()
    training = dataset(network, loss, inputs, labels)
    flat, networks = flatten(network), [network, twin(network)]
    gradients, losses = [flat.gradient, flatten(networks[1]).gradient], [loss, copy.copy(loss)]
    m, v, scratch = (np.zeros_like(flat.vector) for _ in range(3))
    batches, rng = Batches(training, batch_size, shuffle=True), np.random.default_rng(0)

    def half(index: int, rows) -> float:
        pick = [array.take(rows, axis=0, mode="clip") for array in (training.inputs,
                                                                      training.targets)]
        return training_step(networks[index], losses[index], *pick)

    previous, step = elementwise.get_threads(), 0
    elementwise.set_threads(threads)
    pool = ThreadPoolExecutor if threads > 1 else InTurn
    started = time.perf_counter()
    with threadpool_limits(1, "blas"), pool(1) as executor:
        for _ in range(epochs):
            order = rng.permutation(len(training))
            for start in range(0, len(order), batches.batch_size):
                rows = order[start:start + batches.batch_size]
                middle, step = len(rows) // 2, step + 1
                other = executor.submit(half, 1, rows[middle:])
                half(0, rows[:middle])
                other.result()
                elementwise.split(sum_and_step, (flat.vector, *gradients, m, v, scratch),
                                  middle / len(rows), step_scalars(step))
    seconds = time.perf_counter() - started
    elementwise.set_threads(previous)
    return seconds, float(np.mean(np.argmax(network.predict(inputs), axis=1) == labels))


def on_blas_threads(threads: int, run):
    def limited(data):
        with threadpool_limits(threads, "blas"):
            return run(data)
    return limited


CONTESTANTS = {"fit, 2 BLAS threads": on_blas_threads(2, run_mnist),
               "fit, 1 BLAS thread": on_blas_threads(1, run_mnist),
               "floor, 2 BLAS threads": on_blas_threads(2, floor_runs.run_mnist),
               "floor, 1 BLAS thread": on_blas_threads(1, floor_runs.run_mnist),
               "half batches on 2 threads": half_batches,
               "half batches in turn on 1 thread": lambda data: half_batches(data, threads=1)}


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv) -> None:
    rounds = int(argv[0]) if argv else 3
    data, names = workloads.mnist_shaped_data(), list(CONTESTANTS)
    for number in range(rounds):
        for name in names[number % len(names):] + names[:number % len(names)]:
            started = cpu_seconds()
            seconds, accuracy = CONTESTANTS[name](data)
            scored = "" if accuracy is None else f", accuracy {accuracy:.4f}"
            print(f"round {number}, {name}: {seconds:.3f} s (CPU {cpu_seconds() - started:.2f} s)"
                  f"{scored}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
