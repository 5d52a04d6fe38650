"""Check one documentation page: run its blocks in a fresh folder, compare, report problems.

The folder holds a copy of the repository's ``examples/``; the environment is fixed
(``ENVIRONMENT``) and has no terminal, so what a page prints does not depend on who runs it.
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from docscheck.blocks import Block, Command, console_commands, parse_page
from docscheck.compare import first_difference, match_output

RUNNER = Path(__file__).with_name("runner.py")
ENVIRONMENT = {"MPLBACKEND": "Agg", "COLUMNS": "100", "LINES": "40", "PYTHONHASHSEED": "0",
               "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1", "NO_COLOR": "1",
               "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
PAGE_TIMEOUT = 180.0


@dataclass
class Problem:
    """What went wrong on a page, at which line (1-based)."""

    page: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.page}:{self.line}: {self.message}"


@dataclass
class Step:
    """One thing to run: a python block or one console command, and what it must show."""

    kind: str
    line: int
    code: str
    expected: list[str] | None
    expected_line: int
    exit_code: int | None = None


def documentation_pages(root: Path) -> list[Path]:
    """README.md and every Markdown page under docs/, in a stable order."""
    return [root / "README.md", *sorted((root / "docs").rglob("*.md"))]


def page_steps(blocks: list[Block]) -> list[Step]:
    """The steps of a page in order: each python block, each command of each console block."""
    steps: list[Step] = []
    for block in (block for block in blocks if block.runs):
        if block.language == "python":
            steps.append(Step("python", block.line, block.code, block.expected,
                              block.expected_line))
            continue
        commands: list[Command] = console_commands(block)
        if not commands:
            raise ValueError(f"line {block.line}: a console block with no '$ ' command")
        steps.extend(Step("shell", command.line, command.command, command.expected or None,
                          command.line + 1, command.exit_code) for command in commands)
    return steps


def _environment() -> dict[str, str]:
    environment = {**os.environ, **ENVIRONMENT}
    scripts = str(Path(sys.executable).parent)          # glassnet of this Python's venv
    environment["PATH"] = scripts + os.pathsep + environment.get("PATH", "")
    environment.pop("TERM", None)
    return environment


def run_steps(steps: list[Step], folder: Path, page: str, timeout: float) -> tuple[list, str]:
    """Run the steps in ``folder`` in a fresh interpreter: their results and its stderr."""
    steps_file, results_file = folder / ".docs-steps.json", folder / ".docs-results.json"
    steps_file.write_text(json.dumps([
        {"kind": step.kind, "code": step.code, "page": page, "line": step.line,
         "timeout": timeout} for step in steps]), encoding="utf-8")
    process = subprocess.Popen([sys.executable, str(RUNNER), str(steps_file), str(results_file)],
                               cwd=folder, env=_environment(), stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        stray, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stray, _ = process.communicate()
        stray += f"\n(the page timed out after {timeout:g} s)".encode()
    results = json.loads(results_file.read_text()) if results_file.exists() else []
    return results, stray.decode(errors="replace")


def judge(step: Step, result: dict, page: str) -> Problem | None:
    """The problem with one step's result, or None."""
    if result["error"]:
        return Problem(page, step.line, f"{step.kind} block failed:\n{result['error']}")
    if step.exit_code is not None and result["exit_code"] != step.exit_code:
        return Problem(page, step.line, f"`{step.code}` exited {result['exit_code']}, "
                       f"expected {step.exit_code}; it printed:\n{result['output']}")
    actual = result["output"].splitlines()
    if step.expected is None or match_output(step.expected, actual):
        return None
    index, wanted, got = first_difference(step.expected, actual)
    diff = "\n".join(difflib.unified_diff(step.expected, actual, "shown", "printed",
                                          lineterm=""))
    return Problem(page, step.expected_line + index,
                   f"output drift: shown {wanted.strip()!r}, printed {got.strip()!r}\n{diff}")


def check_page(path: Path, root: Path, timeout: float = PAGE_TIMEOUT) -> tuple[list[Problem],
                                                                                  int]:
    """Run every block of the page at ``path``: its problems and the number of blocks run."""
    page = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    try:
        blocks = parse_page(path.read_text(encoding="utf-8"))
        steps = page_steps(blocks)
    except ValueError as error:
        return [Problem(page, 0, str(error))], 0
    if not steps:
        return [], 0
    with tempfile.TemporaryDirectory(prefix="glassnet-docs-") as folder:
        if (root / "examples").is_dir():
            shutil.copytree(root / "examples", Path(folder) / "examples")
        results, stray = run_steps(steps, Path(folder), page, timeout)
    problems = [problem for step, result in zip(steps, results, strict=False)
                if (problem := judge(step, result, page))]
    if len(results) < len(steps) and not problems:
        problems.append(Problem(page, steps[len(results)].line,
                                f"did not run to the end:\n{stray[-2000:]}"))
    return problems, sum(block.runs for block in blocks)
