"""Preprocessing that travels inside a model: ``Standardize`` and ``ColumnEncoder``.

``Standardize`` is a layer (the layer protocol of ``layers.py``, without trainable
parameters) that puts every feature on the same scale; it sits first in a network, so the
saved model standardizes new data by itself. ``ColumnEncoder`` turns named columns of raw
values (numbers, or strings such as ``"red"``) into the numeric matrix a network takes:
number columns pass through, string columns become one-hot blocks, with the categories
learned from the training data and stored in the model. Imports numpy, ``layers.Layer``
and ``validation``.
"""

from __future__ import annotations

import numpy as np

from glassnet.layers import Layer
from glassnet.validation import as_float_array, check_dtype


class Standardize(Layer):
    """outputs = (inputs - mean) / scale, column by column, with mean and scale fixed.

    ``Standardize.fit(inputs)`` takes mean = column means and scale = column standard
    deviations of the training data; a constant column (standard deviation 0, up to
    rounding) gets scale 1, so it becomes 0 instead of a division by zero. Not trained:
    ``params`` and ``grads`` are empty. Shapes: (batch, features) -> (batch, features).
    Backward, for upstream gradient G: dL/d inputs = G / scale. Caches nothing.
    """

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
        mean = inputs.mean(axis=0)
        deviation = inputs.std(axis=0)
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


class CategoryError(ValueError):
    """A value the encoder cannot turn into numbers; says which column, row and value."""

    def __init__(self, message: str, column: str, row: int, value):
        super().__init__(message)
        self.column, self.row, self.value = column, row, value


class ColumnEncoder:
    """Named columns of raw values -> one numeric matrix (samples, encoded features).

    ``columns`` is a list of ``{"name": str, "categories": None}`` for a number column, or
    ``{"name": str, "categories": [str, ...]}`` for a string column, which becomes one
    0/1 column per category (one-hot), in the order given. A category not seen in training
    is an error (``CategoryError``), not a row of zeros: a silent all-zero block would give
    an answer for data the model has never seen anything like.
    """

    def __init__(self, columns):
        self.columns = [check_column(index, column) for index, column in enumerate(columns)]
        names = [column["name"] for column in self.columns]
        if not names:
            raise ValueError("columns must name at least one column, got none")
        if len(set(names)) != len(names):
            raise ValueError(f"columns must have distinct names, got {names!r}")

    @classmethod
    def fit(cls, table, names, categorical=()) -> ColumnEncoder:
        """Learn the categories of the ``categorical`` columns of ``table`` (a mapping such
        as a dict or a pandas DataFrame, column name -> values); the other ``names`` are
        number columns. Categories are sorted, as strings."""
        categorical = set(categorical)
        return cls([{"name": name,
                     "categories": sorted({str(value) for value in table[name]})
                     if name in categorical else None} for name in names])

    @property
    def names(self) -> list[str]:
        return [column["name"] for column in self.columns]

    @property
    def output_names(self) -> list[str]:
        """One name per output column: ``age``, ``colour=red``, ``colour=blue`` ..."""
        return [column["name"] if column["categories"] is None else f"{column['name']}={item}"
                for column in self.columns for item in (column["categories"] or [None])]

    def transform(self, table, dtype=np.float64) -> np.ndarray:
        """The encoded matrix (samples, len(output_names)) for ``table`` (name -> values)."""
        missing = [name for name in self.names if name not in table]
        if missing:
            raise ValueError(f"table lacks the column(s) {missing!r}; expected {self.names!r}")
        blocks = [encode_column(column, np.asarray(table[column["name"]], dtype=object))
                  for column in self.columns]
        return np.concatenate(blocks, axis=1).astype(dtype, copy=False)

    def config(self) -> dict:
        return {"columns": [dict(column) for column in self.columns]}

    def __repr__(self) -> str:
        return f"ColumnEncoder({self.names!r})"


def check_column(index: int, column) -> dict:
    """A column description, checked: a string name and None or a list of categories."""
    if not isinstance(column, dict) or set(column) != {"name", "categories"}:
        raise ValueError(f"column {index} must be a dict with keys name and categories, "
                         f"got {column!r}")
    name, categories = column["name"], column["categories"]
    if not isinstance(name, str) or not name:
        raise ValueError(f"column {index} name must be a non-empty string, got {name!r}")
    if categories is not None:
        if not isinstance(categories, list | tuple) or not categories or \
                not all(isinstance(item, str) for item in categories):
            raise ValueError(f"column {name!r} categories must be a non-empty list of "
                             f"strings, got {categories!r}")
        if len(set(categories)) != len(categories):
            raise ValueError(f"column {name!r} has repeated categories: {categories!r}")
        categories = list(categories)
    return {"name": name, "categories": categories}


def encode_column(column: dict, values: np.ndarray) -> np.ndarray:
    """One column of raw values -> (samples, 1) numbers or (samples, categories) one-hot."""
    name, categories = column["name"], column["categories"]
    if categories is None:
        return as_numbers(name, values).reshape(-1, 1)
    position = {category: index for index, category in enumerate(categories)}
    seen, inverse = np.unique(values.astype(str), return_inverse=True)
    for index, category in enumerate(seen):
        if category not in position:
            row = int(np.argmax(inverse == index))
            raise CategoryError(f"column {name!r} has the category {str(category)!r} (row "
                                f"{row}) that training never saw; known: "
                                f"{', '.join(categories)}", name, row, values[row])
    one_hot = np.zeros((len(values), len(categories)))
    columns = np.array([position[category] for category in seen], dtype=np.int64)
    one_hot[np.arange(len(values)), columns[inverse.reshape(-1)]] = 1.0
    return one_hot


def as_numbers(name: str, values: np.ndarray) -> np.ndarray:
    """Values (numbers or numeric strings) -> finite float64, or CategoryError at the first
    value that is not a finite number."""
    try:
        numbers = values.astype(np.float64)
    except (TypeError, ValueError):
        numbers = None
    if numbers is not None and np.isfinite(numbers).all():
        return numbers
    for row, value in enumerate(values):  # only to find and name the first bad value
        try:
            good = bool(np.isfinite(float(value)))
        except (TypeError, ValueError):
            good = False
        if not good:
            raise CategoryError(f"column {name!r} needs numbers, got {value!r} (row {row})",
                                name, row, value)
    raise AssertionError("unreachable: a non-finite value was not found")
