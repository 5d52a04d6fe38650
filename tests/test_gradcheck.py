"""gradcheck itself: numerical_gradient on known functions (and on array views),
relative_error, and check_gradients passing a right backward and flagging wrong ones."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.activations import Sigmoid
from glassnet.gradcheck import check_gradients, numerical_gradient, relative_error
from glassnet.layers import Dense
from glassnet.losses import SquaredError
from glassnet.network import Sequential, mlp


class TransposedWeightGradient(Dense):
    """A square Dense layer whose weight gradient comes out transposed (a classic slip)."""

    def backward(self, grad_output):
        grad_inputs = super().backward(grad_output)
        self.grads["weights"] = self.grads["weights"].T.copy()
        return grad_inputs


class ForgottenDerivative(Sigmoid):
    """A Sigmoid whose backward passes the gradient through unchanged."""

    def backward(self, grad_output):
        return grad_output


def test_numerical_gradient_of_a_cubic(rng):
    x = rng.standard_normal((3, 4))
    coefficients = rng.standard_normal((3, 4))
    gradient = numerical_gradient(lambda: float(np.sum(coefficients * x**3)), x)
    np.testing.assert_allclose(gradient, 3 * coefficients * x**2, rtol=1e-7, atol=1e-8)


def test_numerical_gradient_restores_the_array(rng):
    x = rng.standard_normal(5)
    saved = x.copy()
    numerical_gradient(lambda: float(np.sum(np.sin(x))), x)
    np.testing.assert_array_equal(x, saved)


@pytest.mark.parametrize("view", ["transposed", "fortran", "strided"])
def test_numerical_gradient_works_on_non_contiguous_arrays(view, rng):
    base = rng.standard_normal((4, 6))
    if view == "transposed":
        x = base.T
    elif view == "fortran":
        x = np.asfortranarray(base)
    else:
        x = base[::2, ::2]
    saved = x.copy()
    gradient = numerical_gradient(lambda: float(np.sum(x**2)), x)
    np.testing.assert_allclose(gradient, 2 * saved, rtol=1e-7)
    np.testing.assert_array_equal(x, saved)


def test_relative_error():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0])) == 0.0
    assert relative_error(np.array([1.0, 0.0]), np.zeros(2)) == 1.0
    # ||[1, 0] - [0, 1]|| / (1 + 1) = sqrt(2) / 2
    assert relative_error(np.array([1.0, 0.0]), np.array([0.0, 1.0])) == pytest.approx(
        np.sqrt(2) / 2
    )


def test_check_gradients_passes_a_right_backward(rng):
    network = mlp([3, 4, 2], activation="tanh", rng=rng)
    inputs, targets = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
    saved = {name: value.copy() for name, value in network.parameters().items()}
    errors = check_gradients(network, SquaredError(), inputs, targets)
    assert list(errors) == list(network.parameters())
    assert max(errors.values()) < 1e-6
    for name, value in network.parameters().items():  # parameters left as they were
        np.testing.assert_array_equal(value, saved[name])


def test_check_gradients_flags_a_wrong_weight_gradient(rng):
    network = Sequential([TransposedWeightGradient(3, 3, rng=rng), Sigmoid()])
    inputs, targets = rng.standard_normal((4, 3)), rng.uniform(0, 1, (4, 3))
    errors = check_gradients(network, SquaredError(), inputs, targets)
    assert errors["layers.0.weights"] > 1e-2
    assert errors["layers.0.bias"] < 1e-6  # the bias gradient is still right


def test_check_gradients_flags_a_wrong_activation_derivative(rng):
    network = Sequential([Dense(3, 4, rng=rng), ForgottenDerivative(), Dense(4, 1, rng=rng)])
    inputs, targets = rng.standard_normal((6, 3)), rng.standard_normal((6, 1))
    errors = check_gradients(network, SquaredError(), inputs, targets)
    assert errors["layers.0.weights"] > 1e-2 and errors["layers.0.bias"] > 1e-2
    assert errors["layers.2.weights"] < 1e-6  # above the broken layer all is well
