"""Enumerate, filter and sample the mutants of a set of modules, with cosmic-ray's operators.

A mutant is one application of one cosmic-ray operator at one place in one file. Mutants
inside type annotations are dropped (every module has ``from __future__ import annotations``,
so annotations never run), as are lines marked ``# pragma: no mutate``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from pathlib import Path

import cosmic_ray.plugins
from cosmic_ray.ast import ast_nodes, get_ast
from cosmic_ray.mutating import mutate_code

PRAGMA = "pragma: no mutate"


@dataclass(frozen=True)
class Mutant:
    """One mutant: ``module`` relative to the source root, the operator and its occurrence.

    ``original`` and ``mutated`` (the changed line before and after) are filled in by
    :func:`describe` for the sampled mutants only: making every mutant parses the file again.
    """

    module: str
    operator: str
    occurrence: int
    line: int
    original: str
    mutated: str

    @property
    def name(self) -> str:
        return f"{self.module}:{self.line}:{self.operator.split('/')[-1]}#{self.occurrence}"


def _in_annotation(leaf) -> bool:
    """Whether ``leaf`` lies in a parameter, return or variable annotation."""
    path, node = [leaf], leaf.parent
    while node is not None:
        annotation = getattr(node, "annotation", None) if node.type in ("param", "funcdef") \
            else node.children[1] if node.type == "annassign" else None
        if annotation is not None and any(annotation is seen for seen in path):
            return True
        path.append(node)
        node = node.parent
    return False


def _changed_lines(before: str, after: str) -> tuple[int, str, str]:
    """The first changed line (1-based), the original lines and the mutated lines there."""
    old, new = before.splitlines(), after.splitlines()
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old, end_new = end_old - 1, end_new - 1
    def text(lines):
        return "\n".join(line.strip() for line in lines if line.strip()) or "(nothing)"
    return start + 1, text(old[start:end_old]), text(new[start:end_new])


def module_mutants(root: Path, module: str, operators: list[str]) -> list[Mutant]:
    """Every mutant of ``root / module`` made by ``operators``, annotations and pragmas left out."""
    source = (root / module).read_text(encoding="utf-8")
    tree, lines = get_ast(source), source.splitlines()
    found = []
    for name in operators:
        operator = cosmic_ray.plugins.get_operator(name)()
        occurrence = 0
        for node in ast_nodes(tree):
            for start, _end in operator.mutation_positions(node):
                leaf = tree.get_leaf_for_position(start, include_prefixes=True)
                skip = PRAGMA in lines[start[0] - 1] or _in_annotation(leaf)
                if not skip:
                    found.append(Mutant(module, name, occurrence, start[0], "", ""))
                occurrence += 1
    return found


def describe(source_root: Path, mutant: Mutant) -> Mutant:
    """``mutant`` with its line number, original and mutated text filled in from the file."""
    source = (source_root / mutant.module).read_text(encoding="utf-8")
    operator = cosmic_ray.plugins.get_operator(mutant.operator)()
    mutated = mutate_code(source, operator, mutant.occurrence)
    if mutated is None or mutated == source:
        return replace(mutant, mutated="(no change)")
    line, original, changed = _changed_lines(source, mutated)
    return replace(mutant, line=line, original=original, mutated=changed)


def sample(mutants: list[Mutant], size: int | None, seed: int) -> list[Mutant]:
    """A reproducible random sample of ``size`` mutants (all of them when ``size`` is None)."""
    ordered = sorted(mutants, key=lambda m: (m.module, m.line, m.operator, m.occurrence))
    if size is None or size >= len(ordered):
        return ordered
    chosen = random.Random(seed).sample(ordered, size)
    return sorted(chosen, key=lambda m: (m.module, m.line, m.operator, m.occurrence))


def apply(root: Path, mutant: Mutant) -> str:
    """Write ``mutant`` into its file; return the original text for :func:`restore`."""
    path = root / mutant.module
    original = path.read_text(encoding="utf-8")
    operator = cosmic_ray.plugins.get_operator(mutant.operator)()
    mutated = mutate_code(original, operator, mutant.occurrence)
    if mutated is None:
        raise RuntimeError(f"mutant {mutant.name} no longer applies")
    _forget_bytecode(path)
    path.write_text(mutated, encoding="utf-8")
    return original


def restore(root: Path, mutant: Mutant, original: str) -> None:
    """Put the original text of the mutated file back."""
    path = root / mutant.module
    path.write_text(original, encoding="utf-8")
    _forget_bytecode(path)


def _forget_bytecode(path: Path) -> None:
    """Remove cached bytecode: a mutant of the same size in the same second could reuse it."""
    for cached in (path.parent / "__pycache__").glob(f"{path.stem}.*.pyc"):
        cached.unlink(missing_ok=True)
