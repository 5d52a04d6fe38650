"""The column to predict: which rows have a target, and what the target asks for.

Words, or whole numbers with at most 20 distinct values, mean classification (two classes:
one logit and binary cross-entropy; more: one logit per class and softmax cross-entropy);
other numbers mean regression (one output, squared error on the standardized target).
Text that is every time a number, some written with thousands separators ("12,345.6"), is
numbers (``cell_values.has_thousands``). Rows whose target is missing are left out.
Imports ``column_encoding`` and ``losses``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from glassnet.cell_values import category_text, has_thousands, refuse_complex, shown, to_numbers
from glassnet.column_encoding import missing_mask
from glassnet.losses import BinaryCrossEntropy, SoftmaxCrossEntropy, SquaredError
from glassnet.tabular.roles import TableError

MAX_INTEGER_CLASSES = 20
TASKS = ("auto", "classification", "regression")


@dataclass
class Problem:
    """What the target column asks for: task, labels, numeric targets (class codes or
    values, one per kept row), loss, outputs, and the reason in a few words."""

    task: str
    targets: np.ndarray
    labels: list | None
    loss: object
    outputs: int
    reason: str


def target_values(frame, target: str) -> np.ndarray:
    """The target column as a 1-D array; TableError naming the columns if there is none,
    TypeError for a table without named columns (an array, a dict)."""
    if not hasattr(frame, "columns"):
        raise TypeError(f"the table must be a pandas DataFrame (named columns), got "
                        f"{type(frame).__name__}")
    if target not in frame.columns:
        raise TableError(f"no column {shown(target)} to predict; the columns are "
                         f"{shown(', '.join(map(str, frame.columns)), 200)}", target)
    values = np.asarray(frame[target])
    refuse_complex(target, values)
    return values.astype(object) if values.dtype.kind in "USO" else values


def known_rows(values: np.ndarray, target: str, missing) -> np.ndarray:
    """Indices of the rows whose target is present; TableError if there are none."""
    rows = np.flatnonzero(~missing_mask(values, missing))
    if not len(rows):
        raise TableError(f"column {shown(target)} has no values to learn from; choose "
                         f"another --target", target)
    return rows


def choose_task(values: np.ndarray, target: str, task: str = "auto") -> Problem:
    """Classification or regression from ``task``, or from the (present) target values."""
    if task not in TASKS:
        raise TableError(f"task must be one of {', '.join(TASKS)}, got {shown(task)}")
    grouped = has_thousands(values)  # "12,345.6": numbers, as in a feature column
    numbers = to_numbers(values, grouped)
    numeric = not np.isnan(numbers).any()
    if not numeric and task != "classification" and np.mean(~np.isnan(numbers)) > 0.5:
        row = int(np.argmax(np.isnan(numbers)))
        raise TableError(f"column {shown(target)}: {shown(values[row])} is not a number, "
                         f"though the column's other values are; correct it, or list it "
                         f"with --missing", target, row)
    if task == "regression" or (task == "auto" and numeric and not few_whole(numbers)):
        if not numeric:
            raise TableError(f"column {shown(target)} holds words, not numbers; it cannot be a "
                             f"regression target", target)
        if np.all(numbers == numbers[0]):
            raise TableError(f"column {shown(target)} has only one value ({numbers[0]:g}); "
                             f"there is nothing to learn: choose another --target", target)
        reason = "--task regression" if task == "regression" else \
            "numbers with thousands separators" if grouped else "numbers"
        return Problem("regression", numbers, None, SquaredError(), 1, reason)
    return classification(values, numbers if numeric and few_whole(numbers) else None,
                          target, task)


def few_whole(numbers: np.ndarray) -> bool:
    return bool(np.all(numbers == np.round(numbers))) and \
        len(np.unique(numbers)) <= MAX_INTEGER_CLASSES


def classification(values, whole, target: str, task: str) -> Problem:
    """Labels sorted (numbers as ints, else texts), targets as codes into them."""
    if whole is not None:
        labels_of = [int(value) for value in whole]
        reason = f"whole numbers with {len(set(labels_of))} distinct values"
    else:
        labels_of, reason = [category_text(value) for value in values], "words"
    labels = sorted(set(labels_of))
    if len(labels) < 2:
        raise TableError(f"column {shown(target)} has only one class ({shown(labels[0])}); a "
                         f"classifier needs at least two: choose another --target", target)
    codes = np.searchsorted(np.array(labels), np.array(labels_of))
    reason = "--task classification" if task == "classification" else reason
    if len(labels) == 2:
        return Problem("classification", codes, labels, BinaryCrossEntropy(from_logits=True),
                       1, reason)
    return Problem("classification", codes, labels, SoftmaxCrossEntropy(), len(labels), reason)
