"""Dense and its activation as fused pairs: the same numbers as the layers, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet import Sequential, SoftmaxCrossEntropy, SquaredError, mlp
from glassnet.accelerator import set_accelerator
from glassnet.activations import Identity, ReLU, Sigmoid
from glassnet.fused_layers import (
    FusedNetwork,
    add_bias,
    add_bias_relu,
    bias_gradient,
    fused_network,
    plan_of,
    relu_bias_gradient,
)
from glassnet.layers import Dense, Dropout
from glassnet.preprocessing import Standardize

DTYPES = [np.float32, np.float64]
SPECIAL = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-40, -1e-40, -3.5]


def special_matrix(rng, dtype, shape=(6, 8)):
    """Random numbers with zeros of both signs, infinities, NaN and subnormals among them."""
    matrix = rng.standard_normal(shape).astype(dtype)
    matrix.flat[:len(SPECIAL)] = np.array(SPECIAL, dtype=dtype)
    return matrix


def same_bits(actual, expected):
    assert actual.dtype == expected.dtype and actual.shape == expected.shape
    np.testing.assert_array_equal(actual.view(np.uint8), expected.view(np.uint8))


@pytest.mark.parametrize("dtype", DTYPES)
def test_the_forward_functions_are_dense_then_its_activation(dtype):
    rng = np.random.default_rng(0)
    z, bias = special_matrix(rng, dtype), rng.standard_normal(8).astype(dtype)
    with np.errstate(invalid="ignore"):
        expected_relu = ReLU().forward(z + bias, training=True)
        plain, relu = z.copy(), z.copy()
        add_bias(plain, bias)
        add_bias_relu(relu, bias)
    same_bits(plain, z + bias)
    same_bits(relu, expected_relu)
    assert not np.signbit(relu[z + bias == 0]).any()  # max(-0.0, 0) is +0.0, as numpy's


@pytest.mark.parametrize("dtype", DTYPES)
def test_the_backward_functions_are_the_activations_derivative_then_the_bias_sum(dtype):
    rng = np.random.default_rng(1)
    upstream, outputs = special_matrix(rng, dtype), special_matrix(rng, dtype)[::-1].copy()
    activation = ReLU()
    activation.outputs = outputs
    with np.errstate(invalid="ignore"):
        expected = activation.derivative(upstream)
        gradient, summed = upstream.copy(), np.empty(8, dtype=dtype)
        relu_bias_gradient(gradient, outputs, summed)
        plain = np.empty(8, dtype=dtype)
        bias_gradient(upstream, plain)
        same_bits(summed, np.add.reduce(expected, axis=0))
    same_bits(gradient, expected)
    same_bits(plain, np.add.reduce(upstream, axis=0))


def networks(dtype):
    """Networks whose layers fit the fused pairs, each with its input width."""
    standardize = Standardize(np.linspace(-1, 1, 5), np.linspace(0.5, 2, 5), dtype=dtype)
    return [
        (mlp([5, 7, 6, 3], rng=0, dtype=dtype), 5),  # Dense, ReLU, Dense, ReLU, Dense, Identity
        (Sequential([Dense(4, 3, rng=1, dtype=dtype)]), 4),  # one Dense, nothing after it
        (Sequential([standardize, Dense(5, 6, rng=2, dtype=dtype), ReLU(),
                     Dense(6, 2, rng=3, dtype=dtype), ReLU()]), 5),  # ReLU last
    ]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", range(3))
def test_the_fused_passes_give_the_layers_numbers_and_caches(case, dtype):
    rng = np.random.default_rng(case)
    network, width = networks(dtype)[case]
    inputs = rng.standard_normal((9, width)).astype(dtype)
    loss = SquaredError()
    expected_outputs = network.forward(inputs, training=True)
    targets = rng.standard_normal(expected_outputs.shape).astype(dtype)
    loss.forward(expected_outputs, targets)
    network.backward(loss.backward(), input_gradient=False)
    expected = {name: value.copy() for name, value in network.gradients().items()}
    caches = [(layer, name, getattr(layer, name).copy()) for layer in network.layers
              for name in type(layer).caches if type(layer) in (Dense, ReLU)]
    plan = plan_of(network.layers)
    outputs = plan.forward(inputs)
    same_bits(outputs, expected_outputs)
    gradient_from_loss = (loss.forward(outputs, targets), loss.backward())[1]
    kept = gradient_from_loss.copy()
    plan.backward(gradient_from_loss)
    for name, value in network.gradients().items():
        same_bits(value, expected[name])
    same_bits(gradient_from_loss, kept)  # the loss's array is never written over when ReLU
    assert caches  # is last (a custom loss may keep it); every cache as the layers leave it
    for layer, name, value in caches:
        same_bits(getattr(layer, name), value)
    with pytest.raises(ValueError, match="never returns"):
        plan.backward(gradient_from_loss, input_gradient=True)
    with pytest.raises(ValueError, match="trains only"):
        plan.forward(inputs, training=False)


def test_the_gradients_stay_the_flat_vectors_views():
    from glassnet.flat import flatten, tiled_vector

    network = mlp([4, 6, 3], rng=0)
    flatten(network)
    vector = tiled_vector(network.gradients().values())
    plan = plan_of(network.layers)
    loss = SoftmaxCrossEntropy()
    inputs, labels = np.random.default_rng(0).standard_normal((8, 4)), np.arange(8) % 3
    loss.forward(plan.forward(inputs), labels)
    plan.backward(loss.backward())
    assert tiled_vector(network.gradients().values()) is not None
    assert np.shares_memory(vector, network.gradients()["layers.0.weights"])
    assert np.abs(vector).sum() > 0


@pytest.mark.parametrize("layers", [
    lambda: [Dense(3, 4), Sigmoid(), Dense(4, 2)],  # another activation
    lambda: [Dense(3, 4), Dropout(0.5), Dense(4, 2)],  # dropout between
    lambda: [Dense(3, 4, bias=False), ReLU(), Dense(4, 2)],  # a Dense without bias
    lambda: [Dense(3, 4), ReLU(), ReLU(), Dense(4, 2)],  # two activations in a row
    lambda: [ReLU(), Identity()],  # nothing to train
], ids=["sigmoid", "dropout", "no-bias", "two-activations", "no-dense"])
def test_other_layers_take_the_readable_path(layers):
    assert plan_of(layers()) is None


def test_leading_layers_without_parameters_run_forward_only():
    standardize = Standardize(np.zeros(3), np.ones(3))
    plan = plan_of([standardize, Dropout(0.0), Dense(3, 2), Identity()])
    assert isinstance(plan, FusedNetwork) and plan.leading == [standardize, plan.leading[1]]
    assert [type(activation) for _, activation in plan.pairs] == [Identity]


def test_a_callback_that_changes_the_layers_or_the_accelerator_is_followed():
    """fit asks for the fused passes at every batch: a callback that turns the accelerator
    off, or swaps a layer, is followed from the next batch on, as the layers' path would."""
    pytest.importorskip("numba")
    from glassnet import Callback, fit

    seen = []

    class Swap(Callback):
        def on_batch_end(self, state):
            seen.append(fused_network(state.network) is not None)
            if state.batch == 1:
                state.network.layers[1] = Sigmoid()
            if state.batch == 3:
                set_accelerator(None)

    rng = np.random.default_rng(0)
    inputs, labels = rng.standard_normal((60, 3)), rng.integers(0, 2, 60)
    expected = mlp([3, 4, 2], rng=0)
    network = mlp([3, 4, 2], rng=0)
    set_accelerator("numba")
    try:
        fit(network, inputs, labels, SoftmaxCrossEntropy(), "sgd", batch_size=10, rng=0,
            verbose=0, callbacks=[Swap()])
    finally:
        set_accelerator(None)
    assert seen == [True, True, False, False, False, False]  # asked before the swap

    class SwapOnly(Callback):
        def on_batch_end(self, state):
            if state.batch == 1:
                state.network.layers[1] = Sigmoid()

    fit(expected, inputs, labels, SoftmaxCrossEntropy(), "sgd", batch_size=10, rng=0,
        verbose=0, callbacks=[SwapOnly()])
    for name, value in expected.parameters().items():
        np.testing.assert_array_equal(network.parameters()[name], value)


def test_the_plan_is_made_only_with_an_accelerator_and_kept_per_network():
    pytest.importorskip("numba")
    network = mlp([3, 4, 2], rng=0)
    assert fused_network(network) is None  # numpy: fit takes the layers' own passes
    set_accelerator("numba")
    try:
        plan = fused_network(network)
        assert isinstance(plan, FusedNetwork) and fused_network(network) is plan
        network.layers[1] = Sigmoid()  # other layers: made again, and refused
        assert fused_network(network) is None

        class Custom(Sequential):
            pass

        assert fused_network(Custom([Dense(3, 2)])) is None  # a subclass may step otherwise
    finally:
        set_accelerator(None)
