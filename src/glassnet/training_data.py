"""The data ``fit`` trains on: checked once, weighted, split, and cut into batches.

Sample weights: w_i = sample_weight_i * class_weight[label_i] (either factor 1 when absent);
"balanced" gives class c the weight n / (classes * n_c), as scikit-learn does. The loss is
then sum_i w_i l_i / sum_i w_i per batch. Rows of weight 0 are dropped once, so they cost
nothing and training equals training without them. Imports numpy, ``losses``, ``validation``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from glassnet.losses import BinaryCrossEntropy, SoftmaxCrossEntropy
from glassnet.validation import check_fraction, check_same_length, printable


@dataclass
class Dataset:
    """inputs (samples, features); targets as the loss wants them (samples, outputs);
    raw_targets as given (for metrics); weights (samples,) or None."""

    inputs: np.ndarray
    targets: np.ndarray
    raw_targets: np.ndarray
    weights: np.ndarray | None = None

    def subset(self, rows) -> Dataset:
        weights = None if self.weights is None else self.weights[rows]
        return Dataset(self.inputs[rows], self.targets[rows], self.raw_targets[rows], weights)

    def __len__(self) -> int:
        return len(self.inputs)


def prepare_targets(network, loss, inputs: np.ndarray, targets, name: str = "targets"):
    """Check targets once per fit and bring them to the shape the loss wants."""
    if isinstance(targets, str | bytes):
        raise ValueError(f"{name} must be an array of numbers, got the string {targets!r}")
    targets = np.asarray(targets)
    check_same_length(name.replace("targets", "inputs"), inputs, name, targets)
    if targets.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be numbers, got dtype {targets.dtype}")
    if not np.isfinite(targets).all():
        raise ValueError(f"{name} contain NaN or infinity")
    outputs = network.forward(inputs[:1])
    template = np.empty((len(inputs), outputs.shape[1]), dtype=outputs.dtype)
    prepared = loss.prepare_targets(targets, template)
    check = getattr(loss, "check_targets", None)  # also when they came already prepared
    return prepared if check is None else check(prepared)


def dataset(network, loss, inputs, targets, sample_weight=None, prefix: str = "") -> Dataset:
    """A checked Dataset; ``prefix`` ("validation ") names the arrays in error messages."""
    inputs = network.check_inputs(inputs, name=prefix + "inputs")
    prepared = prepare_targets(network, loss, inputs, targets, name=prefix + "targets")
    weights = check_sample_weight(sample_weight, len(inputs), prefix + "sample_weight")
    weights = None if weights is None else weights.astype(inputs.dtype)
    return Dataset(inputs, prepared, np.asarray(targets), weights)


def check_sample_weight(sample_weight, samples: int, name: str = "sample_weight"):
    """(samples,) finite weights >= 0 with a positive sum, or None."""
    if sample_weight is None:
        return None
    if isinstance(sample_weight, str | bytes):
        raise ValueError(f"{name} must be an array of numbers, got the string {sample_weight!r}")
    weights = np.asarray(sample_weight)
    if weights.dtype.kind not in "biuf" or weights.ndim != 1 or len(weights) != samples:
        raise ValueError(f"{name} must be {samples} numbers (one per sample), got "
                         f"{weights.dtype} of shape {weights.shape}")
    weights = weights.astype(np.float64)
    bad = np.flatnonzero(~np.isfinite(weights) | (weights < 0))
    if len(bad):
        raise ValueError(f"{name} must be finite and >= 0, got {weights[bad[0]]} at index "
                         f"{bad[0]}")
    if weights.sum() == 0:
        raise ValueError(f"{name} sums to 0: at least one sample must count")
    return weights


def class_labels(loss, targets: np.ndarray) -> np.ndarray | None:
    """One integer label per sample for a single-label classification loss, else None."""
    if not np.all((targets == 0) | (targets == 1)):
        return None
    if isinstance(loss, SoftmaxCrossEntropy) and np.all(targets.sum(axis=1) == 1):
        return targets.argmax(axis=1)
    if isinstance(loss, BinaryCrossEntropy) and targets.shape[1] == 1:
        return targets[:, 0].astype(np.int64)
    return None


def class_weights(class_weight, loss, targets: np.ndarray) -> np.ndarray | None:
    """Per-sample weights from ``class_weight`` (a dict {label: weight} or "balanced")."""
    if class_weight is None:
        return None
    labels = class_labels(loss, targets)
    if labels is None:
        raise ValueError(f"class_weight needs one class label per sample, from "
                         f"SoftmaxCrossEntropy or single-output BinaryCrossEntropy; the loss "
                         f"is {loss!r} (use sample_weight instead)")
    known = targets.shape[1] if targets.shape[1] > 1 else 2
    if isinstance(class_weight, str) and class_weight == "balanced":
        counts = np.bincount(labels, minlength=known).astype(np.float64)
        present = counts > 0
        table = np.ones(known)
        table[present] = len(labels) / (present.sum() * counts[present])
        return table[labels]
    if not isinstance(class_weight, dict):
        raise ValueError(f"class_weight must be a dict {{label: weight}} or 'balanced', got "
                         f"{class_weight!r}")
    return weight_table(class_weight, known)[labels]


def weight_table(class_weight: dict, known: int) -> np.ndarray:
    """Weights of labels 0..known-1 from a dict; labels it leaves out weigh 1."""
    table = np.ones(known)
    for label, weight in class_weight.items():
        if isinstance(label, bool) or label not in range(known):
            raise ValueError(f"class_weight has the label {label!r}; labels are 0..{known - 1}")
        if isinstance(weight, bool) or not isinstance(weight, int | float | np.number) \
                or not np.isfinite(weight) or weight < 0:
            raise ValueError(f"class_weight[{label!r}] must be a finite number >= 0, got "
                             f"{weight!r}")
        table[int(label)] = weight
    return table


def split_rows(samples: int, fraction: float, labels, rng) -> tuple[np.ndarray, np.ndarray]:
    """(training rows, validation rows), each sorted; per class when ``labels`` is given.

    Each class c gives round(fraction * n_c) of its rows, drawn by ``rng``, to validation.
    """
    order = rng.permutation(samples)
    if labels is None:
        chosen = order[:int(np.floor(fraction * samples + 0.5))]
    else:
        ordered_labels = labels[order]
        groups = [order[ordered_labels == label] for label in np.unique(labels)]
        chosen = np.concatenate([group[:int(np.floor(fraction * len(group) + 0.5))]
                                 for group in groups])
    if len(chosen) == 0 or len(chosen) == samples:
        raise ValueError(f"validation_split={fraction} leaves {len(chosen)} of {samples} "
                         f"samples for validation; both parts need at least one")
    validation = np.zeros(samples, dtype=bool)
    validation[chosen] = True
    return np.flatnonzero(~validation), np.flatnonzero(validation)


def training_and_validation(network, loss, inputs, targets, rng, *, validation_data=None,
                            validation_split=0.0, sample_weight=None, class_weight=None):
    """The checked training Dataset and the validation Dataset (or None)."""
    data = dataset(network, loss, inputs, targets, sample_weight)
    weights = class_weights(class_weight, loss, data.targets)
    if weights is not None:
        data.weights = (weights if data.weights is None else data.weights * weights).astype(
            data.inputs.dtype)
    validation_split = check_fraction("validation_split", validation_split)
    if validation_split and validation_data is not None:
        raise ValueError("give validation_data or validation_split, not both "
                         f"(validation_split={validation_split})")
    validation = None
    if validation_split:
        labels = class_labels(loss, data.targets)
        training_rows, validation_rows = split_rows(len(data), validation_split, labels, rng)
        data, validation = data.subset(training_rows), data.subset(validation_rows)
    elif validation_data is not None:
        validation = validation_dataset(network, loss, validation_data)
    if validation is not None and validation.weights is not None:
        if validation.weights.sum() == 0:
            raise ValueError("the validation rows' weights sum to 0; val_loss would be 0 / 0")
        validation.weights = None if np.all(validation.weights == 1) else validation.weights
    return without_zero_weights(data), validation


def validation_dataset(network, loss, validation_data) -> Dataset:
    if not isinstance(validation_data, tuple | list) or len(validation_data) not in (2, 3):
        given = f"of {len(validation_data)} item(s)" \
            if isinstance(validation_data, tuple | list) else printable(repr(validation_data))
        raise ValueError("validation_data must be (inputs, targets) or (inputs, targets, "
                         f"sample_weight), got {type(validation_data).__name__} {given}")
    return dataset(network, loss, *validation_data, prefix="validation ")


def without_zero_weights(data: Dataset) -> Dataset:
    """Drop rows of weight 0; weights that are all 1 become None (the unweighted path)."""
    if data.weights is None:
        return data
    if np.all(data.weights == 1):
        data.weights = None
        return data
    kept = data.weights > 0
    if not kept.any():
        raise ValueError("the training rows' weights sum to 0 (sample_weight * class_weight)")
    return data if kept.all() else data.subset(np.flatnonzero(kept))


class Batch(NamedTuple):
    """One batch: inputs (rows, features), targets (rows, outputs), weights (rows,) or None,
    and total_weight = sum of the weights (the row count when there are none), which is what
    the epoch's mean loss weighs the batch's loss by."""

    inputs: np.ndarray
    targets: np.ndarray
    weights: np.ndarray | None
    total_weight: float


class Batches:
    """Cuts a Dataset into ``Batch``es, in a new order each epoch when ``shuffle``."""

    def __init__(self, data: Dataset, batch_size: int, shuffle: bool):
        self.data, self.batch_size = data, min(batch_size, len(data))
        self.shuffle = shuffle and self.batch_size < len(data)

    def __len__(self) -> int:
        return -(-len(self.data) // self.batch_size)

    def epoch(self, rng):
        data, size = self.data, self.batch_size
        order = rng.permutation(len(data)) if self.shuffle else None
        for start in range(0, len(data), size):
            if order is None:
                rows = slice(start, start + size)
                inputs, targets = data.inputs[rows], data.targets[rows]
            else:  # take with mode="clip" (the rows are in range) skips fancy indexing's checks
                rows = order[start:start + size]
                inputs, targets = (array.take(rows, axis=0, mode="clip")
                                   for array in (data.inputs, data.targets))
            if data.weights is None:
                yield Batch(inputs, targets, None, len(inputs))
            else:
                weights = data.weights[rows]
                yield Batch(inputs, targets, weights, float(weights.sum()))
