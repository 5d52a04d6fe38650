"""``glassnet predict MODEL data.csv`` and ``glassnet evaluate MODEL data.csv``.

predict writes one prediction per row (class names or values; ``--proba`` adds a
probability column per class; ``--keep-columns`` keeps the file's own columns) to ``-o``
or to standard output. evaluate compares the model with the file's target column: accuracy,
log loss and a confusion matrix, or MSE, MAE and R^2. Both need only the raw CSV file: the
model holds its column names, categories and scaling.
"""

from __future__ import annotations

import numpy as np

from glassnet.cell_values import to_numbers, without_separators
from glassnet.cli.data import read_table
from glassnet.cli.errors import (
    EXIT_DATA,
    EXIT_NO_INPUT,
    CommandError,
    UsageError,
    listing,
    quoted,
)
from glassnet.cli.outputs import check_outputs, write_csv
from glassnet.cli.report import classification_scores, format_scores, regression_scores
from glassnet.cli.streaming import (
    add_stream_arguments,
    run_stream_evaluate,
    run_stream_predict,
    streams,
)
from glassnet.cli.tables import add_reading_arguments, encode_rows
from glassnet.column_encoding import MISSING_SPELLINGS, missing_mask
from glassnet.metrics import confusion_matrix
from glassnet.serialization import ModelFileError, load
from glassnet.validation import printable


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
    add_target_option(evaluate)
    evaluate.set_defaults(run=run_evaluate)
    for command in (predict, evaluate):
        add_reading_arguments(command)
        add_stream_arguments(command)
        command.add_argument("--strict", action="store_true",
                             help="refuse a category or word that training never saw "
                                  "(default: read it as unknown, with a warning)")


def add_target_option(parser) -> None:
    parser.add_argument("--target", metavar="COLUMN",
                        help="the target column (default: the one the model was trained on; "
                             "needed for a model saved from Python)")


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
    if streams(arguments):
        return run_stream_predict(arguments)
    model = open_model(arguments.model)
    table = read_table(arguments.data, arguments.sep, arguments.decimal)
    inputs = model_inputs(model, table, arguments.strict)
    frame = table.frame.copy() if arguments.keep_columns else table.frame.iloc[:, :0].copy()
    outputs = model.network.predict(inputs)
    for name, values in prediction_columns(model, outputs, set(frame.columns)).items():
        frame[name] = values
    if arguments.proba:
        probabilities = probabilities_of(model, outputs)
        for index, label in enumerate(model.class_labels):
            frame[f"probability_{label}"] = probabilities[:, index]
    write_csv(frame, arguments.output)
    return 0


def prediction_columns(model, outputs: np.ndarray, taken: set) -> dict[str, np.ndarray]:
    """Column name -> plain values (samples,): one column for a class or a single value,
    one per output for multi-label (0/1 per label) and multi-output models."""
    target = model.training.get("target") or "prediction"
    name = f"predicted_{target}" if target in taken else target
    answers = model.answers_from(outputs)
    if answers.ndim == 1:
        return {name: answers}
    suffixes = model.class_labels if model.task == "multilabel" else range(answers.shape[1])
    return {f"{name}_{suffix}": answers[:, index] for index, suffix in enumerate(suffixes)}


def predictions(model, inputs: np.ndarray) -> np.ndarray:
    """Class labels or values from the network's (already encoded) inputs."""
    return model.answers_from(model.network.predict(inputs))


def probabilities_of(model, outputs: np.ndarray) -> np.ndarray:
    """Class probabilities (samples, classes) from the network's outputs."""
    if model.task not in ("classification", "multilabel"):
        raise CommandError(f"--proba needs a classification model; this one is "
                           f"{model.task or 'saved without a task'}",
                           EXIT_DATA)
    return model.probabilities_from(outputs)


def run_evaluate(arguments) -> int:
    if streams(arguments):
        return run_stream_evaluate(arguments)
    model = open_model(arguments.model)
    table = read_table(arguments.data, arguments.sep, arguments.decimal)
    target = target_column(model, arguments)
    rows = labelled_rows(model, table, target)
    inputs = model_inputs(model, table, arguments.strict, rows)
    truth = true_targets(model, table, target)[rows]
    skipped = f" ({len(table) - len(rows)} without a {quoted(target)} left out)" \
        if len(rows) < len(table) else ""
    print(f"{len(rows)} rows of {table.path}{skipped}, target {quoted(target)}:")
    if model.task != "classification":
        predicted = np.asarray(predictions(model, inputs), dtype=float)
        print(format_scores(regression_scores(truth, predicted)))
        return 0
    probabilities = probabilities_of(model, model.network.predict(inputs))
    print(format_scores(classification_scores(truth, probabilities)))
    counts = confusion_matrix(truth, probabilities.argmax(axis=1),
                              labels=range(len(model.class_labels)))
    print(confusion_text([printable(label, 30) for label in model.class_labels], counts))
    return 0


def target_column(model, arguments) -> str:
    """``--target``, else the column the model was trained on; UsageError when neither
    names one (a model saved from Python does not know its column)."""
    target = arguments.target or model.training.get("target")
    if target is None:
        raise UsageError(f"{arguments.model}: the model does not name its target column (it "
                         f"was saved from Python); give it with --target COLUMN")
    return target


def true_targets(model, table, target: str) -> np.ndarray:
    """The table's target column: class codes (index into class_labels) or numbers."""
    if model.task not in ("classification", "regression") or \
            (model.task == "regression" and model.outputs != 1):
        kind = f"a {model.task} model with {model.outputs} output(s)" if model.task \
            else "a model saved without a task"
        raise CommandError(f"{kind} cannot be compared with one target column", EXIT_DATA)
    if target not in table.columns:
        raise CommandError(f"{table.path}: needs the model's target column {quoted(target)}",
                           EXIT_DATA)
    values = table.frame[target]
    present = ~missing_mask(values.to_numpy(dtype=object), missing_of(model))
    if model.task == "regression" or all(isinstance(label, int) and not isinstance(label, bool)
                                         for label in model.class_labels or ["text"]):
        values = values.map(without_separators)  # "12,345": a number, as train read it
    if model.task != "classification":
        numeric = ~np.isnan(to_numbers(values.to_numpy(dtype=object))) | ~present
        if not numeric.all():
            row = int(np.argmax(~numeric))
            raise CommandError(f"{table.where(row, target)}: {quoted(values.iloc[row])} is not a "
                               f"number", EXIT_DATA)
        return np.where(present, to_numbers(values.to_numpy(dtype=object)), np.nan)
    position = {label_text(label): index for index, label in enumerate(model.class_labels)}
    codes = np.array([position.get(label_text(value), -1) for value in values])
    if np.any((codes < 0) & present):
        row = int(np.argmax((codes < 0) & present))
        raise CommandError(f"{table.where(row, target)}: class {quoted(values.iloc[row])} is "
                           f"not one the model knows ({listing(position)})", EXIT_DATA)
    return codes


def picture_data(model, table) -> tuple[dict | None, object]:
    """The points (name -> values) and true targets (or None) ``outputs.draw`` shows for a
    table, when the model has two number features; (None, None) otherwise."""
    from glassnet.plotting import can_draw_boundary

    if table is None or not can_draw_boundary(model):
        return None, None
    model_inputs(model, table)  # checks the columns and their values
    points = {name: to_numbers(table.frame[name].to_numpy(dtype=object))  # gaps: NaN
              for name in model.preprocessing.names}
    target = model.training.get("target")
    has_target = target in table.columns and model.task in ("classification", "regression")
    return points, true_targets(model, table, target) if has_target else None


def missing_of(model) -> list[str]:
    """The spellings of a missing value the model was trained with."""
    return model.preprocessing.missing if model.preprocessing is not None \
        else list(MISSING_SPELLINGS)


def labelled_rows(model, table, target: str) -> np.ndarray:
    """Indices of the rows whose target is present (evaluate leaves the others out)."""
    if target not in table.columns:
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
