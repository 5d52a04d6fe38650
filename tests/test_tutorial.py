"""The seed's run, bit for bit, and the tutorial class's input handling."""

import numpy as np
import pytest

from glassnet import NeuralNetwork
from glassnet.tutorial import NEW_SITUATION, TRAINING_INPUTS, TRAINING_OUTPUTS, layered_network


def tutorial_loop(iterations):
    """The tutorial's own program, written out in bare numpy (SEED.md)."""
    random = np.random.RandomState(1)
    weights = 2 * random.random((3, 1)) - 1
    for _ in range(iterations):
        output = 1 / (1 + np.exp(-np.dot(TRAINING_INPUTS, weights)))
        error = TRAINING_OUTPUTS - output
        weights += np.dot(TRAINING_INPUTS.T, error * (output * (1 - output)))
    return weights


@pytest.fixture(scope="module")
def trained():
    network = NeuralNetwork()
    network.train(TRAINING_INPUTS, TRAINING_OUTPUTS, 15000)
    return network


def test_starting_weights_are_the_tutorials():
    expected = [-0.16595599, 0.44064899, -0.99977125]
    np.testing.assert_allclose(NeuralNetwork().synaptic_weights[:, 0], expected, atol=1e-8)


def test_golden_run_final_weights_and_answer(trained):
    np.testing.assert_allclose(trained.synaptic_weights[:, 0],
                               [10.08740896, -0.20695366, -4.83757835], atol=1e-8)
    answer = trained.think([1, 0, 0])
    assert answer.shape == (1,)
    assert abs(answer[0] - 0.9999584) < 1e-7
    assert round(float(answer[0]), 7) == 0.9999584


def test_golden_run_is_bit_for_bit_the_tutorials_loop(trained):
    reference = tutorial_loop(15000)
    assert np.array_equal(trained.synaptic_weights, reference)
    expected = 1 / (1 + np.exp(-np.dot(NEW_SITUATION, reference)))
    assert trained.think(NEW_SITUATION)[0] == expected[0]


def test_train_accepts_flat_targets_and_returns_history():
    network = NeuralNetwork()
    history = network.train(TRAINING_INPUTS, TRAINING_OUTPUTS[:, 0], 50)
    assert len(history) == 50
    assert history["loss"][-1] < history["loss"][0]
    assert np.array_equal(network.synaptic_weights, tutorial_loop(50))


@pytest.mark.parametrize("inputs", [[1, 0, 0], (1, 0, 0), np.array([1, 0, 0]),
                                    ["1", "0", "0"], np.array(["1", "0", "0"]),
                                    ["1.0", " 0", "0e0"]])
def test_think_accepts_what_the_tutorial_passes(trained, inputs):
    assert trained.think(inputs)[0] == trained.think(NEW_SITUATION)[0]


def test_think_on_rows_returns_a_column(trained):
    outputs = trained.think(TRAINING_INPUTS)
    assert outputs.shape == (4, 1)
    np.testing.assert_array_equal(np.round(outputs[:, 0]), TRAINING_OUTPUTS[:, 0])


@pytest.mark.parametrize("bad, fragment", [
    (["a", "0", "0"], "'a'"),
    ([1, 0], "shape (2,)"),
    ([[1, 0, 0, 1]], "shape (1, 4)"),
    ([1, 0, float("nan")], "finite"),
    ("100", "shape"),
    ([], "shape (0,)"),
    ([[[1, 0, 0]]], "shape (1, 1, 3)"),
])
def test_think_refuses_bad_input_naming_it(trained, bad, fragment):
    with pytest.raises(ValueError, match="think needs") as error:
        trained.think(bad)
    assert fragment in str(error.value)
    assert "(3,) or (samples, 3)" in str(error.value)


def test_train_refuses_bad_input():
    network = NeuralNetwork()
    with pytest.raises(ValueError, match="training_iterations must be >= 0, got -1"):
        network.train(TRAINING_INPUTS, TRAINING_OUTPUTS, -1)
    with pytest.raises(ValueError, match="training_outputs must hold one number per row of "
                                         "training_inputs, shape \\(4, 1\\) or \\(4,\\), got "
                                         "shape \\(3, 1\\)"):
        network.train(TRAINING_INPUTS, TRAINING_OUTPUTS[:3], 10)
    with pytest.raises(ValueError, match="training_inputs must have 3 features"):
        network.train(TRAINING_INPUTS[:, :2], TRAINING_OUTPUTS, 10)


@pytest.mark.parametrize(("arguments", "error", "message"), [
    ({"seed": "x"}, TypeError, "seed must be a whole number, got 'x'"),
    ({"seed": 1.5}, TypeError, "seed must be a whole number, got 1.5"),
    ({"seed": True}, TypeError, "seed must be a whole number, got True"),
    ({"seed": -1}, ValueError, "seed must be in \\[0, 2\\*\\*32\\), got -1"),
    ({"seed": 2**32}, ValueError, "seed must be in \\[0, 2\\*\\*32\\), got 4294967296"),
    ({"inputs": 0}, ValueError, "inputs must be > 0, got 0"),
    ({"inputs": -2}, ValueError, "inputs must be > 0, got -2"),
    ({"inputs": "3"}, TypeError, "inputs must be an integer, got '3'"),
])
def test_the_network_refuses_a_bad_seed_or_input_count_naming_it(arguments, error, message):
    with pytest.raises(error, match=f"^{message}$"):
        NeuralNetwork(**arguments)


def test_a_numpy_whole_number_seed_is_a_seed():
    assert np.array_equal(NeuralNetwork(seed=np.int64(1)).synaptic_weights,
                          NeuralNetwork(seed=1).synaptic_weights)


@pytest.mark.parametrize(("outputs", "message"), [
    (TRAINING_OUTPUTS * np.nan, "training_outputs contains a non-finite value nan"),
    (TRAINING_OUTPUTS.T, "training_outputs must hold one number per row .*got shape \\(1, 4\\)"),
    (np.ones((4, 2)), "training_outputs must hold one number per row .*got shape \\(4, 2\\)"),
    ("0110", "training_outputs must be an array of numbers"),
])
@pytest.mark.parametrize("method", ["train", "explain_step"])
def test_train_and_explain_step_name_bad_training_outputs(outputs, message, method):
    network = NeuralNetwork()
    with pytest.raises(ValueError, match=message):
        getattr(network, method)(TRAINING_INPUTS, outputs)
    assert np.array_equal(network.synaptic_weights, NeuralNetwork().synaptic_weights)


def test_train_names_non_finite_training_inputs_and_callbacks_that_are_not_a_list():
    with pytest.raises(ValueError, match="training_inputs contains a non-finite value nan"):
        NeuralNetwork().train(TRAINING_INPUTS * np.nan, TRAINING_OUTPUTS, 10)
    with pytest.raises(TypeError, match="callbacks must be a list of callbacks, got 5"):
        NeuralNetwork().train(TRAINING_INPUTS, TRAINING_OUTPUTS, 10, callbacks=5)


def test_explain_step_is_one_training_iteration():
    explained, trained = NeuralNetwork(), NeuralNetwork()
    for _ in range(3):
        numbers = explained.explain_step(TRAINING_INPUTS, TRAINING_OUTPUTS)
    trained.train(TRAINING_INPUTS, TRAINING_OUTPUTS, 3)
    assert np.array_equal(explained.synaptic_weights, trained.synaptic_weights)
    np.testing.assert_allclose(numbers["weighted_sums"], TRAINING_INPUTS @ numbers["weights"])
    np.testing.assert_allclose(numbers["errors"], TRAINING_OUTPUTS - numbers["outputs"])
    expected = TRAINING_INPUTS.T @ (numbers["errors"] * numbers["sigmoid_gradient"])
    np.testing.assert_allclose(numbers["adjustment"], expected)
    np.testing.assert_allclose(numbers["new_weights"], numbers["weights"] + expected)


def test_layered_network_learns_the_problem():
    from glassnet import GradientDescent, SquaredError, fit

    network = layered_network([4], seed=1)
    fit(network, TRAINING_INPUTS, TRAINING_OUTPUTS, SquaredError(reduction="sum"),
        GradientDescent(1.0), epochs=3000, shuffle=False)
    assert network.forward(NEW_SITUATION.reshape(1, 3))[0, 0] > 0.9
    assert np.all(np.abs(network.forward(TRAINING_INPUTS) - TRAINING_OUTPUTS) < 0.1)
