"""``glassnet predict MODEL data.csv`` and ``glassnet evaluate MODEL data.csv``.

predict writes one prediction per row (class names or values; ``--proba`` adds a
probability column per class; ``--keep-columns`` keeps the file's own columns) to ``-o``
or to standard output. evaluate compares the model with the file's target column: accuracy,
log loss and a confusion matrix, or MSE, MAE and R^2. Both need only the raw CSV file: the
model holds its column names, categories and scaling.
"""

from __future__ import annotations

import numpy as np

from glassnet.cli.data import read_table
from glassnet.cli.errors import EXIT_DATA, EXIT_NO_INPUT, CommandError
from glassnet.cli.outputs import check_outputs, write_csv
from glassnet.cli.report import classification_scores, format_scores, regression_scores
from glassnet.cli.tables import add_reading_arguments, encode_rows
from glassnet.column_encoding import MISSING_SPELLINGS, missing_mask, to_numbers
from glassnet.metrics import confusion_matrix
from glassnet.serialization import ModelFileError, load


def add_parsers(subparsers) -> None:
    predict = subparsers.add_parser("predict", help="predict with a saved model",
                                    description=__doc__.split("\n\n")[0])
    predict.add_argument("model", metavar="MODEL", help="model file written by train")
    predict.add_argument("data", metavar="DATA.csv", help="CSV file with the feature columns")
    predict.add_argument("-o", "--output", metavar="OUT.csv",
                         help="file to write, or - for standard output (the default)")
    predict.add_argument("--proba", action="store_true",
                         help="add a probability column per class")
    predict.add_argument("--keep-columns", action="store_true",
                         help="keep the input file's columns in the output")
    predict.set_defaults(run=run_predict)
    evaluate = subparsers.add_parser("evaluate", help="score a saved model on labelled data",
                                     description="Score a model on a CSV file that has its "
                                                 "target column.")
    evaluate.add_argument("model", metavar="MODEL")
    evaluate.add_argument("data", metavar="DATA.csv")
    evaluate.set_defaults(run=run_evaluate)
    for command in (predict, evaluate):
        add_reading_arguments(command)
        command.add_argument("--strict", action="store_true",
                             help="refuse a category or word that training never saw "
                                  "(default: read it as unknown, with a warning)")


def open_model(path: str):
    """Load a model file; a missing file is exit 66, a bad one exit 65."""
    try:
        return load(path)
    except ModelFileError as error:
        raise CommandError(str(error), EXIT_DATA) from None
    except OSError as error:
        raise CommandError(f"{path}: cannot read the model ({error.strerror or error})",
                           EXIT_NO_INPUT) from None


def model_inputs(model, table, strict: bool = False, rows=None) -> np.ndarray:
    """The network's inputs for a table (its ``rows``, if given)."""
    return encode_rows(model, table, strict, rows)


def run_predict(arguments) -> int:
    check_outputs([("MODEL", arguments.model), ("DATA.csv", arguments.data)],
                  [("-o", arguments.output)])
    model = open_model(arguments.model)
    table = read_table(arguments.data, arguments.sep, arguments.decimal)
    inputs = model_inputs(model, table, arguments.strict)
    frame = table.frame.copy() if arguments.keep_columns else table.frame.iloc[:, :0].copy()
    target = model.training.get("target", "prediction")
    name = f"predicted_{target}" if arguments.keep_columns and target in frame else target
    frame[name] = predictions(model, inputs)
    if arguments.proba:
        probabilities = probabilities_of(model, inputs)
        for index, label in enumerate(model.class_labels):
            frame[f"probability_{label}"] = probabilities[:, index]
    write_csv(frame, arguments.output)
    return 0


def predictions(model, inputs: np.ndarray) -> np.ndarray:
    """Class labels or values from the network's (already encoded) inputs."""
    if model.task == "classification":
        return np.asarray(model.class_labels, dtype=object)[
            probabilities_of(model, inputs).argmax(axis=1)]
    outputs = model.network.predict(inputs)
    if model.target_scaling is not None:
        outputs = outputs * model.target_scaling["scale"] + model.target_scaling["mean"]
    return outputs[:, 0] if outputs.shape[1] == 1 else [list(row) for row in outputs]


def probabilities_of(model, inputs: np.ndarray) -> np.ndarray:
    if model.task != "classification":
        raise CommandError(f"--proba needs a classification model; this one is {model.task}",
                           EXIT_DATA)
    probabilities = model.loss.probabilities(model.network.predict(inputs))
    if probabilities.shape[1] == 1:
        probabilities = np.hstack([1.0 - probabilities, probabilities])
    return probabilities


def run_evaluate(arguments) -> int:
    model = open_model(arguments.model)
    table = read_table(arguments.data, arguments.sep, arguments.decimal)
    target = model.training.get("target")
    rows = labelled_rows(model, table)
    inputs = model_inputs(model, table, arguments.strict, rows)
    truth = true_targets(model, table)[rows]
    skipped = f" ({len(table) - len(rows)} without a {target!r} left out)" \
        if len(rows) < len(table) else ""
    print(f"{len(rows)} rows of {table.path}{skipped}, target {target!r}:")
    if model.task != "classification":
        predicted = np.asarray(predictions(model, inputs), dtype=float)
        print(format_scores(regression_scores(truth, predicted)))
        return 0
    probabilities = probabilities_of(model, inputs)
    print(format_scores(classification_scores(truth, probabilities)))
    counts = confusion_matrix(truth, probabilities.argmax(axis=1),
                              labels=range(len(model.class_labels)))
    print(confusion_text([str(label) for label in model.class_labels], counts))
    return 0


def true_targets(model, table) -> np.ndarray:
    """The table's target column: class codes (index into class_labels) or numbers."""
    target = model.training.get("target")
    if target is None or target not in table.columns:
        raise CommandError(f"{table.path}: needs the model's target column {target!r}",
                           EXIT_DATA)
    values = table.frame[target]
    present = ~missing_mask(values.to_numpy(dtype=object), missing_of(model))
    if model.task != "classification":
        numeric = ~np.isnan(to_numbers(values.to_numpy(dtype=object))) | ~present
        if not numeric.all():
            row = int(np.argmax(~numeric))
            raise CommandError(f"{table.where(row, target)}: {values.iloc[row]!r} is not a "
                               f"number", EXIT_DATA)
        return np.where(present, to_numbers(values.to_numpy(dtype=object)), np.nan)
    position = {label_text(label): index for index, label in enumerate(model.class_labels)}
    codes = np.array([position.get(label_text(value), -1) for value in values])
    if np.any((codes < 0) & present):
        row = int(np.argmax((codes < 0) & present))
        raise CommandError(f"{table.where(row, target)}: class {values.iloc[row]!r} is not "
                           f"one the model knows ({', '.join(position)})", EXIT_DATA)
    return codes


def picture_data(model, table) -> tuple[dict | None, object]:
    """The points (name -> values) and true targets (or None) ``outputs.draw`` shows for a
    table, when the model has two number features; (None, None) otherwise."""
    from glassnet.plotting import can_draw_boundary

    if table is None or not can_draw_boundary(model):
        return None, None
    model_inputs(model, table)  # checks the columns and their values
    points = {name: table.frame[name].to_numpy(dtype=float)
              for name in model.preprocessing.names}
    has_target = model.training.get("target") in table.columns
    return points, true_targets(model, table) if has_target else None


def missing_of(model) -> list[str]:
    """The spellings of a missing value the model was trained with."""
    return model.preprocessing.missing if model.preprocessing is not None \
        else list(MISSING_SPELLINGS)


def labelled_rows(model, table) -> np.ndarray:
    """Indices of the rows whose target is present (evaluate leaves the others out)."""
    target = model.training.get("target")
    if target is None or target not in table.columns:
        return np.arange(len(table))  # true_targets names the problem
    values = table.frame[target].to_numpy(dtype=object)
    return np.flatnonzero(~missing_mask(values, missing_of(model)))


def label_text(value) -> str:
    """'1', '1.0' and 1 name the same whole-number class; words are kept as they are."""
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if np.isfinite(number) and number == int(number) else text


def confusion_text(labels: list[str], counts: np.ndarray) -> str:
    width = max(8, *(len(label) for label in labels), len(str(counts.max())))
    lines = ["confusion matrix (rows: true class, columns: predicted class)",
             " " * width + " " + " ".join(label.rjust(width) for label in labels)]
    for label, row in zip(labels, counts, strict=True):
        lines.append(label.rjust(width) + " " + " ".join(str(count).rjust(width)
                                                         for count in row))
    return "\n".join(lines)
