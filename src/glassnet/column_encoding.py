"""How one column of raw values becomes numbers, for ``ColumnEncoder``: missing values,
numbers, categories and dates. numpy only; per-value Python only where strings are parsed.

A column description is a dict: ``name``, ``categories`` (None for numbers and dates, else
the one-hot categories in order) and, for models that fill gaps, ``kind`` ("number",
"category" or "date"), ``fill`` (the number or day a missing value becomes), ``indicator``
(add a 0/1 "was missing" column), ``other`` (rare training categories grouped into one
``(other)`` column) and, only where true, ``thousands`` (a number column written with
thousands separators, "12,345.6": ``cell_values.has_thousands``). Each encoder returns its block
(samples, width) and, for values that training never saw, a ``Surprise`` (how many, the
first row and value). How one value becomes a number, a day or a category's text is in
``cell_values``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from glassnet.cell_values import category_text, shown, to_days, to_number, to_numbers

MISSING_SPELLINGS = ("", "NA", "NaN", "nan", "?", "None", "#N/A", "N/A", "null", "NULL")
MISSING_CATEGORY = "(missing)"
OTHER = "(other)"
KINDS = ("number", "category", "date")
DATE_PARTS = ("year", "month", "weekday", "days")
KEYS = {"name", "categories", "kind", "fill", "indicator", "other", "thousands"}


class CategoryError(ValueError):
    """A value the encoder cannot turn into numbers; says which column, row and value."""

    def __init__(self, message: str, column: str, row: int, value):
        super().__init__(message)
        self.column, self.row, self.value = column, row, value


@dataclass
class Surprise:
    """``count`` values of column ``column`` that training never saw; the first at ``row``."""

    column: str
    count: int
    row: int
    value: object


def is_missing(value, spellings: frozenset) -> bool:
    """None, NaN, NaT, pandas' NA, or a string spelled as missing (after stripping)."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() in spellings
    if isinstance(value, float | int | np.number) and not isinstance(value, bool):
        return bool(np.isnan(value)) or str(value) in spellings or \
            category_text(value) in spellings
    if isinstance(value, np.datetime64):
        return bool(np.isnat(value))
    return type(value).__name__ in ("NAType", "NaTType")


def missing_mask(values: np.ndarray, spellings) -> np.ndarray:
    """(samples,) True where a value is missing (a number array: NaN, or equal to a
    spelling that is a number, such as "-99"); a number array needs no Python loop."""
    if values.dtype.kind in "fiu":
        spelled = [number for number in map(to_number, spellings) if not math.isnan(number)]
        gaps = np.isnan(values) if values.dtype.kind == "f" else np.zeros(len(values), bool)
        return gaps | np.isin(values, spelled)
    if values.dtype.kind == "M":
        return np.isnat(values)
    spelled = frozenset(spellings)
    return np.fromiter((is_missing(value, spelled) for value in values), bool, len(values))


def output_names(column: dict) -> list[str]:
    """The names of a column's outputs: ``age``, ``colour=red``, ``day:year`` ..."""
    name, kind = column["name"], kind_of(column)
    if kind == "category":
        extra = [OTHER] if column.get("other") else []
        return [f"{name}={item}" for item in [*column["categories"], *extra]]
    names = [name] if kind == "number" else [f"{name}:{part}" for part in DATE_PARTS]
    return names + ([f"{name}=missing"] if column.get("indicator") else [])


def kind_of(column: dict) -> str:
    return column.get("kind") or ("number" if column["categories"] is None else "category")


def encode(column: dict, values: np.ndarray, spellings, strict: bool = False):
    """One column of raw values -> (block (samples, len(output_names(column))), Surprise or
    None). A missing value becomes ``fill``; a value that is not a number (or date) counts
    as a surprise and is filled too, or with ``strict`` (or without a ``fill``, as in
    models from before gaps were filled) raises CategoryError."""
    kind = kind_of(column)
    missing = missing_mask(values, spellings)
    if kind == "category":
        return encode_category(column, values, missing, strict)
    numbers = to_numbers(values, bool(column.get("thousands"))) if kind == "number" \
        else to_days(values)
    bad = np.isnan(numbers) & ~missing
    if column.get("fill") is None:
        bad = bad | missing
    surprise = first_surprise(column, bad, values, strict)
    gaps = missing | bad
    filled = np.where(gaps, column.get("fill") or 0.0, numbers)
    block = filled.reshape(-1, 1) if kind == "number" else date_parts(filled)
    if column.get("indicator"):
        block = np.hstack([block, gaps.reshape(-1, 1).astype(np.float64)])
    return block, surprise


def first_surprise(column: dict, bad: np.ndarray, values: np.ndarray, strict: bool):
    """A Surprise for the values where ``bad`` is True; CategoryError with ``strict`` or
    when the column has no fill value."""
    if not bad.any():
        return None
    row = int(np.argmax(bad))
    name = column["name"]
    if strict or column.get("fill") is None:
        need = "dates (YYYY-MM-DD)" if kind_of(column) == "date" else "numbers"
        raise CategoryError(f"column {name!r} needs {need}, got {shown(values[row])} (row "
                            f"{row})", name, row, values[row])
    return Surprise(name, int(bad.sum()), row, values[row])


def date_parts(days: np.ndarray) -> np.ndarray:
    """(samples,) days since 1970-01-01 -> (samples, 4): year, month (1-12), day of week
    (Monday 0; 1970-01-01 was a Thursday, 3) and the days themselves."""
    dates = np.floor(days).astype("datetime64[D]")
    months = dates.astype("datetime64[M]").astype(np.int64)
    return np.stack([months // 12 + 1970, months % 12 + 1, (np.floor(days) + 3) % 7, days],
                    axis=1).astype(np.float64)


def encode_category(column: dict, values: np.ndarray, missing: np.ndarray, strict: bool):
    """One-hot (samples, categories [+ other]); a category training never saw is a row of
    zeros and a Surprise, or CategoryError with ``strict``."""
    name, categories = column["name"], column["categories"]
    texts = [MISSING_CATEGORY if gap else category_text(value)
             for value, gap in zip(values, missing, strict=True)]
    position = {category: index for index, category in enumerate(categories)}
    position.update(dict.fromkeys(column.get("other") or (), len(categories)))
    codes = np.array([position.get(text, -1) for text in texts], dtype=np.int64)
    unknown = codes < 0
    surprise = None
    if unknown.any():
        row = int(np.argmax(unknown))
        if strict:
            raise CategoryError(f"column {name!r} has the category {shown(texts[row])} (row "
                                f"{row}) that training never saw (it saw "
                                f"{len(position)})", name, row, values[row])
        surprise = Surprise(name, int(unknown.sum()), row, texts[row])
    width = len(categories) + (1 if column.get("other") else 0)
    one_hot = np.zeros((len(values), width))
    known = np.flatnonzero(~unknown)
    one_hot[known, codes[known]] = 1.0
    return one_hot, surprise


def check_column(index: int, column) -> dict:
    """A column description, checked key by key; ValueError naming the bad field."""
    if not isinstance(column, dict) or not {"name", "categories"} <= set(column) <= KEYS:
        raise ValueError(f"column {index} must be a dict with keys name and categories (and "
                         f"optionally {', '.join(sorted(KEYS - {'name', 'categories'}))}), "
                         f"got {shown(column, 120)}")
    name = column["name"]
    if not isinstance(name, str) or not name:
        raise ValueError(f"column {index} name must be a non-empty string, got {shown(name)}")
    checked = {"name": name, "categories": check_texts(name, "categories",
                                                       column["categories"])}
    kind = column.get("kind", kind_of(checked))
    if kind not in KINDS or (kind == "category") != (checked["categories"] is not None):
        raise ValueError(f"column {name!r} kind must be category with categories, or number "
                         f"or date without, got {shown(kind)}")
    if set(column) == {"name", "categories"}:
        return checked  # a model from before missing values were filled
    fill, indicator = column.get("fill"), column.get("indicator", False)
    if fill is not None and (isinstance(fill, bool) or not isinstance(fill, int | float)
                             or not math.isfinite(fill)):
        raise ValueError(f"column {name!r} fill must be a finite number, got {shown(fill)}")
    if not isinstance(indicator, bool):
        raise ValueError(f"column {name!r} indicator must be true or false, got "
                         f"{shown(indicator)}")
    if kind == "category" and (fill is not None or indicator):
        # a category's gaps are the category (missing): a fill or indicator would be ignored
        raise ValueError(f"column {name!r} is a category column: it takes no fill and no "
                         f"indicator, got fill {shown(fill)}, indicator {indicator}")
    other = check_texts(name, "other", column.get("other"))
    if other and (kind != "category" or set(other) & set(checked["categories"])):
        raise ValueError(f"column {name!r} other must list categories of its own, got "
                         f"{shown(other)}")
    thousands = column.get("thousands", False)
    if not isinstance(thousands, bool) or (thousands and kind != "number"):
        raise ValueError(f"column {name!r} thousands must be true (for a number column) or "
                         f"false, got {shown(thousands)}")
    # written only where true, so files without such a column read as they always did
    return {**checked, "kind": kind, "fill": None if fill is None else float(fill),
            "indicator": indicator, "other": other, **({"thousands": True} if thousands
                                                       else {})}


def check_texts(name: str, field: str, texts) -> list[str] | None:
    """None, or a non-empty list of distinct strings."""
    if texts is None:
        return None
    if not isinstance(texts, list | tuple) or not texts or \
            not all(isinstance(item, str) for item in texts):
        raise ValueError(f"column {name!r} {field} must be a non-empty list of strings, got "
                         f"{shown(texts, 120)}")
    if len(set(texts)) != len(texts):
        raise ValueError(f"column {name!r} has repeated {field}: {shown(texts, 120)}")
    return list(texts)
