"""The playground's data: TensorFlow Playground's data sets, its input features, the seed
tutorial's table, and a learner's own CSV (every number column an input; two of them drawn,
the rest held at their means in the pictures).

Points lie in the square [-6, 6]^2 (DOMAIN). Classification labels are 0, 1 (2, 3 for
``blobs``); regression targets lie in [-1, 1]. ``noise`` is 0..50 (per cent), as there.
Every draw takes a numpy Generator. Numpy and the standard library only.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np

DOMAIN = 6.0
CLASSIFICATION = ("circle", "xor", "gauss", "spiral", "blobs")
REGRESSION = ("plane", "multigauss")
FEATURES = {
    "x1": lambda x, y: x, "x2": lambda x, y: y, "x1sq": lambda x, y: x * x,
    "x2sq": lambda x, y: y * y, "x1x2": lambda x, y: x * y,
    "sinx1": lambda x, y: np.sin(x), "sinx2": lambda x, y: np.sin(y),
}


def circle(count, noise, rng):
    radius = 5.0
    half = count // 2
    r = np.concatenate([rng.uniform(0, 0.5 * radius, half),
                        rng.uniform(0.7 * radius, radius, count - half)])
    angle = rng.uniform(0, 2 * np.pi, count)
    points = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
    points += rng.uniform(-radius, radius, (count, 2)) * noise
    labels = (np.hypot(points[:, 0], points[:, 1]) < radius * 0.6).astype(float)
    return points, labels


def xor(count, noise, rng):
    points = rng.uniform(-5, 5, (count, 2))
    points += np.where(points > 0, 0.3, -0.3)  # padding away from the axes
    labels = (points[:, 0] * points[:, 1] >= 0).astype(float)
    points += rng.uniform(-5, 5, (count, 2)) * noise
    return points, labels


def gauss(count, noise, rng):
    spread = 0.5 + 3.5 * noise / 0.5
    half = count // 2
    centres = np.repeat([[2.0, 2.0], [-2.0, -2.0]], [half, count - half], axis=0)
    points = centres + rng.normal(0, np.sqrt(spread), (count, 2))
    return points, np.repeat([1.0, 0.0], [half, count - half])


def spiral(count, noise, rng):
    half = count // 2
    parts, labels = [], []
    for label, delta in ((1.0, 0.0), (0.0, np.pi)):
        i = np.arange(half)
        r = i / half * 5
        t = 1.75 * i / half * 2 * np.pi + delta
        parts.append(np.column_stack([r * np.sin(t), r * np.cos(t)]) +
                     rng.uniform(-1, 1, (half, 2)) * noise)
        labels.append(np.full(half, label))
    return np.concatenate(parts), np.concatenate(labels)


def blobs(count, noise, rng):
    """Four classes around (+-3, +-3): what softmax and cross-entropy are for."""
    centres = np.array([[3.0, 3.0], [-3.0, 3.0], [-3.0, -3.0], [3.0, -3.0]])
    labels = rng.integers(0, 4, count)
    points = centres[labels] + rng.normal(0, 0.6 + 6 * noise, (count, 2))
    return points, labels.astype(float)


def plane(count, noise, rng):
    points = rng.uniform(-DOMAIN, DOMAIN, (count, 2))
    targets = (points[:, 0] + points[:, 1]) / (2 * DOMAIN)
    return points, np.clip(targets + rng.uniform(-1, 1, count) * noise, -1, 1)


def multigauss(count, noise, rng):
    points = rng.uniform(-DOMAIN, DOMAIN, (count, 2))
    bumps = [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1),
             (4, -2.5, -1)]
    targets = sum(sign * np.exp(-((points[:, 0] - x) ** 2 + (points[:, 1] - y) ** 2) / 2)
                  for x, y, sign in bumps)
    return points, np.clip(targets + rng.uniform(-1, 1, count) * noise, -1, 1)


GENERATORS = {name: globals()[name] for name in CLASSIFICATION + REGRESSION}


def generate(name: str, count: int, noise_percent: float, rng) -> tuple[np.ndarray, np.ndarray]:
    """(points (count, 2), targets (count,)) of the named data set."""
    if name not in GENERATORS:
        raise ValueError(f"unknown data set {name!r}; known: {', '.join(GENERATORS)}")
    return GENERATORS[name](count, float(noise_percent) / 100.0, rng)


def features(points: np.ndarray, names: list[str]) -> np.ndarray:
    """The chosen input features of each point: (count, 2) -> (count, len(names))."""
    unknown = [name for name in names if name not in FEATURES]
    if unknown or not names:
        raise ValueError(f"input features must be some of {', '.join(FEATURES)}, got "
                         f"{names!r}")
    return np.column_stack([FEATURES[name](points[:, 0], points[:, 1]) for name in names])


def split(count: int, train_percent: float, rng) -> tuple[np.ndarray, np.ndarray]:
    """(training rows, test rows): a random ``train_percent`` share for training."""
    order = rng.permutation(count)
    cut = min(max(int(round(count * train_percent / 100.0)), 1), count - 1)
    return np.sort(order[:cut]), np.sort(order[cut:])


@dataclass
class CsvData:
    """A learner's CSV: ``inputs`` (rows, columns) every number column but the target,
    standardised; ``points`` (rows, 2) the two chosen columns scaled into [-5, 5] for the
    picture; ``targets`` labels 0..k-1 (``classes`` = k) or values in [-1, 1] (classes 0)."""

    columns: list
    inputs: np.ndarray
    points: np.ndarray
    targets: np.ndarray
    classes: int
    chosen: tuple  # the indices of the two drawn columns in ``columns``
    low: np.ndarray  # (2,) and high (2,): the drawn columns' range, for the picture's axes
    high: np.ndarray
    mean: np.ndarray  # (columns,) and scale (columns,): the standardisation of ``inputs``
    scale: np.ndarray

    def grid_inputs(self, plane: np.ndarray) -> np.ndarray:
        """Network inputs for points of the picture (n, 2): the two drawn columns vary, every
        other column is held fixed at its mean (0 once standardised)."""
        raw = self.low + (plane + 5) / 10 * (self.high - self.low)
        inputs = np.zeros((len(plane), len(self.columns)))
        for axis, column in enumerate(self.chosen):
            inputs[:, column] = (raw[:, axis] - self.mean[column]) / self.scale[column]
        return inputs


def parse_csv(text: str, x_column: str, y_column: str, target_column: str,
              limit: int = 5000) -> CsvData:
    """Read CSV text: the target column, and every other column that holds only numbers (the
    two drawn ones must). Targets with at most 8 distinct values are classes."""
    if not isinstance(text, str) or len(text) > 2_000_000:
        raise ValueError("the CSV must be text of at most 2 MB")
    reader = csv.DictReader(io.StringIO(text))
    names = reader.fieldnames or []
    for column in (x_column, y_column, target_column):
        if column not in names:
            raise ValueError(f"the CSV has no column {column!r}; it has "
                             f"{', '.join(map(str, names[:20]))}")
    if len({x_column, y_column, target_column}) < 3:
        raise ValueError("choose two different columns to draw and a third as the target")
    rows = [row for _, row in zip(range(limit), reader, strict=False)]
    if len(rows) < 4:
        raise ValueError(f"the CSV needs at least 4 rows, it has {len(rows)}")
    columns = [name for name in names if name != target_column and
               (name in (x_column, y_column) or all(is_number(row[name]) for row in rows))]
    values = np.array([[number(row[name], name) for name in columns] for row in rows])
    chosen = (columns.index(x_column), columns.index(y_column))
    drawn = values[:, list(chosen)]
    low, high = drawn.min(axis=0), drawn.max(axis=0)
    high = np.where(high > low, high, low + 1.0)
    mean, scale = values.mean(axis=0), values.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    targets, classes = csv_targets([row[target_column] for row in rows], target_column)
    return CsvData(columns, (values - mean) / scale, (drawn - low) / (high - low) * 10 - 5,
                   targets, classes, chosen, low, high, mean, scale)


def csv_targets(raw: list, column: str) -> tuple[np.ndarray, int]:
    distinct = sorted(set(raw))
    if len(distinct) <= 8:
        return np.array([distinct.index(value) for value in raw], float), max(len(distinct), 2)
    values = np.array([number(value, column) for value in raw])
    span = np.abs(values - values.mean()).max() or 1.0
    return (values - values.mean()) / span, 0


def is_number(text) -> bool:
    try:
        return bool(np.isfinite(float(text)))
    except (TypeError, ValueError):
        return False


def number(text: str, column: str) -> float:
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise ValueError(f"column {column!r} holds {str(text)[:30]!r}, not a number") from None
    if not np.isfinite(value):
        raise ValueError(f"column {column!r} holds {value}, not a finite number")
    return value
