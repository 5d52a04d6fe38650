"""The pieces issue 3 adds to the core: ELU, Softplus, GELU, MeanAbsoluteError, Huber and
Dropout, each checked against central finite differences in float64 (relative error < 1e-6)
with a random upstream gradient, plus their edge cases and bad arguments."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.activations import ELU, GELU, Softplus, sigmoid
from glassnet.gradcheck import numerical_gradient, relative_error
from glassnet.layers import Dense, Dropout
from glassnet.losses import Huber, MeanAbsoluteError
from glassnet.network import Sequential
from glassnet.registry import resolve


def away_from(values: np.ndarray, kinks, distance: float = 1e-3) -> np.ndarray:
    """Move entries lying within ``distance`` of a kink out of the way of finite differences."""
    for kink in kinks:
        close = np.abs(values - kink) < distance
        values[close] = kink + 2 * distance
    return values


@pytest.mark.parametrize("activation", [ELU(), ELU(alpha=0.5), Softplus(), GELU()],
                         ids=repr)
def test_activation_gradient_matches_finite_differences(activation, rng):
    inputs = away_from(rng.normal(scale=3.0, size=(5, 4)), kinks=[0.0])
    upstream = rng.normal(size=(5, 4))
    activation.forward(inputs)
    analytic = activation.backward(upstream)
    numerical = numerical_gradient(lambda: float((activation.forward(inputs) * upstream).sum()),
                                   inputs)
    assert relative_error(analytic, numerical) < 1e-6


def test_activation_values_worked_out_by_hand():
    inputs = np.array([[-1.0, 0.0, 2.0]])
    np.testing.assert_allclose(ELU(alpha=2.0).forward(inputs), [[2 * (np.exp(-1) - 1), 0, 2]])
    np.testing.assert_allclose(Softplus().forward(inputs),
                               [[np.log(1 + np.exp(-1)), np.log(2), np.log(1 + np.exp(2))]])
    u = np.sqrt(2 / np.pi) * (2.0 + 0.044715 * 8.0)
    np.testing.assert_allclose(GELU().forward(inputs),
                               [[-0.5 * (1 + np.tanh(np.sqrt(2 / np.pi) * (-1 - 0.044715))),
                                 0.0, 2.0 * 0.5 * (1 + np.tanh(u))]])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("activation", [ELU(), Softplus(), GELU()], ids=repr)
def test_activations_finite_and_exact_at_the_extremes(activation, dtype, no_float_warnings):
    largest = float(np.finfo(dtype).max)
    inputs = np.array([[-largest, -1e4, -40.0, 40.0, 1e4, largest]], dtype=dtype)
    outputs = activation.forward(inputs)
    gradient = activation.backward(np.ones_like(inputs))
    assert outputs.dtype == dtype and gradient.dtype == dtype
    assert np.isfinite(outputs).all() and np.isfinite(gradient).all()
    # Far right every one of them is the identity with slope 1.
    np.testing.assert_array_equal(outputs[0, -3:], inputs[0, -3:])
    np.testing.assert_array_equal(gradient[0, -3:], 1)
    floor = -1.0 if isinstance(activation, ELU) else 0.0
    np.testing.assert_allclose(outputs[0, :2], floor, atol=1e-30)


def test_softplus_gradient_is_the_sigmoid(rng):
    inputs = rng.normal(size=(3, 2))
    layer = Softplus()
    layer.forward(inputs)
    np.testing.assert_array_equal(layer.backward(np.ones_like(inputs)), sigmoid(inputs))


@pytest.mark.parametrize("alpha", [0, -1.0, float("nan"), "1", True])
def test_elu_refuses_bad_alpha(alpha):
    with pytest.raises(ValueError, match="alpha"):
        ELU(alpha=alpha)


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


@pytest.mark.parametrize("delta", [0, -2.0, float("inf"), None])
def test_huber_refuses_bad_delta(delta):
    with pytest.raises(ValueError, match="delta"):
        Huber(delta=delta)


def test_new_pieces_are_registered():
    assert resolve("activation", "elu") is ELU
    assert resolve("activation", "softplus") is Softplus
    assert resolve("activation", "gelu") is GELU
    assert resolve("loss", "mean_absolute_error") is MeanAbsoluteError
    assert resolve("loss", "huber") is Huber
    assert resolve("layer", "Dropout") is Dropout
    assert Dropout(0.25).config() == {"rate": 0.25}
    assert ELU(alpha=0.5).config() == {"alpha": 0.5}


def dropout_network(rate: float, seed: int = 0) -> Sequential:
    return Sequential([Dense(4, 6, rng=seed), Dropout(rate), Dense(6, 2, rng=seed + 1)],
                      rng=seed)


def test_dropout_gradient_check_with_a_fixed_mask(rng):
    network = dropout_network(0.4)
    dropout = network.layers[1]
    inputs, upstream = rng.normal(size=(5, 4)), rng.normal(size=(5, 2))

    def objective() -> float:
        dropout.rng = np.random.default_rng(7)  # the same mask on every call
        return float((network.forward(inputs, training=True) * upstream).sum())

    objective()
    assert 0 < np.count_nonzero(dropout.scaled_mask) < dropout.scaled_mask.size
    network.backward(upstream)
    analytic = {name: grad.copy() for name, grad in network.gradients().items()}
    for name, parameter in network.parameters().items():
        numerical = numerical_gradient(objective, parameter)
        assert relative_error(analytic[name], numerical) < 1e-6, name


def test_dropout_is_the_identity_at_predict_time(rng):
    network = dropout_network(0.5)
    inputs = rng.normal(size=(8, 4))
    without = Sequential([network.layers[0], network.layers[2]])
    np.testing.assert_array_equal(network.predict(inputs), without.predict(inputs))
    np.testing.assert_array_equal(network.layers[1].backward(np.ones((8, 6))), 1.0)


def test_dropout_keeps_the_expected_activation_and_scales_kept_units():
    layer = Dropout(0.25, rng=3)
    outputs = layer.forward(np.ones((400, 50)), training=True)
    assert set(np.unique(outputs)) == {0.0, 1 / 0.75}
    assert np.mean(outputs == 0) == pytest.approx(0.25, abs=0.01)
    assert outputs.mean() == pytest.approx(1.0, abs=0.02)


def test_dropout_mask_comes_from_the_network_rng():
    first = dropout_network(0.5, seed=4)
    second = dropout_network(0.5, seed=4)
    assert first.layers[1].rng is first.rng
    inputs = np.ones((3, 4))
    np.testing.assert_array_equal(first.forward(inputs, training=True),
                                  second.forward(inputs, training=True))


def test_dropout_keeps_float32(rng):
    layer = Dropout(0.5, rng=0)
    outputs = layer.forward(rng.normal(size=(4, 3)).astype(np.float32), training=True)
    assert outputs.dtype == np.float32
    assert layer.backward(np.ones((4, 3), np.float32)).dtype == np.float32


@pytest.mark.parametrize("rate", [1.0, -0.1, 1.5, "0.5", None])
def test_dropout_refuses_bad_rate(rate):
    with pytest.raises((ValueError, TypeError), match="rate"):
        Dropout(rate)


def test_dropout_without_an_rng_says_where_to_get_one():
    with pytest.raises(RuntimeError, match="rng"):
        Dropout(0.5).forward(np.ones((2, 2)), training=True)
