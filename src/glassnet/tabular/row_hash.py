"""Which rows validate: a stable hash of each row's values, so the same row is held out in
every epoch and in every run, however the table is cut into chunks.

``row_hashes(frame, numeric)`` hashes each column as numbers (the ``numeric`` columns: a
number's float64 bits, every missing value alike) or as text (each value's stripped text,
as UTF-32 code points), mixes the columns with SplitMix64's finaliser, and
``held_out(hashes, share)`` keeps a row for validation when its hash, read as a fraction
in [0, 1), is below ``share``. Equal rows share their fate, so a repeated row never sits on
both sides. numpy only (the frame's own methods for its columns).
"""

from __future__ import annotations

import numpy as np

from glassnet.cell_values import to_numbers
from glassnet.tabular.distinct import per_distinct

GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def mix(values: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser on uint64 values: z ^= z >> 30; z *= C1; z ^= z >> 27;
    z *= C2; z ^= z >> 31 (wrapping arithmetic), in place on one new array."""
    values = values ^ (values >> np.uint64(30))
    np.multiply(values, np.uint64(0xBF58476D1CE4E5B9), out=values)
    np.bitwise_xor(values, values >> np.uint64(27), out=values)
    np.multiply(values, np.uint64(0x94D049BB133111EB), out=values)
    return np.bitwise_xor(values, values >> np.uint64(31), out=values)


def number_hashes(values: np.ndarray) -> np.ndarray:
    """uint64 of the values' shape (rows,) or, for numbers, (rows, columns): from each
    value as a finite number (NaN for anything else)."""
    numbers = to_numbers(np.asarray(values)) + 0.0  # -0.0 becomes 0.0
    numbers[np.isnan(numbers)] = np.nan  # one NaN for all
    return mix(numbers.view(np.uint64) + GOLDEN)


def text_hashes(values) -> np.ndarray:
    """(rows,) uint64 from each value's stripped text: a polynomial over its code points."""
    return per_distinct(distinct_text_hashes, values)


def distinct_text_hashes(values: np.ndarray) -> np.ndarray:
    texts = np.array([str(value).strip() for value in np.asarray(values, dtype=object)],
                     dtype=str)
    lengths = np.char.str_len(texts).astype(np.uint64)
    points = np.ascontiguousarray(texts).view(np.uint32).reshape(len(texts), -1)
    hashes = mix(lengths + GOLDEN)
    for column in range(points.shape[1] if len(texts) else 0):
        hashed = mix(hashes + points[:, column].astype(np.uint64) + GOLDEN)
        hashes = np.where(column < lengths, hashed, hashes)  # only the text's own points
    return hashes

def row_hashes(frame, numeric) -> np.ndarray:
    """(rows,) uint64: the hash of each row of ``frame`` over all its columns, in order:
    h = mix(31 h + column hash), column by column from h = 0."""
    numeric = set(numeric)
    numbers = number_columns(frame, numeric)
    hashes = np.zeros(len(frame), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for name in frame.columns:
            column = numbers[name] if name in numbers else \
                number_hashes(frame[name].to_numpy()) if name in numeric else \
                text_hashes(frame[name])
            hashes = mix(hashes * np.uint64(31) + column)
    return hashes


def number_columns(frame, numeric: set) -> dict[str, np.ndarray]:
    """{name: (rows,) number_hashes} for the ``numeric`` columns held as numpy numbers,
    all hashed at once as one (rows, columns) table."""
    names = [name for name, dtype in frame.dtypes.items() if name in numeric
             and isinstance(dtype, np.dtype) and dtype.kind in "fiu"]
    if not names:
        return {}
    hashed = number_hashes(frame[names].to_numpy(np.float64)).T.copy()
    return dict(zip(names, hashed, strict=True))


def held_out(hashes: np.ndarray, share: float) -> np.ndarray:
    """(rows,) True for the validation rows: the top 53 bits of the hash, as a fraction in
    [0, 1), below ``share``."""
    return (hashes >> np.uint64(11)).astype(np.float64) * 2.0 ** -53 < share
