"""Deciding what each column of a table is: a number, a category, a date, or dropped (and
why). The rules, in order, for a column that no ``drop``/``categorical``/``numeric``
override names:

* an unnamed first column (row names, as R's ``write.csv`` writes them) is dropped;
* a column with no value, or more than half of its values missing, is dropped;
* a column with one value only is dropped;
* text that is every time a number, some of them written with thousands separators
  ("12,345.6"; never "1,2" or "12,34"), makes a number column read without them;
* numbers (at least 90 % of the present values) make a number column, and the few words
  among them are read as missing; dates (YYYY-MM-DD) make a date column;
* words make a category column, unless almost every row has its own word (more than half
  of the values distinct, and more than 10 of them: names, IDs, free text), then dropped.

Imports pandas (through ``frame``'s own methods only) and ``column_encoding``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from glassnet.cell_values import has_thousands, refuse_complex, shown, to_days, to_numbers
from glassnet.column_encoding import missing_mask

MOSTLY_EMPTY = 0.5
MOSTLY_NUMBERS = 0.9
MOSTLY_DISTINCT = 0.5
MANY_DISTINCT = 10
ROW_NAMES_COLUMN = "(row names)"  # the name ``glassnet.cli.data`` gives an unnamed first column
ROW_NAMES = ("", ROW_NAMES_COLUMN, "rownames", "Unnamed: 0")


class TableError(ValueError):
    """A table that cannot be trained on; the message names the column and what to do.
    ``row`` is the 0-based row of the frame it is about, or None."""

    def __init__(self, message: str, column: str | None = None, row: int | None = None):
        super().__init__(message)
        self.column, self.row = column, row


@dataclass
class Decision:
    """What a column became: ``role`` is number, category, date or dropped; ``reason`` says
    why in a few words."""

    name: str
    role: str
    reason: str
    thousands: bool = False  # a number column written with thousands separators

    def line(self) -> str:
        return f"  {shown(self.name)}: {self.role} ({self.reason})"


def decide_columns(frame, target: str, drop=(), categorical=(), numeric=(),
                   missing=()) -> list[Decision]:
    """One Decision per column of ``frame`` other than ``target``, in the frame's order."""
    check_overrides(frame, target, {"drop": drop, "categorical": categorical,
                                    "numeric": numeric})
    decisions = []
    for position, name in enumerate(frame.columns):
        if name == target:
            continue
        values = np.asarray(frame[name])
        values = values.astype(object) if values.dtype.kind in "USO" else values
        refuse_complex(name, values)
        decisions.append(decide(name, values, position, missing,
                                "drop" if name in drop else "categorical" if name in categorical
                                else "numeric" if name in numeric else None))
    return decisions


def check_overrides(frame, target: str, overrides: dict) -> None:
    """Every overridden name is a feature column, and named by one override only."""
    seen: dict[str, str] = {}
    for option, names in overrides.items():
        for name in names:
            if name not in frame.columns or name == target:
                what = "the target" if name == target else "not a column"
                raise TableError(f"--{option} {shown(name)}: {what}; the columns are "
                                 f"{shown(', '.join(map(str, frame.columns)), 200)}", name)
            if name in seen:
                raise TableError(f"column {shown(name)} is named by both --{seen[name]} and "
                                 f"--{option}; keep one", name)
            seen[name] = option


def decide(name: str, values: np.ndarray, position: int, missing, override) -> Decision:
    """The Decision for one column's values (1-D array)."""
    if override == "drop":
        return Decision(name, "dropped", "--drop")
    if position == 0 and name in ROW_NAMES:
        return Decision(name, "dropped", "an unnamed first column: row names")
    gaps = missing_mask(values, missing)
    present = values[~gaps]
    if not len(present):
        return Decision(name, "dropped", "no values")
    if override == "categorical":
        return Decision(name, "category", f"--categorical, {distinct(present)} categories")
    if override == "numeric":
        return as_number(name, present, "--numeric", gaps)
    if gaps.mean() > MOSTLY_EMPTY:
        return Decision(name, "dropped", f"mostly empty: {gaps.mean():.0%} missing")
    if distinct(present) == 1:
        return Decision(name, "dropped", f"one value only: {shown(present[0])}")
    return by_values(name, present, gaps)


def by_values(name: str, present: np.ndarray, gaps: np.ndarray) -> Decision:
    """Number, date, category or dropped, from the present values themselves."""
    filled = f", {int(gaps.sum())} missing filled" if gaps.any() else ""
    if present.dtype.kind == "M":
        return Decision(name, "date", f"dates{filled}")
    if present.dtype.kind == "b":
        return Decision(name, "category", "true/false")
    if has_thousands(present):
        return Decision(name, "number", f"numbers with thousands separators{filled}",
                        thousands=True)
    numbers = to_numbers(present)
    if np.mean(~np.isnan(numbers)) >= MOSTLY_NUMBERS:
        return as_number(name, present, "numbers", gaps)
    if not np.isnan(to_days(present)).any():
        return Decision(name, "date", f"YYYY-MM-DD{filled}")
    count = distinct(present)
    if count > MANY_DISTINCT and count > MOSTLY_DISTINCT * len(present):
        return Decision(name, "dropped", f"{count} distinct words in {len(present)} rows: "
                                         f"names, IDs or free text")
    return Decision(name, "category", f"words, {count} categories{filled}")


def as_number(name: str, present: np.ndarray, why: str, gaps: np.ndarray) -> Decision:
    """A number column; words among the numbers are read as missing, said with an example."""
    thousands = has_thousands(present)
    words = present[np.isnan(to_numbers(present, thousands))]
    reason = why + (", thousands separators" if thousands else "") + \
        (f", {int(gaps.sum())} missing filled" if gaps.any() else "")
    if len(words):
        reason += f"; {len(words)} word(s) such as {shown(words[0])} read as missing"
    return Decision(name, "number", reason, thousands)


def distinct(values: np.ndarray) -> int:
    return len({str(value).strip() for value in values})
