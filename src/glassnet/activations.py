"""Activation layers: element-wise (or row-wise, for Softmax) functions without parameters.

Each class keeps its forward formula and its derivative a few lines apart. They are layers
(``layers.Layer``: empty ``params``/``grads``/``buffers``, the width unchanged) and cache the
array their backward needs. The numpy functions they apply (``sigmoid``, ``softmax`` and the
row helpers) live in ``activation_functions`` and are importable from here as before.
Imports numpy, ``layers.Layer`` and ``activation_functions`` only.
"""

from __future__ import annotations

import numbers

import numpy as np

# Re-exported: these names were defined here and stay importable from glassnet.activations.
from glassnet.activation_functions import (  # noqa: F401
    BLAS_TYPES,
    ONES,
    SHORT_ROW,
    ones_column,
    row_maximum,
    row_sums,
    sigmoid,
    softmax,
)
from glassnet.layers import Layer


class Activation(Layer):
    """Base class: no parameters; ``forward`` caches, ``backward`` applies the chain rule.

    Subclasses write ``derivative(grad_output)`` (dL/d inputs from the cached arrays);
    ``backward`` adds the protocol's ``input_gradient`` switch around it.
    """

    def backward(self, grad_output: np.ndarray, input_gradient: bool = True):
        return self.derivative(grad_output) if input_gradient else None

    def derivative(self, grad_output: np.ndarray) -> np.ndarray:
        raise NotImplementedError



class Sigmoid(Activation):
    """o = 1 / (1 + exp(-x));  do/dx = o * (1 - o), computed from the cached output o."""

    caches = ("outputs",)
    concurrent_forward = True

    def forward(self, inputs, training=False):
        self.outputs = outputs = sigmoid(inputs)
        return outputs

    def derivative(self, grad_output):
        # Grouped as the tutorial groups it: error * (o * (1 - o)), so its numbers match bit
        # for bit.
        return grad_output * (self.outputs * (1.0 - self.outputs))


class Tanh(Activation):
    """o = tanh(x);  do/dx = 1 - o^2, from the cached output."""

    caches = ("outputs",)
    concurrent_forward = True

    def forward(self, inputs, training=False):
        self.outputs = outputs = np.tanh(inputs)
        return outputs

    def derivative(self, grad_output):
        return grad_output * (1.0 - self.outputs**2)


class ReLU(Activation):
    """o = max(x, 0);  do/dx = 1 where x > 0, else 0 (the kink at 0 takes gradient 0)."""

    caches = ("outputs",)
    new_outputs = True
    concurrent_forward = True

    def forward(self, inputs, training=False):
        self.outputs = outputs = np.maximum(inputs, relu_zero(inputs))
        return outputs

    def forward_in_place(self, inputs):
        self.outputs = outputs = np.maximum(inputs, relu_zero(inputs), out=inputs)
        return outputs

    def derivative(self, grad_output):
        return grad_output * (self.outputs > 0)


def relu_zero(inputs: np.ndarray):
    """The 0 that ReLU takes the maximum with: for float32 a row of zeros (numpy's float32
    maximum against a scalar is not vectorised: about twice slower), else the scalar 0 (the
    faster one there). The same numbers either way, -0.0 and NaN included."""
    if inputs.dtype == np.float32:
        return np.zeros(inputs.shape[-1:], dtype=np.float32)
    return 0


class LeakyReLU(Activation):
    """o = x where x > 0, else slope * x;  do/dx = 1 or slope (slope at the kink x = 0)."""

    caches = ("positive",)

    def __init__(self, slope: float = 0.01):
        super().__init__()
        if not 0 <= slope < 1:
            raise ValueError(f"slope must be in [0, 1), got {slope!r}")
        self.slope = slope

    def forward(self, inputs, training=False):
        self.positive = inputs > 0
        return np.where(self.positive, inputs, self.slope * inputs)

    def derivative(self, grad_output):
        return np.where(self.positive, grad_output, self.slope * grad_output)

    def config(self) -> dict:
        return {"slope": self.slope}

    def __repr__(self):
        return f"LeakyReLU(slope={self.slope})"


class Identity(Activation):
    """o = x;  do/dx = 1. The output of a regression network or of a network giving logits."""

    concurrent_forward = True

    def forward(self, inputs, training=False):
        return inputs

    def derivative(self, grad_output):
        return grad_output



class Softmax(Activation):
    """o = softmax(x) per row;  dL/dx = o * (g - sum_k g_k o_k) for upstream gradient g.

    Shapes (batch, classes) -> (batch, classes). For training a classifier prefer logits with
    ``losses.SoftmaxCrossEntropy``, whose fused gradient is cheaper and exact.
    """

    caches = ("outputs",)
    new_outputs = True
    concurrent_forward = True

    def forward(self, inputs, training=False):
        self.outputs = outputs = softmax(inputs)
        return outputs

    def forward_in_place(self, inputs):
        self.outputs = outputs = softmax(inputs, out=inputs)
        return outputs

    def derivative(self, grad_output):
        dot = (grad_output * self.outputs).sum(axis=1, keepdims=True)
        return self.outputs * (grad_output - dot)


class ELU(Activation):
    """o = x where x > 0, else alpha * (exp(x) - 1);  do/dx = 1 there, else o + alpha.

    ``expm1`` of min(x, 0) keeps the negative side exact near 0 and never overflows for large
    positive x. Shapes (batch, features) -> (batch, features). Caches the output and its sign.
    """

    caches = ("positive", "outputs")

    def __init__(self, alpha: float = 1.0):
        super().__init__()
        if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real) or not alpha > 0 \
                or not np.isfinite(alpha):
            raise ValueError(f"alpha must be a finite number > 0, got {alpha!r}")
        self.alpha = float(alpha)

    def forward(self, inputs, training=False):
        self.positive = inputs > 0
        negative_part = self.alpha * np.expm1(np.minimum(inputs, 0))
        self.outputs = np.where(self.positive, inputs, negative_part)
        return self.outputs

    def derivative(self, grad_output):
        return np.where(self.positive, grad_output, grad_output * (self.outputs + self.alpha))

    def config(self) -> dict:
        return {"alpha": self.alpha}

    def __repr__(self):
        return f"ELU(alpha={self.alpha})"


class Softplus(Activation):
    """o = log(1 + exp(x)), computed as max(x, 0) + log1p(exp(-|x|));  do/dx = sigmoid(x).

    The rewritten form never overflows and keeps full precision for large |x|.
    Shapes (batch, features) -> (batch, features). Caches the inputs.
    """

    caches = ("inputs",)

    def forward(self, inputs, training=False):
        self.inputs = inputs
        return np.maximum(inputs, 0) + np.log1p(np.exp(-np.abs(inputs)))

    def derivative(self, grad_output):
        return grad_output * sigmoid(self.inputs)


class GELU(Activation):
    """GELU, tanh form (Hendrycks & Gimpel 2016; PyTorch's ``approximate="tanh"``):

        o = x * s,   s = sigmoid(2u) = (1 + tanh(u)) / 2,   u = c (x + 0.044715 x^3),
        c = sqrt(2 / pi);   do/dx = s + x * 2 s (1 - s) * c (1 + 3 * 0.044715 x^2)

    Written with the stable sigmoid instead of 1 + tanh(u), which loses every digit for
    negative x. x is capped at +-1e5 inside u only: beyond that s is 0 or 1 in any float
    (s is set to exactly 0 below -1e5, so s (1 - s) = 0 there), and the cap keeps x^3 from
    overflowing. Shapes
    (batch, features) -> (batch, features). Caches the inputs and s.
    """

    caches = ("inputs", "gate")

    coefficient = float(np.sqrt(2.0 / np.pi))

    def forward(self, inputs, training=False):
        self.inputs = inputs
        capped = np.clip(inputs, -1e5, 1e5)
        gate = sigmoid(2 * self.coefficient * (capped + 0.044715 * capped**3))
        # sigmoid's floor (about 1e-308) times a huge negative x would not be 0.
        self.gate = np.where(inputs > -1e5, gate, 0)
        return inputs * self.gate

    def derivative(self, grad_output):
        capped = np.clip(self.inputs, -1e5, 1e5)
        slope = self.coefficient * (1 + 3 * 0.044715 * capped**2)
        derivative = self.gate + capped * 2 * self.gate * (1 - self.gate) * slope
        return grad_output * derivative
