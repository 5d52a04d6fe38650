"""Tracing: one step's numbers equal fit's bit for bit; the step's numpy code reproduces them."""

import numpy as np
import pytest

from glassnet.activations import ReLU, Sigmoid, Tanh
from glassnet.layers import Dense, Dropout
from glassnet.losses import BinaryCrossEntropy, SoftmaxCrossEntropy, SquaredError
from glassnet.network import Sequential, mlp
from glassnet.optimizers import SGD, Adam, GradientDescent
from glassnet.stepcode import step_code, step_namespace
from glassnet.tracing import Trace, trace_step
from glassnet.training import fit
from glassnet.tutorial import TRAINING_INPUTS, TRAINING_OUTPUTS, layered_network


def twins(build):
    return build(), build()


def test_trace_equals_one_full_batch_epoch_of_fit_bit_for_bit():
    traced, fitted = twins(lambda: layered_network([4], seed=3))
    loss = SquaredError(reduction="sum")
    trace = trace_step(traced, TRAINING_INPUTS, TRAINING_OUTPUTS, loss, GradientDescent(1.0))
    history = fit(fitted, TRAINING_INPUTS, TRAINING_OUTPUTS, loss, GradientDescent(1.0),
                  epochs=1)
    assert trace.loss == history["loss"][0]
    for name, value in fitted.parameters().items():
        assert np.array_equal(trace.new_parameters[name], value), name
        assert np.array_equal(traced.parameters()[name], value), name
        assert np.array_equal(trace.gradients[name], fitted.gradients()[name]), name


@pytest.mark.parametrize("optimizer", [lambda: SGD(0.1, momentum=0.9, nesterov=True),
                                       lambda: Adam(0.01)])
def test_trace_with_penalty_and_stateful_optimizer_equals_fit(rng, optimizer):
    inputs, labels = rng.normal(size=(12, 2)), rng.integers(0, 3, 12)

    def build():
        return mlp([2, 5, 3], activation="tanh", rng=np.random.default_rng(7))
    traced, fitted = twins(build)
    first, second = optimizer(), optimizer()
    fit(traced, inputs, labels, SoftmaxCrossEntropy(), first, epochs=2, l2=0.01)
    fit(fitted, inputs, labels, SoftmaxCrossEntropy(), second, epochs=3, l2=0.01)
    trace = trace_step(traced, inputs, labels, SoftmaxCrossEntropy(), first, l2=0.01)
    for name, value in fitted.parameters().items():
        assert np.array_equal(trace.new_parameters[name], value), name


def test_each_layer_records_inputs_outputs_and_gradients():
    network = layered_network([4])
    trace = trace_step(network, TRAINING_INPUTS, TRAINING_OUTPUTS,
                       SquaredError(reduction="sum"), GradientDescent())
    dense, sigmoid = trace.layers[0], trace.layers[1]
    weights = trace.parameters["layers.0.weights"]
    assert np.array_equal(dense.outputs, TRAINING_INPUTS @ weights +
                          trace.parameters["layers.0.bias"])
    assert np.array_equal(sigmoid.inputs, dense.outputs)
    assert np.array_equal(trace.layers[-1].grad_outputs, trace.predictions - TRAINING_OUTPUTS)
    assert dense.grad_inputs is None  # the data's gradient is never computed, as in fit
    assert np.array_equal(trace.data_gradients["layers.0.weights"],
                          TRAINING_INPUTS.T @ dense.grad_outputs)
    assert [step.symbol for step in trace.layers] == ["z1", "a1", "z2", "a2"]
    assert "forward" not in vars(network.layers[0])  # the recorders are gone


CASES = {
    "sigmoid, summed squares, gradient descent": (
        lambda: layered_network([4, 2]), SquaredError(reduction="sum"), GradientDescent(1.0),
        {}),
    "relu, dropout, L1 + L2, momentum": (
        lambda: Sequential([Dense(3, 5, rng=np.random.default_rng(1)), ReLU(), Dropout(0.3),
                            Dense(5, 1, rng=np.random.default_rng(2)), Sigmoid()],
                           rng=np.random.default_rng(3)),
        SquaredError(), SGD(0.5, momentum=0.9), {"l1": 0.01, "l2": 0.02}),
    "tanh, logits, Adam": (
        lambda: Sequential([Dense(3, 4, rng=np.random.default_rng(1)), Tanh(),
                            Dense(4, 1, rng=np.random.default_rng(2))]),
        BinaryCrossEntropy(), Adam(0.1), {}),
}


@pytest.mark.parametrize("case", CASES)
def test_the_steps_numpy_code_reproduces_the_numbers(case):
    build, loss, optimizer, penalties = CASES[case]
    trace = trace_step(build(), TRAINING_INPUTS, TRAINING_OUTPUTS, loss, optimizer,
                       **penalties)
    code, names = step_code(trace), step_namespace(trace)
    exec(compile(code, "step", "exec"), names)  # noqa: S102 (our own generated code)
    assert names["loss"] == pytest.approx(trace.loss, rel=1e-14)
    for step in trace.layers:
        assert np.allclose(names[step.symbol], step.outputs, rtol=1e-14, atol=0)
    for name, value in trace.new_parameters.items():
        assert np.allclose(names[trace.symbol_of(name)], value, rtol=1e-13, atol=1e-16), name


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_code_of_squared_error_over_several_outputs(rng, reduction):
    network = mlp([3, 4, 2], activation="relu", rng=np.random.default_rng(2))
    targets = rng.normal(size=(4, 2))
    trace = trace_step(network, TRAINING_INPUTS, targets, SquaredError(reduction=reduction),
                       SGD(0.1))
    names = step_namespace(trace)
    exec(compile(step_code(trace), "step", "exec"), names)  # noqa: S102
    assert names["loss"] == pytest.approx(trace.loss, rel=1e-14)
    assert np.allclose(names["W1"], trace.new_parameters["layers.0.weights"], rtol=1e-13)


def test_code_carries_the_real_shapes():
    trace = trace_step(layered_network([4]), TRAINING_INPUTS, TRAINING_OUTPUTS,
                       SquaredError(reduction="sum"), GradientDescent())
    code = trace.code()
    assert "z1 = X @ W1 + b1  # (4, 3) @ (3, 4) + (4,) -> (4, 4)" in code
    assert "dW1 = X.T @ dz1  # (3, 4) @ (4, 4) -> (3, 4)" in code
    assert "W2 = W2 - lr * dW2  # (4, 1)" in code


def test_table_and_html_show_every_quantity():
    trace = trace_step(layered_network([4]), TRAINING_INPUTS, TRAINING_OUTPUTS,
                       SquaredError(reduction="sum"), GradientDescent())
    assert isinstance(trace, Trace)
    text, page = trace.table(), trace._repr_html_()
    for quantity in ("X (inputs)", "z1 (weighted sums)", "a2 (activations)", "dL/da2",
                     "W1 before", "dL/dW1", "b2 after"):
        assert quantity in text and quantity in page
    assert page.startswith("<table>") and "<script" not in page


def test_explain_fits_the_width():
    trace = trace_step(layered_network([8, 8]), TRAINING_INPUTS, TRAINING_OUTPUTS,
                       SquaredError(reduction="sum"), GradientDescent())
    for width in (60, 120):
        lines = trace.explain(width).splitlines()
        assert max(len(line) for line in lines if line.startswith("   ")
                   and "=" not in line) <= width


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_diverging_step_is_not_taken_and_named():
    network = layered_network([2])
    network.layers[0].params["weights"][1, 0] = np.inf
    trace = trace_step(network, TRAINING_INPUTS, TRAINING_OUTPUTS,
                       SquaredError(reduction="sum"), GradientDescent())
    assert not trace.stepped
    assert "weights of layers.0.weights at (1, 0) is inf" in trace.problems
    assert np.array_equal(trace.new_parameters["layers.2.weights"],
                          trace.parameters["layers.2.weights"])


@pytest.mark.parametrize("inputs, message", [
    (np.full((4, 3), np.nan), "non-finite"), (np.ones((4, 2)), "3 features"), ("abc", "inputs"),
])
def test_bad_inputs_are_refused(inputs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        trace_step(layered_network([2]), inputs, TRAINING_OUTPUTS, SquaredError(),
                   GradientDescent())
