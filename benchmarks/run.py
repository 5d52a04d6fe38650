"""glassnet's speed benchmark: every workload on glassnet and each installed peer.

    pip install -r benchmarks/requirements.txt
    python benchmarks/run.py            # all workloads, 5 repeats after one warm-up

Libraries run in alternation (the order rotates each repeat); the report gives median
times, glassnet/peer ratios, the share of the machine's limit (numpy's own 2048 x 2048
matrix-multiply rate, measured in the same run) and the memory workload M3, and writes
results.json, results.md and ratios.png to benchmarks/results/. Never part of the tests.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import floor_runs
import glassnet_runs
import numpy as np
import report
import workloads

HERE = Path(__file__).resolve().parent
OPENBLAS_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
ESTIMATOR = "glassnet.sklearn"


def peers(names, threads: int) -> list:
    """The runner modules of every library asked for that is installed; glassnet's predict
    spreads its chunks over as many threads as the others get."""
    from glassnet import chunk_threads

    chunk_threads.set_threads(threads)
    modules = [glassnet_runs]
    if "scikit-learn" in names:
        try:
            import sklearn_runs

            sklearn_runs.version()
            modules.append(sklearn_runs)
        except ImportError:
            print("scikit-learn is not installed: skipped", file=sys.stderr)
    if "PyTorch" in names:
        try:
            import torch_runs

            torch_runs.set_threads(threads)
            modules.append(torch_runs)
        except ImportError:
            print("PyTorch is not installed: skipped", file=sys.stderr)
    return modules


def blas_threads() -> int:
    from threadpoolctl import threadpool_info

    counts = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
    return max(counts, default=1)


def matmul_rate(dtype, size: int = 2048, repeats: int = 5) -> float:
    """numpy's floating-point operations per second on a size x size product (median)."""
    rng = np.random.default_rng(0)
    left, right = (rng.standard_normal((size, size)).astype(dtype) for _ in range(2))
    out = np.empty_like(left)
    np.matmul(left, right, out=out)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        np.matmul(left, right, out=out)
        times.append(time.perf_counter() - started)
    return 2.0 * size**3 / statistics.median(times)


def machine(modules) -> dict:
    from threadpoolctl import threadpool_info

    with open("/proc/cpuinfo") as cpuinfo:
        cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo
                    if line.startswith("model name")), platform.processor())
    pools = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    blas = next((pool for pool in pools if "numpy" in pool["filepath"]), pools[0])
    versions = {module.NAME: module.version() for module in modules}
    versions["numpy"] = np.__version__
    if glassnet_runs.numba_installed():
        import numba

        versions["numba"] = numba.__version__
    return {"date": datetime.date.today().isoformat(), "cpu": cpu, "cores": os.cpu_count(),
            "python": platform.python_version(), "versions": versions,
            "blas": f"{blas['internal_api']} {blas.get('version')} "
                    f"({blas.get('architecture')} kernel, {blas['num_threads']} threads)",
            "openblas_environment": {key: os.environ[key] for key in OPENBLAS_VARIABLES
                                     if key in os.environ}}


def load(names) -> dict:
    data = {}
    if "W2" in names:
        data["W2"] = workloads.tabular_data()
    if "W3" in names:
        data["W3"] = workloads.mnist_shaped_data()
    if "W4" in names:
        data["W4"] = workloads.prediction_data()
    return data


def contestants(name, modules) -> list:
    """(library name, run function) for one workload. W1 adds the tutorial's bare loop; W2
    and W3 add the floor (their bare matrix products) and glassnet's scikit-learn estimator
    (when scikit-learn is installed) and glassnet with its accelerator (when numba is
    installed); W3 adds glassnet with two elementwise threads."""
    pairs = [(module.NAME, module.RUNS[name]) for module in modules if name in module.RUNS]
    if name == "W1":
        pairs.insert(1, ("numpy loop", glassnet_runs.run_tutorial_loop))
    if name in floor_runs.RUNS:
        pairs.insert(1, (floor_runs.NAME, floor_runs.RUNS[name]))
        if any(module.NAME == "scikit-learn" for module in modules):
            pairs.insert(2, (ESTIMATOR, glassnet_runs.ESTIMATOR_RUNS[name]))
    if name == "W3":
        pairs.insert(1, (glassnet_runs.THREADED, glassnet_runs.run_mnist_threaded))
    if name in glassnet_runs.ACCELERATED_RUNS and glassnet_runs.numba_installed():
        pairs.insert(1, (glassnet_runs.ACCELERATED, glassnet_runs.ACCELERATED_RUNS[name]))
    return pairs


def time_workloads(names, modules, repeats: int) -> dict:
    """Run each workload's contestants in rotating order, one warm-up round, then repeats."""
    data = load(names)
    times = {name: {} for name in names}
    answers = {name: {} for name in names}
    for round_number in range(repeats + 1):
        for name in names:
            pairs = contestants(name, modules)
            shift = round_number % len(pairs)
            # A short workload runs several interleaved passes per round, so that a slow
            # moment of a shared machine falls on every library alike.
            for _ in range(workloads.WORKLOADS[name].passes_per_round):
                for library, run in pairs[shift:] + pairs[:shift]:
                    seconds, answer = run(data.get(name))
                    if round_number > 0:
                        times[name].setdefault(library, []).append(seconds)
                    answers[name][library] = answer
        print(f"round {round_number} of {repeats} done; seconds so far: {json.dumps(times)}",
              file=sys.stderr)
    return summarise(names, modules, times, answers)


def summarise(names, modules, times, answers) -> dict:
    summary = {}
    for name in names:
        workload = workloads.WORKLOADS[name]
        entry = {"title": workload.title, "work_flop": workload.work, "libraries": {}}
        reference = answers[name].get("glassnet")
        for library, _ in contestants(name, modules):
            seconds, answer = times[name][library], answers[name][library]
            figures = {"seconds": seconds, "median_seconds": statistics.median(seconds)}
            if isinstance(answer, np.ndarray):  # W4: every library must agree with glassnet
                figures["largest_difference"] = float(np.abs(answer - reference).max())
                figures["accuracy"] = None
            else:
                figures["accuracy"] = answer
            entry["libraries"][library] = figures
        summary[name] = entry
    return summary


def memory(libraries, threads: int) -> dict:
    """M3 in a fresh process per library (so one library's memory never counts for another)."""
    results = {}
    for library in libraries:
        completed = subprocess.run([sys.executable, str(HERE / "memory.py"), library,
                                    str(threads)],
                                   capture_output=True, text=True, check=True)
        results[library] = json.loads(completed.stdout.strip().splitlines()[-1])
    return results


def add_shares(results: dict) -> None:
    for name, entry in results["workloads"].items():
        dtype = np.dtype(workloads.WORKLOADS[name].dtype).name
        for figures in entry["libraries"].values():
            rate = entry["work_flop"] / figures["median_seconds"]
            figures["share_of_limit"] = rate / results["limit"][dtype]


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--workloads", default="W1,W2,W3,W4,M3")
    parser.add_argument("--libraries", default="scikit-learn,PyTorch")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads for numpy's BLAS and PyTorch alike (default: numpy's)")
    parser.add_argument("--output", default=str(HERE / "results"))
    arguments = parser.parse_args(argv)
    if arguments.repeats < 1:
        parser.error(f"--repeats must be >= 1, got {arguments.repeats}")
    threads = arguments.threads or blas_threads()
    if threads < 1:
        parser.error(f"--threads must be >= 1, got {threads}")
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=threads, user_api="blas"):
        results = measure(arguments, threads)
    write(results, Path(arguments.output))
    return results


def measure(arguments, threads: int) -> dict:
    names = [name for name in arguments.workloads.split(",") if name in workloads.WORKLOADS]
    modules = peers(arguments.libraries.split(","), threads)
    results = {"machine": machine(modules), "repeats": arguments.repeats, "threads": threads,
               "limit": {"float32": matmul_rate(np.float32), "float64": matmul_rate(np.float64)},
               "load_average": {"start": load_average()}}
    results["workloads"] = time_workloads(names, modules, arguments.repeats)
    if "M3" in arguments.workloads.split(","):
        results["memory"] = memory([module.NAME for module in modules], threads)
    results["load_average"]["end"] = load_average()
    add_shares(results)
    return results


def load_average() -> list[float]:
    """The machine's 1-, 5- and 15-minute load averages: how busy other work kept it (on a
    shared machine, two BLAS threads that wait for each other slow down many times over)."""
    return [round(value, 2) for value in os.getloadavg()]


def write(results: dict, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    table = report.markdown(results)
    (folder / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    (folder / "results.md").write_text(table)
    report.chart(results, str(folder / "ratios.png"))
    print(table)


if __name__ == "__main__":
    main()
