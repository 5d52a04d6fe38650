"""What one column of a table looks like, learned chunk by chunk: ``ColumnSummary``.

A summary of a chunk's values (``ColumnSummary.of``) merges with the summaries of the other
chunks (``merge``) into the summary of the whole column, from which ``decide_summary`` makes
the column's ``Decision`` by the rules of ``roles`` (same thresholds, same reasons) and
``column_of`` its ``ColumnEncoder`` description (fill, indicator, categories and the rare
ones grouped, as ``preprocessing`` fits them). The counts that decide a column's role come
from all kept rows; what the encoder learns (fills, categories, moments) from the training
rows only, as in ``tabular.fit.prepare``. ``tests/test_tabular_summaries.py`` checks every
decision against ``roles.decide`` on the whole column.

Bounded memory: at most ``DISTINCT_LIMIT`` distinct words and ``CATEGORY_LIMIT`` categories
are kept per column (a column with more is dropped as names or IDs, or refused), and medians
come from ``moments.Counts``. numpy only.
"""

from __future__ import annotations

import inspect
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from glassnet.cell_values import PLAIN, category_text, shown, to_days, to_numbers
from glassnet.column_encoding import MISSING_CATEGORY, date_parts, missing_mask
from glassnet.preprocessing import ColumnEncoder, fit_category
from glassnet.tabular import roles
from glassnet.tabular.distinct import factorized
from glassnet.tabular.moments import Counts, Moments
from glassnet.tabular.roles import Decision, TableError

DISTINCT_LIMIT = 100_000
CATEGORY_LIMIT = 10_000
SMALL_KEYS = 1_000  # a chunk of numbers with fewer distinct values may be categories
RARE = inspect.signature(ColumnEncoder.fit).parameters["rare"].default


@dataclass
class ColumnSummary:
    """Counts over all kept rows (``rows``, ``gaps``, ``numbers``, ``dates``, distinct
    words, the first value and first word) and, over the training rows, what the encoder
    fits: numbers' counts and moments, days' counts and date-part moments, categories."""

    rows: int = 0
    gaps: int = 0
    numbers: int = 0
    dates: int = 0
    kinds: set = field(default_factory=set)
    words: set = field(default_factory=set)
    low: float = np.inf
    high: float = -np.inf
    first: object = None
    first_word: object = None
    training_rows: int = 0
    number_counts: Counts = field(default_factory=Counts.empty)
    number_moments: Moments = field(default_factory=Moments)
    day_counts: Counts = field(default_factory=Counts.empty)
    day_moments: Moments = field(default_factory=Moments)
    categories: Counter = field(default_factory=Counter)
    many_categories: bool = False
    grouped: int = 0  # present text numbers with thousands separators ("1,234")
    ungrouped: int = 0  # present values that are neither those nor plain numbers in text
    grouped_counts: Counts = field(default_factory=Counts.empty)  # the grouped ones,
    grouped_moments: Moments = field(default_factory=Moments)     # over the training rows

    @classmethod
    def of(cls, values, missing, training: np.ndarray) -> ColumnSummary:
        """The summary of one chunk's values (rows,) (an array or a pandas Series);
        ``training`` (rows,) bool marks the training rows. Text is parsed once per
        distinct value."""
        codes, distinct = factorized(values)
        values = np.asarray(values) if distinct is None else distinct[codes]

        def each(function):
            return function(values) if distinct is None else function(distinct)[codes]

        summary = cls(rows=len(values), training_rows=int(training.sum()))
        gaps = each(lambda some: missing_mask(some, missing))
        summary.gaps = int(gaps.sum())
        kind = values.dtype.kind
        summary.kinds = {kind} if kind in "Mb" else set()
        numbers = np.full(len(values), np.nan) if kind == "M" else each(to_numbers)
        numbers[gaps] = np.nan
        words = ~gaps & np.isnan(numbers)
        days = np.where(words, each(to_days), np.nan) if words.any() else \
            np.full(len(values), np.nan)
        summary.count(values, gaps, numbers, days)
        summary.learn(values[training], gaps[training], numbers[training], days[training])
        summary.count_grouped(values, gaps, numbers, training, each)
        return summary

    def count_grouped(self, values, gaps, numbers, training, each) -> None:
        """The counts ``roles.has_thousands`` asks for: text numbers with and without
        thousands separators, and the numbers of the grouped ones over the training rows."""
        if values.dtype.kind != "O":
            self.ungrouped = int((~gaps).sum())
            return
        grouped = each(lambda some: to_numbers(some, thousands=True))
        grouped[gaps | ~np.isnan(numbers)] = np.nan  # only those plain reading misses
        is_grouped = ~np.isnan(grouped)
        plain = each(lambda some: np.array([isinstance(value, str) and bool(PLAIN.fullmatch(
            value.strip())) for value in some], dtype=bool))
        self.grouped = int(is_grouped.sum())
        self.ungrouped = int((~gaps & ~is_grouped & ~plain).sum())
        learned = grouped[training][is_grouped[training]]
        self.grouped_counts, self.grouped_moments = Counts.of(learned), Moments.of(learned)

    @property
    def thousands(self) -> bool:
        """``roles.has_thousands`` of the present values: all text numbers, some grouped."""
        return self.grouped > 0 and self.ungrouped == 0

    def count(self, values, gaps, numbers, days) -> None:
        """The counts over all kept rows."""
        present = ~gaps
        is_number = ~np.isnan(numbers)
        self.numbers, self.dates = int(is_number.sum()), int((~np.isnan(days)).sum())
        self.first = values[int(np.argmax(present))] if present.any() else None
        words = present & ~is_number
        self.first_word = values[int(np.argmax(words))] if words.any() else None
        if values.dtype.kind in "fiu":
            if is_number.any():
                self.low, self.high = float(numbers[is_number].min()), \
                    float(numbers[is_number].max())
        else:  # roles.distinct: the stripped text of every present value
            self.words = {str(text).strip() for text in set(values[present].tolist())}

    def learn(self, values, gaps, numbers, days) -> None:
        """What the encoder fits, over the training rows."""
        present = numbers[~np.isnan(numbers)]
        self.number_counts, self.number_moments = Counts.of(present), Moments.of(present)
        dated = days[~np.isnan(days)]
        self.day_counts, self.day_moments = Counts.of(dated), Moments.of(date_parts(dated))
        if values.dtype.kind not in "fiu":
            self.categories = category_counts(values, gaps)
        elif len(self.number_counts.keys) <= SMALL_KEYS:  # whole numbers, codes
            self.categories = Counter({category_text(key): int(count) for key, count in
                                       zip(self.number_counts.keys, self.number_counts.counts,
                                           strict=True)})
            if gaps.any():
                self.categories[MISSING_CATEGORY] += int(gaps.sum())
        else:  # real numbers: as categories, far too many
            self.many_categories = True

    def merge(self, other: ColumnSummary) -> ColumnSummary:
        """Add ``other`` (the next chunk's summary) into this one, in place; returns self."""
        if len(self.words) <= DISTINCT_LIMIT:
            self.words |= other.words
        self.many_categories |= other.many_categories
        if not self.many_categories:
            self.categories.update(other.categories)
            self.many_categories = len(self.categories) > CATEGORY_LIMIT
        for name in ("rows", "gaps", "numbers", "dates", "training_rows", "grouped",
                     "ungrouped"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.kinds |= other.kinds
        self.low, self.high = min(self.low, other.low), max(self.high, other.high)
        self.first = self.first if self.first is not None else other.first
        self.first_word = self.first_word if self.first_word is not None else \
            other.first_word
        for name in ("number_counts", "number_moments", "day_counts", "day_moments",
                     "grouped_counts", "grouped_moments"):
            setattr(self, name, getattr(self, name).merge(getattr(other, name)))
        return self

    @property
    def distinct(self) -> int:
        """Distinct present values: the words, plus 1 or 2 for the numbers among them
        (one value or several: all ``roles`` asks of numbers)."""
        numbers = 0 if self.low > self.high else 1 if self.low == self.high else 2
        return len(self.words) + numbers


def category_counts(values: np.ndarray, gaps: np.ndarray) -> Counter:
    """{category text: count} as ``fit_category`` sees them ((missing) for gaps), counting
    each distinct raw value once and then naming it."""
    counts: Counter = Counter()
    raw = Counter(values[~gaps].tolist())
    for value, count in raw.items():
        counts[category_text(value)] += count
    if gaps.any():
        counts[MISSING_CATEGORY] += int(gaps.sum())
    return counts


def decide_summary(name: str, summary: ColumnSummary, position: int, override) -> Decision:
    """``roles.decide`` for a column known by its summary."""
    present = summary.rows - summary.gaps
    if override == "drop":
        return Decision(name, "dropped", "--drop")
    if position == 0 and name in roles.ROW_NAMES:
        return Decision(name, "dropped", "an unnamed first column: row names")
    if not present:
        return Decision(name, "dropped", "no values")
    if override == "categorical":
        return Decision(name, "category", f"--categorical, {summary.distinct} categories")
    if override == "numeric":
        return as_number(name, summary, "--numeric")
    share = summary.gaps / summary.rows
    if share > roles.MOSTLY_EMPTY:
        return Decision(name, "dropped", f"mostly empty: {share:.0%} missing")
    if summary.distinct == 1:
        return Decision(name, "dropped", f"one value only: {shown(summary.first)}")
    return by_values(name, summary, present)


def by_values(name: str, summary: ColumnSummary, present: int) -> Decision:
    """``roles.by_values`` from the counts."""
    filled = f", {summary.gaps} missing filled" if summary.gaps else ""
    if "M" in summary.kinds:
        return Decision(name, "date", f"dates{filled}")
    if "b" in summary.kinds:
        return Decision(name, "category", "true/false")
    if summary.thousands:
        return Decision(name, "number", f"numbers with thousands separators{filled}",
                        thousands=True)
    if summary.numbers / present >= roles.MOSTLY_NUMBERS:
        return as_number(name, summary, "numbers")
    if summary.dates == present:
        return Decision(name, "date", f"YYYY-MM-DD{filled}")
    count = summary.distinct
    if len(summary.words) > DISTINCT_LIMIT:
        return Decision(name, "dropped", f"more than {DISTINCT_LIMIT} distinct words: "
                                         f"names, IDs or free text")
    if count > roles.MANY_DISTINCT and count > roles.MOSTLY_DISTINCT * present:
        return Decision(name, "dropped", f"{count} distinct words in {present} rows: "
                                         f"names, IDs or free text")
    return Decision(name, "category", f"words, {count} categories{filled}")


def as_number(name: str, summary: ColumnSummary, why: str) -> Decision:
    """``roles.as_number`` from the counts."""
    thousands = summary.thousands
    words = summary.rows - summary.gaps - summary.numbers - (summary.grouped if thousands
                                                               else 0)
    reason = why + (", thousands separators" if thousands else "") + \
        (f", {summary.gaps} missing filled" if summary.gaps else "")
    if words:
        reason += f"; {words} word(s) such as {shown(summary.first_word)} read as missing"
    return Decision(name, "number", reason, thousands)


def column_of(decision: Decision, summary: ColumnSummary, missing) -> dict:
    """The ColumnEncoder description ``ColumnEncoder.fit`` would learn from the training
    rows, for a kept column."""
    if decision.role == "category":
        if summary.many_categories:
            raise TableError(f"column {shown(decision.name)} has more than {CATEGORY_LIMIT} "
                             f"categories; leave it out with --drop", decision.name)
        texts = [text for text, count in summary.categories.items()
                 for _ in range(min(count, RARE + 1))]  # fit_category only asks count <= rare
        return fit_category(decision.name, np.array(texts, dtype=object), missing, RARE)
    counts = summary.day_counts if decision.role == "date" else summary.number_counts
    if decision.thousands:
        counts = counts.merge(summary.grouped_counts)
    return {"name": decision.name, "categories": None, "kind": decision.role,
            "fill": counts.median(), "indicator": counts.total < summary.training_rows,
            "other": None, **({"thousands": True} if decision.thousands else {})}


def encoded_moments(column: dict, summary: ColumnSummary) -> Moments:
    """Mean and m2 of the column's encoded outputs over the training rows (missing values
    and words at the fill value); 0/1 outputs are left to ``standardize_numbers``."""
    width = len(ColumnEncoder([column]).output_names)
    if column["kind"] == "category":
        return Moments(summary.training_rows, np.zeros(width), np.zeros(width))
    if column["kind"] == "number":
        present, filled = summary.number_moments, np.array([column["fill"]])
        if column.get("thousands"):
            present = present.merge(summary.grouped_moments)
    else:
        present, filled = summary.day_moments, date_parts(np.array([column["fill"]]))[0]
    gaps = summary.training_rows - present.count
    moments = present.merge(Moments.constant(filled, gaps))
    extra = width - len(np.atleast_1d(moments.mean))  # the was-missing column
    return Moments(moments.count, np.append(moments.mean, np.zeros(extra)),
                   np.append(moments.m2, np.zeros(extra)))

