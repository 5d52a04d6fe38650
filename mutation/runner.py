"""Run the chosen tests against one mutant and classify the outcome.

Outcomes: ``killed`` (a test failed or errored), ``timeout`` (counted as killed: the mutant
made the tests hang), ``survived`` (every chosen test passed), ``equivalent`` (survived and
listed in ``mutation/equivalent.toml`` with the reason it cannot change behaviour).

Starting Python with numpy, pandas, scikit-learn and pytest costs seconds of processor time
per mutant, so the runner imports the ``preload`` modules of ``[tool.mutation]`` once and
runs each mutant's tests in a forked child (``pytest.main``), which imports glassnet afresh
from the mutated file. glassnet itself is never imported by the runner. A timeout in a fork
is checked once more in a fresh process before it counts.
"""

from __future__ import annotations

import importlib
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from mutants import Mutant, apply, restore
from selection import mapped_files, test_environment


@dataclass
class Outcome:
    """What happened to one mutant."""

    mutant: Mutant
    status: str
    tests: int
    seconds: float
    detail: str = ""


def prepare(root: Path, preload: list[str]) -> None:
    """Import the heavy third-party modules once and set the environment of the test runs."""
    os.environ.update(test_environment(root))
    sys.path.insert(0, str(root / "src"))
    for name in preload:
        importlib.import_module(name)
    if any(name == "glassnet" or name.startswith("glassnet.") for name in sys.modules):
        raise RuntimeError("the runner must not import glassnet: the forks would reuse it")


def run(root: Path, mutant: Mutant, config: dict) -> Outcome:
    """Apply ``mutant``, run its test files (stop at the first failure), restore the file."""
    tests = mapped_files(root, mutant.module, config.get("tests", {}))
    if not tests:
        return Outcome(mutant, "survived", 0, 0.0, "no test file maps to it")
    seconds = config["timeout-minimum"] + config["timeout-per-file"] * len(tests)
    limits = (seconds, seconds * config.get("wall-factor", 10.0))
    original = apply(root / "src", mutant)
    started = time.monotonic()
    try:
        status, detail = _forked_pytest(root, tests, limits)
        if status == "timeout":  # make sure it is the mutant, not the fork, that hangs
            status, detail = _pytest(root, tests, limits)
    finally:
        restore(root / "src", mutant, original)
    return Outcome(mutant, status, len(tests), time.monotonic() - started, detail)


def _arguments(tests: list[str]) -> list[str]:
    return ["-x", "-q", "-p", "no:cacheprovider", "--no-header", "-o", "addopts=", *tests]


def _limit_processor_time(seconds: float) -> None:
    """In the test process: SIGXCPU after ``seconds`` of processor time (each child of its
    own inherits the same limit)."""
    resource.setrlimit(resource.RLIMIT_CPU, (int(seconds), int(seconds) + 5))


def _forked_pytest(root: Path, tests: list[str], limits: tuple[float, float]
                   ) -> tuple[str, str]:
    """pytest.main in a forked child with its output in a temporary file."""
    with tempfile.TemporaryFile("w+") as output:
        child = os.fork()
        if child == 0:  # the child: never returns
            code = 3
            try:
                _limit_processor_time(limits[0])
                os.chdir(root)
                os.dup2(output.fileno(), 1)
                os.dup2(output.fileno(), 2)
                import pytest
                code = int(pytest.main(_arguments(tests)))
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        try:
            code = _wait(child, limits[1])
        except BaseException:  # interrupted: stop the child too
            os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)
            raise
        output.seek(0)
        return _classify(code, output.read(), limits[0])


def _wait(child: int, seconds: float) -> int | None:
    """The child's exit code, or None after killing it when it outlives ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pid, status = os.waitpid(child, os.WNOHANG)
        if pid:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.2)
    os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)
    return None


def _pytest(root: Path, tests: list[str], limits: tuple[float, float]) -> tuple[str, str]:
    """pytest in a fresh process."""
    command = [sys.executable, "-m", "pytest", *_arguments(tests)]
    try:
        result = subprocess.run(command, cwd=root, env=test_environment(root),
                                timeout=limits[1], capture_output=True, text=True,
                                preexec_fn=lambda: _limit_processor_time(limits[0]))
    except subprocess.TimeoutExpired:
        return _classify(None, "", limits[0])
    return _classify(result.returncode, result.stdout, limits[0])


def _classify(code: int | None, output: str, seconds: float) -> tuple[str, str]:
    if code is None or code == -signal.SIGXCPU:
        return "timeout", f"over {seconds:.0f} s of processor time" if code else "blocked"
    if code == 0:
        return "survived", ""
    if code in (1, 2):
        failed = re.search(r"^(?:FAILED|ERROR) (\S+)", output, re.MULTILINE)
        return "killed", failed.group(1) if failed else f"pytest exit {code}"
    return "error", f"pytest exit {code}: {output[-300:]}"
