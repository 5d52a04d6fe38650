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
from glassnet.network import Sequential
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

    def think(self, inputs):
        """sigmoid(inputs @ synaptic_weights): (3,) -> (1,), or (samples, 3) -> (samples, 1).

        Accepts lists, tuples, arrays and numeric strings (as ``input()`` returns them).
        """
        array = as_think_inputs(inputs, self.layer.in_features)
        outputs = self.network.forward(array.reshape(-1, self.layer.in_features))
        return outputs[0] if array.ndim == 1 else outputs


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
        raise ValueError(f"think needs finite numbers; got {inputs!r}")
    return array
