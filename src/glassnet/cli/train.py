"""``glassnet train data.csv --target COLUMN``: train a network on a CSV file and save it.

``glassnet.tabular`` decides the task from the target column and the role of every other
column (number, category, date, or dropped and why), fills missing values from the training
rows, and trains with early stopping on the held-out rows; this module reads the options,
prints what was decided and saves the model, which holds every decision, so
``glassnet predict`` needs only a raw CSV file.
"""

from __future__ import annotations

import sys
import time

from glassnet import registry
from glassnet.callbacks import ProgressBar
from glassnet.cli import cluster
from glassnet.cli.acceleration import accelerated, add_accelerator_argument
from glassnet.cli.arguments import fraction, hidden_sizes, positive_float, positive_int
from glassnet.cli.errors import EXIT_CANNOT_WRITE, EXIT_DATA, CommandError, UsageError
from glassnet.cli.outputs import STANDARD_STREAM, check_outputs, check_picture_name, draw
from glassnet.cli.predict import picture_data
from glassnet.cli.report import describe_start, report_training
from glassnet.cli.streaming import add_stream_arguments, run_stream_train, streams
from glassnet.cli.tables import add_column_arguments, describe_columns, prepare_table, read
from glassnet.model import Model
from glassnet.serialization import save
from glassnet.tabular import Settings, train
from glassnet.tabular.streaming import STREAM_BATCH_SIZE, STREAM_LEARNING_RATE
from glassnet.training import TrainingDiverged

DEFAULTS = Settings()


def patience(text: str) -> int:
    """A whole number of epochs >= 0; 0 turns early stopping off."""
    return 0 if text.strip() == "0" else positive_int(text)


def add_parsers(subparsers) -> None:
    train = subparsers.add_parser("train", help="train a network on a CSV file",
                                  description=__doc__.split("\n\n")[0])
    train.add_argument("data", metavar="DATA.csv", help="CSV file with a header line")
    train.add_argument("--target", required=True, metavar="COLUMN", help="column to predict")
    train.add_argument("--task", choices=("auto", "classification", "regression"),
                       default="auto", help="default: decided from the target column")
    train.add_argument("--hidden", type=hidden_sizes, default=list(DEFAULTS.hidden),
                       metavar="SIZES", help=f"hidden layer sizes (default "
                                             f"{','.join(map(str, DEFAULTS.hidden))})")
    train.add_argument("--activation", choices=sorted(registry.ACTIVATIONS),
                       default=DEFAULTS.activation)
    train.add_argument("--epochs", type=positive_int, default=DEFAULTS.epochs,
                       help=f"at most this many (default {DEFAULTS.epochs})")
    train.add_argument("--batch-size", type=positive_int,
                       help=f"(default {DEFAULTS.batch_size}; {STREAM_BATCH_SIZE} when streaming)")
    train.add_argument("--learning-rate", type=positive_float,
                       help=f"(default {DEFAULTS.learning_rate}; {STREAM_LEARNING_RATE} when "
                            f"streaming)")
    train.add_argument("--l2", type=fraction, default=DEFAULTS.l2,
                       help=f"weight decay (l2 / 2) sum W^2 (default {DEFAULTS.l2})")
    train.add_argument("--optimizer", choices=sorted(registry.OPTIMIZERS),
                       default=DEFAULTS.optimizer)
    train.add_argument("--validation-split", type=fraction, default=DEFAULTS.validation_split,
                       metavar="FRACTION", help="share of rows held out to validate and stop "
                                                "early (default 0.2; 0 for none)")
    train.add_argument("--early-stopping", type=patience, default=DEFAULTS.patience,
                       metavar="PATIENCE", help=f"stop after PATIENCE epochs without a better "
                                                f"validation loss and keep the best epoch's "
                                                f"weights (default {DEFAULTS.patience}; 0: off)")
    train.add_argument("--cross-validate-below", type=patience,
                       default=DEFAULTS.cross_validate_below, metavar="ROWS",
                       help=f"with fewer labelled rows, hold none out: early stopping on each "
                            f"of {DEFAULTS.folds} folds chooses the epoch count, then the "
                            f"model trains on all rows (default "
                            f"{DEFAULTS.cross_validate_below}; 0: always hold rows out; "
                            f"in memory only)")
    train.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    train.add_argument("-o", "--output", default="model.glassnet", metavar="MODEL",
                       help="model file to write (default model.glassnet)")
    train.add_argument("--plot", metavar="FILE.png",
                       help="draw the loss curves into a picture (.png, .svg or .pdf)")
    add_accelerator_argument(train, "the steps taken in this process: in memory, with "
                                    "--stream, and those of Dask's --solver minibatch (its "
                                    "workers' gradients stay numpy; not with --solver lbfgs)")
    add_column_arguments(train)
    cluster.add_arguments(train)
    add_stream_arguments(train)
    train.set_defaults(run=run_train)


def run_train(arguments) -> int:
    """The command, with the accelerator --accelerator names set for this run only."""
    if arguments.accelerator and arguments.solver == "lbfgs":
        raise UsageError(f"--accelerator {arguments.accelerator} compiles the optimizer's "
                         f"steps, and --solver lbfgs takes none: drop one of them")
    with accelerated(arguments.accelerator):
        return train_chosen_way(arguments)


def train_chosen_way(arguments) -> int:
    """On a Dask cluster, in chunks (--stream) or in memory."""
    if cluster.requested(arguments):
        fill_defaults(arguments, streamed=False)
        return cluster.run_train(arguments)
    check_arguments(arguments)
    streamed = streams(arguments)
    fill_defaults(arguments, streamed)
    return run_stream_train(arguments) if streamed else train_in_memory(arguments)


def train_in_memory(arguments) -> int:
    """Read the table, say what will happen, train, report and save."""
    table = read(arguments)
    settings = settings_of(arguments)
    prepared = prepare_table(table, arguments.target, settings)
    print(describe_columns(table, prepared))
    print(describe_start(table, arguments, prepared.problem, prepared.encoder,
                         prepared.network, prepared.validation_rows,
                         len(prepared.training_rows)))
    if prepared.folds:
        print(folds_plan(prepared, settings))
    started = time.perf_counter()
    model = train_network(prepared, settings, arguments)
    seconds = time.perf_counter() - started
    validation = prepared.validation_rows
    folds = model.training.get("cross_validation")
    model.training = report_training(model, table, arguments, prepared.inputs[validation],
                                     prepared.problem.targets[validation], seconds)
    if folds:
        model.training["cross_validation"] = folds
        print(folds_result(folds))
    save_outputs(model, table, arguments)
    return 0


def folds_plan(prepared, settings: Settings) -> str:
    """Why no rows are held out, and what is done instead."""
    rows = len(prepared.rows)
    return (f"Small table: {rows} rows, fewer than {settings.cross_validate_below} "
            f"(--cross-validate-below), so none are held out: {len(prepared.folds)} folds "
            f"choose the epoch count, then the model trains on all {rows} rows")


def folds_result(folds: dict) -> str:
    """The epoch count the folds chose and the folds' mean score at that epoch."""
    metric = "accuracy" if folds["metric"] == "accuracy" else "R^2"
    sizes = sorted(set(folds["validation_rows"]))
    shown = f"{sizes[0]}-{sizes[-1]}" if len(sizes) > 1 else str(sizes[0])
    return (f"Cross-validation: lowest mean validation loss of {folds['folds']} folds ({shown} "
            f"rows each) at epoch {folds['epochs']}, the epochs trained on all rows; fold "
            f"validation {metric} there {folds['score']:.4g} (mean)")


def save_outputs(model: Model, table, arguments) -> None:
    """The model file, then the picture (when --plot asks for one)."""
    save_model(model, arguments.output)
    print(f"Model saved to {arguments.output}")
    if arguments.plot:
        draw(model, arguments.plot, *picture_data(model, table))


def fill_defaults(arguments, streamed: bool) -> None:
    """--batch-size and --learning-rate when not given: larger batches when streaming,
    where one epoch covers millions of rows (docs/guide/large-files.md says why)."""
    if arguments.batch_size is None:
        arguments.batch_size = STREAM_BATCH_SIZE if streamed else DEFAULTS.batch_size
    if arguments.learning_rate is None:
        arguments.learning_rate = STREAM_LEARNING_RATE if streamed else \
            DEFAULTS.learning_rate


def settings_of(arguments) -> Settings:
    """The tabular Settings the options ask for."""
    return Settings(task=arguments.task, hidden=tuple(arguments.hidden),
                    activation=arguments.activation, epochs=arguments.epochs,
                    batch_size=arguments.batch_size, learning_rate=arguments.learning_rate,
                    l2=arguments.l2, optimizer=arguments.optimizer,
                    validation_split=arguments.validation_split,
                    patience=arguments.early_stopping, seed=arguments.seed,
                    cross_validate_below=arguments.cross_validate_below,
                    drop=tuple(arguments.drop), categorical=tuple(arguments.categorical),
                    numeric=tuple(arguments.numeric), missing=tuple(arguments.missing))


def check_arguments(arguments) -> None:
    """Refuse a bad seed, or an output that cannot be written, before any work."""
    if arguments.seed < 0:
        raise UsageError(f"--seed must be >= 0, got {arguments.seed}")
    if arguments.output == STANDARD_STREAM:
        raise UsageError("-o: a model is written to a file, not to standard output")
    check_outputs([("DATA.csv", arguments.data)],
                  [("-o", arguments.output), ("--plot", arguments.plot)])
    if arguments.plot:
        check_picture_name("--plot", arguments.plot)
    if arguments.plot:
        from glassnet.plotting import import_matplotlib

        try:
            import_matplotlib()
        except ImportError as error:
            raise CommandError(str(error), 1) from None


def train_network(prepared, settings: Settings, arguments) -> Model:
    callbacks = [ProgressBar(stream=sys.stderr, delay=0.5, description="training")]
    try:
        return train(prepared, settings, callbacks)
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
