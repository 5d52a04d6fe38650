"""Sequential and mlp: named live parameters, whole-network gradient checks, predict's
input checks and batching, mlp's argument checks, and shapes (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glassnet.activations import Identity, ReLU, Sigmoid, Softmax, Tanh
from glassnet.gradcheck import check_gradients, numerical_gradient, relative_error
from glassnet.layers import Dense, Dropout
from glassnet.losses import SquaredError
from glassnet.network import Sequential, mlp
from glassnet.preprocessing import Standardize

PROPERTY = settings(max_examples=30, deadline=None)


def randomise_biases(network, rng) -> None:
    for name, value in network.parameters().items():
        if name.endswith("bias"):
            value[...] = rng.standard_normal(value.shape) * 0.5


def smallest_hidden_preactivation(network, inputs) -> float:
    """min |Dense output| feeding a hidden activation: how far the data is from ReLU's kink."""
    smallest, outputs = np.inf, inputs
    for layer in network.layers[:-1]:
        outputs = layer.forward(outputs)
        if isinstance(layer, Dense):
            smallest = min(smallest, float(np.abs(outputs).min()))
    return smallest


CASES = [
    ([3, 4, 2], "sigmoid", 0),
    ([2, 5, 3, 1], "tanh", 1),
    ([4, 6, 5, 3], "relu", 2),
    ([1, 3, 1], "relu", 3),
    ([5, 2, 4], "sigmoid", 4),
]


@pytest.mark.parametrize(("sizes", "activation", "seed"), CASES)
def test_whole_network_gradients_under_a_random_upstream_gradient(sizes, activation, seed):
    rng = np.random.default_rng(seed)
    network = mlp(sizes, activation=activation, rng=rng)
    randomise_biases(network, rng)
    inputs = rng.standard_normal((6, sizes[0]))
    upstream = rng.standard_normal((6, sizes[-1]))
    assert smallest_hidden_preactivation(network, inputs) > 1e-4  # off the ReLU kink

    def scalar() -> float:
        return float(np.sum(network.forward(inputs) * upstream))

    parameters = network.parameters()
    numerical = {name: numerical_gradient(scalar, value) for name, value in parameters.items()}
    numerical_inputs = numerical_gradient(scalar, inputs)
    network.forward(inputs)
    grad_inputs = network.backward(upstream)
    assert relative_error(grad_inputs, numerical_inputs) < 1e-6
    for name, gradient in network.gradients().items():
        assert relative_error(gradient, numerical[name]) < 1e-6, name


@pytest.mark.parametrize(("sizes", "activation", "seed"), CASES)
def test_check_gradients_passes_for_mlp_with_squared_error(sizes, activation, seed):
    rng = np.random.default_rng(seed)
    network = mlp(sizes, activation=activation, output_activation="sigmoid", rng=rng)
    randomise_biases(network, rng)
    inputs = rng.standard_normal((5, sizes[0]))
    targets = rng.uniform(0, 1, (5, sizes[-1]))
    assert smallest_hidden_preactivation(network, inputs) > 1e-4
    errors = check_gradients(network, SquaredError(), inputs, targets)
    assert set(errors) == set(network.parameters())
    assert max(errors.values()) < 1e-6


def test_mlp_structure():
    network = mlp([3, 4, 2], activation="tanh", output_activation="sigmoid", rng=0)
    kinds = [type(layer) for layer in network.layers]
    assert kinds == [Dense, Tanh, Dense, Sigmoid]
    assert (network.layers[0].in_features, network.layers[0].out_features) == (3, 4)
    assert (network.layers[2].in_features, network.layers[2].out_features) == (4, 2)
    assert network.in_features == 3 and network.dtype is np.float64
    assert isinstance(mlp([2, 1]).layers[-1], Identity)
    assert isinstance(mlp([2, 3, 1]).layers[1], ReLU)  # the default hidden activation


def test_parameter_names_and_count():
    network = mlp([3, 4, 2], rng=0)
    assert list(network.parameters()) == [
        "layers.0.weights",
        "layers.0.bias",
        "layers.2.weights",
        "layers.2.bias",
    ]
    assert list(network.gradients()) == list(network.parameters())
    assert network.n_parameters == 3 * 4 + 4 + 4 * 2 + 2
    without_bias = mlp([3, 4, 2], bias=False, rng=0)
    assert list(without_bias.parameters()) == ["layers.0.weights", "layers.2.weights"]
    assert without_bias.n_parameters == 3 * 4 + 4 * 2


def test_parameters_are_live_references(rng):
    network = mlp([2, 3, 1], rng=0)
    parameters = network.parameters()
    assert parameters["layers.2.weights"] is network.layers[2].params["weights"]
    inputs = rng.standard_normal((4, 2))
    before = network.predict(inputs)
    parameters["layers.2.bias"] += 1.0
    np.testing.assert_allclose(network.predict(inputs), before + 1.0)


def test_gradients_are_the_layers_gradients_after_backward(rng):
    network = mlp([2, 3, 1], rng=0)
    network.forward(rng.standard_normal((4, 2)))
    network.backward(np.ones((4, 1)))
    for name, gradient in network.gradients().items():
        index, key = name.split(".")[1:]
        assert gradient is network.layers[int(index)].grads[key]
        assert gradient.any()


def test_predict_with_batch_size_matches_predict_without(rng):
    network = mlp([3, 5, 2], activation="tanh", rng=0)
    inputs = rng.standard_normal((11, 3))
    expected = network.predict(inputs)
    for batch_size in (1, 2, 4, 10, 11, 50):
        np.testing.assert_allclose(network.predict(inputs, batch_size=batch_size), expected)


@pytest.mark.parametrize(
    ("batch_size", "error", "message"),
    [
        (0, ValueError, "batch_size must be > 0, got 0"),
        (-2, ValueError, "batch_size must be > 0, got -2"),
        (2.5, TypeError, "batch_size must be an integer, got 2.5"),
    ],
)
def test_predict_refuses_a_bad_batch_size(batch_size, error, message):
    with pytest.raises(error, match=message):
        mlp([3, 1], rng=0).predict(np.ones((4, 3)), batch_size=batch_size)


def test_predict_casts_to_the_network_dtype():
    network = mlp([3, 2], dtype=np.float32, rng=0)
    outputs = network.predict([[1, 2, 3]])
    assert outputs.dtype == np.float32 and outputs.shape == (1, 2)


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ([[1.0, np.nan, 0.0]], r"inputs contains a non-finite value nan at index \(0, 1\)"),
        ([[1.0, 0.0, 0.0], [0.0, 0.0, np.inf]], r"non-finite value inf at index \(1, 2\)"),
        ([[1.0, 2.0]], r"inputs must have 3 features \(columns\), got 2"),
        ("1 2 3", "inputs must be an array of numbers, got the string '1 2 3'"),
        ([["a", "b", "c"]], "inputs must contain only numbers"),
        ([1.0, 2.0, 3.0], r"inputs must be 2-dimensional \(samples, features\), got shape \(3,\)"),
        (np.zeros((0, 3)), r"inputs is empty \(shape \(0, 3\)\)"),
        ([[1.0, 2.0, 3.0], [1.0]], "inputs must be a rectangular array of numbers"),
        ([[1 + 2j, 0, 0]], "inputs holds complex numbers \\(dtype complex128\\)"),
    ],
)
def test_predict_refuses_bad_inputs(inputs, message):
    with pytest.raises(ValueError, match=message):
        mlp([3, 2, 1], rng=0).predict(inputs)


@pytest.mark.parametrize(
    ("inputs", "error", "message"),
    [
        (np.ones((2, 5)), ValueError, r"forward needs 3 features \(columns\), got 5 "
                                      r"\(shape \(2, 5\)\)"),
        (np.array([["a", "b", "c"]]), TypeError, "real numbers .*got dtype <U1 \\(not numbers"),
        ("abc", TypeError, "got dtype <U3"),
        (np.ones((2, 3)) + 1j, TypeError, "got dtype complex128 \\(complex numbers\\)"),
        (np.array([[1, "x", None]], dtype=object), TypeError, "got dtype object"),
        (np.ones(3), ValueError, r"2-dimensional array \(samples, features\), got shape \(3,\)"),
        ([[1.0, 2.0, 3.0], [1.0]], ValueError, "forward needs a rectangular array"),
    ],
)
def test_forward_names_inputs_of_the_wrong_width_or_dtype(inputs, error, message):
    network = mlp([3, 2, 1], rng=0)
    with pytest.raises(error, match=message):
        network.forward(inputs)
    with pytest.raises(error, match=message):
        network(inputs)


def test_forward_checks_the_width_of_a_network_that_starts_with_an_activation():
    network = Sequential([ReLU(), Dense(3, 1, rng=0)])
    with pytest.raises(ValueError, match="forward needs 3 features"):
        network.forward(np.ones((2, 4)))


def test_forward_casts_lists_bools_and_whole_numbers_to_the_network_dtype():
    network = mlp([3, 2], dtype=np.float32, rng=0)
    expected = network.forward(np.array([[1.0, 0.0, 1.0]], dtype=np.float32))
    for inputs in ([[1, 0, 1]], np.array([[True, False, True]]), np.array([[1, 0, 1]])):
        outputs = network.forward(inputs)
        assert outputs.dtype == np.float32 and np.array_equal(outputs, expected)


@pytest.mark.parametrize("sizes", [[], [3], (4,)])
def test_mlp_needs_at_least_two_sizes(sizes):
    with pytest.raises(ValueError, match="sizes needs at least an input and an output size"):
        mlp(sizes)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"activation": "wobbly"}, r"unknown activation 'wobbly'; known: .*relu.*sigmoid.*tanh"),
        ({"output_activation": "squiggle"}, r"unknown activation 'squiggle'; known: .*identity"),
        ({"initializer": "lumpy"}, r"unknown initializer 'lumpy'; known: .*he_normal"),
    ],
)
def test_mlp_refuses_unknown_names_and_lists_the_known_ones(arguments, message):
    with pytest.raises(ValueError, match=message):
        mlp([2, 3, 1], **arguments)


def test_mlp_refuses_a_zero_size_and_a_bad_dtype():
    with pytest.raises(ValueError, match="out_features must be > 0, got 0"):
        mlp([2, 0, 1])
    with pytest.raises(ValueError, match="dtype must be float32 or float64"):
        mlp([2, 1], dtype=np.int64)


def test_sequential_refuses_no_layers_and_non_layers():
    with pytest.raises(ValueError, match="needs at least one layer"):
        Sequential([])
    with pytest.raises(TypeError, match="layer 1 .* has no forward/backward methods"):
        Sequential([Dense(2, 2), "relu"])


def test_same_seed_builds_the_same_network():
    first, second = mlp([3, 4, 2], rng=5), mlp([3, 4, 2], rng=5)
    for name, value in first.parameters().items():
        np.testing.assert_array_equal(value, second.parameters()[name])


@PROPERTY
@given(
    sizes=st.lists(st.integers(1, 6), min_size=2, max_size=4),
    batch=st.integers(1, 7),
    activation=st.sampled_from(["sigmoid", "tanh", "relu", "leaky_relu", "identity"]),
    dtype=st.sampled_from([np.float32, np.float64]),
)
def test_network_keeps_shapes_and_dtype(sizes, batch, activation, dtype):
    network = mlp(sizes, activation=activation, rng=0, dtype=dtype)
    outputs = network.predict(np.ones((batch, sizes[0])))
    grad_inputs = network.backward(np.ones_like(outputs))
    assert outputs.shape == (batch, sizes[-1]) and outputs.dtype == dtype
    assert grad_inputs.shape == (batch, sizes[0]) and grad_inputs.dtype == dtype


def test_sequential_refuses_a_class_where_an_instance_belongs():
    with pytest.raises(TypeError, match=r"layer 1 is the class ReLU, not a layer instance: "
                                        r"write ReLU\(\)"):
        Sequential([Dense(2, 3), ReLU])
    with pytest.raises(TypeError, match="layer 0 is the class int"):
        Sequential([int])


def test_sequential_refuses_duck_typed_objects_that_are_not_layers():
    class Lookalike:
        def forward(self, inputs, training=False):
            return inputs

        def backward(self, grad_output):
            return grad_output

    with pytest.raises(TypeError, match="glassnet.layers.Layer subclass"):
        Sequential([Lookalike()])


def test_widths_that_do_not_chain_are_refused_naming_both_layers():
    with pytest.raises(ValueError, match=r"layer 2 \(Dense\(4, 1\)\) takes 4 features but the "
                                         r"layer before gives 3 \(layer 0, Dense\(2, 3\)\)"):
        Sequential([Dense(2, 3), ReLU(), Dense(4, 1)])
    with pytest.raises(ValueError, match=r"layer 1 \(Dense\(3, 1\)\) takes 3 .* gives 2 "
                                         r"\(layer 0, Standardize\(2 features\)\)"):
        Sequential([Standardize([0.0, 0.0], [1.0, 1.0]), Dense(3, 1)])
    assert Sequential([Dense(2, 3), Dropout(0.5), ReLU(), Dense(3, 1)]).out_features == 1


def test_backward_before_forward_names_the_layer():
    network = mlp([2, 3, 1], rng=0)
    with pytest.raises(RuntimeError, match="Identity|Dense: backward called before forward"):
        network.backward(np.ones((4, 1)))


def test_backward_without_input_gradient_returns_none_and_fills_gradients(rng):
    network = Sequential([Standardize([1.0, 2.0], [2.0, 4.0]), Dense(2, 3, rng=rng), ReLU(),
                          Dense(3, 1, rng=rng)])
    inputs = rng.standard_normal((5, 2))
    network.forward(inputs, training=True)
    full = network.backward(np.ones((5, 1)))
    expected = {name: value.copy() for name, value in network.gradients().items()}
    network.forward(inputs, training=True)
    assert full.shape == (5, 2) and network.backward(np.ones((5, 1)),
                                                     input_gradient=False) is None
    for name, value in network.gradients().items():
        np.testing.assert_array_equal(value, expected[name])


def test_mlp_puts_dropout_after_each_hidden_activation_and_preprocessing_first():
    scaler = Standardize([0.0, 1.0, 2.0], [1.0, 2.0, 3.0])
    network = mlp([3, 5, 4, 2], activation="tanh", dropout=0.25, preprocessing=scaler, rng=0)
    assert [type(layer).__name__ for layer in network.layers] == [
        "Standardize", "Dense", "Tanh", "Dropout", "Dense", "Tanh", "Dropout", "Dense",
        "Identity"]
    assert network.layers[0] is scaler and network.layers[3].rate == 0.25
    assert network.layers[3].rng is network.rng  # the network's rng draws every mask
    plain = mlp([3, 5, 4, 2], activation="tanh", rng=0)
    for name, value in plain.parameters().items():  # same seed, same weights
        index = int(name.split(".")[1])
        shifted = {0: 1, 2: 4, 4: 7}[index]
        np.testing.assert_array_equal(
            network.parameters()[name.replace(f"layers.{index}.", f"layers.{shifted}.")], value)


def test_mlp_refuses_bad_dropout_and_preprocessing_of_the_wrong_width():
    with pytest.raises(ValueError, match="dropout must be in"):
        mlp([2, 3, 1], dropout=1.0)
    with pytest.raises(ValueError, match=r"layer 1 \(Dense\(3, 4\)\) takes 3 features but the "
                                         r"layer before gives 2"):
        mlp([3, 4, 1], preprocessing=Standardize([0.0, 0.0], [1.0, 1.0]))
    with pytest.raises(TypeError, match="write Standardize()"):
        mlp([3, 4, 1], preprocessing=Standardize)


@pytest.mark.parametrize("batch_size", [None, 1, 7, 64, 1000])
def test_forward_in_chunks_equals_one_forward_pass(batch_size, rng):
    network = mlp([4, 16, 3], activation="relu", dropout=0.5, rng=0)
    inputs = rng.standard_normal((150, 4))
    chunked = network.forward_in_chunks(inputs, batch_size)
    # BLAS may round a 1-row product differently from a 150-row one: equal to the last bits
    np.testing.assert_allclose(chunked, network.forward(inputs, training=False), rtol=1e-13,
                               atol=1e-15)
    np.testing.assert_array_equal(network.predict(inputs, batch_size), chunked)


def test_mlp_refuses_an_activation_instance_where_it_needs_a_name_or_class():
    with pytest.raises(TypeError, match=r"activation must be a name such as 'relu' or a layer "
                                        r"class such as ReLU \(mlp makes one per layer\), got "
                                        r"ReLU\(\)"):
        mlp([2, 3, 1], activation=ReLU())
    with pytest.raises(TypeError, match="output_activation must be a name"):
        mlp([2, 3, 1], output_activation=len)
    assert isinstance(mlp([2, 3, 1], activation=Tanh, rng=0).layers[1], Tanh)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_predict_in_place_layers_give_forward_bit_for_bit_and_spare_the_inputs(dtype, rng):
    network = mlp([5, 30, 20, 4], activation="relu", output_activation="softmax", rng=0,
                  dtype=dtype)
    inputs = rng.standard_normal((64, 5)).astype(dtype)
    kept = inputs.copy()
    reused = network.forward_reusing(inputs)
    assert reused.tobytes() == network.forward(inputs).tobytes()
    assert np.array_equal(inputs, kept)
    made = []
    dense_forward = network.layers[0].forward
    network.layers[0].forward = lambda *arguments, **keywords: made.append(
        dense_forward(*arguments, **keywords)) or made[-1]
    network.forward_reusing(inputs)
    assert network.layers[1].outputs is made[0]  # the ReLU wrote over the Dense's array


def test_predict_runs_a_subclass_that_changes_forward_by_its_forward(rng):
    class Doubled(ReLU):
        def forward(self, inputs, training=False):
            self.outputs = 2 * np.maximum(inputs, 0)
            return self.outputs

    network = Sequential([Dense(3, 4, rng=0), Doubled(), Dense(4, 2, rng=1), Softmax()])
    inputs = rng.standard_normal((10, 3))
    assert np.array_equal(network.predict(inputs), network.forward(inputs))
    hidden = network.layers[0].forward(inputs)
    assert np.array_equal(network.layers[1].outputs, 2 * np.maximum(hidden, 0))


@pytest.mark.parametrize("first", [[ReLU()], [Softmax()], [Dropout(0.5), ReLU()],
                                   [Identity(), Softmax()]],
                         ids=["relu", "softmax", "dropout-relu", "identity-softmax"])
def test_predict_never_writes_over_the_callers_inputs_whatever_layer_comes_first(first, rng):
    # a layer that works in place must not be handed the caller's array, nor an array a
    # layer before it merely passed through (inference Dropout and Identity return inputs)
    network = Sequential([*first, Dense(6, 3, rng=0), Softmax()])
    inputs = rng.standard_normal((40, 6))
    kept = inputs.copy()
    predicted = network.predict(inputs)
    assert np.array_equal(inputs, kept)
    assert predicted.tobytes() == network.forward(kept, training=False).tobytes()
    assert np.array_equal(inputs, kept)


def test_forward_in_chunks_gives_each_layer_at_most_batch_size_rows(rng):
    class Rows(Identity):  # records how many rows each forward call is given
        seen: list[int] = []

        def forward(self, inputs, training=False):
            Rows.seen.append(len(inputs))
            return super().forward(inputs, training)

    network = Sequential([Dense(3, 2, rng=0), Rows()])
    inputs = rng.standard_normal((10, 3))
    network.forward_in_chunks(inputs, batch_size=4)
    assert Rows.seen == [4, 4, 2]
    Rows.seen.clear()
    network.forward_in_chunks(inputs, batch_size=10)  # one batch holds every row
    assert Rows.seen == [10]


def test_sequential_names_what_a_non_layer_lacks():
    class ForwardOnly:
        def forward(self, inputs, training=False):
            return inputs

    class Both(ForwardOnly):
        def backward(self, grad_output, input_gradient=True):
            return grad_output

    with pytest.raises(TypeError, match="layer 0 .* has no forward/backward methods: a layer"):
        Sequential([ForwardOnly()])
    with pytest.raises(TypeError, match=r"layer 0 \(.*Both.*\) a layer must be an instance"):
        Sequential([Both()])
