"""Run one workload once on one library and print its time: the thing to put under a profiler.

    python benchmarks/single.py W3                       # glassnet
    python benchmarks/single.py W2 scikit-learn
    py-spy record --native -o w3.svg -- python benchmarks/single.py W3
    OPENBLAS_NUM_THREADS=1 python benchmarks/single.py W4 glassnet 3

Each run prints its time, and the process's CPU time (user and system) and page faults over
the run: memory that the allocator hands back to the system and maps again shows there.
"""

from __future__ import annotations

import resource
import sys
import time

import glassnet_runs
import workloads

LOADERS = {"W1": lambda: None, "W2": workloads.tabular_data,
           "W3": workloads.mnist_shaped_data, "W4": workloads.prediction_data}


def module(library: str):
    if library == "glassnet":
        return glassnet_runs
    if library == "scikit-learn":
        import sklearn_runs

        return sklearn_runs
    if library == "PyTorch":
        import torch_runs

        return torch_runs
    raise SystemExit(f"library must be glassnet, scikit-learn or PyTorch, got {library!r}")


def main(argv) -> None:
    if not 1 <= len(argv) <= 3 or argv[0] not in LOADERS:
        raise SystemExit("usage: python benchmarks/single.py W1|W2|W3|W4 [library] [times]")
    name, library = argv[0], argv[1] if len(argv) > 1 else "glassnet"
    times = int(argv[2]) if len(argv) > 2 else 1
    data, run = LOADERS[name](), module(library).RUNS[name]
    for _ in range(times):
        started, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
        seconds, answer = run(data)
        total, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF)
        summary = "" if not isinstance(answer, float) else f", answer {answer:.4f}"
        print(f"{name} {library}: {seconds:.3f} s timed ({total:.3f} s in all){summary}; CPU "
              f"{after.ru_utime - before.ru_utime:.3f} s user, "
              f"{after.ru_stime - before.ru_stime:.3f} s system, "
              f"{after.ru_minflt - before.ru_minflt} page faults")


if __name__ == "__main__":
    main(sys.argv[1:])
