"""The column to predict, learned chunk by chunk: ``TargetSummary`` counts the rows with a
target, how many are numbers and their distinct texts; ``problem_of`` then asks
``target.choose_task`` (the one place the task is decided) about a few rows that stand
for the whole column, and ``target_codes`` turns each chunk's values into the network's
targets as ``choose_task`` does for a whole column. numpy only.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from glassnet.cell_values import GROUPED, PLAIN, category_text, shown, to_numbers
from glassnet.tabular.fit import scale_of
from glassnet.tabular.moments import Moments, two_rows
from glassnet.tabular.roles import TableError
from glassnet.tabular.target import Problem, choose_task

CLASS_LIMIT = 10_000  # distinct target texts kept: more classes than this are refused


@dataclass
class TargetSummary:
    """Over the rows with a target: how many (``kept``), how many are numbers, the first
    that is not (and where), the distinct texts (at most CLASS_LIMIT + 1); over the
    training rows, the moments of the numbers (a regression's scaling)."""

    rows: int = 0
    kept: int = 0
    numbers: int = 0
    grouped: int = 0  # text numbers with thousands separators ("1,234")
    ungrouped: int = 0  # values that are neither those nor plain numbers in text
    first_word: object = None
    first_word_at: str = ""
    texts: set = field(default_factory=set)
    moments: Moments = field(default_factory=Moments)

    @classmethod
    def of(cls, values: np.ndarray, kept: np.ndarray, training: np.ndarray,
           where) -> TargetSummary:
        """One chunk: ``values`` (rows,) the raw target column, ``kept`` (rows,) rows with a
        target, ``training`` (kept rows,) the training ones among them; ``where(row)``
        names a row of the chunk for messages."""
        present = values[kept]
        numbers = to_numbers(present)
        words = np.isnan(numbers)
        # with the grouped ones: a regression's numbers are all plain or all read so
        read = to_numbers(present, thousands=True)
        summary = cls(len(values), len(present), int((~words).sum()),
                      moments=Moments.of(read[training & ~np.isnan(read)]))
        if present.dtype.kind == "O":
            summary.grouped = int((words & ~np.isnan(read)).sum())
            summary.ungrouped = sum(not (isinstance(value, str) and (
                PLAIN.fullmatch(value.strip()) or GROUPED.fullmatch(value.strip())))
                for value in present)
        else:
            summary.ungrouped = len(present)
        if words.any():
            first = int(np.argmax(words))
            summary.first_word = present[first]
            summary.first_word_at = where(int(np.flatnonzero(kept)[first]))
        distinct = np.unique(numbers[~words]) if present.dtype.kind in "fiub" else \
            set(present.tolist())
        summary.texts = {category_text(value) for value in list(distinct)[:CLASS_LIMIT + 1]}
        return summary

    def merge(self, other: TargetSummary) -> TargetSummary:
        """Add ``other`` (the next chunk's) into this one, in place; returns self."""
        self.rows, self.kept = self.rows + other.rows, self.kept + other.kept
        self.numbers += other.numbers
        self.grouped += other.grouped
        self.ungrouped += other.ungrouped
        if self.first_word is None:
            self.first_word, self.first_word_at = other.first_word, other.first_word_at
        if len(self.texts) <= CLASS_LIMIT:
            self.texts |= other.texts
        self.moments = self.moments.merge(other.moments)
        return self


def problem_of(summary: TargetSummary, target: str, task: str) -> Problem:
    """``choose_task`` on the whole target column, from its summary: the same task, labels,
    loss, outputs and reason (its ``targets`` stand for the column and are not the rows')."""
    if not summary.kept:
        raise TableError(f"column {shown(target)} has no values to learn from; choose "
                         f"another --target", target)
    thousands = summary.grouped > 0 and summary.ungrouped == 0  # roles.has_thousands
    numbers = summary.numbers + (summary.grouped if thousands else 0)
    if numbers < summary.kept and task != "classification" and \
            numbers / summary.kept > 0.5:
        raise TableError(f"{summary.first_word_at}: column {shown(target)}: "
                         f"{shown(summary.first_word)} is not a number, though the column's "
                         f"other values are; correct it, or list it with --missing", target)
    texts = sorted(summary.texts)
    if numbers < summary.kept:  # as many words as numbers: choose_task's share
        texts += [category_text(summary.first_word)] * len(texts)
    if len(summary.texts) > CLASS_LIMIT and (task == "classification" or (
            numbers < summary.kept and task == "auto")):
        raise TableError(f"column {shown(target)} has more than {CLASS_LIMIT} classes; "
                         f"is it the column to predict?", target)
    return choose_task(np.array(texts, dtype=object), target, task)


def target_codes(problem: Problem, values: np.ndarray) -> np.ndarray:
    """(rows,) the network's targets for one chunk's present target values: class codes
    into ``problem.labels`` (whole numbers as ints, else texts), or the numbers."""
    # numbers with thousands separators are numbers here: choose_task kept a column with
    # both them and words as words (text labels), so the grouped ones never reach these
    if problem.task == "regression":
        return to_numbers(values, thousands=True)
    labels = problem.labels
    if all(isinstance(label, int) for label in labels):  # whole-number classes
        named = np.round(to_numbers(values, thousands=True))
        known = np.array(labels, dtype=np.float64)
        codes = np.minimum(np.searchsorted(known, named), len(known) - 1)
        codes[known[codes] != named] = -1
    else:
        named = [category_text(value) for value in values]
        position = {label: index for index, label in enumerate(labels)}
        codes = np.array([position.get(name, -1) for name in named], dtype=np.int64)
    if (codes < 0).any():
        raise TableError(f"target {shown(values[int(np.argmax(codes < 0))])} was not seen "
                         f"in the first pass over the chunks; were the chunks changed?")
    return codes


def check_spread(name: str, moments: Moments) -> None:
    """TableError when a column's numbers are so large (beyond about 1e154) that the sum of
    their squared deviations, which the chunks' moments hold, overflows float64."""
    with np.errstate(over="ignore", invalid="ignore"):
        spread = two_rows(moments.mean, moments.deviation)
    if not np.all(np.isfinite(spread)):
        raise TableError(f"column {shown(name)}: its numbers are too large to standardize "
                         f"chunk by chunk (their squares overflow); divide the column by a "
                         f"constant, or leave out --stream")


def scaling_of(problem: Problem, moments: Moments) -> dict | None:
    """``tabular.fit.scale_of`` for the training targets known by their moments."""
    if problem.task != "regression":
        return None
    stand_in = dataclasses.replace(problem, targets=two_rows(moments.mean,
                                                             moments.deviation)[:, 0])
    scaling = scale_of(stand_in, np.arange(2))
    scaling["mean"] = float(moments.mean)  # exact, not through the two rows
    return scaling
