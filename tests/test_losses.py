"""Losses (loss_base, regression_losses, classification_losses, gathered in losses):
values against their formulas, finite-difference gradients, sample weights,
stability at |x| = 1e6 in float32 and float64, bad targets, and loss >= 0 (hypothesis)."""

from __future__ import annotations

import pickle
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import glassnet
from glassnet import (
    activation_functions,
    classification_losses,
    loss_base,
    losses,
    regression_losses,
)
from glassnet.activation_functions import row_maximum, row_sums, sigmoid
from glassnet.classification_losses import BinaryCrossEntropy, SoftmaxCrossEntropy
from glassnet.gradcheck import numerical_gradient, relative_error
from glassnet.loss_base import CACHES, Loss
from glassnet.network import mlp
from glassnet.optimizers import SGD
from glassnet.regression_losses import Huber, MeanAbsoluteError, SquaredError
from glassnet.training import fit

PROPERTY = settings(max_examples=40, deadline=None)


def prediction_gradient_error(loss, predictions, targets, sample_weight=None) -> float:
    """Relative error of loss.backward() against central differences in the predictions."""
    numerical = numerical_gradient(
        lambda: loss.forward(predictions, targets, sample_weight), predictions
    )
    loss.forward(predictions, targets, sample_weight)
    return relative_error(loss.backward(), numerical)


def one_hot(labels, classes: int) -> np.ndarray:
    return np.eye(classes)[labels]


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_squared_error_gradient(reduction, rng):
    predictions, targets = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    assert prediction_gradient_error(SquaredError(reduction), predictions, targets) < 1e-6


@pytest.mark.parametrize("from_logits", [True, False])
def test_binary_cross_entropy_gradient(from_logits, rng):
    targets = rng.integers(0, 2, (6, 2)).astype(float)
    if from_logits:
        predictions = rng.standard_normal((6, 2)) * 3
    else:  # probabilities well inside the clipping range
        predictions = rng.uniform(0.05, 0.95, (6, 2))
    loss = BinaryCrossEntropy(from_logits=from_logits)
    assert prediction_gradient_error(loss, predictions, targets) < 1e-6


def test_binary_cross_entropy_gradient_with_soft_targets_and_sum(rng):
    logits, targets = rng.standard_normal((4, 3)), rng.uniform(0, 1, (4, 3))
    loss = BinaryCrossEntropy(from_logits=True, reduction="sum")
    assert prediction_gradient_error(loss, logits, targets) < 1e-6


@pytest.mark.parametrize("target_form", ["labels", "one_hot"])
def test_softmax_cross_entropy_gradient(target_form, rng):
    logits, labels = rng.standard_normal((7, 4)), rng.integers(0, 4, 7)
    targets = labels if target_form == "labels" else one_hot(labels, 4)
    assert prediction_gradient_error(SoftmaxCrossEntropy(), logits, targets) < 1e-6


@pytest.mark.parametrize(
    "loss",
    [SquaredError(), BinaryCrossEntropy(from_logits=True), SoftmaxCrossEntropy()],
    ids=repr,
)
def test_gradient_with_sample_weights(loss, rng):
    predictions = rng.standard_normal((5, 3))
    targets = one_hot(rng.integers(0, 3, 5), 3)
    weights = rng.uniform(0.1, 2.0, 5)
    assert prediction_gradient_error(loss, predictions, targets, weights) < 1e-6


def test_squared_error_values():
    predictions = np.array([[1.0, 2.0], [3.0, 5.0]])
    targets = np.array([[0.0, 2.0], [1.0, 1.0]])
    # squares: 1, 0, 4, 16 -> per-sample means over the 2 outputs 0.5 and 10, so the sum over
    # samples is 10.5 and the mean over the 4 elements 5.25 ("sum" keeps the 1/K, issue 10)
    assert SquaredError("sum")(predictions, targets) == pytest.approx(0.5 * 10.5)
    assert SquaredError("mean")(predictions, targets) == pytest.approx(0.5 * 5.25)


@pytest.mark.parametrize("loss_class", [SquaredError, BinaryCrossEntropy, SoftmaxCrossEntropy,
                                        MeanAbsoluteError, Huber])
def test_sum_is_the_mean_times_the_total_weight_for_every_loss(loss_class, rng):
    # "reduction" chooses only how samples combine: sum = mean * sum_i w_i, for any K.
    predictions = rng.normal(size=(6, 3))
    targets = np.eye(3)[rng.integers(0, 3, 6)]
    weights = rng.uniform(0.5, 2.0, 6)
    for sample_weight, total in ((None, 6.0), (weights, weights.sum())):
        summed, averaged = loss_class(reduction="sum"), loss_class(reduction="mean")
        value = summed(predictions, targets, sample_weight)
        assert value == pytest.approx(averaged(predictions, targets, sample_weight) * total)
        np.testing.assert_allclose(summed.backward(), averaged.backward() * total)


def test_sample_weights_normalise_by_total_weight():
    predictions, targets = np.array([[1.0], [3.0]]), np.array([[0.0], [0.0]])
    # per sample: 0.5 * 1 = 0.5 and 0.5 * 9 = 4.5; weights 3 and 1
    expected = (3 * 0.5 + 1 * 4.5) / (3 + 1)
    assert SquaredError()(predictions, targets, np.array([3.0, 1.0])) == pytest.approx(expected)


def test_binary_cross_entropy_matches_the_textbook_formula(rng):
    logits, targets = rng.uniform(-5, 5, (6, 2)), rng.integers(0, 2, (6, 2)).astype(float)
    p = 1 / (1 + np.exp(-logits))
    expected = np.mean(-(targets * np.log(p) + (1 - targets) * np.log(1 - p)))
    assert BinaryCrossEntropy(from_logits=True)(logits, targets) == pytest.approx(expected)
    assert BinaryCrossEntropy(from_logits=False)(p, targets) == pytest.approx(expected)


def test_softmax_cross_entropy_matches_minus_log_probability(rng):
    logits, labels = rng.standard_normal((5, 3)), rng.integers(0, 3, 5)
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    expected = -np.mean(np.log(probabilities[np.arange(5), labels]))
    loss = SoftmaxCrossEntropy()
    assert loss(logits, labels) == pytest.approx(expected)
    assert loss(logits, one_hot(labels, 3)) == pytest.approx(expected)
    assert loss(logits, labels.reshape(-1, 1)) == pytest.approx(expected)
    np.testing.assert_allclose(loss.probabilities(logits), probabilities, rtol=1e-12)


def test_one_dimensional_targets_become_one_column():
    loss = SquaredError()
    assert loss(np.array([[1.0], [2.0]]), np.array([0.0, 0.0])) == pytest.approx(0.5 * 5 / 2)
    assert loss.backward().shape == (2, 1)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "loss",
    [
        SquaredError("mean"),
        SquaredError("sum"),
        BinaryCrossEntropy(from_logits=True),
        SoftmaxCrossEntropy(),
    ],
    ids=repr,
)
def test_huge_predictions_are_stable(loss, dtype, no_float_warnings):
    predictions = np.array([[1e6, -1e6], [-1e6, 1e6], [1e6, 1e6]], dtype=dtype)
    targets = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    value = loss(predictions, targets)
    gradient = loss.backward()
    assert np.isfinite(value) and value >= 0
    assert gradient.dtype == dtype and np.isfinite(gradient).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_binary_cross_entropy_on_saturated_probabilities_is_stable(dtype, no_float_warnings):
    # sigmoid(+-1e6) is exactly 1 and (nearly) 0: the clipping must keep log and 1/p finite.
    probabilities = np.array([[1.0], [0.0], [1.0], [0.0]], dtype=dtype)
    targets = np.array([[1.0], [0.0], [0.0], [1.0]])
    loss = BinaryCrossEntropy(from_logits=False)
    value = loss(probabilities, targets)
    gradient = loss.backward()
    assert np.isfinite(value) and value > 0
    assert gradient.dtype == dtype and np.isfinite(gradient).all()
    # right answers pull (weakly) towards themselves, wrong ones push hard the other way
    assert gradient[0, 0] <= 0 <= gradient[1, 0] and gradient[2, 0] > 0 > gradient[3, 0]


def test_float32_predictions_give_float32_gradients(rng):
    logits = rng.standard_normal((4, 3)).astype(np.float32)
    for loss, targets in [
        (SquaredError(), rng.standard_normal((4, 3))),
        (BinaryCrossEntropy(), rng.integers(0, 2, (4, 3))),
        (SoftmaxCrossEntropy(), rng.integers(0, 3, 4)),
    ]:
        loss(logits, targets)
        assert loss.backward().dtype == np.float32


def test_repr_shows_the_settings():
    assert repr(SquaredError()) == "SquaredError(reduction='mean')"
    assert repr(SoftmaxCrossEntropy(reduction="sum")) == "SoftmaxCrossEntropy(reduction='sum')"
    assert repr(BinaryCrossEntropy()) == "BinaryCrossEntropy(from_logits=True, reduction='mean')"
    assert repr(Huber()) == "Huber(delta=1.0, reduction='mean')"


def test_probabilities_are_clipped_to_one_trillionth_by_default():
    # from_logits=False: p = 0 for a positive target costs -log(1e-12), not infinity
    loss = BinaryCrossEntropy(from_logits=False)
    assert loss(np.array([[0.0], [1.0]]), np.array([[1.0], [1.0]])) == pytest.approx(
        -np.log(1e-12) / 2, rel=1e-12)
    np.testing.assert_array_equal(loss.probabilities(np.array([[0.25]])), [[0.25]])


def test_unknown_reduction_is_refused():
    with pytest.raises(ValueError, match=r"reduction must be 'mean' or 'sum', got 'avg'"):
        SquaredError(reduction="avg")


def test_targets_of_the_wrong_shape_are_refused():
    with pytest.raises(ValueError, match=r"targets have shape \(2, 3\) but predictions"):
        SquaredError()(np.zeros((2, 2)), np.zeros((2, 3)))


def test_softmax_cross_entropy_refuses_bad_labels():
    logits = np.zeros((2, 3))
    with pytest.raises(ValueError, match=r"class labels must be in \[0, 2\], got 0..3"):
        SoftmaxCrossEntropy()(logits, np.array([0, 3]))
    with pytest.raises(ValueError, match=r"class labels must be in \[0, 2\], got -1..1"):
        SoftmaxCrossEntropy()(logits, np.array([-1, 1]))
    with pytest.raises(ValueError, match="integer class labels expected"):
        SoftmaxCrossEntropy()(logits, np.array([0.5, 1.0]))


@PROPERTY
@given(
    predictions=arrays(np.float64, (4, 3), elements=st.floats(-1e3, 1e3)),
    targets=arrays(np.float64, (4, 3), elements=st.floats(-1e3, 1e3)),
)
def test_squared_error_is_not_negative(predictions, targets):
    assert SquaredError("mean")(predictions, targets) >= 0
    assert SquaredError("sum")(predictions, targets) >= 0


@PROPERTY
@given(
    logits=arrays(np.float64, (4, 2), elements=st.floats(-1e6, 1e6)),
    targets=arrays(np.float64, (4, 2), elements=st.floats(0, 1)),
)
def test_binary_cross_entropy_is_not_negative(logits, targets):
    assert BinaryCrossEntropy(from_logits=True)(logits, targets) >= 0
    probabilities = 1 / (1 + np.exp(-np.clip(logits, -30, 30)))
    assert BinaryCrossEntropy(from_logits=False)(probabilities, targets) >= 0


@PROPERTY
@given(
    logits=arrays(np.float64, (5, 3), elements=st.floats(-1e6, 1e6)),
    labels=arrays(np.int64, 5, elements=st.integers(0, 2)),
)
def test_softmax_cross_entropy_is_not_negative(logits, labels):
    assert SoftmaxCrossEntropy()(logits, labels) >= 0


def test_binary_cross_entropy_accepts_integer_probabilities():
    loss = BinaryCrossEntropy(from_logits=False)
    assert 0 <= loss(np.array([[1], [0]]), np.array([[1], [0]])) < 1e-9


def away_from(values: np.ndarray, kinks, distance: float = 1e-3) -> np.ndarray:
    """Move entries lying within ``distance`` of a kink out of the way of finite differences."""
    for kink in kinks:
        close = np.abs(values - kink) < distance
        values[close] = kink + 2 * distance
    return values

@pytest.mark.parametrize("loss", [MeanAbsoluteError(), Huber(), Huber(delta=0.3),
                                  Huber(reduction="sum")], ids=repr)
def test_loss_gradient_matches_finite_differences(loss, rng):
    targets = rng.normal(size=(6, 3))
    residuals = away_from(rng.normal(scale=2.0, size=(6, 3)),
                          kinks=[0.0, getattr(loss, "delta", 0.0), -getattr(loss, "delta", 0.0)])
    predictions = targets + residuals
    weights = rng.uniform(0.5, 2.0, size=6)
    loss.forward(predictions, targets, sample_weight=weights)
    analytic = loss.backward()
    numerical = numerical_gradient(lambda: loss.forward(predictions, targets, weights),
                                   predictions)
    assert relative_error(analytic, numerical) < 1e-6

def test_loss_values_worked_out_by_hand():
    predictions = np.array([[0.0, 3.0], [1.0, 1.5]])
    targets = np.array([[1.0, 0.0], [1.0, 1.0]])
    # |r| per row: [1, 3] and [0, 0.5]; MAE per row: 2 and 0.25; mean 1.125
    assert MeanAbsoluteError()(predictions, targets) == pytest.approx(1.125)
    # Huber(delta=1): h = [0.5, 1 * (3 - 0.5)] and [0, 0.125]; per row 1.5 and 0.0625
    assert Huber()(predictions, targets) == pytest.approx((1.5 + 0.0625) / 2)
    # weighted: sum_i w_i l_i / sum_i w_i
    assert Huber()(predictions, targets, np.array([3.0, 1.0])) == \
        pytest.approx((3 * 1.5 + 0.0625) / 4)

def test_mean_absolute_error_gradient_is_zero_at_the_kink():
    loss = MeanAbsoluteError()
    loss.forward(np.array([[1.0, 2.0]]), np.array([[1.0, 0.0]]))
    np.testing.assert_array_equal(loss.backward(), [[0.0, 0.5]])

@pytest.mark.parametrize(("arguments", "error", "message"), [
    ({"from_logits": "no"}, TypeError, "from_logits must be True or False, got 'no'"),
    ({"from_logits": 1}, TypeError, "from_logits must be True or False, got 1"),
    ({"eps": "tiny"}, ValueError, "eps must be a number in \\[0, 0.5\\), got 'tiny'"),
    ({"eps": -1e-3}, ValueError, "eps must be a number in"),
    ({"eps": 0.5}, ValueError, "eps must be a number in"),
    ({"eps": float("nan")}, ValueError, "eps must be a number in"),
])
def test_binary_cross_entropy_refuses_flags_and_eps_of_the_wrong_kind(arguments, error,
                                                                       message):
    with pytest.raises(error, match=message):
        BinaryCrossEntropy(**arguments)


@pytest.mark.parametrize("delta", [0, -2.0, float("inf"), None])
def test_huber_refuses_bad_delta(delta):
    with pytest.raises(ValueError, match="delta"):
        Huber(delta=delta)


@pytest.mark.parametrize("from_logits", [True, False])
def test_binary_cross_entropy_refuses_targets_outside_0_1(from_logits):
    # Labels 0/1/2 used to train to a negative loss; now the loss says what to use instead.
    loss = BinaryCrossEntropy(from_logits=from_logits)
    predictions = np.full((4, 1), 0.5)
    for targets in ([0, 1, 2, 0], [0.0, -0.5, 1.0, 1.0], [0.0, np.nan, 1.0, 1.0]):
        with pytest.raises(ValueError, match=r"BinaryCrossEntropy needs targets in \[0, 1\] "
                                             r".*use SoftmaxCrossEntropy"):
            loss(predictions, np.asarray(targets, dtype=float))
    assert loss(predictions, np.array([0.0, 0.3, 1.0, 0.7])) > 0  # probabilities are fine


def test_fit_refuses_binary_cross_entropy_on_three_classes_before_any_step():
    network = mlp([2, 1], rng=0)
    before = network.parameters()["layers.0.weights"].copy()
    with pytest.raises(ValueError, match=r"needs targets in \[0, 1\].*got 2.0"):
        fit(network, np.eye(3, 2), np.array([0, 1, 2]), BinaryCrossEntropy(), SGD(0.1),
            verbose=0)
    np.testing.assert_array_equal(network.parameters()["layers.0.weights"], before)


@pytest.mark.parametrize("loss", [SquaredError(), BinaryCrossEntropy(), SoftmaxCrossEntropy(),
                                  MeanAbsoluteError(), Huber()], ids=repr)
@pytest.mark.parametrize("shape", [(4, 1), (1, 4), (3,), (5,), ()])
def test_every_loss_refuses_sample_weights_of_the_wrong_shape(loss, shape):
    predictions, targets = np.full((4, 2), 0.25), np.array([[0.0, 1.0]] * 4)
    with pytest.raises(ValueError, match=r"sample_weight must be 4 numbers of shape \(4,\), "
                                         "one per sample; got float64 of shape "
                                         + re.escape(str(shape))):
        loss(predictions, targets, np.ones(shape))


def test_a_column_of_weights_no_longer_gives_a_wrong_value():
    # per-sample losses 1/2 * (1, 4, 9, 16) = 0.5, 2, 4.5, 8; weights 1, 2, 3, 4 (total 10):
    # (0.5 + 4 + 13.5 + 32) / 10 = 5.0. A (4, 1) column used to broadcast to a 4 x 4 table.
    predictions, targets = np.array([[1.0], [2.0], [3.0], [4.0]]), np.zeros((4, 1))
    weights = np.array([1.0, 2.0, 3.0, 4.0])
    assert SquaredError()(predictions, targets, weights) == pytest.approx(5.0, rel=1e-15)
    with pytest.raises(ValueError, match=r"got float64 of shape \(4, 1\)"):
        SquaredError()(predictions, targets, weights.reshape(-1, 1))
    with pytest.raises(ValueError, match="got <U1 of shape"):
        SquaredError()(predictions, targets, np.array(list("abcd")))


@pytest.mark.parametrize("loss", [SquaredError(), BinaryCrossEntropy(), SoftmaxCrossEntropy(),
                                  MeanAbsoluteError(), Huber(0.5)], ids=repr)
def test_a_pickled_loss_carries_its_settings_not_the_data_it_last_saw(loss, rng):
    predictions, targets = rng.normal(size=(500, 2)), np.eye(2)[rng.integers(0, 2, 500)]
    empty = len(pickle.dumps(loss))
    loss(predictions, targets, np.ones(500))
    loss.backward()
    copy = pickle.loads(pickle.dumps(loss))
    assert len(pickle.dumps(loss)) == empty < 1000  # 500 x 2 targets would be > 8000 bytes
    assert repr(copy) == repr(loss) and vars(copy) == {
        key: value for key, value in vars(loss).items() if key not in CACHES}
    with pytest.raises(RuntimeError, match="backward needs forward first"):
        copy.backward()
    assert copy(predictions, targets) == loss(predictions, targets)  # still works


@pytest.mark.parametrize("classes", [2, 3])
def test_softmax_cross_entropy_reads_a_column_of_labels_as_labels_from_two_classes_up(classes):
    # a (batch, 1) column of integer labels is the labels themselves for any softmax of two
    # or more outputs, the same loss and gradient as the flat (batch,) labels
    rng = np.random.default_rng(3)
    logits = rng.standard_normal((6, classes))
    labels = np.arange(6) % classes
    flat, column = SoftmaxCrossEntropy(), SoftmaxCrossEntropy()
    assert column(logits, labels.reshape(-1, 1)) == flat(logits, labels)
    np.testing.assert_array_equal(column.backward(), flat.backward())


def test_huber_with_a_delta_of_two_by_hand():
    # per value: 0.5 r^2 where |r| <= delta, else delta (|r| - delta / 2); mean over outputs
    loss = Huber(delta=2.0)
    predictions = np.array([[0.0, 5.0], [1.5, -4.0]])
    targets = np.zeros((2, 2))
    # row 1: 0 and 2 (5 - 1) = 8 -> 4; row 2: 0.5 * 2.25 = 1.125 and 2 (4 - 1) = 6 -> 3.5625
    np.testing.assert_allclose(loss.per_sample(predictions, targets), [4.0, 3.5625], rtol=1e-15)
    assert loss(predictions, targets) == pytest.approx((4.0 + 3.5625) / 2, rel=1e-15)


def test_softmax_cross_entropy_of_one_output_reads_a_column_as_one_hot_rows():
    # with one output a (batch, 1) column is one-hot rows of the one class, not labels
    # (label 1 would not exist): the only probability is 1, so loss and gradient are 0
    loss = SoftmaxCrossEntropy()
    assert loss(np.array([[0.3], [-2.0]]), np.ones((2, 1))) == 0.0
    np.testing.assert_array_equal(loss.backward(), np.zeros((2, 1)))


def test_softmax_cross_entropy_gradient_without_or_after_another_forward():
    # the fused gradient reuses the forward's exponentials only for the very same logits
    rng = np.random.default_rng(5)
    logits, other = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    targets = np.eye(3)[[0, 2, 1, 1]]
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    expected = shifted / shifted.sum(axis=1, keepdims=True) - targets
    np.testing.assert_allclose(SoftmaxCrossEntropy().per_sample_gradient(logits, targets),
                               expected, rtol=1e-12, atol=1e-15)
    loss = SoftmaxCrossEntropy()
    loss(other, targets)
    np.testing.assert_allclose(loss.per_sample_gradient(logits, targets), expected,
                               rtol=1e-12, atol=1e-15)


# The reference: the losses' operations as they were before the reduction worked in place
# (new arrays each step, values.sum(), the weights' sum taken in forward and in backward).
def reference_per_sample(loss, predictions, targets):
    """l_i with the old code's operations, one loss after another."""
    if isinstance(loss, SoftmaxCrossEntropy):
        largest = row_maximum(predictions)
        sums = row_sums(np.exp(np.subtract(predictions, largest)))
        log_sum = np.log(sums[:, 0]) + largest[:, 0]
        return log_sum - row_sums(targets * predictions)[:, 0]
    if isinstance(loss, BinaryCrossEntropy) and loss.from_logits:
        z = predictions
        return (np.maximum(z, 0) - z * targets + np.log1p(np.exp(-np.abs(z)))).mean(axis=1)
    if isinstance(loss, BinaryCrossEntropy):
        p = loss.clip(predictions)
        return (-(targets * np.log(p) + (1 - targets) * np.log1p(-p))).mean(axis=1)
    residuals = predictions - targets
    if isinstance(loss, Huber):
        size = np.abs(residuals)
        return np.where(size <= loss.delta, 0.5 * size**2,
                        loss.delta * (size - 0.5 * loss.delta)).mean(axis=1)
    if isinstance(loss, MeanAbsoluteError):
        return np.abs(residuals).mean(axis=1)
    return 0.5 * (residuals ** 2).mean(axis=1)


def reference_per_sample_gradient(loss, predictions, targets):
    """dl_i/dp_i with the old code's operations (the fused softmax: exponentials / sums)."""
    outputs = predictions.shape[1]
    if isinstance(loss, SoftmaxCrossEntropy):
        exponentials = np.exp(np.subtract(predictions, row_maximum(predictions)))
        return exponentials / row_sums(exponentials) - targets
    if isinstance(loss, BinaryCrossEntropy) and loss.from_logits:
        return (sigmoid(predictions) - targets) / outputs
    if isinstance(loss, BinaryCrossEntropy):
        p = loss.clip(predictions)
        return (p - targets) / (p * (1 - p)) / outputs
    if isinstance(loss, Huber):
        return np.clip(predictions - targets, -loss.delta, loss.delta) / outputs
    if isinstance(loss, MeanAbsoluteError):
        return np.sign(predictions - targets) / outputs
    return (predictions - targets) / outputs


def reference_loss(loss, predictions, targets, sample_weight=None):
    """(L, dL/dp) as the old Loss.forward and Loss.backward reduced them."""
    targets = loss.prepare_targets(targets, predictions)
    values = reference_per_sample(loss, predictions, targets)
    gradient = reference_per_sample_gradient(loss, predictions, targets)
    total = float(len(predictions)) if sample_weight is None else float(sample_weight.sum())
    total = 1.0 if loss.reduction == "sum" else total
    if sample_weight is not None:
        values = values * sample_weight
        gradient = gradient * sample_weight.reshape(-1, 1)
    gradient = gradient / total if loss.reduction == "mean" else gradient
    return float(values.sum() / total), gradient


EVERY_LOSS = [SquaredError, BinaryCrossEntropy, lambda reduction: BinaryCrossEntropy(
    from_logits=False, reduction=reduction), SoftmaxCrossEntropy, MeanAbsoluteError,
    lambda reduction: Huber(0.5, reduction)]


def loss_case(draw, make, reduction, dtype):
    """A loss and (predictions, targets, sample_weight) it takes, drawn by hypothesis."""
    loss = make(reduction=reduction)  # by name: BinaryCrossEntropy's first is from_logits
    batch, outputs = draw(st.integers(1, 40)), draw(st.integers(1, 12))
    values = arrays(np.float64, (batch, outputs), elements=st.floats(-30, 30))
    predictions = draw(values).astype(dtype)
    targets = draw(values)
    if isinstance(loss, BinaryCrossEntropy):
        targets = (targets + 30) / 60  # in [0, 1]
        predictions = predictions if loss.from_logits else (predictions + 30) / 60
    if isinstance(loss, SoftmaxCrossEntropy):
        labels = draw(arrays(np.int64, batch, elements=st.integers(0, outputs - 1)))
        targets = draw(st.sampled_from([labels, np.eye(outputs)[labels],
                                        loss.prepare_targets(labels, predictions)]))
    weights = draw(st.sampled_from([None, np.float64, dtype, np.int64]))
    if weights is not None:
        weights = draw(arrays(weights, batch, elements=st.integers(0, 5))) + 1
    return loss, predictions, targets, weights


@PROPERTY
@given(data=st.data(), make=st.sampled_from(EVERY_LOSS), reduction=st.sampled_from(
    ["mean", "sum"]), dtype=st.sampled_from([np.float32, np.float64]))
def test_every_loss_equals_its_reference_bit_for_bit(data, make, reduction, dtype):
    loss, predictions, targets, weights = loss_case(data.draw, make, reduction, dtype)
    expected_value, expected_gradient = reference_loss(loss, predictions, targets, weights)
    for _ in range(2):  # a second step on the same loss object, as fit takes them
        assert loss.forward(predictions, targets, weights) == expected_value
        gradient = loss.backward()
        np.testing.assert_array_equal(gradient, expected_gradient)
        assert gradient.dtype == expected_gradient.dtype


@pytest.mark.parametrize("shape, dtype", [((200, 10), np.float64), ((128, 10), np.float32),
                                          ((96, 10), np.float32), ((33, 17), np.float64)])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_softmax_cross_entropy_of_the_benchmark_batches_equals_its_reference(
        shape, dtype, weighted, reduction, rng):
    # the shapes of W2's and W3's batches (and W3's last), one-hot rows as fit passes them
    logits = (3 * rng.standard_normal(shape)).astype(dtype)
    loss = SoftmaxCrossEntropy(reduction)
    targets = loss.prepare_targets(rng.integers(0, shape[1], shape[0]), logits)
    weights = rng.uniform(0.5, 2.0, shape[0]).astype(dtype) if weighted else None
    expected_value, expected_gradient = reference_loss(loss, logits, targets, weights)
    assert loss.forward(logits, targets, weights) == expected_value
    np.testing.assert_array_equal(loss.backward(), expected_gradient)


@PROPERTY
@given(data=st.data(), make=st.sampled_from(EVERY_LOSS), reduction=st.sampled_from(
    ["mean", "sum"]), dtype=st.sampled_from([np.float32, np.float64]))
def test_no_loss_writes_over_the_callers_arrays(data, make, reduction, dtype):
    loss, predictions, targets, weights = loss_case(data.draw, make, reduction, dtype)
    if weights is not None:  # weights of the predictions' dtype take the in-place route
        weights = weights.astype(dtype)
    targets = loss.prepare_targets(targets, predictions)  # as fit passes them: kept as they are
    arguments = [predictions, targets, weights]
    kept = [None if array is None else array.copy() for array in arguments]
    loss.forward(*arguments)
    gradient = loss.backward()
    for array, copy in zip(arguments, kept, strict=True):
        np.testing.assert_array_equal(array, copy)
        assert array is None or not np.shares_memory(gradient, array)
    assert loss.targets is targets  # prepared targets are taken as they are, not copied


class KeptArrays(Loss):
    """A loss whose per-sample arrays are ones it keeps (``new_arrays`` left at its default)."""

    def __init__(self, values, gradient):
        super().__init__()
        self.values, self.gradient = values, gradient

    def per_sample(self, predictions, targets):
        return self.values

    def per_sample_gradient(self, predictions, targets):
        return self.gradient


def test_a_loss_without_new_arrays_gets_its_arrays_back_untouched():
    values, gradient = np.array([1.0, 2.0]), np.array([[3.0], [4.0]])
    loss = KeptArrays(values, gradient)
    assert loss(np.zeros((2, 1)), np.zeros((2, 1)), np.array([1.0, 3.0])) == 7.0 / 4
    np.testing.assert_array_equal(loss.backward(), [[3.0 / 4], [12.0 / 4]])
    np.testing.assert_array_equal(values, [1.0, 2.0])
    np.testing.assert_array_equal(gradient, [[3.0], [4.0]])


def test_every_name_stays_importable_from_losses_as_the_same_object():
    """glassnet.losses gathers the three loss modules: each name it gave before they were
    split out is the very object of the module it now lives in."""
    homes = {loss_base: ["CACHES", "Loss", "check_weights", "is_prepared"],
             regression_losses: ["SquaredError", "MeanAbsoluteError", "Huber"],
             classification_losses: ["BinaryCrossEntropy", "SoftmaxCrossEntropy"],
             activation_functions: ["row_maximum", "row_sums", "sigmoid", "softmax"]}
    for module, names in homes.items():
        for name in names:
            assert getattr(losses, name) is getattr(module, name), name
    assert glassnet.Huber is Huber and glassnet.SoftmaxCrossEntropy is SoftmaxCrossEntropy


def test_a_pickle_naming_glassnet_losses_still_loads():
    """Pickles written before the split name ``glassnet.losses.<class>``."""
    loss = pickle.loads(b"cglassnet.losses\nHuber\n)\x81}(Vreduction\nVsum\nVdelta\nF2.0\nub.")
    assert type(loss) is Huber and (loss.reduction, loss.delta) == ("sum", 2.0)
