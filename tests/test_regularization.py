"""Weight penalties: L1's value and its gradient (checked by finite differences), L1 + L2."""

import numpy as np
import pytest

from glassnet.gradcheck import numerical_gradient, relative_error
from glassnet.layers import Dense
from glassnet.losses import SquaredError
from glassnet.network import Sequential, mlp
from glassnet.optimizers import SGD
from glassnet.regularization import L1, L2, NoPenalty, Penalties, penalty
from glassnet.training import fit


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
    assert isinstance(penalty(params), NoPenalty) and penalty(params).strength == 0.0
    assert isinstance(penalty(params, l2=0.1), L2)
    assert isinstance(penalty(params, l1=0.1), L1)
    both = penalty(params, l1=0.1, l2=0.2)
    assert isinstance(both, Penalties)
    assert both.value() == L2(0.2, params).value() + L1(0.1, params).value()


@pytest.mark.parametrize("l1", [-1.0, float("nan"), float("inf"), "0.1"])
def test_bad_l1_is_refused(rng, l1):
    with pytest.raises((ValueError, TypeError), match="l1"):
        penalty(parameters(rng), l1=l1)


def test_l2_gradient_matches_finite_differences(rng):
    network = mlp([3, 4, 2], activation="tanh", rng=0)
    loss, penalty = SquaredError(), L2(0.3, network.parameters())
    inputs, targets = rng.standard_normal((6, 3)), rng.standard_normal((6, 2))

    def objective() -> float:
        return loss(network.forward(inputs, training=True), targets) + penalty.value()

    objective()
    network.backward(loss.backward())
    gradients = network.gradients()
    penalty.add_gradients(gradients)
    analytic = {name: value.copy() for name, value in gradients.items()}
    for name, parameter in network.parameters().items():
        assert relative_error(analytic[name], numerical_gradient(objective, parameter)) < 1e-6

def test_l2_decays_weights_not_biases_in_one_hand_worked_step():
    layer = Dense(2, 1, rng=0)
    layer.params["weights"][...] = [[2.0], [-1.0]]
    layer.params["bias"][...] = [0.5]
    inputs, targets = np.array([[1.0, 1.0]]), np.array([1.0])
    # output 2 - 1 + 0.5 = 1.5, error 0.5; data gradients: weights [0.5, 0.5], bias 0.5
    history = fit(Sequential([layer]), inputs, targets, SquaredError(), SGD(0.1), l2=0.2)
    # loss = 1/2 * 0.5^2 + 0.2 / 2 * (4 + 1) = 0.125 + 0.5
    assert history["loss"] == [pytest.approx(0.625)]
    np.testing.assert_allclose(layer.weights, [[2 - 0.1 * (0.5 + 0.2 * 2)],
                                               [-1 - 0.1 * (0.5 - 0.2 * 1)]])
    np.testing.assert_allclose(layer.bias, [0.5 - 0.1 * 0.5])
    assert set(L2(1.0, Sequential([layer]).parameters()).weights) == {"layers.0.weights"}


def test_a_penalty_of_zero_strength_is_accepted_and_a_bare_weights_name_counts():
    weights = np.array([[1.0, -2.0]])
    assert L1(0.0, {"layers.0.weights": weights}).value() == 0.0
    assert L2(1.0, {"weights": weights, "bias": np.ones(2)}).value() == 2.5  # 0.5 (1 + 4)
