"""Activations: finite-difference gradients, the kink conventions, stability at |x| = 1e6,
dtype preservation, and hypothesis properties (shapes kept, sigmoid in (0, 1), softmax rows
sum to 1)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from glassnet.activations import (
    ELU,
    GELU,
    Identity,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Softmax,
    Softplus,
    Tanh,
    sigmoid,
)
from glassnet.gradcheck import numerical_gradient, relative_error

ACTIVATIONS = [Sigmoid, Tanh, ReLU, LeakyReLU, Identity, Softmax]
PROPERTY = settings(max_examples=40, deadline=None)


def input_gradient_error(layer, inputs: np.ndarray, upstream: np.ndarray) -> float:
    """Relative error of backward(G) against d/dx of sum(forward(x) * G), central differences."""
    numerical = numerical_gradient(lambda: float(np.sum(layer.forward(inputs) * upstream)), inputs)
    layer.forward(inputs)
    return relative_error(layer.backward(upstream), numerical)


def off_kink(rng, shape) -> np.ndarray:
    """Random values with |x| in [0.1, 2]: far from ReLU's kink at 0 compared with epsilon."""
    return rng.uniform(0.1, 2.0, shape) * rng.choice([-1.0, 1.0], shape)


@pytest.mark.parametrize("activation_class", ACTIVATIONS)
@pytest.mark.parametrize("shape", [(1, 1), (4, 3), (7, 5)])
def test_backward_matches_finite_differences(activation_class, shape, rng):
    inputs = off_kink(rng, shape)
    upstream = rng.standard_normal(shape)
    assert input_gradient_error(activation_class(), inputs, upstream) < 1e-6


def test_leaky_relu_gradient_with_a_large_slope(rng):
    inputs, upstream = off_kink(rng, (6, 4)), rng.standard_normal((6, 4))
    assert input_gradient_error(LeakyReLU(slope=0.3), inputs, upstream) < 1e-6


def test_softmax_backward_is_not_the_elementwise_derivative(rng):
    # A random upstream gradient mixes the classes; o * (1 - o) * G alone would be wrong.
    inputs, upstream = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    softmax = Softmax()
    outputs = softmax.forward(inputs)
    elementwise = upstream * outputs * (1 - outputs)
    assert not np.allclose(softmax.backward(upstream), elementwise)


def test_relu_kink_at_zero_takes_gradient_zero():
    relu = ReLU()
    outputs = relu.forward(np.array([[-1.0, 0.0, 2.0]]))
    np.testing.assert_array_equal(outputs, [[0.0, 0.0, 2.0]])
    np.testing.assert_array_equal(relu.backward(np.array([[5.0, 5.0, 5.0]])), [[0.0, 0.0, 5.0]])


def test_leaky_relu_kink_at_zero_takes_the_slope():
    leaky = LeakyReLU(slope=0.25)
    outputs = leaky.forward(np.array([[-2.0, 0.0, 3.0]]))
    np.testing.assert_array_equal(outputs, [[-0.5, 0.0, 3.0]])
    np.testing.assert_array_equal(leaky.backward(np.array([[4.0, 4.0, 4.0]])), [[1.0, 1.0, 4.0]])


@pytest.mark.parametrize("slope", [-0.1, 1.0, 2.0])
def test_leaky_relu_refuses_a_slope_outside_zero_one(slope):
    with pytest.raises(ValueError, match=rf"slope must be in \[0, 1\), got {slope}"):
        LeakyReLU(slope=slope)


def test_forward_values_match_the_formulas():
    x = np.array([[-2.0, -0.5, 0.0, 0.5, 3.0]])
    np.testing.assert_allclose(Sigmoid().forward(x), 1 / (1 + np.exp(-x)), rtol=1e-15)
    np.testing.assert_allclose(Tanh().forward(x), np.tanh(x), rtol=1e-15)
    np.testing.assert_array_equal(ReLU().forward(x), [[0.0, 0.0, 0.0, 0.5, 3.0]])
    np.testing.assert_array_equal(Identity().forward(x), x)
    expected_softmax = np.exp(x) / np.exp(x).sum()
    np.testing.assert_allclose(Softmax().forward(x), expected_softmax, rtol=1e-14)


def test_softmax_ignores_a_shift_of_each_row(rng):
    x = rng.standard_normal((4, 5))
    shifts = rng.uniform(-100, 100, (4, 1))
    np.testing.assert_allclose(Softmax().forward(x + shifts), Softmax().forward(x), atol=1e-14)


def test_activations_have_no_parameters():
    for activation_class in ACTIVATIONS:
        activation = activation_class()
        assert activation.params == {} and activation.grads == {}


def test_repr_names_the_activation_and_its_setting():
    assert [repr(cls()) for cls in (Sigmoid, Tanh, ReLU, Identity, Softmax)] == [
        "Sigmoid()", "Tanh()", "ReLU()", "Identity()", "Softmax()"]
    assert repr(LeakyReLU()) == "LeakyReLU(slope=0.01)"
    assert repr(ELU(alpha=0.5)) == "ELU(alpha=0.5)" and repr(ELU()) == "ELU(alpha=1.0)"


def test_leaky_relu_default_slope_is_one_hundredth():
    np.testing.assert_array_equal(LeakyReLU().forward(np.array([[-2.0, 3.0]])), [[-0.02, 3.0]])


@pytest.mark.parametrize("activation_class", ACTIVATIONS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_huge_inputs_give_finite_values_without_warnings(
    activation_class, dtype, no_float_warnings
):
    inputs = np.array([[1e6, -1e6, 0.5], [-1e6, -1e6, 1e6]], dtype=dtype)
    upstream = np.ones_like(inputs)
    activation = activation_class()
    outputs = activation.forward(inputs)
    grad_inputs = activation.backward(upstream)
    assert outputs.dtype == dtype and grad_inputs.dtype == dtype
    assert np.isfinite(outputs).all() and np.isfinite(grad_inputs).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_saturates_inside_zero_one(dtype, no_float_warnings):
    outputs = Sigmoid().forward(np.array([[-1e6, -100.0, 0.0, 100.0, 1e6]], dtype=dtype))
    assert ((outputs >= 0) & (outputs <= 1)).all()
    assert outputs[0, 2] == 0.5 and outputs[0, -1] == 1.0 and outputs[0, 0] < 1e-30


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_rows_sum_to_one_at_huge_inputs(dtype, no_float_warnings):
    outputs = Softmax().forward(np.array([[1e6, -1e6, 0.0], [1e6, 1e6, -1e6]], dtype=dtype))
    np.testing.assert_allclose(outputs.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(outputs, [[1.0, 0.0, 0.0], [0.5, 0.5, 0.0]], atol=1e-7)


def finite_arrays(dtype, bound: float):
    shapes = array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=6)
    width = 32 if dtype == np.float32 else 64
    elements = st.floats(-bound, bound, allow_nan=False, allow_infinity=False, width=width)
    return arrays(dtype, shapes, elements=elements)


@PROPERTY
@given(
    activation_class=st.sampled_from(ACTIVATIONS),
    inputs=st.sampled_from([np.float32, np.float64]).flatmap(lambda d: finite_arrays(d, 1e6)),
)
def test_shape_and_dtype_are_kept(activation_class, inputs):
    activation = activation_class()
    outputs = activation.forward(inputs)
    grad_inputs = activation.backward(np.ones_like(inputs))
    assert outputs.shape == inputs.shape and grad_inputs.shape == inputs.shape
    assert outputs.dtype == inputs.dtype and grad_inputs.dtype == inputs.dtype


@PROPERTY
@given(inputs=finite_arrays(np.float64, 30.0))
def test_sigmoid_is_strictly_inside_zero_one_for_moderate_inputs(inputs):
    outputs = Sigmoid().forward(inputs)
    assert ((outputs > 0) & (outputs < 1)).all()


@PROPERTY
@given(inputs=finite_arrays(np.float64, 1e6))
def test_softmax_rows_sum_to_one(inputs):
    outputs = Softmax().forward(inputs)
    assert (outputs >= 0).all()
    np.testing.assert_allclose(outputs.sum(axis=1), 1.0, atol=1e-12)


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


def test_leaky_relu_passes_positive_inputs_below_one_unchanged():
    leaky = LeakyReLU(slope=0.25)
    outputs = leaky.forward(np.array([[-0.5, 0.25, 0.5, 1.0]]))
    np.testing.assert_array_equal(outputs, [[-0.125, 0.25, 0.5, 1.0]])
    np.testing.assert_array_equal(leaky.backward(np.ones((1, 4))), [[0.25, 1.0, 1.0, 1.0]])


def test_elu_derivative_at_zero_is_alpha_as_in_pytorch():
    # left derivative alpha e^0 = alpha at exactly 0 (x > 0 takes the slope 1)
    layer = ELU(alpha=0.5)
    layer.forward(np.array([[0.0, -0.0, 1e-300]]), training=True)
    np.testing.assert_array_equal(layer.backward(np.ones((1, 3))), [[0.5, 0.5, 1.0]])
