"""Statistics learned chunk by chunk and merged, for tables too large to hold: ``Moments``
(count, mean, variance) and ``Counts`` (how often each value occurs, for medians).

Both are built from one chunk with ``of`` and combined with ``merge``; merging the chunks'
statistics gives the statistics of the whole (``Moments`` within rounding, ``Counts``
exactly while it stays exact). ``two_rows`` turns a mean and deviation back into two rows
with the same mean and standard deviation, so the in-memory fitting functions
(``Standardize.fit``, ``tabular.fit.scale_of``) make the decision from them unchanged.
numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EXACT_LIMIT = 50_000  # distinct values a Counts keeps exactly; past it, a log-spaced histogram
RELATIVE_BIN = 1e-3  # width of a histogram bin relative to its values: median within 0.05 %


@dataclass
class Moments:
    """count, mean and m2 = sum (x - mean)^2 of the rows seen, per column.

    Merged by Chan, Golub and LeVeque's formula: n = n_a + n_b, delta = mean_b - mean_a,
    mean = mean_a + delta n_b / n, m2 = m2_a + m2_b + delta^2 n_a n_b / n.
    Shapes: mean and m2 (columns,), or scalars for one column.
    """

    count: float = 0.0
    mean: np.ndarray | float = 0.0
    m2: np.ndarray | float = 0.0

    @classmethod
    def of(cls, values: np.ndarray) -> Moments:
        """The moments of ``values`` (rows,) or (rows, columns)."""
        values = np.asarray(values, dtype=np.float64)
        if not len(values):
            return cls()
        with np.errstate(over="ignore", invalid="ignore"):  # overflow: inf, refused by check_spread
            mean = values.mean(axis=0)
            return cls(float(len(values)), mean, ((values - mean) ** 2).sum(axis=0))

    @classmethod
    def constant(cls, value, count: float) -> Moments:
        """``count`` rows all equal to ``value`` (m2 = 0)."""
        value = np.asarray(value, dtype=np.float64)
        return cls(float(count), value, np.zeros_like(value)) if count else cls()

    def merge(self, other: Moments) -> Moments:
        if not other.count:
            return self
        if not self.count:
            return other
        count = self.count + other.count
        with np.errstate(over="ignore", invalid="ignore"):  # as in ``of``
            delta = other.mean - self.mean
            mean = self.mean + delta * (other.count / count)
            m2 = self.m2 + other.m2 + delta ** 2 * (self.count * other.count / count)
        return Moments(count, mean, m2)

    @property
    def deviation(self):
        """The standard deviation sqrt(m2 / count) (numpy's default, ddof 0)."""
        return np.sqrt(np.maximum(self.m2, 0.0) / max(self.count, 1.0))


def two_rows(mean, deviation) -> np.ndarray:
    """(2, columns): mean - deviation and mean + deviation, whose mean and standard
    deviation are ``mean`` and ``deviation`` (within rounding)."""
    mean, deviation = np.atleast_1d(mean), np.atleast_1d(deviation)
    return np.stack([mean - deviation, mean + deviation])


@dataclass
class Counts:
    """How often each number occurs: sorted distinct ``keys`` and their ``counts``.

    Exact while there are at most ``EXACT_LIMIT`` distinct values; beyond, a histogram of
    log-spaced bins (each ``RELATIVE_BIN`` of its values wide, magnitudes below ``TINY``
    in one bin at zero and above 1 / ``TINY`` in the last), held as one dense array of
    counts per sign over the bins used, so adding a chunk is a ``bincount``. The median is
    then the middle of its bin: within ``RELATIVE_BIN`` / 2 of its value. ``exact`` says
    which.
    """

    keys: np.ndarray
    counts: np.ndarray
    exact: bool = True

    @classmethod
    def of(cls, numbers: np.ndarray) -> Counts:
        keys, counts = np.unique(np.asarray(numbers, dtype=np.float64), return_counts=True)
        return cls(keys, counts).bounded()

    @classmethod
    def empty(cls) -> Counts:
        return cls(np.zeros(0), np.zeros(0, dtype=np.int64))

    @property
    def total(self) -> int:
        return int(self.counts.sum())

    def merge(self, other: Counts) -> Counts:
        if self.exact and other.exact:
            keys, inverse = np.unique(np.concatenate([self.keys, other.keys]),
                                      return_inverse=True)
            counts = np.bincount(inverse, np.concatenate([self.counts, other.counts]))
            return Counts(keys, counts.astype(np.int64)).bounded()
        first, second = self.binned(), other.binned()
        low = min(first.keys[0], second.keys[0]) if len(first.keys) else second.keys[0]
        if not len(second.keys):
            return first
        high = max(first.keys[-1] if len(first.keys) else low, second.keys[-1])
        counts = np.zeros(int(high - low) + 1, dtype=np.int64)
        for part in (first, second):
            if len(part.keys):
                start = int(part.keys[0] - low)
                counts[start:start + len(part.counts)] += part.counts
        return Counts(np.arange(low, high + 1, dtype=np.float64), counts, False)

    def bounded(self) -> Counts:
        return self.binned() if self.exact and len(self.keys) > EXACT_LIMIT else self

    def binned(self) -> Counts:
        """The same counts on a dense run of bins (a no-op when already binned)."""
        if not self.exact:
            return self
        if not len(self.keys):
            return Counts(np.zeros(0), np.zeros(0, dtype=np.int64), False)
        bins = bin_of(self.keys)
        low = bins.min()
        counts = np.bincount((bins - low).astype(np.int64), self.counts).astype(np.int64)
        return Counts(np.arange(low, low + len(counts), dtype=np.float64), counts, False)

    def median(self) -> float:
        """The median of the values counted (numpy's: the mean of the two middle ones for
        an even count); 0.0 when there are none."""
        total = self.total
        if not total:
            return 0.0
        ends = np.cumsum(self.counts)
        low, high = np.searchsorted(ends, [(total - 1) // 2 + 1, total // 2 + 1])
        values = self.keys if self.exact else value_of(self.keys)
        return float((values[low] + values[high]) / 2)


TINY = 1e-12
STEPS = int(np.ceil(-np.log(TINY) / np.log1p(RELATIVE_BIN)))  # bins per sign beyond 1


def bin_of(values: np.ndarray) -> np.ndarray:
    """The bin of each value, in the values' order: 0 for |v| < TINY, else
    sign(v) (1 + STEPS + floor(log|v| / log(1 + RELATIVE_BIN))), |log| clamped at STEPS."""
    size = np.abs(values)
    steps = np.floor(np.log(np.clip(size, TINY, 1 / TINY)) / np.log1p(RELATIVE_BIN))
    return np.where(size < TINY, 0.0, np.sign(values) * (1 + STEPS + steps))


def value_of(bins: np.ndarray) -> np.ndarray:
    """The middle (geometric) of each bin of ``bin_of``."""
    steps = np.abs(bins) - 1 - STEPS
    return np.where(bins == 0, 0.0, np.sign(bins) * np.exp((steps + 0.5) *
                                                           np.log1p(RELATIVE_BIN)))
