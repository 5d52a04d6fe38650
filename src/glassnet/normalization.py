"""``BatchNormalization``: each feature normalised over the batch, then scaled and shifted.

Follows the layer protocol of ``layers.py``: ``gamma`` and ``beta`` are trained ``params``;
the running mean and variance are ``buffers``, saved in the model file but not trained.
Momentum follows PyTorch's convention (not Keras's, whose ``momentum=0.99`` is PyTorch's
0.01): after each training batch

    running_mean     <- (1 - momentum) * running_mean     + momentum * batch mean
    running_variance <- (1 - momentum) * running_variance + momentum * unbiased batch variance

Imports numpy, ``layers`` (the Layer protocol) and ``validation``.
"""

from __future__ import annotations

import numpy as np

from glassnet.layers import Layer
from glassnet.validation import check_dtype, check_fraction, check_positive


class BatchNormalization(Layer):
    """outputs = gamma * (inputs - mean) / sqrt(variance + epsilon) + beta, per feature.

    Training mode (``training=True``): mean and (biased) variance of this batch, and the
    running statistics move towards them (see the module). Inference mode: the running
    statistics, so a row's output does not depend on the other rows. Shapes: inputs
    (batch, features) -> outputs (batch, features); gamma, beta, running_mean,
    running_variance (features,).

    Backward for upstream G (batch, features), with x_hat the normalised inputs, s =
    1 / sqrt(variance + epsilon) and n rows:
        dL/d gamma = sum over the batch of G * x_hat      dL/d beta = sum over the batch of G
        training:  dL/d inputs = s / n * (n D - sum D - x_hat * sum (D * x_hat)),  D = G gamma
        inference: dL/d inputs = G * gamma * s
    (in training the mean and variance depend on every row, hence the two correction sums).
    """

    caches = ("normalized", "inverse_deviation", "batch_statistics")

    def __init__(self, features: int, momentum: float = 0.1, epsilon: float = 1e-5,
                 dtype=np.float64):
        super().__init__()
        self.features = int(check_positive("features", features, integer=True))
        self.in_features = self.out_features = self.features
        self.momentum = check_fraction("momentum", momentum, allow_one=True)
        self.epsilon = float(check_positive("epsilon", epsilon))
        self.dtype = check_dtype(dtype)
        shape = (self.features,)
        self.params = {"gamma": np.ones(shape, self.dtype), "beta": np.zeros(shape, self.dtype)}
        self.grads = {name: np.zeros_like(value) for name, value in self.params.items()}
        self.buffers = {"running_mean": np.zeros(shape, self.dtype),
                        "running_variance": np.ones(shape, self.dtype)}

    @classmethod
    def array_shapes(cls, config: dict) -> dict[str, tuple[int, ...]]:
        """The shapes of gamma, beta and the running statistics (features,)."""
        features = config.get("features")
        if isinstance(features, bool) or not isinstance(features, int) or not 0 < features < 2**31:
            raise ValueError(f"features must be a whole number > 0, got {features!r}")
        return {name: (features,) for name in ("gamma", "beta", "running_mean",
                                               "running_variance")}

    def forward(self, inputs: np.ndarray, training: bool = False) -> np.ndarray:
        self.check(inputs)
        self.batch_statistics = training
        if training:
            mean, variance = self.batch_moments(inputs)
        else:
            mean, variance = self.buffers["running_mean"], self.buffers["running_variance"]
        self.inverse_deviation = 1.0 / np.sqrt(variance + inputs.dtype.type(self.epsilon))
        self.normalized = (inputs - mean) * self.inverse_deviation
        return self.normalized * self.params["gamma"] + self.params["beta"]

    def batch_moments(self, inputs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """This batch's mean and biased variance; the running statistics updated in place."""
        rows = len(inputs)
        if rows < 2:
            raise ValueError(f"BatchNormalization needs at least 2 rows per training batch to "
                             f"estimate a variance, got {rows} (pick a batch_size that leaves "
                             f"no batch of one row)")
        mean = inputs.mean(axis=0)
        variance = np.mean((inputs - mean) ** 2, axis=0)
        keep, take = 1.0 - self.momentum, self.momentum
        running = self.buffers
        running["running_mean"][...] = keep * running["running_mean"] + take * mean
        running["running_variance"][...] = (keep * running["running_variance"]
                                             + take * variance * rows / (rows - 1))
        return mean, variance

    def backward(self, grad_output: np.ndarray, input_gradient: bool = True):
        """Fill grads (gamma, beta); return dL/d inputs (see the class), or None."""
        normalized = self.normalized
        np.sum(grad_output * normalized, axis=0, out=self.gradient_buffer("gamma", grad_output))
        np.sum(grad_output, axis=0, out=self.gradient_buffer("beta", grad_output))
        if not input_gradient:
            return None
        scaled = grad_output * self.params["gamma"]  # D = dL/d x_hat
        if not self.batch_statistics:
            return scaled * self.inverse_deviation
        rows = len(grad_output)
        correction = scaled.sum(axis=0) + normalized * np.sum(scaled * normalized, axis=0)
        return self.inverse_deviation / rows * (rows * scaled - correction)

    def gradient_buffer(self, name: str, grad_output: np.ndarray) -> np.ndarray:
        """grads[name], written in place while its dtype fits (so it stays a view of the
        network's flat gradient vector, see ``flat``), else a new array."""
        gradient = self.grads[name]
        if gradient.dtype != grad_output.dtype:
            gradient = self.grads[name] = np.empty(self.features, dtype=grad_output.dtype)
        return gradient

    def check(self, inputs: np.ndarray) -> None:
        if inputs.ndim != 2 or inputs.shape[1] != self.features:
            raise ValueError(f"BatchNormalization({self.features}) takes inputs (batch, "
                             f"{self.features}), got shape {inputs.shape}")

    def config(self) -> dict:
        """The constructor arguments (the arrays are saved apart, as params and buffers)."""
        return {"features": self.features, "momentum": self.momentum,
                "epsilon": self.epsilon, "dtype": np.dtype(self.dtype).name}

    def __repr__(self) -> str:
        return f"BatchNormalization({self.features})"
