"""The ported examples in examples/ run as scripts (short epochs through
GLASSNET_EXAMPLE_EPOCHS) and print what they promise."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run_example(name: str, epochs: int) -> str:
    environment = {**os.environ, "GLASSNET_EXAMPLE_EPOCHS": str(epochs)}
    result = subprocess.run([sys.executable, str(EXAMPLES / name)], capture_output=True,
                            text=True, env=environment, timeout=600, cwd=EXAMPLES)
    assert result.returncode == 0, result.stderr
    return result.stdout


def number_after(label: str, text: str) -> float:
    match = re.search(rf"{label}: ([0-9.]+)", text)
    assert match, text
    return float(match.group(1))


def test_xor_is_learned():
    output = run_example("xor.py", 500)
    assert number_after("accuracy", output) == 1.0
    assert number_after("final loss", output) < 0.05


def test_digits_with_early_stopping():
    pytest.importorskip("sklearn")
    output = run_example("digits_early_stopping.py", 25)
    assert number_after("test accuracy", output) > 0.9
    assert number_after("best validation accuracy", output) > 0.9
    assert "epochs run: " in output


def test_huber_regression_resists_outliers():
    output = run_example("huber_regression.py", 100)
    assert "huber is closer to the clean line: True" in output
    huber = re.search(r"huber: y = ([0-9.]+) x \+ ([0-9.]+)", output)
    assert abs(float(huber.group(1)) - 3.0) < 0.2 and abs(float(huber.group(2)) - 1.0) < 0.2


def test_hand_written_training_loop():
    output = run_example("training_loop.py", 15)
    losses = [float(value) for value in re.findall(r"loss ([0-9.]+)", output)]
    assert losses[-1] < 0.5 * losses[0]
    assert number_after("accuracy", output) > 0.9


def test_custom_layer_registered_trains_saves_and_loads():
    output = run_example("custom_layer.py", 100)
    assert "loaded layers: [Scale(3), Dense(3, 1)]" in output
    assert "predictions identical after loading: True" in output
    assert number_after("final loss", output) < 0.01
