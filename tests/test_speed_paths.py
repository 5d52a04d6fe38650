"""Speed round 2's small cuts give the very same numbers: the cached column of ones behind
``row_sums``, the in-place exponentials of the softmax cross-entropy, and the identity checks
with which the optimizer and the divergence guard recognise the arrays of the last step."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.activation_functions import ONES, ones_column, row_sums
from glassnet.classification_losses import SoftmaxCrossEntropy
from glassnet.flat import same_objects
from glassnet.optimizers import SGD
from glassnet.safeguards import DivergenceGuard


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("columns", [2, 10, 16])
def test_row_sums_with_the_kept_column_equal_a_new_column_bit_for_bit(columns, dtype, rng):
    values = rng.standard_normal((33, columns)).astype(dtype)
    expected = values @ np.ones((columns, 1), dtype=dtype)
    first, second = row_sums(values), row_sums(values)
    assert np.array_equal(first, expected) and first.dtype == dtype
    assert first is not second and not np.shares_memory(first, second)  # new each call
    kept = ones_column(columns, np.dtype(dtype))
    assert kept is ONES[(columns, np.dtype(dtype))] and not kept.flags.writeable
    assert np.array_equal(kept, np.ones((columns, 1), dtype=dtype))


def textbook_cross_entropy(logits, targets):
    """l_i = log sum_k exp(z_ik - max_k z_ik) + max_k z_ik - sum_k t_ik z_ik, with the same
    numpy operations as the loss (new arrays, a new column of ones)."""
    largest = logits.max(axis=1, keepdims=True)
    exponentials = np.exp(logits - largest)
    ones = np.ones((logits.shape[1], 1), dtype=logits.dtype)
    sums = exponentials @ ones
    values = np.log(sums[:, 0]) + largest[:, 0] - ((targets * logits) @ ones)[:, 0]
    gradient = (exponentials / sums - targets) / len(logits)
    return float(values.sum() / len(logits)), gradient


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_cross_entropy_equals_its_textbook_ops_bit_for_bit(dtype, rng):
    logits = (3 * rng.standard_normal((200, 10))).astype(dtype)
    labels = rng.integers(0, 10, 200)
    loss = SoftmaxCrossEntropy()
    targets = loss.prepare_targets(labels, logits)
    kept = logits.copy()
    value = loss.forward(logits, targets)
    gradient = loss.backward()
    expected_value, expected_gradient = textbook_cross_entropy(kept, targets)
    assert value == expected_value
    assert np.array_equal(gradient, expected_gradient)
    assert np.array_equal(logits, kept)  # the in-place exponentials never touch the logits


def test_same_objects_is_identity_not_equality():
    first, second = np.zeros(3), np.zeros(3)
    assert same_objects((first, second), (first, second))
    assert not same_objects((first, second.copy()), (first, second))  # equal values, new array
    assert not same_objects((first,), (first, second))
    assert same_objects(iter([first]), (first,))


def test_the_optimizer_follows_a_gradient_array_that_is_replaced():
    vector, gradient = np.arange(6.0), np.ones(6)
    params = {"a": vector[:2], "b": vector[2:]}
    grads = {"a": gradient[:2], "b": gradient[2:]}
    optimizer = SGD(0.5)
    optimizer.step(params, grads)  # the flat step, remembered for these arrays
    assert np.array_equal(vector, np.arange(6.0) - 0.5)
    replaced = {"a": grads["a"], "b": np.full(4, 2.0)}  # no longer one vector with "a"
    optimizer.step(params, replaced)
    assert np.array_equal(vector, np.arange(6.0) - 0.5 - 0.5 * np.array([1, 1, 2, 2, 2, 2]))


def test_the_guard_sees_a_replaced_gradient_array():
    gradient = np.zeros(4)
    guard = DivergenceGuard({"a": np.zeros(2), "b": np.zeros(2)})
    assert guard.quick_check({"a": gradient[:2], "b": gradient[2:]})
    assert not guard.quick_check({"a": gradient[:2], "b": np.array([np.nan, 0.0])})
