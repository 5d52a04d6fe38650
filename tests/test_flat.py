"""The flat parameter and gradient vectors: views that tile them, values kept, the loader's
and early stopping's array handling survived, get/set of the vector, and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet import (
    SGD,
    Adam,
    Dense,
    EarlyStopping,
    ReLU,
    Sequential,
    SoftmaxCrossEntropy,
    fit,
    mlp,
    training,
)
from glassnet.flat import (
    flatten,
    flatten_if_possible,
    parameters_to_vector,
    tiled_vector,
    vector_to_parameters,
)
from glassnet.serialization import load, save


def network(rng, dtype=np.float64):
    return mlp([4, 6, 5, 3], activation="relu", rng=rng, dtype=dtype)


def assert_tiles(arrays, vector):
    assert tiled_vector(arrays) is vector
    assert sum(array.size for array in arrays) == vector.size


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_flatten_makes_views_of_one_vector_and_keeps_every_value(dtype, rng):
    net = network(rng, dtype)
    inputs = rng.standard_normal((7, 4)).astype(dtype)
    before = {name: value.copy() for name, value in net.parameters().items()}
    outputs = net.forward(inputs)
    flat = flatten(net)
    parameters = net.parameters()
    assert_tiles(list(parameters.values()), flat.vector)
    assert_tiles(list(net.gradients().values()), flat.gradient)
    assert flat.vector.dtype == flat.gradient.dtype == dtype
    assert flat.vector.size == net.n_parameters
    expected = np.concatenate([value.ravel() for value in before.values()])
    assert np.array_equal(flat.vector, expected)
    for name, value in parameters.items():
        assert np.array_equal(value, before[name])
        assert np.shares_memory(value, flat.vector)
        start, stop = flat.offsets[name]
        assert np.array_equal(flat.vector[start:stop], before[name].ravel())
    assert np.array_equal(net.forward(inputs), outputs)


def test_flatten_twice_copies_nothing(rng):
    net = network(rng)
    first = flatten(net)
    second = flatten(net)
    assert second.vector is first.vector and second.gradient is first.gradient


def test_writes_through_the_vector_reach_the_layers_and_back(rng):
    net = network(rng)
    flat = flatten(net)
    flat.vector[:] = np.arange(flat.vector.size)
    first = net.layers[0].params["weights"]
    assert first[0, 0] == 0 and first[0, 1] == 1 and first.shape == (4, 6)
    net.layers[2].params["bias"][...] = -1.0
    start, stop = flat.offsets["layers.2.bias"]
    assert np.all(flat.vector[start:stop] == -1.0)
    assert flat.views(flat.vector)["layers.2.bias"] is not None


def test_backward_writes_the_gradient_vector(rng):
    net = network(rng)
    flat = flatten(net)
    loss = SoftmaxCrossEntropy()
    inputs, labels = rng.standard_normal((9, 4)), rng.integers(0, 3, 9)
    loss.forward(net.forward(inputs, training=True), labels)
    net.backward(loss.backward(), input_gradient=False)
    gradients = net.gradients()
    assert_tiles(list(gradients.values()), flat.gradient)
    assert np.array_equal(flat.gradient,
                          np.concatenate([value.ravel() for value in gradients.values()]))
    assert np.any(flat.gradient != 0)


def test_an_array_put_in_by_hand_is_taken_back_into_a_new_vector(rng):
    net = network(rng)
    old = flatten(net).vector
    replacement = rng.standard_normal((4, 6))
    net.layers[0].params["weights"] = replacement  # as the model-file loader does
    assert tiled_vector(net.parameters().values()) is None
    flat = flatten(net)
    assert flat.vector is not old
    assert np.array_equal(net.layers[0].params["weights"], replacement)
    assert_tiles(list(net.parameters().values()), flat.vector)


def test_a_loaded_model_trains_on_the_flat_path(tmp_path, rng):
    net = network(rng)
    inputs, labels = rng.standard_normal((30, 4)), rng.integers(0, 3, 30)
    fit(net, inputs, labels, SoftmaxCrossEntropy(), Adam(0.01), epochs=2, batch_size=10, rng=0)
    save(net, tmp_path / "model.glassnet")
    loaded = load(tmp_path / "model.glassnet").network
    assert np.array_equal(parameters_to_vector(loaded), parameters_to_vector(net))
    optimizer = Adam(0.01)
    fit(loaded, inputs, labels, SoftmaxCrossEntropy(), optimizer, epochs=1, batch_size=10, rng=0)
    vector = tiled_vector(loaded.parameters().values())
    assert vector is not None
    assert tiled_vector([state["m"] for state in optimizer.state.values()]) is not None


def test_early_stopping_restores_into_the_views(rng):
    net = network(rng)
    inputs, labels = rng.standard_normal((40, 4)), rng.integers(0, 3, 40)
    stopper = EarlyStopping("loss", patience=1)
    fit(net, inputs, labels, SoftmaxCrossEntropy(), Adam(0.5), epochs=30, batch_size=8, rng=0,
        callbacks=[stopper])
    assert stopper.best_epoch is not None
    vector = tiled_vector(net.parameters().values())
    assert vector is not None
    assert np.array_equal(vector, np.concatenate([stopper.best_weights[name].ravel()
                                                  for name in net.parameters()]))


def test_parameters_to_vector_and_back(rng):
    net = network(rng, np.float32)
    vector = parameters_to_vector(net)
    assert vector.dtype == np.float32 and vector.shape == (net.n_parameters,)
    vector[0] = 123.0  # a copy: the network does not change
    assert net.layers[0].params["weights"][0, 0] != 123.0
    new = rng.standard_normal(net.n_parameters)  # float64, cast to the network's float32
    vector_to_parameters(new, net)
    assert np.array_equal(parameters_to_vector(net), new.astype(np.float32))
    assert net.layers[-2].params["bias"][-1] == np.float32(new[-1])


@pytest.mark.parametrize("bad, message", [
    (np.zeros(3), r"shape \(83,\), got \(3,\)"),
    (np.zeros((83, 1)), r"shape \(83,\)"),
    (np.full(83, np.nan), "finite"),
    (np.array(["a"] * 83), "finite numbers"),
])
def test_vector_to_parameters_refuses_bad_vectors_and_changes_nothing(bad, message, rng):
    net = network(rng)
    assert net.n_parameters == 83
    before = parameters_to_vector(net)
    with pytest.raises(ValueError, match=message):
        vector_to_parameters(bad, net)
    assert np.array_equal(parameters_to_vector(net), before)


def test_flatten_refuses_what_it_cannot_flatten(rng):
    with pytest.raises(TypeError, match="needs a network with .layers"):
        flatten(object())
    with pytest.raises(ValueError, match="no parameters"):
        flatten(Sequential([ReLU()]))
    mixed = Sequential([Dense(2, 3, dtype=np.float32), ReLU(), Dense(3, 1, dtype=np.float64)])
    with pytest.raises(ValueError, match="one dtype"):
        flatten(mixed)
    assert flatten_if_possible(mixed) is None
    assert flatten_if_possible(Sequential([ReLU()])) is None


def test_tiled_vector_says_no_to_anything_but_an_exact_tiling():
    vector = np.arange(10.0)
    first, second = vector[:4].reshape(2, 2), vector[4:]
    assert tiled_vector([first, second]) is vector
    assert tiled_vector([second, first]) is None  # out of order
    assert tiled_vector([first]) is None  # does not cover the vector
    assert tiled_vector([vector[:4], vector[5:]]) is None  # a gap
    assert tiled_vector([vector[::2], vector[1::2]]) is None  # not contiguous
    assert tiled_vector([np.zeros(3), np.zeros(3)]) is None  # separate arrays
    assert tiled_vector([vector[:4], vector[4:].view(np.int64)]) is None  # another dtype
    assert tiled_vector([]) is None


@pytest.mark.parametrize("optimizer, exact", [
    (lambda: SGD(0.05, momentum=0.9, nesterov=True), True),
    (lambda: Adam(0.01), False),
])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fit_on_the_flat_path_equals_fit_array_by_array(optimizer, exact, dtype, rng,
                                                        monkeypatch):
    inputs = rng.standard_normal((50, 4)).astype(dtype)
    labels = rng.integers(0, 3, 50)

    def train():
        net = network(np.random.default_rng(1), dtype)
        chosen = optimizer()
        history = fit(net, inputs, labels, SoftmaxCrossEntropy(), chosen, epochs=3,
                      batch_size=16, rng=0, l2=1e-3)
        return net, chosen, history

    flat_net, flat_optimizer, flat_history = train()
    monkeypatch.setattr(training, "flatten_if_possible", lambda network: None)
    separate_net, separate_optimizer, separate_history = train()
    assert flat_optimizer.joined is not None and separate_optimizer.joined is None
    assert tiled_vector(separate_net.parameters().values()) is None
    flat_vector = tiled_vector(flat_net.parameters().values())
    separate_vector = np.concatenate([v.ravel() for v in separate_net.parameters().values()])
    if exact:
        assert np.array_equal(flat_vector, separate_vector)
        assert flat_history["loss"] == separate_history["loss"]
    else:  # rearranged Adam: a few roundings per step, 12 steps
        eps = np.finfo(dtype).eps
        np.testing.assert_allclose(flat_vector, separate_vector, rtol=200 * eps, atol=200 * eps)


def test_arrays_over_bytes_tile_nothing_and_are_flattened_keeping_their_values():
    # Dask sends networks with pickle protocol 5: arrays may come back over bytes objects.
    network = mlp([3, 4, 2], rng=0)
    expected = parameters_to_vector(network)
    for layer in network.layers:
        for name, array in getattr(layer, "params", {}).items():
            layer.params[name] = np.frombuffer(array.tobytes()).reshape(array.shape).copy() \
                if array.ndim > 1 else np.frombuffer(array.tobytes())
    bias = network.layers[0].params["bias"]
    assert isinstance(bias.base, bytes)
    assert tiled_vector([bias]) is None
    flat = flatten(network)
    np.testing.assert_array_equal(flat.vector, expected)
    assert tiled_vector(network.parameters().values()) is flat.vector
