"""Preprocessing that travels inside a model: ``Standardize`` and ``ColumnEncoder``.

``Standardize`` is a layer (the layer protocol of ``layers.py``, without trainable
parameters) that puts every feature on the same scale; it sits first in a network, so the
saved model standardizes new data by itself. ``ColumnEncoder`` turns named columns of raw
values (numbers, strings such as ``"red"``, dates) into the numeric matrix a network takes:
number columns pass through, string columns become one-hot blocks, dates become their
parts, missing values are filled; all learned from the training rows and stored in the
model. Imports numpy, ``column_encoding``, ``layers.Layer`` and ``validation``.
"""

from __future__ import annotations

import warnings

import numpy as np

from glassnet.cell_values import category_text, refuse_complex, shown, to_days, to_numbers
from glassnet.column_encoding import (
    MISSING_CATEGORY,
    MISSING_SPELLINGS,
    CategoryError,
    Surprise,
    check_column,
    encode,
    kind_of,
    missing_mask,
    output_names,
)
from glassnet.layers import Layer
from glassnet.validation import as_float_array, check_dtype

__all__ = ["CategoryError", "ColumnEncoder", "Standardize", "UnknownValuesWarning"]


def mean_and_deviation(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column means and standard deviations (ddof 0) of finite ``values`` (samples, features)
    or (samples,), finite even where sum x or sum (x - mean)^2 overflows float64 (values
    near 1e300): then mean = m mean(x / m) and deviation = m std(x / m), m = max |x| of the
    column. Otherwise numpy's own mean and std, to the last bit."""
    with np.errstate(over="ignore", invalid="ignore"):
        mean, deviation = values.mean(axis=0), values.std(axis=0)
    if np.all(np.isfinite(mean)) and np.all(np.isfinite(deviation)):
        return mean, deviation
    largest = np.abs(values).max(axis=0)
    largest = np.where(largest > 0, largest, 1.0)
    shrunk = values / largest
    return shrunk.mean(axis=0) * largest, shrunk.std(axis=0) * largest


class Standardize(Layer):
    """outputs = (inputs - mean) / scale, column by column, with mean and scale fixed.

    ``Standardize.fit(inputs)`` takes mean = column means and scale = column standard
    deviations of the training data (finite for any finite data: ``mean_and_deviation``);
    a constant column (standard deviation 0, up to
    rounding) gets scale 1, so it becomes 0 instead of a division by zero. Not trained:
    ``params`` and ``grads`` are empty. Shapes: (batch, features) -> (batch, features).
    Backward, for upstream gradient G: dL/d inputs = G / scale. Caches nothing.
    """

    concurrent_forward = True  # caches nothing

    def __init__(self, mean, scale, dtype=np.float64):
        self.dtype = check_dtype(dtype)
        self.mean = as_float_array("mean", mean, dtype=self.dtype, ndim=1)
        self.scale = as_float_array("scale", scale, dtype=self.dtype, ndim=1)
        if self.mean.shape != self.scale.shape:
            raise ValueError(f"mean and scale must have the same length, got "
                             f"{len(self.mean)} and {len(self.scale)}")
        if np.any(self.scale <= 0):
            index = int(np.argmax(self.scale <= 0))
            raise ValueError(f"scale must be > 0, got {float(self.scale[index])!r} at index "
                             f"{index}")
        tiny = np.finfo(self.dtype).tiny  # below it, 1 / scale overflows or loses precision
        if np.any(self.scale < tiny):
            index = int(np.argmax(self.scale < tiny))
            raise ValueError(f"scale must be a normal number >= {tiny}, got "
                             f"{float(self.scale[index])!r} at index {index}")
        super().__init__()

    @classmethod
    def fit(cls, inputs, dtype=np.float64) -> Standardize:
        """A Standardize layer with the mean and standard deviation of ``inputs``
        (samples, features); constant columns get scale 1."""
        inputs = as_float_array("inputs", inputs, dtype=np.float64)
        mean, deviation = mean_and_deviation(inputs)
        # A constant column can come out with a deviation of a few ulps of its mean.
        rounding = 16 * np.finfo(np.float64).eps * np.maximum(np.abs(mean), 1.0)
        return cls(mean, np.where(deviation > rounding, deviation, 1.0), dtype=dtype)

    @property
    def in_features(self) -> int:
        return len(self.mean)

    @property
    def out_features(self) -> int:
        return len(self.mean)

    def forward(self, inputs: np.ndarray, training: bool = False) -> np.ndarray:
        return (inputs - self.mean) / self.scale

    def backward(self, grad_output: np.ndarray, input_gradient: bool = True):
        return grad_output / self.scale if input_gradient else None

    def config(self) -> dict:
        """The constructor arguments, JSON-safe (Python floats keep float64 values exactly)."""
        return {"mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "dtype": np.dtype(self.dtype).name}

    def __repr__(self) -> str:
        return f"Standardize({self.in_features} features)"


class UnknownValuesWarning(UserWarning):
    """Values training never saw (categories, words in number columns), encoded as unknown:
    ``surprises`` lists, per column, how many and the first row and value. Built from its
    message alone (as pickling does) it has no surprises."""

    def __init__(self, message: str, surprises: list[Surprise] = ()):
        super().__init__(message)
        self.surprises = list(surprises)

    @classmethod
    def of(cls, surprises: list[Surprise]) -> UnknownValuesWarning:
        parts = [f"column {item.column!r} {item.count} (first {shown(item.value)}, row "
                 f"{item.row})" for item in surprises[:3]]
        more = f" and {len(surprises) - 3} more column(s)" if len(surprises) > 3 else ""
        return cls(f"{sum(item.count for item in surprises)} value(s) training never saw, "
                   f"encoded as unknown (all zeros, or the fill value): {'; '.join(parts)}"
                   f"{more}", surprises)


class ColumnEncoder:
    """Named columns of raw values -> one numeric matrix (samples, encoded features).

    ``columns`` lists column descriptions (``column_encoding`` says what each key means): a
    number column passes through, a category column becomes one 0/1 column per category
    (one-hot) plus one for rare categories grouped as ``(other)``, a date column becomes
    year, month, day of week and days since 1970-01-01; a missing value (None, NaN, or a
    string in ``missing``) becomes the column's ``fill`` (and sets its "was missing" column).
    A category training never saw is a row of zeros, reported by an ``UnknownValuesWarning``
    (``strict=True``: a ``CategoryError`` naming the row and value). ``dropped`` records the
    columns left out and why ({"name", "reason"}), for ``inspect``.
    """

    def __init__(self, columns, missing=MISSING_SPELLINGS, dropped=()):
        if not isinstance(columns, list | tuple):
            raise ValueError(f"columns must be a list of column descriptions, got "
                             f"{shown(columns)}")
        self.columns = [check_column(index, column) for index, column in enumerate(columns)]
        names = [column["name"] for column in self.columns]
        if not names:
            raise ValueError("columns must name at least one column, got none")
        if len(set(names)) != len(names):
            raise ValueError(f"columns must have distinct names, got {shown(names, 120)}")
        if not isinstance(missing, list | tuple) or \
                not all(isinstance(item, str) for item in missing):
            raise ValueError(f"missing must be a list of strings, got {shown(missing)}")
        self.missing = list(missing)
        self.dropped = [check_dropped(item) for item in dropped]

    @classmethod
    def fit(cls, table, names, categorical=(), dates=(), missing=MISSING_SPELLINGS,
            rare: int = 2, dropped=(), thousands=()) -> ColumnEncoder:
        """Learn each column from ``table`` (name -> values, a dict or a DataFrame): for a
        number or date column the median as fill value and a "was missing" column if any
        value is missing; for a ``categorical`` one its sorted categories, with those seen
        at most ``rare`` times grouped as ``(other)`` when there are two or more of them.
        Number columns named in ``thousands`` are read, now and later, with thousands
        separators ("12,345.6")."""
        categorical, dates, thousands = set(categorical), set(dates), set(thousands)
        for name in names:
            refuse_complex(name, np.asarray(table[name]))
        columns = [fit_category(name, np.asarray(table[name], dtype=object), missing, rare)
                   if name in categorical else
                   fit_number(name, np.asarray(table[name]), missing, name in dates,
                              name in thousands)
                   for name in names]
        return cls(columns, missing, dropped)

    @property
    def names(self) -> list[str]:
        return [column["name"] for column in self.columns]

    @property
    def output_names(self) -> list[str]:
        """One name per output column: ``age``, ``colour=red``, ``day:year`` ..."""
        return [name for column in self.columns for name in output_names(column)]

    @property
    def binary_outputs(self) -> np.ndarray:
        """(outputs,) True for the 0/1 outputs: one-hot categories and was-missing columns."""
        flags = []
        for column in self.columns:
            width = len(output_names(column))
            binary = kind_of(column) == "category"
            flags += [binary] * (width - 1) + [binary or bool(column.get("indicator"))]
        return np.array(flags, dtype=bool)

    def encode(self, table, dtype=np.float64, strict: bool = False):
        """(matrix (samples, len(output_names)), [Surprise per column with unknown values])."""
        if isinstance(table, str | bytes) or not hasattr(table, "__getitem__"):
            raise TypeError(f"table must map column names to values (a dict or a pandas "
                            f"DataFrame), got {type(table).__name__} {shown(table)}")
        absent = [name for name in self.names if name not in table]
        if absent:
            raise ValueError(f"table lacks the column(s) {shown(absent, 120)}; expected "
                             f"{shown(self.names, 200)}")
        columns = table_columns(table, self.names)
        blocks, surprises = [], []
        for column in self.columns:
            values = columns[column["name"]]
            refuse_complex(column["name"], values)
            block, surprise = encode(column, values, self.missing, strict)
            blocks.append(block)
            surprises += [surprise] if surprise is not None else []
        return np.concatenate(blocks, axis=1).astype(dtype, copy=False), surprises

    def transform(self, table, dtype=np.float64, strict: bool = False) -> np.ndarray:
        """The encoded matrix (samples, len(output_names)) for ``table`` (name -> values);
        values training never saw give one UnknownValuesWarning."""
        matrix, surprises = self.encode(table, dtype, strict)
        if surprises:
            warnings.warn(UnknownValuesWarning.of(surprises), stacklevel=2)
        return matrix

    def config(self) -> dict:
        return {"columns": [dict(column) for column in self.columns],
                "missing": list(self.missing), "dropped": [dict(item) for item in self.dropped]}

    def __repr__(self) -> str:
        return f"ColumnEncoder({shown(self.names, 200)})"


def as_values(values) -> np.ndarray:
    """A column's values as a 1-D array (object for text, as they are for numbers)."""
    array = np.asarray(values)
    return (array.astype(object) if array.dtype.kind in "USO" else array).reshape(-1)


def table_columns(table, names: list[str]) -> dict[str, np.ndarray]:
    """Each named column of ``table`` as a 1-D array (``as_values``; a (rows, 1) column is
    one too); ValueError naming a column that is one value or a grid, or two columns whose
    lengths differ (numpy's concatenate would name neither)."""
    columns = {}
    for name in names:
        values = np.asarray(table[name])
        if values.ndim != 1 and not (values.ndim == 2 and values.shape[1] == 1):
            raise ValueError(f"column {shown(name)} must hold one value per row (1-D), got "
                             f"shape {values.shape}")
        columns[name] = as_values(values)
    lengths = {name: len(values) for name, values in columns.items()}
    if len(set(lengths.values())) > 1:
        first, other = names[0], next(name for name in names if lengths[name] != lengths[names[0]])
        raise ValueError(f"columns must have one length: {shown(first)} has {lengths[first]} "
                         f"value(s), {shown(other)} has {lengths[other]}")
    return columns


def check_dropped(item) -> dict:
    if not isinstance(item, dict) or set(item) != {"name", "reason"} or \
            not all(isinstance(value, str) for value in item.values()):
        raise ValueError(f"dropped must list {{'name': str, 'reason': str}}, got {shown(item)}")
    return dict(item)


def fit_number(name: str, values: np.ndarray, missing, date: bool,
               thousands: bool = False) -> dict:
    """A number (or date) column: the median of the present values fills the gaps."""
    numbers = to_days(values) if date else to_numbers(values, thousands)
    present = numbers[~np.isnan(numbers) & ~missing_mask(values, missing)]
    fill = float(np.median(present)) if len(present) else 0.0
    return {"name": name, "categories": None, "kind": "date" if date else "number",
            "fill": fill, "indicator": bool(len(present) < len(numbers)), "other": None,
            **({"thousands": True} if thousands and not date else {})}


def fit_category(name: str, values: np.ndarray, missing, rare: int) -> dict:
    """A category column: missing values are the category ``(missing)``; categories seen at
    most ``rare`` times are grouped, if there are two or more of them."""
    gaps = missing_mask(values, missing)
    texts = [MISSING_CATEGORY if gap else category_text(value)
             for value, gap in zip(values, gaps, strict=True)]
    categories, counts = np.unique(np.array(texts, dtype=str), return_counts=True)
    few = counts <= rare
    if few.sum() < 2 or few.all():
        few[:] = False
    return {"name": name, "categories": [str(item) for item in categories[~few]],
            "kind": "category", "fill": None, "indicator": False,
            "other": [str(item) for item in categories[few]] or None}
