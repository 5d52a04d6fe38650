"""Which tests to run against a mutant: the test files of its module.

A module's test files are those named after it (``glassnet/cli/train.py`` ->
``tests/test_cli_train*.py``, then ``tests/test_cli*.py``), those that import it
(``from glassnet.cli.train import``, or ``from glassnet import`` a name the package takes
from it: ``from glassnet import mlp`` for ``glassnet/network.py``), and those
``[tool.mutation.tests]`` in pyproject.toml lists for it, in that order: the named files
first, as they fail soonest. A mapping, not a coverage run, because one coverage run of the
whole suite costs more on 2 shared cores than a sample of 40 mutants; a mutant caught only by
a test file outside its mapping counts as a survivor, so the score errs low, and the listing
shows what to add to the mapping or tests.
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path


def test_environment(root: Path) -> dict[str, str]:
    """Environment for test runs: the package imported from ``root/src``, no bytecode written."""
    return dict(os.environ, PYTHONPATH=str(root / "src"), PYTHONDONTWRITEBYTECODE="1")


def mapped_files(root: Path, module: str, extras: dict[str, list[str]]) -> list[str]:
    """Test files (relative to ``root``) for ``module`` (relative to ``root/src``)."""
    tests = root / "tests"
    named = [p for stem in _stems(module) for p in sorted(tests.glob(f"{stem}*.py"))]
    dotted = Path(module).with_suffix("").as_posix().replace("/", ".").removesuffix(".__init__")
    pattern = re.compile(rf"^\s*(from {re.escape(dotted)} import|import {re.escape(dotted)}\b)",
                         re.MULTILINE)
    names = package_names(root / "src" / "glassnet" / "__init__.py", dotted)
    importing = [p for p in sorted(tests.glob("test_*.py"))
                 if pattern.search(p.read_text()) or names & top_level_imports(p)]
    listed = [p for name in extras.get(module, []) for p in sorted(root.glob(name))]
    return list(dict.fromkeys(str(p.relative_to(root)) for p in named + importing + listed))


def _stems(module: str) -> list[str]:
    """``glassnet/cli/train.py`` -> ``test_cli_train``, ``test_cli``."""
    parts = Path(module).with_suffix("").parts[1:]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ["test_" + "_".join(parts[:n]) for n in range(len(parts), 0, -1)]


def package_names(package: Path, dotted: str) -> set[str]:
    """The names ``glassnet/__init__.py`` takes from module ``dotted`` (``glassnet.network`` ->
    {"Sequential", "mlp"}), and the module's own name ("network")."""
    names = {dotted.rsplit(".", 1)[-1]} if dotted.count(".") == 1 else set()
    if package.is_file():
        for node in ast.parse(package.read_text()).body:
            if isinstance(node, ast.ImportFrom) and node.module == dotted:
                names |= {alias.asname or alias.name for alias in node.names}
    return names


def top_level_imports(test_file: Path) -> set[str]:
    """The names a test file imports ``from glassnet import ...``."""
    try:
        tree = ast.parse(test_file.read_text())
    except SyntaxError:
        return set()
    return {alias.name for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "glassnet"
            for alias in node.names}
