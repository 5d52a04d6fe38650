"""BatchNormalization: the forward formula in both modes, the running statistics (PyTorch's
momentum convention), gradients by finite differences in float64 (training and inference
mode), float32 against float64, and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.gradcheck import numerical_gradient, relative_error
from glassnet.normalization import BatchNormalization


def layer_with_values(rng, features=3, dtype=np.float64, momentum=0.1):
    layer = BatchNormalization(features, momentum=momentum, dtype=dtype)
    layer.params["gamma"][...] = rng.uniform(0.5, 2.0, features)
    layer.params["beta"][...] = rng.standard_normal(features)
    layer.buffers["running_mean"][...] = rng.standard_normal(features)
    layer.buffers["running_variance"][...] = rng.uniform(0.5, 2.0, features)
    return layer


def test_training_forward_is_the_whole_batch_formula(rng):
    layer = layer_with_values(rng)
    inputs = rng.normal(3.0, 2.0, (8, 3))
    outputs = layer.forward(inputs, training=True)
    mean, variance = inputs.mean(axis=0), inputs.var(axis=0)
    expected = (layer.params["gamma"] * (inputs - mean) / np.sqrt(variance + 1e-5)
                + layer.params["beta"])
    np.testing.assert_allclose(outputs, expected, rtol=1e-12)


def test_running_statistics_follow_pytorch_momentum(rng):
    layer = layer_with_values(rng, momentum=0.25)
    before_mean = layer.buffers["running_mean"].copy()
    before_variance = layer.buffers["running_variance"].copy()
    inputs = rng.standard_normal((5, 3))
    layer.forward(inputs, training=True)
    np.testing.assert_allclose(layer.buffers["running_mean"],
                               0.75 * before_mean + 0.25 * inputs.mean(axis=0))
    np.testing.assert_allclose(layer.buffers["running_variance"],
                               0.75 * before_variance + 0.25 * inputs.var(axis=0, ddof=1))
    layer.forward(inputs, training=False)  # inference leaves them alone
    np.testing.assert_allclose(layer.buffers["running_mean"],
                               0.75 * before_mean + 0.25 * inputs.mean(axis=0))


def test_inference_uses_the_running_statistics_row_by_row(rng):
    layer = layer_with_values(rng)
    inputs = rng.standard_normal((6, 3))
    outputs = layer.forward(inputs, training=False)
    running = layer.buffers
    expected = (layer.params["gamma"] * (inputs - running["running_mean"])
                / np.sqrt(running["running_variance"] + 1e-5) + layer.params["beta"])
    np.testing.assert_allclose(outputs, expected, rtol=1e-12)
    np.testing.assert_allclose(layer.forward(inputs[:1]), outputs[:1], rtol=1e-12)


def test_running_statistics_converge_to_the_data(rng):
    layer = BatchNormalization(2, momentum=0.1)
    data = rng.normal([5.0, -1.0], [3.0, 0.5], (20000, 2))
    for start in range(0, len(data), 100):
        layer.forward(data[start:start + 100], training=True)
    np.testing.assert_allclose(layer.buffers["running_mean"], [5.0, -1.0], atol=0.15)
    np.testing.assert_allclose(layer.buffers["running_variance"], [9.0, 0.25], rtol=0.1)


@pytest.mark.parametrize("training", [True, False])
def test_gradients_match_finite_differences(training, rng):
    layer = layer_with_values(rng, features=4)
    inputs = rng.normal(1.0, 2.0, (7, 4))
    weights = rng.standard_normal((7, 4))  # loss = sum(weights * outputs)

    def loss() -> float:
        return float(np.sum(weights * layer.forward(inputs, training=training)))

    loss()
    grad_inputs = layer.backward(weights.copy())
    analytic = {name: gradient.copy() for name, gradient in layer.grads.items()}
    assert relative_error(grad_inputs, numerical_gradient(loss, inputs)) < 1e-7
    for name in ("gamma", "beta"):
        numerical = numerical_gradient(loss, layer.params[name])
        assert relative_error(analytic[name], numerical) < 1e-7, name


def test_training_gradient_inside_a_network(rng):
    from glassnet.layers import Dense
    from glassnet.losses import SoftmaxCrossEntropy
    from glassnet.network import Sequential

    network = Sequential([Dense(3, 5, rng=rng), BatchNormalization(5), Dense(5, 3, rng=rng)],
                         rng=rng)
    loss = SoftmaxCrossEntropy()
    inputs, targets = rng.standard_normal((9, 3)), rng.integers(0, 3, 9)

    def total() -> float:
        return loss.forward(network.forward(inputs, training=True), targets)

    total()
    network.backward(loss.backward())
    analytic = {name: gradient.copy() for name, gradient in network.gradients().items()}
    for name, parameter in network.parameters().items():
        # the first Dense layer's bias has gradient 0: the batch mean removes it
        np.testing.assert_allclose(analytic[name], numerical_gradient(total, parameter),
                                   rtol=1e-6, atol=1e-8, err_msg=name)
    assert np.abs(analytic["layers.0.bias"]).max() < 1e-12


def test_float32_agrees_with_float64(rng):
    layer64 = layer_with_values(rng)
    layer32 = BatchNormalization(3, dtype=np.float32)
    for store in ("params", "buffers"):
        for name, value in getattr(layer64, store).items():
            getattr(layer32, store)[name][...] = value
    inputs = rng.standard_normal((16, 3))
    grad = rng.standard_normal((16, 3))
    for training in (True, False):
        out64 = layer64.forward(inputs, training=training)
        out32 = layer32.forward(inputs.astype(np.float32), training=training)
        assert out32.dtype == np.float32
        np.testing.assert_allclose(out32, out64, rtol=1e-5, atol=1e-5)
        back64 = layer64.backward(grad)
        back32 = layer32.backward(grad.astype(np.float32))
        assert back32.dtype == np.float32 and layer32.grads["gamma"].dtype == np.float32
        np.testing.assert_allclose(back32, back64, rtol=1e-4, atol=1e-5)


def test_array_shapes_and_config_rebuild_the_layer():
    layer = BatchNormalization(4, momentum=0.2, epsilon=1e-3)
    rebuilt = BatchNormalization(**layer.config())
    assert rebuilt.config() == layer.config()
    shapes = BatchNormalization.array_shapes(layer.config())
    assert shapes == {name: (4,) for name in ("gamma", "beta", "running_mean",
                                              "running_variance")}
    assert set(layer.params) | set(layer.buffers) == set(shapes)


def test_bad_input_is_refused(rng):
    with pytest.raises(ValueError, match="at least 2 rows per training batch"):
        BatchNormalization(3).forward(rng.standard_normal((1, 3)), training=True)
    with pytest.raises(ValueError, match=r"takes inputs \(batch, 3\), got shape \(4, 2\)"):
        BatchNormalization(3).forward(rng.standard_normal((4, 2)))
    with pytest.raises(ValueError, match="momentum must be in"):
        BatchNormalization(3, momentum=1.5)
    with pytest.raises(ValueError, match="epsilon must be > 0"):
        BatchNormalization(3, epsilon=0.0)
    with pytest.raises(TypeError, match="features must be an integer"):
        BatchNormalization(2.5)
    with pytest.raises(ValueError, match="features must be a whole number"):
        BatchNormalization.array_shapes({"features": -1})


def test_backward_before_forward_says_so():
    from glassnet.layers import ForwardFirstError

    with pytest.raises(ForwardFirstError, match="backward called before forward"):
        BatchNormalization(3).backward(np.ones((2, 3)))


def test_a_network_with_batch_normalization_saves_and_loads(tmp_path, rng):
    from glassnet import Adam, fit, load, save
    from glassnet.layers import Dense
    from glassnet.losses import SquaredError
    from glassnet.network import Sequential

    network = Sequential([Dense(3, 8, rng=rng), BatchNormalization(8), Dense(8, 1, rng=rng)],
                         rng=rng)
    inputs = rng.normal(4.0, 3.0, (64, 3))
    targets = inputs @ np.array([[1.0], [-2.0], [0.5]])
    fit(network, inputs, targets, SquaredError(), Adam(0.01), epochs=3, batch_size=16, rng=rng)
    running = network.layers[1].buffers
    assert not np.allclose(running["running_mean"], 0)  # training moved them
    save(network, tmp_path / "bn.glassnet")
    loaded = load(tmp_path / "bn.glassnet").network
    for name, value in running.items():
        np.testing.assert_array_equal(loaded.layers[1].buffers[name], value)
    for name, value in network.parameters().items():
        np.testing.assert_array_equal(loaded.parameters()[name], value)
    np.testing.assert_array_equal(loaded.predict(inputs), network.predict(inputs))
    assert loaded.layers[1].config() == network.layers[1].config()


def test_gradients_stay_in_the_flat_vector_and_gamma_beta_train(rng):
    from glassnet import Adam, fit
    from glassnet.flat import tiled_vector
    from glassnet.layers import Dense
    from glassnet.losses import SquaredError
    from glassnet.network import Sequential

    network = Sequential([Dense(3, 8, rng=rng), BatchNormalization(8), Dense(8, 1, rng=rng)],
                         rng=rng)
    inputs = rng.normal(2.0, 3.0, (64, 3))
    targets = inputs @ np.array([[1.0], [-2.0], [0.5]])
    fit(network, inputs, targets, SquaredError(), Adam(0.01), epochs=2, batch_size=16, rng=rng)
    assert tiled_vector(network.gradients().values()) is not None  # written in place
    assert not np.allclose(network.layers[1].params["gamma"], 1.0)
    assert not np.allclose(network.layers[1].params["beta"], 0.0)
