"""The mutation runner (mutation/run.py and its helpers): listing the mutants of a module.
Needs cosmic-ray (the ``mutation`` extra)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytest.importorskip("cosmic_ray")

MUTATION = Path(__file__).resolve().parent.parent / "mutation"

SOURCE = '''from __future__ import annotations

import queue

import numpy as np


def solve(a, b):
    try:
        return np.linalg.solve(a, b)
    except (ValueError, np.linalg.LinAlgError):
        return None


def take(box):
    try:
        return box.get_nowait()
    except queue.Full as error:
        raise ValueError("full") from error
    except (np.linalg.LinAlgError):
        return 0
'''


@pytest.fixture
def runner(monkeypatch):
    monkeypatch.syspath_prepend(str(MUTATION))
    import run

    return run


def listed(runner, tmp_path, capsys, source: str = SOURCE) -> tuple[dict[str, str], str]:
    """({mutant name: mutated line} that ``run.py --list`` prints for ``source``, the notes
    on standard error)."""
    (tmp_path / "src" / "glassnet").mkdir(parents=True)
    (tmp_path / "src" / "glassnet" / "tiny.py").write_text(source, encoding="utf-8")
    assert runner.main(["glassnet/tiny.py", "--root", str(tmp_path), "--list"]) == 0
    shown, (out, err) = {}, capsys.readouterr()
    for line in out.splitlines():
        name, _, change = line.partition(": ")
        shown[name] = ast.literal_eval(change.split(" -> ")[1])
    return shown, err


def test_an_exception_named_with_dots_is_replaced_whole(runner, tmp_path, capsys):
    # cosmic-ray's ExceptionReplacer sets .value on a dotted name's node (no such attribute:
    # the listing crashed) or on its first part or its dot (code that names nothing)
    shown, notes = listed(runner, tmp_path, capsys)
    replaced = {name: line for name, line in shown.items() if "ExceptionReplacer" in name}
    assert notes == ""
    assert replaced == {
        "glassnet/tiny.py:11:ExceptionReplacer#0":
            "except (CosmicRayTestingException, np.linalg.LinAlgError):",
        "glassnet/tiny.py:11:ExceptionReplacer#1":
            "except (ValueError, CosmicRayTestingException):",
        "glassnet/tiny.py:18:ExceptionReplacer#2":
            "except CosmicRayTestingException as error:",
        "glassnet/tiny.py:20:ExceptionReplacer#3": "except (CosmicRayTestingException):",
    }


def test_a_mutant_an_operator_cannot_make_is_skipped_with_a_note(runner, tmp_path, capsys,
                                                                 monkeypatch):
    import mutants

    real = mutants.mutate_code

    def failing(source, operator, occurrence):  # an operator's fault on the second mutant
        if type(operator).__name__ == "ReplaceComparisonOperator_Eq_NotEq":
            raise AttributeError("'PythonNode' object has no attribute 'value'")
        return real(source, operator, occurrence)

    monkeypatch.setattr(mutants, "mutate_code", failing)
    source = "def same(a, b):\n    return a == b, a + b\n"
    shown, notes = listed(runner, tmp_path, capsys, source)
    assert shown == {"glassnet/tiny.py:2:ReplaceBinaryOperator_Add_Sub#0": "return a == b, a - b"}
    assert notes == (
        "mutation: skipped glassnet/tiny.py:2:ReplaceComparisonOperator_Eq_NotEq#0, not made: "
        "core/ReplaceComparisonOperator_Eq_NotEq fails on line 2: AttributeError: "
        "'PythonNode' object has no attribute 'value'\n")
