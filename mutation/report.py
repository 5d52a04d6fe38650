"""Scores per module: killed / (killed + survived), timeouts counted as killed.

Equivalent mutants (survivors listed in ``mutation/equivalent.toml`` with the reason they
cannot change behaviour) are shown apart and left out of the score.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from mutants import Mutant
from runner import Outcome


def load_equivalents(path: Path) -> list[dict[str, str]]:
    """The ``[[equivalent]]`` entries: module, original line, mutated line, reason."""
    if not path.exists():
        return []
    return tomllib.loads(path.read_text(encoding="utf-8")).get("equivalent", [])


def mark_equivalent(outcome: Outcome, equivalents: list[dict[str, str]]) -> Outcome:
    """Turn a survivor listed as equivalent into ``equivalent``, with the listed reason."""
    mutant = outcome.mutant
    for entry in equivalents:
        same = (entry.get("module"), entry.get("original"), entry.get("mutated")) == (
            mutant.module, mutant.original, mutant.mutated)
        if same and outcome.status == "survived":
            outcome.status, outcome.detail = "equivalent", entry.get("reason", "")
    return outcome


def table(outcomes: list[Outcome], groups: dict[str, list[str]]) -> str:
    """One line per module, then a total per group, then the survivors and equivalents."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for outcome in outcomes:
        counts[outcome.mutant.module][outcome.status] += 1
    header = f"{'module':34} {'mutants':>7} {'killed':>6} {'timeout':>7} {'survived':>8} " \
             f"{'equiv.':>6} {'error':>5} {'score':>7}"
    rows = [header]
    for module in sorted(counts):
        rows.append(_row(module, counts[module]))
    for group, members in groups.items():
        total: dict[str, int] = defaultdict(int)
        for module in counts:
            if any(_member(module, pattern) for pattern in members):
                for status, number in counts[module].items():
                    total[status] += number
        if total:
            rows.append(_row(f"[{group}]", total))
    rows.append(_row("[all]", _sum(counts.values())))
    return "\n".join(rows + _listing(outcomes, "survived") + _listing(outcomes, "equivalent")
                     + _listing(outcomes, "error"))


def _member(module: str, pattern: str) -> bool:
    return module == pattern or (pattern.endswith("/") and module.startswith(pattern))


def _sum(many) -> dict[str, int]:
    total: dict[str, int] = defaultdict(int)
    for counts in many:
        for status, number in counts.items():
            total[status] += number
    return total


def _row(label: str, counts: dict[str, int]) -> str:
    killed, timeout, survived = counts["killed"], counts["timeout"], counts["survived"]
    scored = killed + timeout + survived
    score = f"{100 * (killed + timeout) / scored:6.1f}%" if scored else "      -"
    total = sum(counts.values())
    return f"{label:34} {total:7d} {killed:6d} {timeout:7d} {survived:8d} " \
           f"{counts['equivalent']:6d} {counts['error']:5d} {score:>7}"


def _listing(outcomes: list[Outcome], status: str) -> list[str]:
    chosen = [o for o in outcomes if o.status == status]
    if not chosen:
        return []
    lines = ["", f"{status} ({len(chosen)}):"]
    for outcome in chosen:
        mutant = outcome.mutant
        lines.append(f"  {mutant.name}  [{outcome.tests} test files]")
        lines.append(f"      - {mutant.original}")
        lines.append(f"      + {mutant.mutated}")
        if outcome.detail:
            lines.append("      " + " ".join(outcome.detail.split()))
    return lines


def save_json(path: Path, outcomes: list[Outcome], settings: dict) -> None:
    """Every outcome with its mutant, for later comparison (``--merge``)."""
    records = [dict(vars(o.mutant), name=o.mutant.name, status=o.status, test_files=o.tests,
                    seconds=round(o.seconds, 2), detail=o.detail)
               for o in outcomes]
    settings = {key: str(value) if isinstance(value, Path) else value
                for key, value in settings.items()}
    path.write_text(json.dumps({"settings": settings, "outcomes": records}, indent=1,
                               default=str) + "\n")  # default: lists of paths


def load_json(path: Path) -> list[Outcome]:
    """The outcomes a ``--report`` file holds."""
    fields = ("module", "operator", "occurrence", "line", "original", "mutated")
    return [Outcome(Mutant(*(record[f] for f in fields)), record["status"],
                    record["test_files"], record["seconds"], record["detail"])
            for record in json.loads(path.read_text())["outcomes"]]
