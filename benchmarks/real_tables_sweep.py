"""Choose ``glassnet train``'s defaults on many tables at once: a small sweep over settings.

    pip install -e ".[tables]"
    python benchmarks/real_tables_sweep.py --grid rate --seeds 0,1,2 --output OUT

Every setting named in ``--grid`` (or ``--settings``) runs ``glassnet train`` with those
options added (as ``real_tables.py --extra`` does) on every table of ``real_tables.TABLES``
(or ``--tables``), on the same fixed 80/20 split, once per ``--seeds`` value (``--seed`` of
train: the initial weights and the validation rows), and is scored against scikit-learn's MLP
pipeline from an earlier ``real_tables.py`` run (``--reference``; the same rows, seeded fits).
Per setting: how many tables miss the goal (accuracy more than 0.02 below the MLP pipeline, R^2
more than 0.05 below; a table misses when its mean over the seeds does), the mean gap to the
MLP pipeline and to gradient boosting, the worst table, and seconds. Each result is appended to
``--output``.jsonl as it comes, so a stopped sweep resumes where it was; the summary goes to
``--output``.md and .json. Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import real_tables  # noqa: E402  (a sibling script, not a package)

HERE = os.path.dirname(os.path.abspath(__file__))
GOAL = {"classification": 0.02, "regression": 0.05}

# Named groups of settings; each value is the options added to ``glassnet train``.
GRIDS = {
    "rate": {f"lr {rate} l2 {l2}": f"--hidden 64,32 --batch-size 32 --learning-rate {rate} "
                                   f"--l2 {l2}"
             for rate in ("0.01", "0.003", "0.001") for l2 in ("1e-4", "1e-3", "1e-2")},
    "width": {f"hidden {hidden} batch {batch}": f"--hidden {hidden} --batch-size {batch}"
              for hidden in ("32,16", "64,32", "100") for batch in ("32", "64", "200")},
    "patience": {f"patience {patience}": f"--early-stopping {patience}"
                 for patience in ("10", "20", "40")},
}


def settings_of(arguments) -> dict[str, str]:
    """{name: extra options} from --grid names and --settings 'name=options;...'."""
    chosen = {}
    for grid in filter(None, (arguments.grid or "").split(",")):
        chosen.update({name: f"{options} {arguments.base}".strip()
                       for name, options in GRIDS[grid].items()})
    for item in filter(None, (arguments.settings or "").split(";")):
        name, _, options = item.partition("=")
        chosen[name.strip()] = f"{options.strip()} {arguments.base}".strip()
    return chosen


def done_results(path: str) -> dict[tuple, dict]:
    """The results already in the .jsonl file, by (options, table, seed)."""
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as file:
        rows = [json.loads(line) for line in file if line.strip()]
    return {(row["options"], row["table"], row["seed"]): row for row in rows}


def run_table(table: tuple, settings: dict, seeds: list[int], done: dict, log) -> None:
    """Every setting and seed on one table's split (written once), appended to ``log``."""
    name, loader, target, _ = table
    missing = [(options, seed) for options in settings.values() for seed in seeds
               if (options, name, seed) not in done]
    if not missing:
        return
    with tempfile.TemporaryDirectory() as folder:
        train_path, test_path = real_tables.split_files(loader(), folder)
        for options, seed in missing:
            extra = [*options.split(), "--seed", str(seed)]
            result = real_tables.run_glassnet(train_path, test_path, target, extra)
            row = {"options": options, "table": name, "seed": seed, **result}
            done[(options, name, seed)] = row
            log.write(json.dumps(row) + "\n")
            log.flush()
            print(json.dumps(row), flush=True)


def score(settings: dict, tables: list[str], seeds: list[int], done: dict,
          reference: dict) -> list[dict]:
    """One summary per setting: misses, mean gaps, worst table, seconds."""
    summaries = []
    for name, options in settings.items():
        gaps, boosting, misses, single, seconds, failed = {}, [], [], 0, 0.0, []
        for table in tables:
            runs = [done[(options, table, seed)] for seed in seeds]
            if any("error" in run for run in runs):
                failed.append(table)
                continue
            goal, mlp = GOAL[reference[table]["task"]], reference[table]["mlp"]
            mean = float(np.mean([run["score"] for run in runs]))
            single += sum(run["score"] - mlp < -goal for run in runs)
            seconds += sum(run["seconds"] for run in runs) / len(seeds)
            gaps[table] = mean - mlp
            boosting.append(mean - reference[table]["hgb"])
            if gaps[table] < -goal:
                misses.append(table)
        worst = min(gaps, key=gaps.get) if gaps else None
        summaries.append({
            "setting": name, "options": options, "misses": len(misses) + len(failed),
            "missed": misses + failed, "misses_per_seed": single / len(seeds) + len(failed),
            "mean_gap_mlp": float(np.mean(list(gaps.values()))),
            "mean_gap_hgb": float(np.mean(boosting)), "worst": worst,
            "worst_gap": gaps.get(worst), "seconds": seconds, "gaps": gaps})
    return summaries


def markdown(summaries: list[dict], tables: list[str], seeds: list[int], command: str) -> str:
    lines = [f"`{command}`", "",
             f"{len(tables)} tables ({', '.join(tables)}); seeds {', '.join(map(str, seeds))} "
             f"(a table's score is its mean over the seeds; misses per seed counts each seed's "
             f"run alone, averaged). Misses: accuracy more than 0.02, R^2 more than 0.05, "
             f"below scikit-learn's MLP pipeline.", "",
             "| setting | misses | misses per seed | mean gap to MLP | mean gap to HGB | "
             "worst table (gap) | glassnet seconds | missed |", "|---" * 8 + "|"]
    order = sorted(summaries, key=lambda item: (item["misses"], item["misses_per_seed"],
                                                -item["mean_gap_mlp"]))
    for item in order:
        lines.append(f"| {item['setting']} | {item['misses']} | {item['misses_per_seed']:.2f} | "
                     f"{item['mean_gap_mlp']:+.4f} | "
                     f"{item['mean_gap_hgb']:+.4f} | {item['worst']} ({item['worst_gap']:+.4f}) "
                     f"| {item['seconds']:.0f} | {', '.join(item['missed']) or '-'} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--grid", help=f"comma-separated groups: {', '.join(GRIDS)}")
    parser.add_argument("--settings", help="'name=options; name=options' to try as well")
    parser.add_argument("--base", default="", help="options added to every setting")
    parser.add_argument("--tables", help="comma-separated table names (default: all)")
    parser.add_argument("--seeds", default="0", help="comma-separated --seed values")
    parser.add_argument("--reference", default=os.path.join(HERE, "results", "real_tables.json"),
                        help="a real_tables.py results file: scikit-learn's scores")
    parser.add_argument("--output", default=os.path.join(HERE, "results", "real_tables_sweep"),
                        help="results path without extension")
    arguments = parser.parse_args(argv)
    settings = settings_of(arguments)
    if not settings:
        parser.error("name settings to try with --grid or --settings")
    with open(arguments.reference, encoding="utf-8") as file:
        reference = {row["table"]: row for row in json.load(file)}
    chosen = arguments.tables.split(",") if arguments.tables else list(reference)
    tables = [table for table in real_tables.TABLES if table[0] in chosen]
    seeds = [int(seed) for seed in arguments.seeds.split(",")]
    done = done_results(arguments.output + ".jsonl")
    with open(arguments.output + ".jsonl", "a", encoding="utf-8") as log:
        for table in tables:
            run_table(table, settings, seeds, done, log)
    names = [table[0] for table in tables]
    summaries = score(settings, names, seeds, done, reference)
    command = "python benchmarks/real_tables_sweep.py " + shlex.join(
        sys.argv[1:] if argv is None else argv)
    text = markdown(summaries, names, seeds, command)
    with open(arguments.output + ".md", "w", encoding="utf-8") as file:
        file.write(text)
    with open(arguments.output + ".json", "w", encoding="utf-8") as file:
        json.dump(summaries, file, indent=1)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
