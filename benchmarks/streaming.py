"""Training on a CSV file larger than memory: ``glassnet train --stream`` on a generated file
of at least 2 GB, beside pandas reading the same file alone.

    nice -n 10 python benchmarks/streaming.py            # about 40 minutes on 2 shared CPUs
    python benchmarks/streaming.py --size-gb 0.2 --keep  # a quick look

Generates (in a temporary folder, deleted after, unless ``--folder``/``--keep``) a CSV file
of 40 number columns (2 % of them missing, written as NA), three word columns (with a few
missing) and a 0/1 target that depends on numbers and words, plus a smaller file of the same
kind that fits in memory and a test file. Then, each in a child process whose peak resident
memory is read with ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` after it ends:
pandas' ``read_csv`` reading the big file in chunks and doing nothing else; ``glassnet train
--stream --epochs 1`` (the default chunk size) at each ``--batch-sizes`` entry (BATCH or
BATCH/RATE; ``default`` passes neither --batch-size nor --learning-rate: what a user gets);
and an in-memory ``glassnet train`` on the smaller file. All models are scored on the test
file by ``glassnet evaluate``. The machine's load average is recorded before and after each
run (the ratio is measured side by side, on a machine shared with other work). Writes
``benchmarks/results/streaming.md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
NUMBERS, BLOCK_ROWS = 40, 100_000
WORDS = {"colour": ["alpha", "bravo", "delta", "gamma"], "size": ["XS", "SM", "MD", "LG"],
         "region": ["north", "south", "westx", "eastx"]}


def number_cells(values: np.ndarray, missing: np.ndarray) -> np.ndarray:
    """(rows, columns) numbers -> (rows, columns, 9) bytes '+d.ddddd,' ('      NA,')."""
    scaled = np.rint(np.minimum(np.abs(values), 9.99999) * 1e5).astype(np.int64)
    cells = np.empty(values.shape + (9,), dtype=np.uint8)
    cells[..., 0] = np.where(values < 0, ord("-"), ord("+"))
    cells[..., 1] = 48 + scaled // 100_000
    cells[..., 2] = ord(".")
    for place in range(5):
        cells[..., 3 + place] = 48 + (scaled // 10 ** (4 - place)) % 10
    cells[..., 8] = ord(",")
    cells[missing] = np.frombuffer(b"      NA,", dtype=np.uint8)
    return cells


def word_cells(choice: np.ndarray, words: list[str], missing: np.ndarray) -> np.ndarray:
    width = len(words[0])
    table = np.array([list(word.encode()) for word in words] + [list(b"NA".rjust(width))],
                     dtype=np.uint8)
    codes = np.where(missing, len(words), choice)
    return np.hstack([table[codes], np.full((len(codes), 1), ord(","), np.uint8)])


def block(rows: int, rng) -> bytes:
    """``rows`` lines of the table, as bytes."""
    numbers = rng.normal(0, 2, (rows, NUMBERS))
    choices = {name: rng.integers(0, len(words), rows) for name, words in WORDS.items()}
    logit = (numbers[:, 0] - numbers[:, 1] + 0.25 * numbers[:, 2] * numbers[:, 3]
             + 1.5 * (choices["colour"] == 0) - (choices["size"] == 1) + rng.normal(0, 1, rows))
    parts = [number_cells(numbers, rng.random((rows, NUMBERS)) < 0.02).reshape(rows, -1)]
    parts += [word_cells(choices[name], words, rng.random(rows) < 0.01)
              for name, words in WORDS.items()]
    parts.append(np.stack([48 + (logit > 0), np.full(rows, 10)], axis=1).astype(np.uint8))
    return np.hstack(parts).tobytes()


def generate(path: str, size: float, seed: int) -> int:
    """A CSV file of at least ``size`` bytes; returns its rows."""
    rng, rows, written = np.random.default_rng(seed), 0, 0
    header = ",".join([f"x{index}" for index in range(NUMBERS)] + list(WORDS) + ["y"])
    with open(path, "wb") as file:
        written += file.write((header + "\n").encode())
        while written < size:
            written += file.write(block(BLOCK_ROWS, rng))
            rows += BLOCK_ROWS
    return rows


def measured(command: list[str]) -> dict:
    """Run ``command`` in a child of a fresh process: wall seconds, peak RSS (MiB), output,
    the 1-minute load average before and after."""
    before = os.getloadavg()[0]
    code = ("import json, resource, subprocess, sys, time\n"
            "start = time.perf_counter()\n"
            "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
            "seconds = time.perf_counter() - start\n"
            "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
            "print(json.dumps({'code': done.returncode, 'seconds': seconds, 'peak_mib': peak,"
            " 'out': done.stdout, 'err': done.stderr[-2000:]}))\n")
    result = json.loads(subprocess.run([sys.executable, "-c", code, *command],
                                       capture_output=True, text=True, check=True).stdout)
    if result["code"] != 0:
        raise SystemExit(f"{' '.join(command)} failed: {result['err']}")
    result["load"] = [round(before, 2), round(os.getloadavg()[0], 2)]
    return result


def pandas_read(path: str, chunk_rows: int) -> dict:
    code = ("import sys, pandas\n"
            "rows = sum(len(chunk) for chunk in pandas.read_csv(sys.argv[1], chunksize="
            "int(sys.argv[2]), skipinitialspace=True))\n"
            "print(rows)\n")
    return measured([sys.executable, "-c", code, path, str(chunk_rows)])


def accuracy(glassnet: str, model: str, test: str) -> float:
    out = subprocess.run([glassnet, "evaluate", model, test], capture_output=True, text=True,
                         check=True).stdout
    return float(re.search(r"accuracy ([0-9.]+)", out).group(1))


def run(arguments, folder: str) -> dict:
    from glassnet.cli.streaming import CHUNK_ROWS

    glassnet = shutil.which("glassnet") or os.path.join(os.path.dirname(sys.executable),
                                                       "glassnet")
    big, small, test = (os.path.join(folder, name) for name in ("big.csv", "small.csv",
                                                                 "test.csv"))
    started = time.perf_counter()
    rows = generate(big, arguments.size_gb * 1e9, 0)
    generate(small, arguments.small_rows * 200, 1)
    generate(test, 100_000 * 200, 2)
    result = {"file_bytes": os.path.getsize(big), "rows": rows, "chunk_rows": CHUNK_ROWS,
              "generate_seconds": round(time.perf_counter() - started, 1)}
    read = pandas_read(big, CHUNK_ROWS)
    result["pandas"] = {"seconds": read["seconds"], "peak_mib": read["peak_mib"],
                        "load": read["load"],
                        "rows_per_second": rows / read["seconds"]}
    result["streamed"] = [stream_run(glassnet, big, test, folder, size, rows, read)
                          for size in arguments.batch_sizes]
    model = os.path.join(folder, "memory.glassnet")
    memory = measured([glassnet, "train", small, "--target", "y", "--epochs",
                       str(arguments.memory_epochs), "-o", model])
    result["in_memory"] = {"rows": small_rows(small), "epochs": arguments.memory_epochs,
                           "load": memory["load"],
                           "seconds": memory["seconds"], "peak_mib": memory["peak_mib"],
                           "accuracy": accuracy(glassnet, model, test)}
    return result


def stream_run(glassnet, big, test, folder, batch_size, rows, read) -> dict:
    model = os.path.join(folder, f"streamed-{batch_size.replace('/', '-')}.glassnet")
    size, _, rate = batch_size.partition("/")
    chosen = [] if batch_size == "default" else ["--batch-size", size] + (
        ["--learning-rate", rate] if rate else [])
    done = measured([glassnet, "train", big, "--target", "y", "--stream", "--epochs", "1",
                     *chosen, "-o", model])
    epoch = float(re.search(r"Trained 1 epoch\(s\) in ([0-9.]+) s", done["out"]).group(1))
    used = re.search(r"learning rate ([0-9.e-]+), batch size (\d+)", done["out"])
    from glassnet import load

    return {"batch_size": batch_size, "used": f"batch {used.group(2)}, rate {used.group(1)}",
            "load": done["load"], "seconds": done["seconds"], "epoch_seconds": epoch,
            "first_pass_seconds": done["seconds"] - epoch, "peak_mib": done["peak_mib"],
            "first_pass_over_pandas": (done["seconds"] - epoch) / read["seconds"],
            "cache_bytes": load(model).training.get("cache_bytes", 0),
            "rows_per_second": rows / epoch, "epoch_over_pandas": epoch / read["seconds"],
            "accuracy": accuracy(glassnet, model, test)}


def small_rows(path: str) -> int:
    with open(path, "rb") as file:
        return sum(block.count(b"\n") for block in iter(lambda: file.read(1 << 20), b"")) - 1


def markdown(result: dict) -> str:
    pandas = result["pandas"]
    lines = [f"# Streaming a {result['file_bytes'] / 1e9:.2f} GB CSV file "
             f"({result['rows']:,} rows, {NUMBERS} number and {len(WORDS)} word columns)", "",
             f"{result['machine']}; {result['date']}. Command: `{result['command']}`. Peak "
             f"resident memory: `ru_maxrss` of the child process. Chunks of "
             f"{result['chunk_rows']:,} rows (the default).", "",
             "| run | seconds | rows/s | peak MiB | epoch / pandas read | test accuracy "
             "| load before, after |",
             "|---|---:|---:|---:|---:|---:|---|",
             f"| pandas `read_csv` in chunks, alone | {pandas['seconds']:.1f} | "
             f"{pandas['rows_per_second']:,.0f} | {pandas['peak_mib']:.0f} | 1 | | "
             f"{load(pandas)} |"]
    for run in result["streamed"]:
        name = f"`train --stream` ({'defaults: ' if run['batch_size'] == 'default' else ''}" \
            f"{run['used']})"
        cache = f", writes a {run['cache_bytes'] / 1e9:.2f} GB binary copy" \
            if run.get("cache_bytes") else ""
        lines.append(f"| {name}: first pass (with startup{cache}) | "
                     f"{run['first_pass_seconds']:.1f} | | | "
                     f"{run.get('first_pass_over_pandas', float('nan')):.2f} | | |")
        lines.append(f"| {name}: one epoch | {run['epoch_seconds']:.1f} | "
                     f"{run['rows_per_second']:,.0f} | {run['peak_mib']:.0f} | "
                     f"{run['epoch_over_pandas']:.2f} | {run['accuracy']:.4f} | "
                     f"{load(run)} |")
    memory = result["in_memory"]
    lines.append(f"| in-memory `train` (defaults), {memory['rows']:,} rows, {memory['epochs']} "
                 f"epochs | {memory['seconds']:.1f} | | {memory['peak_mib']:.0f} | | "
                 f"{memory['accuracy']:.4f} | {load(memory)} |")
    lines += ["", "Load: the machine's 1-minute load average before and after each run (2 CPUs).",
              "First pass: the command's whole time less the epoch's (starting Python, the "
              "first pass over the CSV file, writing the binary copy of the parsed chunks that "
              "the epochs read, saving the model); its ratio is to pandas' read as well.",
              "Goals: peak memory at most 300 MiB; one epoch at most 2x pandas' read time; "
              "test accuracy within 0.01 of the in-memory fit.", ""]
    return "\n".join(lines)


def load(run: dict) -> str:
    return ", ".join(f"{value:.1f}" for value in run.get("load", []))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-gb", type=float, default=2.05)
    parser.add_argument("--small-rows", type=int, default=200_000)
    parser.add_argument("--memory-epochs", type=int, default=5)
    parser.add_argument("--batch-sizes", type=lambda text: text.split(","),
                        default=["default", "64/0.001"],
                        help="comma-separated BATCH or BATCH/RATE; 'default' gives no "
                             "--batch-size (default: default,64/0.001, the in-memory ones)")
    parser.add_argument("--folder", help="where the files go (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--output", default=os.path.join(HERE, "results", "streaming"))
    arguments = parser.parse_args()
    folder = arguments.folder or tempfile.mkdtemp(prefix="glassnet-streaming-")
    os.makedirs(folder, exist_ok=True)
    try:
        result = run(arguments, folder)
    finally:
        if not arguments.keep and not arguments.folder:
            shutil.rmtree(folder, ignore_errors=True)
    result.update(date=str(date.today()), command="python benchmarks/streaming.py " +
                  " ".join(sys.argv[1:]), machine=f"{platform.machine()}, "
                  f"{os.cpu_count()} CPUs shared with other work, Python "
                  f"{platform.python_version()}, OPENBLAS_NUM_THREADS="
                  f"{os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")
    with open(arguments.output + ".json", "w") as file:
        json.dump(result, file, indent=2)
    with open(arguments.output + ".md", "w") as file:
        file.write(markdown(result))
    print(markdown(result))


if __name__ == "__main__":
    main()
