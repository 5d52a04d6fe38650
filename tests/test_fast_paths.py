"""The fast paths give the readable paths' numbers: the tutorial's specialised loop, Dense's
reused gradient arrays and skipped input gradient, chunked predict, in-place optimizers, the
fused softmax cross-entropy gradient, and the block-by-block finiteness check."""

from __future__ import annotations

import io
import tracemalloc

import numpy as np
import pytest

from glassnet import tutorial
from glassnet.activation_functions import row_maximum, row_sums, softmax
from glassnet.activations import ReLU
from glassnet.callbacks import Callback, ProgressBar
from glassnet.classification_losses import SoftmaxCrossEntropy
from glassnet.network import mlp
from glassnet.optimizers import SGD, Adam, GradientDescent
from glassnet.regression_losses import SquaredError
from glassnet.training import fit
from glassnet.tutorial import TRAINING_INPUTS, TRAINING_OUTPUTS, NeuralNetwork
from glassnet.validation import as_float_array, check_finite


def readable_train(network: NeuralNetwork, inputs, targets, iterations, learning_rate=1.0):
    """NeuralNetwork.train's readable path: the library's one training loop."""
    return fit(network.network, inputs, targets, loss=SquaredError(reduction="sum"),
               optimizer=GradientDescent(learning_rate), epochs=iterations,
               batch_size=None, shuffle=False)


def assert_same_training(fast, readable, fast_history, readable_history):
    assert np.array_equal(fast.synaptic_weights, readable.synaptic_weights)
    assert fast_history["loss"] == readable_history["loss"]  # every epoch, bit for bit
    assert fast_history["epoch"] == readable_history["epoch"]
    assert fast_history["learning_rate"] == readable_history["learning_rate"]
    assert [list(record) for record in fast_history.records] == \
        [list(record) for record in readable_history.records]
    assert all(time >= 0 for time in fast_history["time"])
    assert np.array_equal(fast.layer.grads["weights"], readable.layer.grads["weights"])


@pytest.mark.parametrize("iterations", [1, 2, tutorial.BLOCK + 5])
def test_tutorial_fast_path_is_bit_for_bit_the_readable_path(iterations):
    fast, readable = NeuralNetwork(), NeuralNetwork()
    fast_history = fast.train(TRAINING_INPUTS, TRAINING_OUTPUTS, iterations)
    readable_history = readable_train(readable, TRAINING_INPUTS, TRAINING_OUTPUTS, iterations)
    assert_same_training(fast, readable, fast_history, readable_history)


@pytest.mark.parametrize(("samples", "features", "learning_rate"),
                         [(5, 3, 0.5), (37, 4, 1.0), (9, 2, 3)])
def test_tutorial_fast_path_matches_on_other_data_and_steps(samples, features, learning_rate):
    rng = np.random.default_rng(samples)
    inputs = rng.standard_normal((samples, features))
    targets = rng.uniform(0, 1, samples)  # flat targets, as train accepts them
    fast, readable = NeuralNetwork(seed=3, inputs=features), NeuralNetwork(seed=3, inputs=features)
    fast_history = fast.train(inputs, targets, 300, learning_rate=learning_rate)
    readable_history = readable_train(readable, inputs, targets, 300, learning_rate)
    assert_same_training(fast, readable, fast_history, readable_history)


def test_tutorial_train_with_callbacks_takes_the_readable_path():
    class Count(Callback):
        epochs = 0

        def on_epoch_end(self, state):
            Count.epochs += 1

    network, readable = NeuralNetwork(), NeuralNetwork()
    history = network.train(TRAINING_INPUTS, TRAINING_OUTPUTS, 40, callbacks=[Count()])
    assert Count.epochs == 40
    assert history["loss"] == readable_train(readable, TRAINING_INPUTS, TRAINING_OUTPUTS,
                                             40)["loss"]


def test_tutorial_with_a_progress_bar_takes_the_fast_path(monkeypatch):
    # The CLI demo trains with a ProgressBar: it watches only, so the fast path runs and
    # moves the bar by every block of iterations.
    calls = []
    fast_path = tutorial.train_neuron
    monkeypatch.setattr(tutorial, "train_neuron",
                        lambda *args, **kwargs: calls.append(1) or fast_path(*args, **kwargs))
    stream = io.StringIO()
    bar = ProgressBar(stream=stream, delay=0.0, force=True)
    network, readable = NeuralNetwork(), NeuralNetwork()
    history = network.train(TRAINING_INPUTS, TRAINING_OUTPUTS, 2500, callbacks=[bar])
    readable_history = readable_train(readable, TRAINING_INPUTS, TRAINING_OUTPUTS, 2500)
    assert calls == [1]
    assert_same_training(network, readable, history, readable_history)
    assert bar.bar.n == 2500 and "/2500" in stream.getvalue()  # drawn as tqdm sees fit


def test_tutorial_huge_learning_rate_takes_the_readable_path():
    assert tutorial.cannot_diverge(np.ones((3, 1)), TRAINING_INPUTS, TRAINING_OUTPUTS,
                                   15000, 1.0)
    assert not tutorial.cannot_diverge(np.ones((3, 1)), TRAINING_INPUTS, TRAINING_OUTPUTS,
                                       15000, 1e299)


def test_tutorial_fast_path_refuses_what_fit_refuses():
    with pytest.raises(ValueError, match="inputs"):
        NeuralNetwork().train([[1.0, float("nan"), 0.0]] * 4, TRAINING_OUTPUTS, 10)


def test_dense_without_input_gradient_gives_the_same_parameter_gradients(rng):
    network = mlp([5, 4, 3], activation="tanh", rng=rng)
    inputs, upstream = rng.standard_normal((6, 5)), rng.standard_normal((6, 3))
    network.forward(inputs, training=True)
    grad_inputs = network.backward(upstream)
    full = {name: value.copy() for name, value in network.gradients().items()}
    network.forward(inputs, training=True)
    assert network.backward(upstream, input_gradient=False) is None
    assert grad_inputs.shape == (6, 5)
    for name, value in network.gradients().items():
        assert np.array_equal(value, full[name]), name


def test_training_backward_stops_at_the_first_layer_with_parameters(rng):
    from glassnet.network import Sequential
    from glassnet.preprocessing import Standardize

    inputs, upstream = rng.standard_normal((6, 5)), rng.standard_normal((6, 3))
    standardize = Standardize.fit(inputs)
    network = Sequential([standardize, *mlp([5, 4, 3], activation="tanh", rng=rng).layers])
    network.forward(inputs, training=True)
    assert network.backward(upstream).shape == (6, 5)
    full = {name: value.copy() for name, value in network.gradients().items()}
    calls = []
    standardize.backward = lambda grad_output: calls.append(grad_output)
    network.forward(inputs, training=True)
    assert network.backward(upstream, input_gradient=False) is None
    assert calls == []  # Standardize has nothing to learn: its backward is not run
    for name, value in network.gradients().items():
        assert np.array_equal(value, full[name]), name


def test_dense_reuses_its_gradient_arrays_and_they_hold_the_formula(rng):
    network = mlp([3, 2], rng=rng, dtype=np.float32)
    layer = network.layers[0]
    arrays = {name: id(value) for name, value in layer.grads.items()}
    for _ in range(2):
        inputs = rng.standard_normal((4, 3)).astype(np.float32)
        upstream = rng.standard_normal((4, 2)).astype(np.float32)
        network.forward(inputs)
        network.backward(upstream)
        assert {name: id(value) for name, value in layer.grads.items()} == arrays
        assert np.array_equal(layer.grads["weights"], inputs.T @ upstream)
        assert np.array_equal(layer.grads["bias"], upstream.sum(axis=0))
        assert layer.grads["weights"].dtype == np.float32


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_chunked_predict_equals_one_forward_pass(dtype, rng):
    network = mlp([6, 50, 3], activation="relu", output_activation="softmax", rng=rng,
                  dtype=dtype)
    inputs = rng.standard_normal((6000, 6)).astype(dtype)
    whole = network.forward(inputs)
    tolerance = 1e-6 if dtype == np.float32 else 1e-13
    assert network.chunk_rows(dtype) < 6000  # so that the default predict goes in chunks
    for batch_size in (None, 7, 5999, 6000):
        predicted = network.predict(inputs, batch_size=batch_size)
        assert predicted.dtype == dtype and predicted.shape == (6000, 3)
        np.testing.assert_allclose(predicted, whole, rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("bad", [0, -3, 2.5])
def test_predict_refuses_a_bad_batch_size(bad, rng):
    with pytest.raises((ValueError, TypeError), match=f"batch_size.*{bad}"):
        mlp([2, 1], rng=rng).predict(np.ones((3, 2)), batch_size=bad)


def textbook_adam(parameter, gradients, lr=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
    m, v = np.zeros_like(parameter), np.zeros_like(parameter)
    for t, g in enumerate(gradients, 1):
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        parameter = parameter - lr * (m / (1 - beta_1**t)) / (np.sqrt(v / (1 - beta_2**t))
                                                               + epsilon)
    return parameter


def textbook_sgd(parameter, gradients, lr, momentum, nesterov):
    velocity = np.zeros_like(parameter)
    for g in gradients:
        velocity = momentum * velocity - lr * g
        parameter = parameter + (momentum * velocity - lr * g if nesterov else velocity)
    return parameter


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_in_place_optimizers_equal_the_textbook_formulas(dtype, rng):
    start = rng.standard_normal((4, 3)).astype(dtype)
    gradients = [rng.standard_normal((4, 3)).astype(dtype) for _ in range(5)]
    cases = [(Adam(1e-3), textbook_adam(start, gradients)),
             (SGD(0.1, momentum=0.9), textbook_sgd(start, gradients, 0.1, 0.9, False)),
             (SGD(0.1, momentum=0.9, nesterov=True),
              textbook_sgd(start, gradients, 0.1, 0.9, True))]
    for optimizer, expected in cases:
        parameter = start.copy()
        for gradient in gradients:
            optimizer.step({"w": parameter}, {"w": gradient})
        assert parameter.dtype == dtype
        assert np.array_equal(parameter, expected.astype(dtype)), optimizer


def test_fused_softmax_cross_entropy_gradient_is_softmax_minus_one_hot(rng):
    logits = rng.standard_normal((8, 5)) * 10
    labels = rng.integers(0, 5, 8)
    loss = SoftmaxCrossEntropy()
    loss.forward(logits, labels)
    first, second = loss.backward(), loss.backward()
    expected = (softmax(logits) - np.eye(5)[labels]) / 8
    assert np.array_equal(first, expected)
    assert np.array_equal(second, expected)  # the cache is used once, then recomputed


@pytest.mark.parametrize("shape", [(300, 10), (320, 10), (400, 10), (64, 2), (5, 1), (4, 16),
                                   (6, 17), (9, 40)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_in_place_softmax_and_row_maximum_equal_the_textbook(shape, dtype, rng):
    logits = (rng.standard_normal(shape) * 30).astype(dtype)
    largest = logits.max(axis=1, keepdims=True)
    exponentials = np.exp(logits - largest)
    expected = exponentials / exponentials.sum(axis=1, keepdims=True)
    assert np.array_equal(row_maximum(logits), largest)  # max is exact: bit for bit
    result = softmax(logits)
    # Short rows are summed by a BLAS product (row_sums): the same sums in another order, so
    # within (columns) units in the last place of the result (plus the smallest normal, for
    # quotients among the subnormals).
    resolution = np.finfo(dtype)
    assert result.dtype == dtype
    np.testing.assert_allclose(result, expected, rtol=shape[1] * resolution.eps,
                               atol=resolution.tiny)
    if shape[1] > 16:  # wide rows keep numpy's own sum: bit for bit
        assert np.array_equal(result, expected)
    with_nan = logits.copy()
    with_nan[0, -1] = np.nan
    assert np.isnan(row_maximum(with_nan)[0, 0])


@pytest.mark.parametrize("columns", [1, 2, 10, 16, 17, 40])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_row_sums_equal_numpy_sums_within_rounding(columns, dtype, rng):
    values = (rng.standard_normal((257, columns)) * 10).astype(dtype)
    expected = values.sum(axis=1, keepdims=True)
    sums = row_sums(values)
    assert sums.shape == (257, 1) and sums.dtype == dtype
    # |error| <= columns * eps * sum |x| for any order of the additions.
    bound = columns * np.finfo(dtype).eps * np.abs(values).sum(axis=1, keepdims=True)
    assert np.all(np.abs(sums - expected) <= bound)
    if columns > 16:
        assert np.array_equal(sums, expected)  # wide rows: numpy's own sum
    assert np.array_equal(row_sums(values.astype(np.float16)),
                          values.astype(np.float16).sum(axis=1, keepdims=True))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_against_a_row_of_zeros_is_the_textbook_maximum(dtype, rng):
    special = [-0.0, 0.0, np.nan, -np.nan, np.inf, -np.inf, 1e-45, -1e-45, 3.0, -2.0]
    inputs = np.concatenate([np.array([special] * 3, dtype=dtype),
                             rng.standard_normal((40, 10)).astype(dtype)])
    with np.errstate(invalid="ignore"):
        outputs = ReLU().forward(inputs)
        expected = np.maximum(inputs, 0)
    assert outputs.dtype == dtype
    assert outputs.tobytes() == expected.tobytes()  # bit for bit, signs of zero and NaN too


def test_float32_training_stays_float32(rng):
    network = mlp([4, 8, 3], rng=rng, dtype=np.float32)
    optimizer = Adam(np.float64(1e-3))  # a float64 scalar must not turn the arrays float64
    fit(network, rng.standard_normal((20, 4)), rng.integers(0, 3, 20), SoftmaxCrossEntropy(),
        optimizer, epochs=2, batch_size=8, rng=0)
    arrays = [*network.parameters().values(), *network.gradients().values()]
    arrays += [value for state in optimizer.state.values() for value in state.values()
               if isinstance(value, np.ndarray)]
    assert {array.dtype for array in arrays} == {np.dtype(np.float32)}


def test_finiteness_check_names_the_first_bad_value_past_the_first_block():
    array = np.zeros((70_000, 3), dtype=np.float32)
    array[65_537, 2] = -np.inf
    with pytest.raises(ValueError, match=r"x contains a non-finite value -inf at index "
                                         r"\(65537, 2\)"):
        check_finite("x", array)
    check_finite("x", np.zeros((3, 0)))


def test_finiteness_check_makes_no_full_size_copy():
    array = np.ones((500_000, 8), dtype=np.float32)  # 16 MB
    tracemalloc.start()
    try:
        as_float_array("inputs", array, dtype=np.float32)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000, peak  # the old np.isfinite(array).all() took 4 MB of booleans
