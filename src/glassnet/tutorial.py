"""The seed tutorial's ``NeuralNetwork``: one sigmoid neuron, trained by backpropagation.

Built from the library's own parts (a bias-free Dense layer, Sigmoid, the summed squared
error, plain gradient descent with step 1), seeded as the tutorial seeds numpy, so that it
reproduces the tutorial's numbers exactly: starting weights [-0.16595599, 0.44064899,
-0.99977125], and after 15,000 iterations ``think([1, 0, 0])`` = 0.9999584.
"""

from __future__ import annotations

import numbers
import time
from collections.abc import Iterable

import numpy as np

from glassnet.callbacks import ProgressBar
from glassnet.initializers import uniform_symmetric
from glassnet.losses import SquaredError
from glassnet.network import Sequential, mlp
from glassnet.optimizers import GradientDescent
from glassnet.training import TrainingState, fit
from glassnet.validation import as_float_array, check_positive

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
        check_positive("inputs", inputs, integer=True)
        self.network = mlp([inputs, 1], output_activation="sigmoid", bias=False,
                           initializer=uniform_symmetric, rng=legacy_rng(seed))
        self.layer = self.network.layers[0]  # Dense(inputs, 1), no bias

    @property
    def synaptic_weights(self) -> np.ndarray:
        """The neuron's weights, shape (inputs, 1); the live array training changes."""
        return self.layer.weights

    def train(self, training_inputs, training_outputs, training_iterations: int = 15000,
              learning_rate: float = 1.0, callbacks=()):
        """Full-batch gradient descent on L = 1/2 sum (target - output)^2; returns History."""
        check_positive("training_iterations", training_iterations, integer=True,
                       allow_zero=True)
        self.checked_data(training_inputs, training_outputs)
        if isinstance(callbacks, str) or not isinstance(callbacks, Iterable):
            raise TypeError(f"callbacks must be a list of callbacks, got {callbacks!r:.80}")
        callbacks = list(callbacks)
        loss, optimizer = SquaredError(reduction="sum"), GradientDescent(learning_rate)
        arguments = dict(loss=loss, optimizer=optimizer, batch_size=None, shuffle=False,
                         verbose=0)
        if not all(isinstance(callback, ProgressBar) for callback in callbacks):
            return fit(self.network, training_inputs, training_outputs,
                       epochs=training_iterations, callbacks=callbacks, **arguments)
        # fit with 0 epochs checks the data exactly as training does, and changes nothing.
        history = fit(self.network, training_inputs, training_outputs, epochs=0, **arguments)
        inputs, targets = self.checked_data(training_inputs, training_outputs)
        if not cannot_diverge(self.layer.weights, inputs, targets, training_iterations,
                              optimizer.learning_rate):
            return fit(self.network, inputs, targets, epochs=training_iterations,
                       callbacks=callbacks, **arguments)
        # Progress bars only watch: they ride along, moved once per block of iterations.
        state = TrainingState(self.network, loss, optimizer, history, training_iterations)
        for bar in callbacks:
            bar.on_train_begin(state)
        try:
            return train_neuron(self.layer, inputs, targets, training_iterations,
                                optimizer.learning_rate, history, bars=callbacks)
        finally:
            for bar in callbacks:
                bar.on_train_end(state)

    def explain_step(self, training_inputs, training_outputs,
                     learning_rate: float = 1.0) -> dict[str, np.ndarray]:
        """Run one training iteration through the library's own parts and return every number.

        The same calls ``fit`` makes (Dense.forward, Sigmoid.forward, SquaredError,
        backward passes, GradientDescent.step), one at a time, so a learner sees what the
        code does: weighted sums z = X @ w, outputs o = sigmoid(z), error = y - o,
        sigmoid gradient o (1 - o), adjustment = X.T @ (error * o (1 - o)), new w.
        """
        inputs, targets = self.checked_data(training_inputs, training_outputs)
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

    def checked_data(self, training_inputs, training_outputs) -> tuple[np.ndarray, np.ndarray]:
        """(inputs (samples, inputs), targets (samples, 1)) as finite float64 arrays, or an
        error naming ``training_inputs`` or ``training_outputs`` and what is wrong."""
        inputs = self.network.check_inputs(training_inputs, "training_inputs")
        targets = as_float_array("training_outputs", training_outputs, ndim=None)
        if targets.shape not in ((len(inputs),), (len(inputs), 1)):
            raise ValueError(f"training_outputs must hold one number per row of "
                             f"training_inputs, shape ({len(inputs)}, 1) or ({len(inputs)},), "
                             f"got shape {targets.shape}")
        return inputs, targets.reshape(len(inputs), 1)

    def think(self, inputs):
        """sigmoid(inputs @ synaptic_weights): (3,) -> (1,), or (samples, 3) -> (samples, 1).

        Accepts lists, tuples, arrays and numeric strings (as ``input()`` returns them).
        """
        array = as_think_inputs(inputs, self.layer.in_features)
        outputs = self.network.forward(array.reshape(-1, self.layer.in_features))
        return outputs[0] if array.ndim == 1 else outputs


def legacy_rng(seed) -> np.random.RandomState:
    """``numpy.random.RandomState(seed)`` (the tutorial's stream), for a whole number seed in
    [0, 2**32); anything else is refused naming ``seed``."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be a whole number, got {seed!r:.80}")
    if not 0 <= seed < 2**32:
        raise ValueError(f"seed must be in [0, 2**32), got {seed}")
    return np.random.RandomState(seed)


def cannot_diverge(weights, inputs, targets, iterations: int, learning_rate) -> bool:
    """True when no weight can leave the float range: each step moves a weight by at most
    learning_rate * sum |x| * max |o - y| / 4, since |o (1 - o)| <= 1/4 and 0 < o < 1."""
    largest_step = learning_rate * np.abs(inputs).sum() * (1 + np.abs(targets).max()) / 4
    return bool(np.abs(weights).max() + iterations * largest_step < 1e300)


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


# The fast path of ``NeuralNetwork.train`` (full batch, one sigmoid neuron, no callbacks).
# It performs fit's readable path's arithmetic operation for operation, in the same order,
# into arrays made once, so every weight and every recorded loss is bit for bit the same
# (tests/test_fast_paths.py proves it); what it saves is Python and allocation overhead,
# which is nearly all the cost of a 4 x 3 problem. Errors are kept per block of iterations
# and turned into the recorded losses with a few whole-array operations.
BLOCK = 1024


def train_neuron(layer, inputs, targets, iterations: int, learning_rate, history, bars=()):
    """Full-batch gradient descent on 1/2 sum (o - y)^2, o = sigmoid(inputs @ weights).

    inputs (samples, features) and targets (samples, 1) float64, already checked; the layer's
    weights (features, 1) change in place. Appends one record per iteration to ``history``.
    """
    errors = np.empty((min(BLOCK, iterations), len(inputs), 1))
    gradient = np.empty_like(layer.weights)
    for start in range(0, iterations, BLOCK):
        count = min(BLOCK, iterations - start)
        started = time.perf_counter()
        stamps = neuron_steps(layer.weights, inputs, targets, learning_rate, errors[:count],
                              gradient)
        record_losses(history, errors[:count], started, stamps, start, learning_rate)
        for bar in bars:  # a ProgressBar's tqdm bar, moved by the block's iterations
            bar.bar.update(count)
    if iterations:
        layer.grads["weights"] = gradient
    return history


def neuron_steps(weights, inputs, targets, learning_rate, errors, gradient) -> list[float]:
    """One iteration per row of ``errors`` (filled with o - y); returns the end times."""
    sums, outputs, slope = (np.empty(targets.shape) for _ in range(3))
    ones = np.ones(targets.shape)  # 1 as an array: a Python 1.0 costs a conversion per call
    limit = np.full(targets.shape, np.log(np.finfo(np.float64).max) - 1.0)  # sigmoid's cap
    inputs_transposed, clock, stamps = inputs.T, time.perf_counter, []
    negated_inputs = -inputs  # (-X) w is -(X w) exactly: negation commutes with rounding
    step = gradient if learning_rate == 1 else np.empty_like(gradient)
    dot, minimum, exp, add = np.dot, np.minimum, np.exp, np.add
    divide, subtract, multiply = np.divide, np.subtract, np.multiply
    for error in errors:  # the output array goes last (positional: cheaper than out=)
        dot(negated_inputs, weights, sums)                  # -z = -(X w)
        minimum(sums, limit, out=sums)
        exp(sums, sums)
        add(ones, sums, sums)
        divide(ones, sums, outputs)                         # o = 1 / (1 + exp(-z))
        subtract(outputs, targets, error)                   # dL/do = o - y
        subtract(ones, outputs, slope)
        multiply(outputs, slope, slope)                     # do/dz = o (1 - o)
        multiply(error, slope, slope)                       # dL/dz
        dot(inputs_transposed, slope, gradient)             # dL/dw = X^T dL/dz
        if learning_rate != 1:  # (lr * g is g exactly when lr is 1)
            step = multiply(gradient, learning_rate, step)
        subtract(weights, step, weights)                    # w <- w - lr dL/dw
        stamps.append(clock())
    return stamps


def record_losses(history, errors, started: float, stamps, start: int, learning_rate):
    """History records for a block: loss L = 1/2 sum (o - y)^2, as fit records it."""
    samples = errors.shape[1]
    losses = (0.5 * (errors**2).sum(axis=2)).sum(axis=1)  # per iteration, as SquaredError
    losses = (losses + 0.0) * samples / samples            # fit: (L + penalty) * n / n
    times = np.diff([started, *stamps]).tolist()           # each iteration's wall time
    epochs = range(start + 1, start + len(stamps) + 1)
    history.records.extend({"epoch": epoch, "loss": loss, "learning_rate": learning_rate,
                            "time": seconds}
                           for epoch, loss, seconds in zip(epochs, losses.tolist(), times,
                                                           strict=True))
