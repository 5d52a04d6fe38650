"""glassnet.dask on two local workers against training in memory: time per step and its overhead.

For the benchmark networks W2 (64-100-10, float64) and W3 (784-256-128-10, float32), each with
Adam and its batch size B:

* in memory: ``fit`` for ``--steps`` steps of B rows (no shuffling), numpy's BLAS on 1 and on
  2 threads; the time per step from the epoch's own clock;
* on Dask: ``glassnet.dask.fit`` on a LocalCluster of two worker processes (1 thread each) on
  127.0.0.1, the rows in 2 parts (and in 4, to see what a task more per step costs), each part
  giving B / parts rows a step, so a step sees B rows as in memory;
* the work of one part's step alone (``batch_sums`` of B / 2 rows, in this process), so the
  overhead = Dask's step - that work: scheduling, sending the vector and the gradient,
  summing, the optimizer step on the client;
* L-BFGS: one evaluation (loss and gradient over every row) in memory and over 2 parts;
* bytes a step moves per worker: the parameter vector down (the network's dtype) and the
  gradient up (float64).

    nice -n 10 python benchmarks/dask_training.py            # --steps 40 --repeats 3

Writes ``results/dask.json`` and ``results/dask.md`` (``dask_scaling.py`` reads the JSON).
The median of ``--repeats`` runs is kept. Needs ``pip install -e ".[dask,sklearn]"``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
from workloads import WORKLOADS, mnist_shaped_data, tabular_data

import glassnet
import glassnet.dask as spread_training
from glassnet import Adam, SoftmaxCrossEntropy, fit, mlp
from glassnet.dask_parts import Parts
from glassnet.flat import parameters_to_vector
from glassnet.sums import batch_sums

RESULTS = Path(__file__).parent / "results"
EVALUATION_ROWS = {"W2": 2000, "W3": 12000}  # L-BFGS's full batch (W3: a fifth of its rows)


def network_of(name: str):
    workload = WORKLOADS[name]
    return mlp(workload.sizes, activation="relu", rng=0, dtype=workload.dtype)


def data_of(name: str):
    return tabular_data() if name == "W2" else mnist_shaped_data()


def median_of(repeats: int, measure) -> float:
    return statistics.median(measure() for _ in range(repeats))


def in_memory_step(name, inputs, labels, steps, threads) -> float:
    """Seconds per step of ``fit`` (B rows a step) with ``threads`` BLAS threads."""
    from threadpoolctl import threadpool_limits

    size = WORKLOADS[name].batch_size
    with threadpool_limits(threads):
        history = fit(network_of(name), inputs[:steps * size], labels[:steps * size],
                      SoftmaxCrossEntropy(), Adam(1e-3), epochs=1, batch_size=size,
                      shuffle=False, verbose=0)
    return history["time"][0] / steps


def spread_step(name, inputs, labels, steps, parts, client) -> float:
    """Seconds per step of ``glassnet.dask.fit`` over ``parts`` parts of B / parts rows."""
    import dask.array as da

    size = WORKLOADS[name].batch_size
    rows = steps * size
    chunk = rows // parts
    history = spread_training.fit(
        network_of(name), da.from_array(inputs[:rows], chunks=(chunk, inputs.shape[1])),
        da.from_array(labels[:rows], chunks=chunk), SoftmaxCrossEntropy(), Adam(1e-3),
        epochs=1, batch_size=size // parts, shuffle=False, client=client)
    return history["time"][0] / steps


def part_work(name, inputs, labels, rows) -> float:
    """Seconds of one part's step alone: ``batch_sums`` of ``rows`` rows, 1 BLAS thread."""
    from threadpoolctl import threadpool_limits

    network = network_of(name)
    vector = parameters_to_vector(network)
    with threadpool_limits(1):
        started = time.perf_counter()
        for _ in range(10):
            batch_sums(network, SoftmaxCrossEntropy(), inputs[:rows], labels[:rows], None,
                       vector)
    return (time.perf_counter() - started) / 10


def evaluations(name, inputs, labels, client, repeats) -> dict:
    """Seconds of one L-BFGS evaluation (loss and gradient over every row): in memory on 1
    and 2 BLAS threads, and over 2 parts on the workers."""
    import dask.array as da
    from threadpoolctl import threadpool_limits

    rows = EVALUATION_ROWS[name]
    inputs, labels = inputs[:rows], labels[:rows]
    network, loss = network_of(name), SoftmaxCrossEntropy()
    vector = parameters_to_vector(network)
    answer = {}
    for threads in (1, 2):
        with threadpool_limits(threads):
            answer[f"memory_{threads}"] = median_of(repeats, lambda: timed(
                batch_sums, network, loss, inputs, labels, None, vector))
    parts = Parts(client, network, loss, da.from_array(inputs, chunks=(rows // 2, -1)),
                  da.from_array(labels, chunks=rows // 2), None, 600)
    answer["dask_2"] = median_of(repeats, lambda: timed(parts.sums, vector))
    answer["rows"] = rows
    return answer


def round_trip(client, parameters, repeats) -> float:
    """Seconds for the client to send a vector of ``parameters`` float64 to each of two tasks
    and gather a gradient-sized answer from each, with no work: Dask's floor for a step."""
    vector = np.zeros(parameters)

    def answer(vector):
        return vector.copy()

    def once():
        return timed(lambda: client.gather([client.submit(answer, vector, pure=False)
                                            for _ in range(2)]))

    once()
    return median_of(repeats * 10, once)


def timed(function, *arguments) -> float:
    started = time.perf_counter()
    function(*arguments)
    return time.perf_counter() - started


def measure(name, client, steps, repeats) -> dict:
    inputs, labels = data_of(name)
    size = WORKLOADS[name].batch_size
    copies = -(-steps * size // len(inputs))  # W2's 2,000 rows repeated for 40 steps of 200
    inputs, labels = np.tile(inputs, (copies, 1)), np.tile(labels, copies)
    network = network_of(name)
    parameters = network.n_parameters
    figures = {"workload": name, "title": WORKLOADS[name].title, "batch_size": size,
               "steps": steps, "parameters": parameters,
               "bytes_down": parameters * np.dtype(WORKLOADS[name].dtype).itemsize,
               "bytes_up": parameters * 8}
    for threads in (1, 2):
        figures[f"memory_{threads}"] = median_of(
            repeats, lambda threads=threads: in_memory_step(name, inputs, labels, steps, threads))
    for parts in (2, 4):
        figures[f"dask_{parts}"] = median_of(
            repeats, lambda parts=parts: spread_step(name, inputs, labels, steps, parts, client))
    figures["round_trip"] = round_trip(client, parameters, repeats)
    figures["part_work"] = part_work(name, inputs, labels, size // 2)
    figures["overhead"] = figures["dask_2"] - figures["part_work"]
    figures["per_task"] = (figures["dask_4"] - part_work(name, inputs, labels, size // 4)
                           - figures["overhead"]) / 2
    figures["lbfgs"] = evaluations(name, inputs, labels, client, repeats)
    return figures


def machine() -> dict:
    import dask
    import distributed

    return {"date": date.today().isoformat(), "python": platform.python_version(),
            "cpus": os.cpu_count(), "processor": platform.processor() or platform.machine(),
            "numpy": np.__version__, "dask": dask.__version__,
            "distributed": distributed.__version__, "glassnet": glassnet.__version__,
            "load_average": [round(value, 1) for value in os.getloadavg()]}


def table(results: dict) -> str:
    """The Markdown page of the figures."""
    about = results["machine"]
    lines = [f"Measured {about['date']} on {about['cpus']} cores ({about['processor']}), Python "
             f"{about['python']}, numpy {about['numpy']}, dask/distributed {about['dask']}; "
             f"LocalCluster of 2 worker processes x 1 thread on 127.0.0.1; median of "
             f"{results['repeats']} runs of {results['steps']} steps. Load average at the end "
             f"{', '.join(map(str, about['load_average']))} (a shared machine: the figures "
             f"are upper bounds).", "",
             "| workload | parameters | bytes down / up per worker | in memory, 1 thread (ms) "
             "| in memory, 2 threads (ms) | Dask, 2 parts (ms) | Dask, 4 parts (ms) "
             "| one part's work (ms) | overhead (ms) | per extra task (ms) "
             "| bare round trip (ms) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    lines += step_rows(results)
    lines += ["", "L-BFGS, one evaluation (loss and gradient over every row):", "",
              "| workload | rows | in memory, 1 thread (ms) | in memory, 2 threads (ms) "
              "| Dask, 2 parts (ms) |", "|---|---:|---:|---:|---:|"]
    for item in results["workloads"]:
        lbfgs = item["lbfgs"]
        lines.append(f"| {item['workload']} | {lbfgs['rows']:,} | {1000 * lbfgs['memory_1']:.1f}"
                     f" | {1000 * lbfgs['memory_2']:.1f} | {1000 * lbfgs['dask_2']:.1f} |")
    return "\n".join(lines) + "\n"


def step_rows(results: dict) -> list[str]:
    """One Markdown row of step figures per workload, in milliseconds."""
    lines = []
    for item in results["workloads"]:
        ms = {key: f"{1000 * item[key]:.2f}" for key in ("memory_1", "memory_2", "dask_2",
                                                         "dask_4", "part_work", "overhead",
                                                         "per_task", "round_trip")}
        lines.append(f"| {item['workload']} (batch {item['batch_size']}) | "
                     f"{item['parameters']:,} | {item['bytes_down']:,} / {item['bytes_up']:,} "
                     f"| {ms['memory_1']} | {ms['memory_2']} | {ms['dask_2']} | {ms['dask_4']} "
                     f"| {ms['part_work']} | {ms['overhead']} | {ms['per_task']} "
                     f"| {ms['round_trip']} |")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workloads", default="W2,W3")
    arguments = parser.parse_args(argv)
    import dask
    import distributed

    with tempfile.TemporaryDirectory(prefix="glassnet-dask-") as scratch, \
            dask.config.set({"temporary-directory": scratch}), \
            distributed.LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                                     dashboard_address=None, local_directory=scratch) as cluster, \
            distributed.Client(cluster) as client:
        figures = [measure(name, client, arguments.steps, arguments.repeats)
                   for name in arguments.workloads.split(",")]
    results = {"machine": machine(), "steps": arguments.steps, "repeats": arguments.repeats,
               "workloads": figures}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "dask.json").write_text(json.dumps(results, indent=1) + "\n")
    (RESULTS / "dask.md").write_text(table(results))
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
