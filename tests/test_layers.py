"""Dense: forward formula, finite-difference gradients of weights, bias and inputs under a
random upstream gradient, dtype, construction checks, and shapes (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glassnet.gradcheck import numerical_gradient, relative_error
from glassnet.initializers import uniform_symmetric
from glassnet.layers import Dense, Dropout, ForwardFirstError, Layer
from glassnet.network import Sequential

PROPERTY = settings(max_examples=40, deadline=None)


def make_dense(rng, in_features, out_features, bias=True) -> Dense:
    layer = Dense(in_features, out_features, bias=bias, rng=rng)
    if bias:  # a non-zero bias, so that a bias bug cannot hide behind zeros
        layer.params["bias"][...] = rng.standard_normal(out_features)
    return layer


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("shape", [(1, 1, 1), (4, 3, 2), (5, 2, 6)])
def test_gradients_match_finite_differences(bias, shape, rng):
    batch, in_features, out_features = shape
    layer = make_dense(rng, in_features, out_features, bias)
    inputs = rng.standard_normal((batch, in_features))
    upstream = rng.standard_normal((batch, out_features))

    def scalar() -> float:
        return float(np.sum(layer.forward(inputs) * upstream))

    numerical = {name: numerical_gradient(scalar, value) for name, value in layer.params.items()}
    numerical_inputs = numerical_gradient(scalar, inputs)
    layer.forward(inputs)
    grad_inputs = layer.backward(upstream)

    assert set(layer.grads) == ({"weights", "bias"} if bias else {"weights"})
    assert relative_error(grad_inputs, numerical_inputs) < 1e-6
    for name, value in numerical.items():
        assert layer.grads[name].shape == layer.params[name].shape
        assert relative_error(layer.grads[name], value) < 1e-6, name


def test_forward_is_inputs_times_weights_plus_bias():
    layer = Dense(2, 3)
    layer.params["weights"][...] = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    layer.params["bias"][...] = [0.5, -0.5, 1.0]
    outputs = layer.forward(np.array([[1.0, -1.0], [2.0, 0.5]]))
    # row 1: [1 - 4, 2 - 5, 3 - 6] + bias; row 2: [2 + 2, 4 + 2.5, 6 + 3] + bias
    np.testing.assert_allclose(outputs, [[-2.5, -3.5, -2.0], [4.5, 6.0, 10.0]])


def test_backward_formulas_on_small_numbers():
    layer = Dense(2, 1, bias=True)
    layer.params["weights"][...] = [[2.0], [-3.0]]
    inputs, upstream = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0], [-1.0]])
    layer.forward(inputs)
    grad_inputs = layer.backward(upstream)
    np.testing.assert_allclose(layer.grads["weights"], [[1 - 3], [2 - 4]])  # inputs.T @ G
    np.testing.assert_allclose(layer.grads["bias"], [1 - 1])  # G summed over the batch
    np.testing.assert_allclose(grad_inputs, [[2.0, -3.0], [-2.0, 3.0]])  # G @ weights.T


def test_parameters_and_defaults(rng):
    layer = Dense(3, 4, rng=rng)
    assert layer.weights is layer.params["weights"] and layer.weights.shape == (3, 4)
    assert layer.bias is layer.params["bias"]
    np.testing.assert_array_equal(layer.bias, np.zeros(4))
    assert Dense(3, 4, bias=False).bias is None
    assert set(Dense(3, 4, bias=False).params) == {"weights"}


def test_initializer_and_generator_are_used():
    layer = Dense(3, 1, bias=False, initializer=uniform_symmetric, rng=np.random.RandomState(1))
    np.testing.assert_allclose(layer.weights.ravel(), [-0.16595599, 0.44064899, -0.99977125])
    np.testing.assert_array_equal(Dense(5, 2, rng=3).weights, Dense(5, 2, rng=3).weights)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept_through_forward_and_backward(dtype, rng):
    layer = Dense(3, 2, dtype=dtype, rng=rng)
    inputs = rng.standard_normal((4, 3)).astype(dtype)
    outputs = layer.forward(inputs)
    grad_inputs = layer.backward(np.ones_like(outputs))
    assert layer.weights.dtype == dtype and layer.bias.dtype == dtype
    assert outputs.dtype == dtype and grad_inputs.dtype == dtype
    assert all(grad.dtype == dtype for grad in layer.grads.values())


def test_config_and_repr():
    layer = Dense(3, 2, bias=False, dtype=np.float32)
    assert layer.config() == {
        "in_features": 3,
        "out_features": 2,
        "bias": False,
        "dtype": "float32",
    }
    assert repr(layer) == "Dense(3, 2, bias=False)" and repr(Dense(3, 2)) == "Dense(3, 2)"


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ((0, 2), ValueError, "in_features must be > 0, got 0"),
        ((3, -1), ValueError, "out_features must be > 0, got -1"),
        ((2.5, 2), TypeError, "in_features must be an integer, got 2.5"),
        ((3, 2.5), TypeError, "out_features must be an integer, got 2.5"),
        ((True, 2), TypeError, "in_features must be an integer, got True"),
        (("3", 2), TypeError, "in_features must be an integer, got '3'"),
    ],
)
def test_bad_sizes_are_refused(arguments, error, message):
    with pytest.raises(error, match=message):
        Dense(*arguments)


@pytest.mark.parametrize("bias", ["no", "yes", 1, 0, None])
def test_a_bias_that_is_not_true_or_false_is_refused(bias):
    with pytest.raises(TypeError, match=f"bias must be True or False, got {bias!r}"):
        Dense(3, 2, bias=bias)


def test_a_numpy_bool_bias_is_a_bias_flag():
    assert "bias" not in Dense(3, 2, bias=np.False_).params
    assert "bias" in Dense(3, 2, bias=np.True_).params


def test_bad_initializer_and_dtype_are_refused():
    with pytest.raises(TypeError, match="initializer must be a function"):
        Dense(3, 2, initializer="glorot_uniform")
    with pytest.raises(ValueError, match="dtype must be float32 or float64, got"):
        Dense(3, 2, dtype=np.int32)


@PROPERTY
@given(
    batch=st.integers(1, 8),
    in_features=st.integers(1, 6),
    out_features=st.integers(1, 6),
    bias=st.booleans(),
)
def test_shapes_are_kept(batch, in_features, out_features, bias):
    layer = Dense(in_features, out_features, bias=bias, rng=0)
    outputs = layer.forward(np.ones((batch, in_features)))
    grad_inputs = layer.backward(np.ones((batch, out_features)))
    assert outputs.shape == (batch, out_features)
    assert grad_inputs.shape == (batch, in_features)
    assert all(layer.grads[name].shape == value.shape for name, value in layer.params.items())


# The layer protocol (Layer): every built-in layer follows it, so nothing has to probe.

def every_layer(rng):
    from glassnet.registry import LAYERS

    arguments = {"Dense": (3, 3), "Dropout": (0.5,),
                 "Standardize": (np.zeros(3), np.ones(3)), "BatchNormalization": (3,)}
    with_rng = {"Dense", "Dropout"}
    return [(name, cls(*arguments.get(name, ()), **({"rng": rng} if name in with_rng else {})))
            for name, cls in sorted(LAYERS.items())]


def test_every_registered_layer_follows_the_protocol(rng):
    for name, layer in every_layer(rng):
        assert isinstance(layer, Layer), name
        assert set(layer.grads) == set(layer.params) and isinstance(layer.buffers, dict)
        shapes = type(layer).array_shapes(layer.config())
        assert shapes == {key: value.shape for key, value in
                          {**layer.params, **layer.buffers}.items()}, name
        inputs = rng.standard_normal((4, 3))
        outputs = layer.forward(inputs, training=True)
        assert layer.backward(np.ones_like(outputs), input_gradient=False) is None, name
        assert layer.backward(np.ones_like(outputs)).shape == inputs.shape, name


def test_widths_are_declared_or_none(rng):
    widths = {name: (layer.in_features, layer.out_features) for name, layer in every_layer(rng)}
    assert widths["Dense"] == (3, 3) and widths["Standardize"] == (3, 3)
    assert widths["ReLU"] == (None, None) and widths["Dropout"] == (None, None)
    assert Dropout.needs_rng and not Dense.needs_rng and not Layer.needs_rng


def test_dense_array_shapes_come_from_the_config_alone():
    assert Dense.array_shapes({"in_features": 2, "out_features": 5}) == {
        "weights": (2, 5), "bias": (5,)}
    assert Dense.array_shapes({"in_features": 2, "out_features": 5, "bias": False}) == {
        "weights": (2, 5)}
    for sizes in [(0, 5), (2, True), (2, 2.0), (2, 2**31), (None, 3)]:
        config = dict(zip(("in_features", "out_features"), sizes, strict=True))
        with pytest.raises(ValueError, match="in_features and out_features must be whole"):
            Dense.array_shapes(config)


def test_backward_before_forward_says_so_and_names_the_layer(rng):
    for name, layer in every_layer(rng):
        if name in ("Identity", "Standardize"):  # they cache nothing: backward needs no forward
            continue
        with pytest.raises(RuntimeError, match=f"{type(layer).__name__}: backward called "
                                               f"before forward"):
            layer.backward(np.ones((2, 3)))


def test_a_missing_attribute_is_still_an_attribute_error(rng):
    with pytest.raises(AttributeError, match="no attribute 'colour'"):
        Dense(2, 2, rng=rng).colour  # noqa: B018


def test_a_missing_cache_is_also_an_attribute_error_for_getattr_with_a_default(rng):
    layer = Dropout(0.5, rng=rng)
    assert getattr(layer, "scaled_mask", "absent") == "absent"
    with pytest.raises(ForwardFirstError, match="Dropout: backward called before forward"):
        layer.backward(np.ones((2, 2)))
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

def test_dropout_repr_and_sequential_repr_list_the_layers():
    assert repr(Dropout(0.25)) == "Dropout(0.25)"
    network = Sequential([Dense(3, 2, rng=0), Dropout(0.5), Dense(2, 1, bias=False, rng=0)])
    assert repr(network) == (
        "Sequential([\n  Dense(3, 2),\n  Dropout(0.5),\n  Dense(2, 1, bias=False),\n])")


@pytest.mark.parametrize("rate", [1.0, -0.1, 1.5, "0.5", None])
def test_dropout_refuses_bad_rate(rate):
    with pytest.raises((ValueError, TypeError), match="rate"):
        Dropout(rate)

def test_dropout_without_an_rng_says_where_to_get_one():
    with pytest.raises(RuntimeError, match="rng"):
        Dropout(0.5).forward(np.ones((2, 2)), training=True)


def test_dense_makes_new_gradient_arrays_when_the_kept_ones_do_not_fit(rng):
    # the kept gradient arrays are reused while their shape and dtype fit, else replaced
    layer, inputs = Dense(3, 2, rng=0), rng.standard_normal((4, 3))
    grad_output = rng.standard_normal((4, 2))
    layer.forward(inputs, training=True)
    layer.grads.clear()
    layer.backward(grad_output)
    np.testing.assert_allclose(layer.grads["weights"], inputs.T @ grad_output, rtol=1e-13)
    layer.grads["weights"], layer.grads["bias"] = np.zeros((1, 1)), np.zeros(5)
    layer.forward(inputs, training=True)
    layer.backward(grad_output)
    np.testing.assert_allclose(layer.grads["weights"], inputs.T @ grad_output, rtol=1e-13)
    np.testing.assert_allclose(layer.grads["bias"], grad_output.sum(axis=0), rtol=1e-13)


def test_dropout_of_rate_zero_draws_nothing_from_its_rng(rng):
    generator = np.random.default_rng(4)
    before = generator.bit_generator.state
    inputs = rng.standard_normal((6, 3))
    assert Dropout(0.0, rng=generator).forward(inputs, training=True) is inputs
    assert generator.bit_generator.state == before  # later layers draw what they would
