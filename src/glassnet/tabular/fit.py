"""A table made ready to train on: ``prepare`` (rows, task, column roles, the rows held out
or the folds of a small table, encoder, network), and ``train_held_out``, one training run
with early stopping on the held-out rows, keeping the best epoch's weights. ``fit_table`` and
``train`` (``tabular.training``) put them together; ``glassnet train`` calls ``prepare`` and
``train`` and prints between them. Imports pandas only through the frame it is given.
"""

from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass, field, replace

import numpy as np

from glassnet import registry, training_data
from glassnet.callbacks import EarlyStopping
from glassnet.cell_values import shown
from glassnet.column_encoding import MISSING_SPELLINGS
from glassnet.model import Model
from glassnet.network import Sequential, mlp
from glassnet.preprocessing import ColumnEncoder, Standardize, mean_and_deviation
from glassnet.tabular.folds import cross_validates, fold_rows
from glassnet.tabular.roles import Decision, TableError, decide_columns
from glassnet.tabular.target import Problem, choose_task, known_rows, target_values
from glassnet.training import fit


@dataclass
class Settings:
    """Everything ``fit_table`` and ``glassnet train`` let a user choose. The defaults were
    chosen with ``benchmarks/real_tables_sweep.py`` on the 26 tables of ``real_tables.py``,
    3 seeds each (``benchmarks/results/real_tables_sweep/``): learning rates 0.01, 0.003,
    0.001 by L2 1e-4, 1e-3, 1e-2; then widths 32,16, 64,32, 100 by batch 32, 64, 200; then
    patience 10, 20, 40. Learning rate 0.001, L2 1e-2, widths 64,32, batch 64, patience 20
    left the fewest tables below scikit-learn's MLP pipeline (1 of 26) with the best mean
    gap (+0.0095). Below ``cross_validate_below`` labelled rows (with a validation split and
    a patience) no rows are held out: early stopping on each of ``folds`` folds chooses the
    epoch count, then the network trains on all rows for that many epochs
    (``tabular.folds``, measured in ``benchmarks/results/real_tables.md``)."""

    task: str = "auto"
    hidden: tuple = (64, 32)
    activation: str = "relu"
    epochs: int = 200
    batch_size: int = 64
    learning_rate: float = 0.001
    l2: float = 1e-2
    optimizer: str = "adam"
    validation_split: float = 0.2
    patience: int | None = 20
    seed: int = 0
    cross_validate_below: int = 1000
    folds: int = 5
    drop: tuple = ()
    categorical: tuple = ()
    numeric: tuple = ()
    missing: tuple = MISSING_SPELLINGS


@dataclass
class Prepared:
    """A table made ready to train on: the kept rows (indices into the frame), the task, the
    column decisions, the fitted encoder, all kept rows encoded, and the network; ``frame``
    holds the kept rows (to refit on other rows) and ``folds`` the (training, validation) row
    pairs of a small table's cross-validation (empty when rows are held out instead)."""

    target: str
    rows: np.ndarray
    problem: Problem
    decisions: list[Decision]
    encoder: ColumnEncoder
    inputs: np.ndarray
    training_rows: np.ndarray
    validation_rows: np.ndarray
    network: Sequential
    scaling: dict | None = None
    notes: list[str] = field(default_factory=list)
    frame: object = None
    folds: list = field(default_factory=list)

    @property
    def targets(self) -> np.ndarray:
        """The network's targets for the kept rows: class codes, or (y - mean) / scale."""
        if self.scaling is None:
            return self.problem.targets
        return (self.problem.targets - self.scaling["mean"]) / self.scaling["scale"]


def settings_with(settings: Settings | None, options: dict) -> Settings:
    settings = settings or Settings()
    unknown = sorted(set(options) - set(Settings.__dataclass_fields__))
    if unknown:
        raise TypeError(f"unknown option(s) {', '.join(unknown)}; known: "
                        f"{', '.join(Settings.__dataclass_fields__)}")
    return check_settings(Settings(**{**settings.__dict__, **options}))


def check_settings(settings: Settings) -> Settings:
    """``settings``, or ValueError naming a share, seed or row count outside its range (the
    command line's own argument types check the same)."""
    share = settings.validation_split
    if isinstance(share, bool) or not isinstance(share, numbers.Real) or not 0 <= share < 1:
        raise ValueError(f"validation_split must be a fraction in [0, 1), got {share!r}")
    for name in ("seed", "cross_validate_below"):
        value = getattr(settings, name)
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
            raise ValueError(f"{name} must be a whole number >= 0, got {value!r}")
    return settings


def prepare(frame, target: str, settings: Settings) -> Prepared:
    """Decide rows, task and columns; fit the encoder and the Standardize layer on the
    training rows. TableError (one line, naming the column) for an unusable table."""
    values = target_values(frame, target)
    rows = known_rows(values, target, settings.missing)
    notes = [f"left out {len(values) - len(rows)} row(s) whose {target!r} is missing"] \
        if len(rows) < len(values) else []
    problem = choose_task(values[rows], target, settings.task)
    kept = frame.iloc[rows].reset_index(drop=True)
    decisions = decide_columns(kept, target, settings.drop, settings.categorical,
                               settings.numeric, settings.missing)
    check_kept(decisions, target)
    folds = fold_rows(len(rows), settings) if cross_validates(len(rows), settings) else []
    training_rows, validation_rows = (np.arange(len(rows)), np.arange(0)) if folds \
        else split_rows(len(rows), settings)
    prepared = Prepared(target, rows, problem, decisions, None, None, training_rows,
                        validation_rows, None, notes=notes, frame=kept, folds=folds)
    return on_rows(prepared, training_rows, validation_rows, settings)


def on_rows(prepared: Prepared, training_rows: np.ndarray, validation_rows: np.ndarray,
            settings: Settings) -> Prepared:
    """``prepared`` with the encoder, Standardize, target scale and a new network (the
    seed's initial weights) fitted on ``training_rows`` of its kept rows."""
    kept, problem = prepared.frame, prepared.problem
    encoder = fit_encoder(kept.iloc[training_rows], prepared.decisions, settings.missing)
    with warnings.catch_warnings():  # validation rows may hold categories training lacks
        warnings.simplefilter("ignore")
        inputs = encoder.transform(kept)
    sizes = [inputs.shape[1], *settings.hidden, problem.outputs]
    layers = mlp(sizes, activation=settings.activation, rng=settings.seed).layers
    network = Sequential([standardize_numbers(inputs[training_rows], encoder), *layers],
                         rng=settings.seed)
    return replace(prepared, encoder=encoder, inputs=inputs, training_rows=training_rows,
                   validation_rows=validation_rows, network=network,
                   scaling=scale_of(problem, training_rows))


def fit_encoder(frame, decisions: list[Decision], missing) -> ColumnEncoder:
    """The ColumnEncoder of the kept columns, learned from ``frame`` (the training rows)."""
    kept = [item.name for item in decisions if item.role != "dropped"]
    return ColumnEncoder.fit(
        frame, kept, categorical=[item.name for item in decisions if item.role == "category"],
        dates=[item.name for item in decisions if item.role == "date"], missing=missing,
        dropped=[{"name": item.name, "reason": item.reason} for item in decisions
                 if item.role == "dropped"],
        thousands=[item.name for item in decisions if item.thousands])


def check_kept(decisions: list[Decision], target: str) -> None:
    """TableError when every feature column was dropped (or there was none)."""
    if not decisions:
        raise TableError(f"has only the target column {shown(target)}, no feature columns; "
                         f"add some", target)
    if all(item.role == "dropped" for item in decisions):
        reasons = "; ".join(f"{shown(item.name)}: {item.reason}" for item in decisions)
        reasons = reasons if len(reasons) <= 160 else reasons[:157] + "..."
        raise TableError(f"no usable feature column is left ({reasons}); keep one with "
                         f"--numeric or --categorical")


def standardize_numbers(inputs: np.ndarray, encoder: ColumnEncoder) -> Standardize:
    """Standardize fitted on the number and date columns; 0/1 columns (one-hot categories,
    was-missing indicators) pass unchanged (mean 0, scale 1), as a one-hot encoder's output
    does in a scikit-learn pipeline: scaling a rare category would blow it up."""
    layer = Standardize.fit(inputs)
    binary = encoder.binary_outputs
    layer.mean[binary], layer.scale[binary] = 0.0, 1.0
    return layer


def split_rows(rows: int, settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """Training and validation row indices, each sorted (validation may be empty): the one
    splitter, ``training_data.split_rows``, with the seed's generator."""
    if settings.validation_split == 0:
        return np.arange(rows), np.arange(0)
    try:
        return training_data.split_rows(rows, settings.validation_split, None,
                                        np.random.default_rng(settings.seed))
    except ValueError:
        raise TableError(f"{rows} row(s) are too few to hold out --validation-split "
                         f"{settings.validation_split}") from None


def scale_of(problem: Problem, training_rows: np.ndarray) -> dict | None:
    """{"mean", "scale"} of the training rows' regression targets; None for classes."""
    if problem.task != "regression":
        return None
    mean, deviation = map(float, mean_and_deviation(problem.targets[training_rows]))
    return {"mean": mean, "scale": deviation if deviation > 0 else 1.0}


def train_held_out(prepared: Prepared, settings: Settings, callbacks=(),
                   metrics: tuple | None = None) -> Model:
    """Train the prepared network on its training rows; with validation rows and a patience,
    stop early and keep the weights of the epoch with the lowest validation loss. ``metrics``
    recorded each epoch: by default accuracy for classes, none for a regression."""
    inputs, targets = prepared.inputs, prepared.targets
    training, validation = prepared.training_rows, prepared.validation_rows
    callbacks = list(callbacks)
    held_out = (inputs[validation], targets[validation]) if len(validation) else None
    if held_out is not None and settings.patience:
        callbacks.append(EarlyStopping(monitor="val_loss", patience=settings.patience))
    optimizer = registry.resolve("optimizer", settings.optimizer)(settings.learning_rate)
    if metrics is None:
        metrics = ("accuracy",) if prepared.problem.task == "classification" else ()
    with np.errstate(over="ignore", invalid="ignore"):
        history = fit(prepared.network, inputs[training], targets[training],
                      prepared.problem.loss, optimizer, epochs=settings.epochs,
                      batch_size=settings.batch_size, rng=settings.seed, callbacks=callbacks,
                      validation_data=held_out, metrics=metrics, l2=settings.l2, verbose=0)
    kept = [callback.best_epoch for callback in callbacks
            if isinstance(callback, EarlyStopping) and callback.best_epoch is not None]
    features = prepared.encoder.names
    summary = {"target": prepared.target, "best_epoch": kept[0] if kept else len(history)}
    return Model(prepared.network, prepared.problem.loss, prepared.problem.task,
                 prepared.problem.labels, features, prepared.encoder, prepared.scaling,
                 training=summary, history=history)
