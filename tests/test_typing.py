"""Type hints that tools see: the py.typed marker ships with the package, and mypy accepts a
short script over the public API (examples/typed_usage.py), which also runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import glassnet

ROOT = Path(__file__).resolve().parent.parent


def test_the_package_carries_py_typed():
    assert (Path(glassnet.__file__).parent / "py.typed").is_file()


def test_mypy_accepts_the_typed_usage_example_and_catches_a_wrong_one(tmp_path):
    """One mypy run over the example and a script with a type error: only the error is
    reported, so the example passes because mypy read glassnet's hints, not because it
    looked at nothing."""
    pytest.importorskip("mypy")
    wrong = tmp_path / "wrong.py"
    wrong.write_text("import glassnet\nnetwork: glassnet.Sequential = glassnet.mlp([2, 1])\n"
                     "count: str = network.n_parameters\n")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--cache-dir", str(tmp_path / "cache"),
         str(ROOT / "examples" / "typed_usage.py"), str(wrong)],
        capture_output=True, text=True, timeout=600, cwd=tmp_path)
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1, result.stdout + result.stderr
    assert errors[0].startswith(str(wrong)) or errors[0].startswith("wrong.py")
    assert "Incompatible types in assignment" in errors[0]


def test_typed_usage_runs(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "examples" / "typed_usage.py")],
                            capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "parameters" in result.stdout and (tmp_path / "history.csv").exists()
