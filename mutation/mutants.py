"""Enumerate, filter and sample the mutants of a set of modules, with cosmic-ray's operators.

A mutant is one application of one cosmic-ray operator at one place in one file. Mutants
inside type annotations are dropped (every module has ``from __future__ import annotations``,
so annotations never run), as are lines marked ``# pragma: no mutate``. cosmic-ray's
ExceptionReplacer is replaced by :class:`ExceptionReplacer`, which handles dotted names; a
mutant that an operator still cannot make is described as such and skipped by ``run.py``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from pathlib import Path

import cosmic_ray.operators.exception_replacer
import cosmic_ray.plugins
from cosmic_ray.ast import ast_nodes, get_ast
from cosmic_ray.exceptions import CosmicRayTestingException
from cosmic_ray.mutating import mutate_code
from parso.python.tree import Name

PRAGMA = "pragma: no mutate"
NOT_MADE = "(not made: "


class ExceptionReplacer(cosmic_ray.operators.exception_replacer.ExceptionReplacer):
    """cosmic-ray's operator (one exception type of an ``except`` clause replaced by one that
    is never raised), with dotted types (``np.linalg.LinAlgError``) replaced whole: cosmic-ray
    8.7 sets ``.value`` on such a node (which has none) or on its first name or its dot."""

    def mutate(self, node, index):
        target = self._name_nodes(node)[index]
        if isinstance(target, Name):
            target.value = CosmicRayTestingException.__name__
            return node
        replacement = Name(CosmicRayTestingException.__name__, target.start_pos,
                           target.get_first_leaf().prefix)
        siblings = target.parent.children
        siblings[siblings.index(target)] = replacement
        replacement.parent = target.parent
        return node

    @staticmethod
    def _name_nodes(node):
        """The exception types of an except clause: one expression, or a parenthesised
        tuple's items."""
        caught = node.children[1]
        if caught.type == "atom" and caught.children[0] == "(":
            inside = caught.children[1]
            return tuple(inside.children[::2]) if inside.type == "testlist_comp" \
                else (inside,)
        return (caught,)


def operator(name: str):
    """The operator named ``name`` ("core/ExceptionReplacer"), made."""
    if name == "core/ExceptionReplacer":
        return ExceptionReplacer()
    return cosmic_ray.plugins.get_operator(name)()


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
        made = operator(name)
        occurrence = 0
        for node in ast_nodes(tree):
            for start, _end in made.mutation_positions(node):
                leaf = tree.get_leaf_for_position(start, include_prefixes=True)
                skip = PRAGMA in lines[start[0] - 1] or _in_annotation(leaf)
                if not skip:
                    found.append(Mutant(module, name, occurrence, start[0], "", ""))
                occurrence += 1
    return found


def describe(source_root: Path, mutant: Mutant) -> Mutant:
    """``mutant`` with its line number, original and mutated text filled in from the file;
    if the operator fails there, ``mutated`` says so (starting with ``NOT_MADE``)."""
    source = (source_root / mutant.module).read_text(encoding="utf-8")
    try:
        mutated = mutate_code(source, operator(mutant.operator), mutant.occurrence)
    except Exception as error:  # a fault of the operator at this place: name it, go on
        return replace(mutant, mutated=f"{NOT_MADE}{mutant.operator} fails on line "
                                       f"{mutant.line}: {type(error).__name__}: {error})")
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
    mutated = mutate_code(original, operator(mutant.operator), mutant.occurrence)
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
