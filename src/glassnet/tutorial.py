"""The seed tutorial's ``NeuralNetwork``: one sigmoid neuron, trained by backpropagation.

Built from the library's own parts (a bias-free Dense layer, Sigmoid, the summed squared
error, plain gradient descent with step 1), seeded as the tutorial seeds numpy, so that it
reproduces the tutorial's numbers exactly: starting weights [-0.16595599, 0.44064899,
-0.99977125], and after 15,000 iterations ``think([1, 0, 0])`` = 0.9999584.
"""

from __future__ import annotations

import numpy as np

from glassnet.activations import Sigmoid
from glassnet.initializers import uniform_symmetric
from glassnet.layers import Dense
from glassnet.losses import SquaredError
from glassnet.network import Sequential, mlp
from glassnet.optimizers import GradientDescent
from glassnet.training import fit
from glassnet.validation import check_positive

TRAINING_INPUTS = np.array([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]], dtype=np.float64)
TRAINING_OUTPUTS = np.array([[0, 1, 1, 0]], dtype=np.float64).T
NEW_SITUATION = np.array([1, 0, 0], dtype=np.float64)


class NeuralNetwork:
    """One neuron with 3 inputs: output = sigmoid(inputs @ synaptic_weights).

    ``synaptic_weights`` (3, 1) start as ``2 * random((3, 1)) - 1`` from
    ``numpy.random.RandomState(seed)``. ``train`` adjusts them by
    inputs.T @ (error * output * (1 - output)), error = targets - output, summed over the
    whole training set, ``iterations`` times.
    """

    def __init__(self, seed: int = 1, inputs: int = 3):
        self.layer = Dense(inputs, 1, bias=False, initializer=uniform_symmetric,
                           rng=np.random.RandomState(seed))
        self.network = Sequential([self.layer, Sigmoid()])

    @property
    def synaptic_weights(self) -> np.ndarray:
        """The neuron's weights, shape (inputs, 1); the live array training changes."""
        return self.layer.weights

    def train(self, training_inputs, training_outputs, training_iterations: int = 15000,
              learning_rate: float = 1.0, callbacks=()):
        """Full-batch gradient descent on L = 1/2 sum (target - output)^2; returns History."""
        check_positive("training_iterations", training_iterations, integer=True,
                       allow_zero=True)
        return fit(self.network, training_inputs, training_outputs,
                   loss=SquaredError(reduction="sum"),
                   optimizer=GradientDescent(learning_rate),
                   epochs=training_iterations, batch_size=None, shuffle=False,
                   callbacks=callbacks)

    def explain_step(self, training_inputs, training_outputs,
                     learning_rate: float = 1.0) -> dict[str, np.ndarray]:
        """Run one training iteration through the library's own parts and return every number.

        The same calls ``fit`` makes (Dense.forward, Sigmoid.forward, SquaredError,
        backward passes, GradientDescent.step), one at a time, so a learner sees what the
        code does: weighted sums z = X @ w, outputs o = sigmoid(z), error = y - o,
        sigmoid gradient o (1 - o), adjustment = X.T @ (error * o (1 - o)), new w.
        """
        inputs = self.network.check_inputs(training_inputs)
        targets = np.asarray(training_outputs, dtype=np.float64).reshape(len(inputs), 1)
        sigmoid_layer, loss = self.network.layers[1], SquaredError(reduction="sum")
        weights_before = self.layer.weights.copy()
        weighted_sums = self.layer.forward(inputs, training=True)
        outputs = sigmoid_layer.forward(weighted_sums, training=True)
        loss_value = loss.forward(outputs, targets)
        # dL/do = o - y, so the tutorial's error y - o is its negative.
        grad_weighted_sums = sigmoid_layer.backward(loss.backward())
        self.layer.backward(grad_weighted_sums)
        GradientDescent(learning_rate).step(self.network.parameters(), self.network.gradients())
        return {
            "inputs": inputs, "weights": weights_before, "weighted_sums": weighted_sums,
            "outputs": outputs, "targets": targets, "errors": targets - outputs,
            "sigmoid_gradient": outputs * (1 - outputs), "loss": np.float64(loss_value),
            "adjustment": -learning_rate * self.layer.grads["weights"],
            "new_weights": self.layer.weights.copy(),
        }

    def think(self, inputs):
        """sigmoid(inputs @ synaptic_weights): (3,) -> (1,), or (samples, 3) -> (samples, 1).

        Accepts lists, tuples, arrays and numeric strings (as ``input()`` returns them).
        """
        array = as_think_inputs(inputs, self.layer.in_features)
        outputs = self.network.forward(array.reshape(-1, self.layer.in_features))
        return outputs[0] if array.ndim == 1 else outputs


def layered_network(hidden_sizes, seed: int = 1, inputs: int = 3) -> Sequential:
    """The tutorial's problem with hidden layers: inputs -> hidden (sigmoid) -> 1 (sigmoid).

    Weights start as ``2 * random - 1`` from ``RandomState(seed)``, as the neuron's do; each
    Dense layer has a bias, since hidden units need one to shift their threshold.
    """
    return mlp([inputs, *hidden_sizes, 1], activation="sigmoid", output_activation="sigmoid",
               initializer=uniform_symmetric, rng=np.random.RandomState(seed))


def as_think_inputs(inputs, features: int) -> np.ndarray:
    """Convert what ``think`` was given to floats, or raise ValueError naming the value."""
    expected = f"({features},) or (samples, {features})"
    try:
        array = np.asarray(inputs, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"think needs {features} numbers, shape {expected}; got {inputs!r} ({error})"
        ) from None
    if array.ndim not in (1, 2) or array.shape[-1] != features or array.size == 0:
        raise ValueError(f"think needs shape {expected}; got {inputs!r} with shape "
                         f"{array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"think needs finite numbers, shape {expected}; got {inputs!r}")
    return array
