"""``glassnet train data.csv --target COLUMN``: train a network on a CSV file and save it.

The target column decides the task: words, or whole numbers with at most 20 distinct values,
mean classification (two classes: one logit output and binary cross-entropy; more: one
logit per class and softmax cross-entropy); other numbers mean regression (one output,
squared error on the standardized target). Word feature columns are one-hot encoded and
every feature is standardized with the training rows' mean and standard deviation; both are
stored in the model, so ``glassnet predict`` needs only a raw CSV file.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

import numpy as np

from glassnet import registry
from glassnet.callbacks import EarlyStopping, ProgressBar
from glassnet.cli.arguments import fraction, hidden_sizes, positive_float, positive_int
from glassnet.cli.data import (
    check_missing,
    is_number_column,
    number_mask,
    read_table,
)
from glassnet.cli.errors import EXIT_CANNOT_WRITE, EXIT_DATA, CommandError, UsageError
from glassnet.cli.outputs import STANDARD_STREAM, check_outputs, check_picture_name, draw
from glassnet.cli.predict import picture_data
from glassnet.cli.report import describe_start, report_training
from glassnet.losses import BinaryCrossEntropy, SoftmaxCrossEntropy, SquaredError
from glassnet.model import Model
from glassnet.network import Sequential, mlp
from glassnet.preprocessing import ColumnEncoder, Standardize
from glassnet.serialization import save
from glassnet.training import TrainingDiverged, fit

MAX_INTEGER_CLASSES = 20


def add_parsers(subparsers) -> None:
    train = subparsers.add_parser("train", help="train a network on a CSV file",
                                  description=__doc__.split("\n\n")[0])
    train.add_argument("data", metavar="DATA.csv", help="CSV file with a header line")
    train.add_argument("--target", required=True, metavar="COLUMN", help="column to predict")
    train.add_argument("--task", choices=("auto", "classification", "regression"),
                       default="auto", help="default: decided from the target column")
    train.add_argument("--hidden", type=hidden_sizes, default=[32, 16], metavar="SIZES",
                       help="hidden layer sizes (default 32,16)")
    train.add_argument("--activation", choices=sorted(registry.ACTIVATIONS), default="relu")
    train.add_argument("--epochs", type=positive_int, default=100, help="(default 100)")
    train.add_argument("--batch-size", type=positive_int, default=32, help="(default 32)")
    train.add_argument("--learning-rate", type=positive_float, default=0.01,
                       help="(default 0.01)")
    train.add_argument("--optimizer", choices=sorted(registry.OPTIMIZERS), default="adam")
    train.add_argument("--validation-split", type=fraction, default=0.2, metavar="FRACTION",
                       help="share of rows held out to validate (default 0.2; 0 for none)")
    train.add_argument("--early-stopping", type=positive_int, metavar="PATIENCE",
                       help="stop after PATIENCE epochs without improvement; keep the best")
    train.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    train.add_argument("-o", "--output", default="model.glassnet", metavar="MODEL",
                       help="model file to write (default model.glassnet)")
    train.add_argument("--plot", metavar="FILE.png",
                       help="draw the loss curves into a picture (.png, .svg or .pdf)")
    train.set_defaults(run=run_train)


@dataclass
class Problem:
    """What the target column asks for: task, labels, numeric targets, loss, outputs."""

    task: str
    targets: np.ndarray
    labels: list | None
    loss: object
    outputs: int
    reason: str


def run_train(arguments) -> int:
    check_arguments(arguments)
    table = read_table(arguments.data)
    features = feature_columns(table, arguments.target)
    check_missing(table, [*features, arguments.target])
    problem = choose_task(table, arguments.target, arguments.task)
    categorical = [name for name in features if not is_number_column(table, name)]
    encoder = ColumnEncoder.fit(table.frame, features, categorical)
    inputs = encoder.transform(table.frame)
    training_rows, validation_rows = split_rows(len(table), arguments)
    network = build_network(inputs[training_rows], problem.outputs, arguments)
    scaling, targets = scale_targets(problem, training_rows)
    print(describe_start(table, arguments, problem, encoder, network, validation_rows))
    started = time.perf_counter()
    history = train_network(network, problem, inputs, targets,
                            (training_rows, validation_rows), arguments)
    model = Model(network, problem.loss, problem.task, problem.labels, features, encoder,
                  scaling, history=history)
    seconds = time.perf_counter() - started
    model.training = report_training(model, table, arguments, inputs[validation_rows],
                                     problem.targets[validation_rows], seconds)
    save_model(model, arguments.output)
    print(f"Model saved to {arguments.output}")
    if arguments.plot:
        draw(model, arguments.plot, *picture_data(model, table))
    return 0


def check_arguments(arguments) -> None:
    """Refuse a bad seed, or an output that cannot be written, before any work."""
    if arguments.seed < 0:
        raise UsageError(f"--seed must be >= 0, got {arguments.seed}")
    if arguments.output == STANDARD_STREAM:
        raise UsageError("-o: a model is written to a file, not to standard output")
    if arguments.plot:
        check_picture_name("--plot", arguments.plot)
    check_outputs([("DATA.csv", arguments.data)],
                  [("-o", arguments.output), ("--plot", arguments.plot)])
    if arguments.plot:
        from glassnet.plotting import import_matplotlib

        try:
            import_matplotlib()
        except ImportError as error:
            raise CommandError(str(error), 1) from None


def feature_columns(table, target: str) -> list[str]:
    if target not in table.columns:
        raise UsageError(f"{table.path}: no column {target!r} for --target; the columns are "
                         f"{', '.join(table.columns)}")
    features = [name for name in table.columns if name != target]
    if not features:
        raise CommandError(f"{table.path}: has only the target column {target!r}, no "
                           f"feature columns", EXIT_DATA)
    return features


def choose_task(table, target: str, task: str) -> Problem:
    """Classification or regression from --task, or from the target column's values."""
    column = table.frame[target]
    numeric = bool(number_mask(column).all())
    if task != "classification" and not numeric:
        is_number_column(table, target)  # a word among numbers is a typo: name it
    if task == "regression" or (task == "auto" and numeric and not few_whole_numbers(column)):
        if not numeric:
            raise CommandError(f"{table.path}: column {target!r} holds words, not numbers; "
                               f"it cannot be a regression target", EXIT_DATA)
        values = column.to_numpy(dtype=float)
        return Problem("regression", values, None, SquaredError(), 1,
                       "--task regression" if task == "regression" else "numbers")
    return classification(table, target, numeric, task)


def few_whole_numbers(column) -> bool:
    values = column.to_numpy(dtype=float)
    return bool(np.all(values == np.round(values))) and \
        len(np.unique(values)) <= MAX_INTEGER_CLASSES


def classification(table, target: str, numeric: bool, task: str) -> Problem:
    column = table.frame[target]
    if numeric and few_whole_numbers(column):
        values = [int(value) for value in column.to_numpy(dtype=float)]
        reason = f"whole numbers with {len(set(values))} distinct values"
    else:
        values, reason = list(column), "words"
    labels = sorted(set(values))
    if len(labels) < 2:
        raise CommandError(f"{table.path}: column {target!r} has only one class "
                           f"({labels[0]!r}); a classifier needs at least two", EXIT_DATA)
    codes = np.searchsorted(np.array(labels), np.array(values))
    reason = "--task classification" if task == "classification" else reason
    if len(labels) == 2:
        return Problem("classification", codes, labels, BinaryCrossEntropy(from_logits=True),
                       1, reason)
    return Problem("classification", codes, labels, SoftmaxCrossEntropy(), len(labels), reason)


def split_rows(rows: int, arguments) -> tuple[np.ndarray, np.ndarray]:
    """Shuffled training and validation row indices (validation may be empty)."""
    order = np.random.default_rng(arguments.seed).permutation(rows)
    held_out = int(round(arguments.validation_split * rows))
    if arguments.validation_split > 0 and not 1 <= held_out < rows:
        raise CommandError(f"{arguments.data}: {rows} row(s) are too few to hold out "
                           f"--validation-split {arguments.validation_split}", EXIT_DATA)
    return np.sort(order[held_out:]), np.sort(order[:held_out])


def build_network(training_inputs: np.ndarray, outputs: int, arguments) -> Sequential:
    """Standardize (fitted on the training rows) -> Dense/activation ... -> Dense (logits)."""
    sizes = [training_inputs.shape[1], *arguments.hidden, outputs]
    layers = mlp(sizes, activation=arguments.activation, rng=arguments.seed).layers
    return Sequential([Standardize.fit(training_inputs), *layers], rng=arguments.seed)


def scale_targets(problem: Problem, training_rows) -> tuple[dict | None, np.ndarray]:
    """Regression targets as (y - mean) / scale, from the training rows; labels as they are."""
    if problem.task != "regression":
        return None, problem.targets
    mean = float(problem.targets[training_rows].mean())
    deviation = float(problem.targets[training_rows].std())
    scale = deviation if deviation > 0 else 1.0
    return {"mean": mean, "scale": scale}, (problem.targets - mean) / scale


def train_network(network, problem, inputs, targets, rows, arguments):
    training_rows, validation_rows = rows
    validation = (inputs[validation_rows], targets[validation_rows]) if len(validation_rows) \
        else None
    callbacks = [ProgressBar(stream=sys.stderr, delay=0.5, description="training")]
    if arguments.early_stopping:
        monitor = "val_loss" if validation is not None else "loss"
        callbacks.append(EarlyStopping(monitor=monitor, patience=arguments.early_stopping))
    optimizer = registry.resolve("optimizer", arguments.optimizer)(arguments.learning_rate)
    metrics = ("accuracy",) if problem.task == "classification" else ()
    try:  # overflow warnings would only precede the TrainingDiverged message below
        with np.errstate(over="ignore", invalid="ignore"):
            return fit(network, inputs[training_rows], targets[training_rows], problem.loss,
                       optimizer, epochs=arguments.epochs, batch_size=arguments.batch_size,
                       rng=arguments.seed, callbacks=callbacks, validation_data=validation,
                       metrics=metrics, verbose=0)
    except TrainingDiverged as error:
        raise CommandError(f"training diverged ({error}); try a smaller --learning-rate; "
                           f"{arguments.output} was not written", EXIT_DATA) from None


def save_model(model: Model, path: str) -> None:
    if model.history.interrupted:
        raise CommandError(f"training was interrupted; {path} was not written", 130)
    try:
        save(model, path)
    except OSError as error:
        raise CommandError(f"{path}: cannot write the model ({error.strerror or error})",
                           EXIT_CANNOT_WRITE) from None
