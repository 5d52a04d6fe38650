"""How one raw value becomes a number, a day or a category's text, for ``column_encoding``.

A cell of a table may be a number, numeric text (" 3.5", "1,234" with thousands
separators), an ISO date, a category's text or something else: ``to_number`` and
``to_numbers`` give a finite float or NaN, ``to_days`` days since 1970-01-01 or NaN,
``category_text`` the text a category is known by. Complex numbers are never numbers (their
imaginary part would be lost). numpy only; per-value Python only where strings are parsed.
"""

from __future__ import annotations

import math
import re

import numpy as np

# a number with thousands separators, strictly: 1,234 or -12,345.6, never 1,2 or 12,34
GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")

def shown(value, limit: int = 40) -> str:
    """repr of a value, cut to ``limit`` characters so no message grows without bound."""
    text = repr(str(value) if isinstance(value, np.str_) else value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def to_number(value) -> float:
    """A finite float from a number or numeric string, else NaN (a complex number too:
    float() would drop its imaginary part)."""
    if isinstance(value, complex | np.complexfloating):
        return math.nan
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        return math.nan
    return number if math.isfinite(number) else math.nan


def refuse_complex(name: str, values: np.ndarray) -> None:
    """ValueError naming column ``name`` when it is an array of complex numbers."""
    if values.dtype.kind == "c":
        raise ValueError(f"column {shown(name)} holds complex numbers ({values.dtype}); "
                         f"glassnet reads real numbers only")


def to_numbers(values: np.ndarray, thousands: bool = False) -> np.ndarray:
    """(samples,) float64: each value as a finite number, NaN where it is not one; with
    ``thousands``, text such as "12,345.6" is a number too (``to_grouped_number``)."""
    if values.dtype.kind in "fiub":
        numbers = values.astype(np.float64)
        return np.where(np.isfinite(numbers), numbers, np.nan)
    convert = to_grouped_number if thousands else to_number
    return np.fromiter((convert(value) for value in values), np.float64, len(values))


def to_grouped_number(value) -> float:
    """``to_number``, and text written with thousands separators ("-1,234.5") without them."""
    if isinstance(value, str) and GROUPED.fullmatch(value.strip()):
        return to_number(value.replace(",", ""))
    return to_number(value)


def without_separators(value):
    """Text written with thousands separators ("-1,234.5") as plain text ("-1234.5");
    anything else as it is."""
    if isinstance(value, str) and GROUPED.fullmatch(value.strip()):
        return value.strip().replace(",", "")
    return value


def has_thousands(values: np.ndarray) -> bool:
    """True when the present values ``values`` of a column are all text, each a number
    written with thousands separators (1,234 or 12,345.67) or plainly (17, 3.5), and at
    least one with separators. Lists such as "1,2" and decimal commas ("12,34") never are."""
    if values.dtype.kind != "O" or not any(isinstance(value, str) and "," in value
                                           for value in values):
        return False
    grouped = False
    for value in values:
        text = value.strip() if isinstance(value, str) else None
        if text is None or not (PLAIN.fullmatch(text) or GROUPED.fullmatch(text)):
            return False
        grouped = grouped or "," in text
    return grouped


def to_days(values: np.ndarray) -> np.ndarray:
    """(samples,) days since 1970-01-01 from datetime64 values or ISO text (YYYY-MM-DD,
    a time after it ignored); NaN where a value is not a date."""
    if values.dtype.kind == "M":
        days = values.astype("datetime64[D]").astype(np.float64)
        return np.where(np.isnat(values), np.nan, days)
    return np.fromiter((day_of(value) for value in values), np.float64, len(values))


def day_of(value) -> float:
    text = str(value).strip()[:10]
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return math.nan
    try:
        return float(np.datetime64(text, "D").astype(np.int64))
    except ValueError:
        return math.nan


def category_text(value) -> str:
    """The text a category is known by: strings stripped, whole floats without '.0'."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    return str(value)
