"""Run one page's steps in this process and folder: ``python runner.py STEPS.json RESULTS.json``.

Python steps run in one module namespace named ``__main__`` (as one script would), their
standard output captured; shell steps run with bash, standard output and error merged. A
Python step that raises ends the page (later steps depend on it). The results file is
rewritten after every step, so a page that times out still reports what it did.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import traceback
import types


def run_python(code: str, name: str, line: int, module: types.ModuleType) -> dict:
    """Run ``code`` in ``module``'s namespace: its printed output and traceback, if any."""
    output = io.StringIO()
    error = None
    try:
        with contextlib.redirect_stdout(output):
            exec(compile("\n" * (line - 1) + code, name, "exec"), module.__dict__)
    except BaseException:  # a page's failure, even SystemExit, is reported, never raised
        error = traceback.format_exc(limit=-8)
    return {"output": output.getvalue(), "error": error, "exit_code": None}


def run_shell(command: str, timeout: float) -> dict:
    """Run ``command`` with bash: its output (stdout and stderr merged) and exit code."""
    try:
        done = subprocess.run(["bash", "-c", command], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired as expired:
        text = (expired.output or b"").decode(errors="replace")
        return {"output": text, "error": f"timed out after {timeout:g} s", "exit_code": None}
    text = done.stdout.decode(errors="replace")
    return {"output": text, "error": None, "exit_code": done.returncode}


def main(steps_path: str, results_path: str) -> None:
    with open(steps_path, encoding="utf-8") as file:
        steps = json.load(file)
    module = types.ModuleType("__main__")
    sys.modules["__main__"] = module     # classes a page defines pickle by reference
    results = []
    for step in steps:
        if step["kind"] == "python":
            result = run_python(step["code"], step["page"], step["line"], module)
        else:
            result = run_shell(step["code"], step["timeout"])
        results.append(result)
        with open(results_path, "w", encoding="utf-8") as file:
            json.dump(results, file)
        if step["kind"] == "python" and result["error"]:
            break


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
