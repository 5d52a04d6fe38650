"""M3: extra resident memory while one library fits W3, over a process holding the data.

Run once per library in a fresh process: ``python benchmarks/memory.py glassnet`` prints
one JSON line. The process imports the library and makes the float32 data first; then the
C heap's free pages are given back (malloc_trim), the peak resident size (VmHWM) is reset
through /proc/self/clear_refs, the resident size is the baseline, the fit runs (without
scoring), and the answer is the new peak minus the baseline, in MiB. Where the peak cannot
be reset, the peak so far (which then includes making the data) is the baseline, and the
JSON says so.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import sys

LIBRARIES = ("glassnet", "scikit-learn", "PyTorch")


def status_kib(field: str) -> int:
    """A line of /proc/self/status, such as VmRSS or VmHWM, in KiB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {field}")


def release_free_memory() -> None:
    """Give the C heap's free pages back (glibc malloc_trim), so that memory freed while the
    data was made is not counted in the baseline and then silently reused by the fit."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to give back
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def reset_peak() -> bool:
    """Set VmHWM back to the current resident size (Linux >= 4.0); False if refused."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        return True
    except OSError:
        return False


def runner(library: str, threads: int):
    if library == "glassnet":
        import glassnet_runs

        return glassnet_runs.run_mnist
    if library == "scikit-learn":
        import sklearn_runs

        return sklearn_runs.run_mnist
    if library == "PyTorch":
        import torch_runs

        torch_runs.set_threads(threads)
        return torch_runs.run_mnist
    raise SystemExit(f"library must be one of {LIBRARIES}, got {library!r}")


def measure(library: str, threads: int) -> dict:
    from workloads import mnist_shaped_data

    run = runner(library, threads)
    data = mnist_shaped_data()
    data_mib = (data[0].nbytes + data[1].nbytes) / 2**20
    release_free_memory()
    was_reset = reset_peak()
    baseline = status_kib("VmRSS") if was_reset else status_kib("VmHWM")
    seconds, _ = run(data, score=False)
    extra = (status_kib("VmHWM") - baseline) / 1024
    return {"library": library, "extra_mib": round(extra, 1), "data_mib": round(data_mib, 1),
            "baseline_mib": round(baseline / 1024, 1), "peak_was_reset": was_reset,
            "seconds": round(seconds, 3)}


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        raise SystemExit(f"usage: python benchmarks/memory.py {{{','.join(LIBRARIES)}}} "
                         "[threads]")
    from threadpoolctl import threadpool_info, threadpool_limits

    count = int(sys.argv[2]) if len(sys.argv) == 3 else max(
        pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas")
    with threadpool_limits(limits=count, user_api="blas"):
        print(json.dumps(measure(sys.argv[1], count)))
