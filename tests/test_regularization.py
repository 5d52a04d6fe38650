"""Weight penalties: L1's value and its gradient (checked by finite differences), L1 + L2."""

import numpy as np
import pytest

from glassnet.gradcheck import numerical_gradient, relative_error
from glassnet.regularization import L1, L2, NoPenalty, Penalties, penalty


def parameters(rng):
    # Weights kept away from 0, where |w| has its kink and differences would straddle it.
    weights = rng.uniform(0.1, 1.0, (3, 4)) * rng.choice([-1.0, 1.0], (3, 4))
    return {"layers.0.weights": weights, "layers.0.bias": rng.normal(size=4)}


def test_l1_value_is_the_sum_of_absolute_weights_without_biases(rng):
    params = parameters(rng)
    expected = 0.3 * np.abs(params["layers.0.weights"]).sum()
    assert L1(0.3, params).value() == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("make", [lambda p: L1(0.7, p), lambda p: penalty(p, l1=0.7, l2=0.2)])
def test_penalty_gradient_matches_finite_differences(rng, make):
    params = parameters(rng)
    chosen = make(params)
    gradients = {name: np.zeros_like(value) for name, value in params.items()}
    chosen.add_gradients(gradients)
    for name, value in params.items():
        numerical = numerical_gradient(chosen.value, value)
        assert relative_error(gradients[name], numerical) < 1e-8 or \
            (not gradients[name].any() and not numerical.any())
    assert not gradients["layers.0.bias"].any()  # biases are not penalised


def test_l1_gradient_at_zero_is_zero():
    params = {"layers.0.weights": np.array([[0.0, 2.0], [-3.0, 0.0]])}
    gradients = {"layers.0.weights": np.zeros((2, 2))}
    L1(0.5, params).add_gradients(gradients)
    assert np.array_equal(gradients["layers.0.weights"], [[0.0, 0.5], [-0.5, 0.0]])


def test_penalty_picks_the_parts(rng):
    params = parameters(rng)
    assert isinstance(penalty(params), NoPenalty)
    assert isinstance(penalty(params, l2=0.1), L2)
    assert isinstance(penalty(params, l1=0.1), L1)
    both = penalty(params, l1=0.1, l2=0.2)
    assert isinstance(both, Penalties)
    assert both.value() == L2(0.2, params).value() + L1(0.1, params).value()


@pytest.mark.parametrize("l1", [-1.0, float("nan"), float("inf"), "0.1"])
def test_bad_l1_is_refused(rng, l1):
    with pytest.raises((ValueError, TypeError), match="l1"):
        penalty(parameters(rng), l1=l1)
