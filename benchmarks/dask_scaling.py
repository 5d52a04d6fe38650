"""On paper: how far synchronous data-parallel training scales for the benchmark networks.

Reads the figures ``dask_training.py`` measured (``results/dask.json``) and works out the time
of one synchronous step on N workers, each over a link of a given bandwidth, as
``glassnet.dask`` runs it (the client sends the parameter vector to every worker and gathers
every gradient, so the client's link carries them all):

    T(N) = C / N  +  L + N t  +  N P (s_down + s_up) / bandwidth

* C: the step's work on one thread (the measured in-memory step on one BLAS thread; for an
  L-BFGS evaluation, the measured evaluation scaled to all the workload's rows), divided
  evenly (optimistic for small batches, which use BLAS less well);
* L + N t: Dask's latency, a fixed part L and t per task (``--latency-ms``, default the
  measured bare round trip of two tasks less 2 t; ``--task-ms``, default 1 ms, the overhead
  per task that Dask's documentation states);
* P parameters, s_down bytes each going down (the network's dtype), s_up = 8 coming up.

The speed-up is T_memory / T(N), T_memory the measured in-memory step (the better of 1 and 2
BLAS threads). For comparison the table also gives the best speed-up with an all-reduce
(ring: 2 (N - 1) / N P s_up / bandwidth, no single link carrying all; not what glassnet.dask
does). The per-task and transfer terms grow with N while the work shrinks as 1 / N, so the
speed-up peaks near N* = sqrt(C / (t + P (s_down + s_up) / bandwidth)) and falls after: that
is where adding workers stops paying. Writes ``results/dask_scaling.md``.

    python benchmarks/dask_scaling.py                      # --bandwidths 1,10 --latency-ms 2
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
WORKERS = (1, 2, 4, 8, 16, 32, 64, 128)
ALL_ROWS = {"W2": 2000, "W3": 60000}


def step_seconds(work, workers, latency, task, parameters, bytes_each, bandwidth) -> float:
    """T(N) of the module docstring; ``bandwidth`` in bytes per second."""
    return (work / workers + latency + workers * task
            + workers * parameters * bytes_each / bandwidth)


def all_reduce_seconds(work, workers, latency, task, parameters, bytes_up, bandwidth) -> float:
    """The same step with a ring all-reduce of the gradients instead of a star."""
    return (work / workers + latency + workers * task
            + 2 * (workers - 1) / workers * parameters * bytes_up / bandwidth)


def cases(item: dict) -> list[tuple[str, float, float]]:
    """(what, one thread's work C, the in-memory time it is compared with) per case."""
    step = ("Adam step, batch " + str(item["batch_size"]), item["memory_1"],
            min(item["memory_1"], item["memory_2"]))
    lbfgs = item["lbfgs"]
    rows = ALL_ROWS[item["workload"]]
    scale = rows / lbfgs["rows"]
    evaluation = (f"L-BFGS evaluation, {rows:,} rows", lbfgs["memory_1"] * scale,
                  min(lbfgs["memory_1"], lbfgs["memory_2"]) * scale)
    return [step, evaluation]


def rows_of(item: dict, latency: float, task: float, bandwidths) -> list[str]:
    """One Markdown row per case and bandwidth: speed-up at each N, the best N."""
    lines = []
    bytes_each = item["bytes_down"] / item["parameters"] + 8
    for what, work, memory in cases(item):
        for gigabits in bandwidths:
            bandwidth = gigabits * 1e9 / 8
            speedups = [memory / step_seconds(work, n, latency, task, item["parameters"],
                                              bytes_each, bandwidth) for n in WORKERS]
            best = max(range(len(WORKERS)), key=lambda index: speedups[index])
            ring = max(memory / all_reduce_seconds(work, n, latency, task, item["parameters"],
                                                   8, bandwidth) for n in WORKERS)
            cells = " | ".join(f"{value:.2f}" for value in speedups)
            peak = math.sqrt(work / (task + item["parameters"] * bytes_each / bandwidth))
            lines.append(f"| {item['workload']} | {what} | {1000 * memory:.1f} | "
                         f"{1000 * latency:.1f} | {gigabits:g} | {cells} | "
                         f"{WORKERS[best]} ({speedups[best]:.2f}) | {peak:.1f} | {ring:.2f} |")
    return lines


def page(results: dict, latency_ms: float | None, task_ms: float, bandwidths) -> str:
    """The table: per workload, case and bandwidth, the speed-up at each N."""
    task = task_ms / 1000
    lines = [f"Speed-up over one machine in memory; Dask's latency L + {task_ms:g} ms per task.",
             "", "| workload | step | in memory (ms) | L (ms) | Gbit/s | "
             + " | ".join(f"N={n}" for n in WORKERS) + " | best N (speed-up) | N* "
             "| best with an all-reduce |",
             "|---|---|---:|---:|---:|" + "---:|" * (len(WORKERS) + 3)]
    for item in results["workloads"]:
        latency = (max(item["round_trip"] - 2 * task, 0.0) if latency_ms is None
                   else latency_ms / 1000)
        lines += rows_of(item, latency, task, bandwidths)
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, default=RESULTS / "dask.json")
    parser.add_argument("--bandwidths", default="1,10", help="Gbit/s, comma-separated")
    parser.add_argument("--latency-ms", type=float, help="fixed latency L of a step (default: "
                                                         "the measured bare round trip)")
    parser.add_argument("--task-ms", type=float, default=1.0, help="Dask's overhead per task")
    arguments = parser.parse_args(argv)
    results = json.loads(arguments.results.read_text())
    bandwidths = [float(value) for value in arguments.bandwidths.split(",")]
    measured = page(results, None, arguments.task_ms, bandwidths)
    quiet = page(results, 2.0 if arguments.latency_ms is None else arguments.latency_ms,
                 arguments.task_ms, bandwidths)
    text = ("With the latency measured here (L from the bare round trip of two tasks):\n\n"
            + measured + "\nWith a quiet cluster's latency (L given):\n\n" + quiet)
    (RESULTS / "dask_scaling.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
