"""Run the chosen tests against one mutant and classify the outcome.

Outcomes: ``killed`` (a test failed or errored), ``timeout`` (counted as killed: the mutant
made the tests hang), ``survived`` (every chosen test passed), ``equivalent`` (survived and
listed in ``mutation/equivalent.toml`` with the reason it cannot change behaviour).
"""

from __future__ import annotations

import re
import subprocess
import sys
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


def run(root: Path, mutant: Mutant, config: dict) -> Outcome:
    """Apply ``mutant``, run its test files (stop at the first failure), restore the file."""
    tests = mapped_files(root, mutant.module, config.get("tests", {}))
    if not tests:
        return Outcome(mutant, "survived", 0, 0.0, "no test file maps to it")
    seconds = config["timeout-minimum"] + config["timeout-per-file"] * len(tests)
    original = apply(root / "src", mutant)
    started = time.monotonic()
    try:
        status, detail = _pytest(root, tests, seconds)
    finally:
        restore(root / "src", mutant, original)
    return Outcome(mutant, status, len(tests), time.monotonic() - started, detail)


def _pytest(root: Path, tests: list[str], seconds: float) -> tuple[str, str]:
    """Run pytest on ``tests``; return (status, first failing test or reason)."""
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
               "--no-header", "-o", "addopts=", *tests]
    try:
        result = subprocess.run(command, cwd=root, env=test_environment(root), timeout=seconds,
                                capture_output=True, text=True)
    except subprocess.TimeoutExpired:
        return "timeout", f"over {seconds:.0f} s"
    if result.returncode == 0:
        return "survived", ""
    if result.returncode in (1, 2):
        failed = re.search(r"^(?:FAILED|ERROR) (\S+)", result.stdout, re.MULTILINE)
        return "killed", failed.group(1) if failed else f"pytest exit {result.returncode}"
    return "error", f"pytest exit {result.returncode}: {result.stdout[-300:]}"
