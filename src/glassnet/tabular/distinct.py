"""Per-value work done once per distinct value. A chunk's text column holds a few words
many times over; parsing each distinct value once and indexing the results back by each
row's code gives exactly what parsing every value gives (every step here works value by
value), in a fraction of the time. ``factorized`` finds the codes, ``encode_frame`` is
``ColumnEncoder.encode`` done that way. numpy only.
"""

from __future__ import annotations

import numpy as np

from glassnet.cell_values import to_number
from glassnet.column_encoding import encode, kind_of, output_names
from glassnet.preprocessing import ColumnEncoder, as_values


def factorized(values) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(codes (rows,) int64, distinct (n,) object) with distinct[codes] equal to the
    values, for text (an object array, or a pandas Series of text, factorized by its own
    method); (None, None) for anything else (numbers, dates)."""
    if hasattr(values, "factorize") and np.asarray(values[:0]).dtype == object:
        codes, distinct = values.factorize(use_na_sentinel=False)
        return np.asarray(codes, dtype=np.int64), np.asarray(distinct, dtype=object)
    values = np.asarray(values)
    if values.dtype != object:
        return None, None
    index: dict = {}
    codes = np.fromiter((index.setdefault(value, len(index)) for value in values.tolist()),
                        np.int64, len(values))
    distinct = np.empty(len(index), dtype=object)
    distinct[:] = list(index)
    return codes, distinct


def per_distinct(function, values) -> np.ndarray:
    """``function(values)`` for an elementwise function, computed on the distinct values
    of text (directly for anything else)."""
    codes, distinct = factorized(values)
    if distinct is None:
        return function(np.asarray(values))
    return function(distinct)[codes]


def encode_frame(encoder: ColumnEncoder, frame, dtype=np.float64) -> np.ndarray:
    """(rows, len(encoder.output_names)): ``encoder.encode(frame)[0]``, each text column
    encoded once per distinct value and the number columns read as floats all at once
    (``fill_numbers``); values training never saw are zeros or the fill, as there, and are
    not counted."""
    starts = np.cumsum([0, *(len(output_names(column)) for column in encoder.columns)])
    inputs = np.empty((len(frame), starts[-1]), dtype=np.float64)
    numbers = [place for place, column in enumerate(encoder.columns)
               if kind_of(column) == "number" and column.get("fill") is not None
               and is_float(frame[column["name"]].dtype)]
    fill_numbers(inputs, encoder, frame, numbers, starts)
    for place, column in enumerate(encoder.columns):
        if place not in numbers:
            inputs[:, starts[place]:starts[place + 1]] = per_distinct(
                lambda some, column=column: encode(column, as_values(some),
                                                   encoder.missing)[0],
                frame[column["name"]])
    return inputs.astype(dtype, copy=False)


def fill_numbers(inputs: np.ndarray, encoder: ColumnEncoder, frame, numbers: list[int],
                 starts: np.ndarray) -> None:
    """Write the blocks of the number columns ``numbers`` (places in encoder.columns, each
    with a fill, its values floats) into ``inputs`` as ``encode`` makes them, in
    whole-table operations on their values V (rows, columns): gaps G = not finite(V) or V
    in the missing spellings; value = where(G, fill, V); G as 0/1 after it where the
    column has an indicator."""
    if not numbers:
        return
    columns = [encoder.columns[place] for place in numbers]
    values = frame[[column["name"] for column in columns]].to_numpy(np.float64)
    spelled = [number for number in map(to_number, encoder.missing) if not np.isnan(number)]
    gaps = ~np.isfinite(values) | np.isin(values, spelled)
    fills = np.array([column.get("fill") or 0.0 for column in columns], dtype=np.float64)
    inputs[:, positions(starts[numbers])] = np.where(gaps, fills, values)
    flagged = [index for index, column in enumerate(columns) if column.get("indicator")]
    if flagged:
        inputs[:, positions(starts[numbers][flagged] + 1)] = gaps[:, flagged]


def positions(columns: np.ndarray):
    """The column positions as a slice when evenly spaced (a strided view: faster to
    write than a list of positions), else as they are."""
    steps = np.diff(columns)
    if len(columns) > 1 and steps[0] > 0 and (steps == steps[0]).all():
        return slice(int(columns[0]), int(columns[-1]) + 1, int(steps[0]))
    return columns


def is_float(dtype) -> bool:
    """A numpy float dtype (not pandas' nullable Float64, whose NA numpy cannot hold)."""
    return isinstance(dtype, np.dtype) and dtype.kind == "f"
