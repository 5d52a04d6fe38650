"""The rule for small tables: which tables are cross-validated, and their folds.

A 20 % hold-out of a table with a few hundred rows costs a fifth of the rows the network
learns from, and its validation loss, measured on a few dozen rows, is so noisy that the
epoch early stopping keeps is close to chance (on 258 rows of R's ``Hitters``, the lowest
validation loss of five folds came at epochs from 10 to 163). So below
``Settings.cross_validate_below`` labelled rows the table is cut into ``Settings.folds``
folds; each fold trains a network on the others and records its validation loss per epoch,
the lowest point of the folds' mean curve is the epoch count, and the final network trains
on every row for that many epochs
(``tabular.training.train_on_folds``): the way ``xgboost.cv`` picks a number of rounds for a
final fit on all rows.
"""

from __future__ import annotations

import numpy as np


def cross_validates(rows: int, settings) -> bool:
    """Whether a table of ``rows`` labelled rows is cross-validated instead of holding rows
    out: fewer than ``cross_validate_below`` rows, a validation split and a patience asked
    for (choosing the epoch is what the folds are for), and at least two rows per fold."""
    return (rows < settings.cross_validate_below and settings.validation_split > 0
            and bool(settings.patience) and rows >= 2 * settings.folds)


def fold_rows(rows: int, settings) -> list[tuple[np.ndarray, np.ndarray]]:
    """``settings.folds`` pairs (training rows, validation rows), each sorted: the rows in
    the seed's shuffled order cut into nearly equal parts; every row is validated once."""
    order = np.random.default_rng(settings.seed).permutation(rows)
    parts = np.array_split(order, settings.folds)
    return [(np.sort(np.concatenate(parts[:index] + parts[index + 1:])), np.sort(part))
            for index, part in enumerate(parts)]
