"""Softmax cross-entropy's value and gradient in one go: the loss's own numbers, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet import SoftmaxCrossEntropy, SquaredError
from glassnet.accelerator import set_accelerator
from glassnet.fused_loss import FusedSoftmaxCrossEntropy, fusable, fused_loss

DTYPES = [np.float32, np.float64]


def logits_and_targets(rng, dtype, rows=9, classes=4, special=False):
    """Logits (with zeros of both signs, ties and huge numbers when ``special``) and one-hot
    or probability targets, as ``fit`` prepares them."""
    logits = (rng.standard_normal((rows, classes)) * 3).astype(dtype)
    if special:
        logits[0] = 0.0
        logits[1, :2] = -0.0
        logits[2] = np.array([1e30, -1e30, 1e30, 0.0][:classes] * 4, dtype=dtype)[:classes]
        logits[3, 1] = logits[3, 0]
    targets = np.eye(classes, dtype=dtype)[rng.integers(0, classes, rows)]
    targets[-1] = np.full(classes, 1 / classes, dtype=dtype)  # a probability row
    return logits, targets


def bits(array):
    return np.ascontiguousarray(array).view(np.uint8)


@pytest.mark.parametrize("special", [False, True])
@pytest.mark.parametrize("dtype", DTYPES)
def test_the_value_gradient_and_caches_are_the_losss_own(dtype, special):
    rng = np.random.default_rng(int(special))
    logits, targets = logits_and_targets(rng, dtype, special=special)
    readable = SoftmaxCrossEntropy()
    expected_value = readable.forward(logits, targets)
    expected_gradient = readable.backward()
    loss = SoftmaxCrossEntropy()
    fused = FusedSoftmaxCrossEntropy(loss)
    value = fused.forward(logits, targets)
    gradient = fused.backward()
    assert bits(np.float64(value)).tobytes() == bits(np.float64(expected_value)).tobytes()
    np.testing.assert_array_equal(bits(gradient), bits(expected_gradient))
    assert gradient.dtype == dtype
    for name in ("predictions", "targets", "sample_weight", "total_weight", "softmax_parts"):
        assert getattr(loss, name) is getattr(readable, name) or np.array_equal(
            getattr(loss, name), getattr(readable, name))


@pytest.mark.parametrize("case", ["weights", "labels", "wide", "one class", "float16",
                                  "fortran"])
def test_anything_else_goes_to_the_loss_itself(case):
    """Sample weights, labels not yet one-hot, more than SHORT_ROW classes, one class,
    another dtype or a strided array: the loss's own forward and backward, same numbers."""
    rng = np.random.default_rng(0)
    classes = {"wide": 20, "one class": 1}.get(case, 4)
    logits, targets = logits_and_targets(rng, np.float64, rows=6, classes=max(classes, 2))
    logits, targets = logits[:, :classes].copy(), targets[:, :classes].copy()
    weights = None
    if case == "weights":
        weights = rng.random(6)
    elif case == "labels":
        targets = targets.argmax(axis=1)
    elif case == "float16":
        logits = logits.astype(np.float16)
    elif case == "fortran":
        logits = np.asfortranarray(logits)
    readable = SoftmaxCrossEntropy()
    expected = (readable.forward(logits, targets, weights), readable.backward())
    fused = FusedSoftmaxCrossEntropy(SoftmaxCrossEntropy())
    actual = (fused.forward(logits, targets, weights), fused.backward())
    assert fused.gradient is None and actual[0] == expected[0]
    np.testing.assert_array_equal(actual[1], expected[1])
    if case != "weights":
        assert not fusable(logits, targets)


def test_fusable_takes_only_the_default_arrays():
    logits, targets = logits_and_targets(np.random.default_rng(0), np.float32)
    assert fusable(logits, targets)
    assert not fusable(logits, targets.astype(np.float64))  # dtypes differ
    assert not fusable(logits[:0], targets[:0])  # no rows
    assert fusable(logits[:1], targets[:1])  # one row is a batch too
    assert not fusable(logits.tolist(), targets)  # not an array
    assert not fusable(logits, targets[:, :3])  # shapes differ


def test_the_fused_loss_is_handed_out_only_with_an_accelerator():
    pytest.importorskip("numba")
    loss = SoftmaxCrossEntropy()
    assert fused_loss(loss) is loss  # numpy: the loss itself
    set_accelerator("numba")
    try:
        assert isinstance(fused_loss(loss), FusedSoftmaxCrossEntropy)
        assert fused_loss(loss).loss is loss
        summed, other = SoftmaxCrossEntropy(reduction="sum"), SquaredError()
        assert fused_loss(summed) is summed and fused_loss(other) is other

        class Custom(SoftmaxCrossEntropy):
            pass

        custom = Custom()
        assert fused_loss(custom) is custom  # a subclass may compute otherwise
    finally:
        set_accelerator(None)


def test_backward_without_a_fused_forward_is_the_losss():
    loss = SoftmaxCrossEntropy()
    with pytest.raises(RuntimeError, match="needs forward first"):
        FusedSoftmaxCrossEntropy(loss).backward()
