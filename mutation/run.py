"""Mutation testing of glassnet: sampled cosmic-ray mutants, each run against its covering tests.

    python mutation/run.py core edge --sample 40 --seed 1       # groups from pyproject.toml
    python mutation/run.py glassnet/layers.py --sample 20       # one module (or cli/ for a folder)
    python mutation/run.py --changed main --sample 30           # the modules a change touched
    python mutation/run.py core --sample 50 --seed 1 --skip a.json  # enlarge the sample of a.json

Settings (groups, operators, timeouts) live in ``[tool.mutation]`` of pyproject.toml; known
equivalent mutants in ``mutation/equivalent.toml``. The score per module is
killed / (killed + survived), timeouts counted as killed, equivalents listed apart.
"""

from __future__ import annotations

import argparse
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from mutants import NOT_MADE, describe, module_mutants, sample
from report import load_equivalents, load_json, mark_equivalent, save_json, table
from runner import prepare, run
from selection import test_environment

ROOT = Path(__file__).resolve().parent.parent


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("targets", nargs="*", help="groups, modules (glassnet/x.py), folders")
    parser.add_argument("--changed", metavar="BASE", help="the modules changed since git BASE")
    parser.add_argument("--sample", type=int, help="mutants drawn per target (default: all)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random sample")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to mutate")
    parser.add_argument("--report", type=Path,
                        help="write every outcome to this JSON file (with --merge: the merged)")
    parser.add_argument("--shard", default="1/1", metavar="K/N",
                        help="run the K-th of N shares of the sample (one checkout each)")
    parser.add_argument("--merge", nargs="+", type=Path, metavar="REPORT",
                        help="print the scores of JSON reports of earlier runs together")
    parser.add_argument("--skip", nargs="+", type=Path, default=[], metavar="REPORT",
                        help="leave out mutants these reports hold (to resume or enlarge a run)")
    parser.add_argument("--list", action="store_true", help="list the sampled mutants, run nothing")
    return parser.parse_args(argv)


def resolve(target: str, root: Path, groups: dict[str, list[str]]) -> list[str]:
    """A group, module or folder name -> module paths relative to ``root/src``."""
    patterns = groups.get(target, [target.removeprefix("src/")])
    modules = []
    for pattern in patterns:
        pattern = pattern if pattern.startswith("glassnet") else f"glassnet/{pattern}"
        path = root / "src" / pattern
        if path.is_dir():
            modules += sorted(str(p.relative_to(root / "src")) for p in path.rglob("*.py"))
        elif path.with_suffix(".py").is_file():
            modules.append(str(path.with_suffix(".py").relative_to(root / "src")))
        else:
            raise SystemExit(f"mutation: no module or group named {target!r}")
    return modules


def changed(root: Path, base: str) -> list[str]:
    """Modules under src/glassnet changed since the branch left ``base`` (committed or not)."""
    git = ["git", "-C", str(root)]
    fork = subprocess.run([*git, "merge-base", base, "HEAD"], capture_output=True, text=True)
    if fork.returncode != 0:
        raise SystemExit(f"mutation: --changed {base}: {fork.stderr.strip()}")
    names = subprocess.run([*git, "diff", "--name-only", fork.stdout.strip(), "--",
                            "src/glassnet"], capture_output=True, text=True, check=True).stdout
    return [n.removeprefix("src/") for n in names.split() if n.endswith(".py")
            and (root / n).exists()]


def share(chosen: list, shard: str, seed: int) -> list:
    """The mutants in a seeded random order (a run cut short is still a random sample),
    then every N-th from the K-th for ``shard`` "K/N"."""
    try:
        index, count = (int(part) for part in shard.split("/"))
    except ValueError:
        raise SystemExit(f"mutation: --shard takes K/N such as 1/2, got {shard!r}") from None
    if not 1 <= index <= count:
        raise SystemExit(f"mutation: --shard {shard}: K must be in 1..N")
    order = list(chosen)
    random.Random(seed).shuffle(order)
    return order[index - 1::count]


def made(described: list) -> list:
    """The mutants an operator could make; a note on standard error for each other one."""
    for mutant in described:
        if mutant.mutated.startswith(NOT_MADE):
            print(f"mutation: skipped {mutant.name}, {mutant.mutated[1:-1]}", file=sys.stderr)
    return [mutant for mutant in described if not mutant.mutated.startswith(NOT_MADE)]


def check_import(root: Path) -> None:
    """Refuse to run if the tests would import glassnet from another checkout."""
    where = subprocess.run([sys.executable, "-c", "import glassnet; print(glassnet.__file__)"],
                           env=test_environment(root), capture_output=True, text=True).stdout
    if not Path(where.strip()).resolve().is_relative_to((root / "src").resolve()):
        raise SystemExit(f"mutation: glassnet imports from {where.strip()!r}, not {root}/src")


def main(argv: list[str] | None = None) -> int:
    arguments = parse(argv)
    root = arguments.root.resolve()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutation"]
    if arguments.merge:  # equivalents listed since are applied to the old reports too
        equivalents = load_equivalents(ROOT / config["equivalents"])
        merged = [mark_equivalent(outcome, equivalents) for path in arguments.merge
                  for outcome in load_json(path)]
        if arguments.report:  # one file for the shards, without their checkouts' paths
            save_json(arguments.report, merged, {"merged": [p.name for p in arguments.merge]})
        print(table(merged, config["groups"]))
        return 0
    groups, chosen = config["groups"], []
    targets = {t: resolve(t, root, groups) for t in arguments.targets}
    if arguments.changed:
        targets["changed"] = changed(root, arguments.changed)
    for modules in targets.values():
        pool = [m for module in modules for m in module_mutants(root / "src", module,
                                                                  config["operators"])]
        drawn = sample(pool, arguments.sample, arguments.seed)
        chosen += made([describe(root / "src", mutant) for mutant in drawn])
    done = {outcome.mutant.name for path in arguments.skip for outcome in load_json(path)}
    chosen = share([m for m in chosen if m.name not in done], arguments.shard, arguments.seed)
    if not chosen:
        print("mutation: nothing to mutate (no module given, or none changed)")
        return 0
    if arguments.list:
        print("\n".join(f"{m.name}: {m.original!r} -> {m.mutated!r}" for m in chosen))
        return 0
    return execute(root, config, chosen, arguments)


def execute(root: Path, config: dict, chosen: list, arguments: argparse.Namespace) -> int:
    check_import(root)
    prepare(root, config.get("preload", []))
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    equivalents = load_equivalents(ROOT / config["equivalents"])
    outcomes, started = [], time.monotonic()
    try:
        for number, mutant in enumerate(chosen, 1):
            outcome = mark_equivalent(run(root, mutant, config), equivalents)
            outcomes.append(outcome)
            if arguments.report:
                save_json(arguments.report, outcomes, vars(arguments))
            print(f"[{number}/{len(chosen)}] {outcome.status:10} {mutant.name} "
                  f"({outcome.tests} test files, {outcome.seconds:.1f} s) {outcome.detail}",
                  flush=True)
    except KeyboardInterrupt:
        print("mutation: interrupted; the mutated file is restored; partial results follow")
    print(f"\n{len(outcomes)} of {len(chosen)} mutants in {time.monotonic() - started:.0f} s\n")
    print(table(outcomes, config["groups"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
