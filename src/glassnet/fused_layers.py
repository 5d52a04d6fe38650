"""A Dense layer and its activation stepped as one pair: the accelerator's training step.

fit's readable step runs each layer on its own: Dense makes z = x @ W, adds the bias b, ReLU
makes max(z + b, 0) in a new array, and backward walks back layer by layer. With an
accelerator set (``glassnet.set_accelerator("numba")``), ``fit`` runs a network made only of
Dense layers, each followed by ReLU, Identity or nothing (after any leading layers without
parameters, such as Standardize), as ``FusedNetwork``: the same products, and between them
one compiled pass per pair instead of several numpy passes and calls:

    forward   z = x @ W (numpy, BLAS);  o = max(z + b, 0) in place      (add_bias_relu)
    backward  G = G_up * (o > 0) in place, db = sum over the batch of G (relu_bias_gradient)
              dW = x.T @ G, G_up' = G @ W.T (numpy, BLAS; skipped for the first Dense)

The functions below are the numpy reference, each the readable layers' own operations;
``accelerator.twin`` hands over their compiled twins (``compiled_layers``), which give the
same numbers bit for bit (tests hold the whole fit so). Every layer's cache and gradient
arrays end each step as the readable path leaves them. Imports numpy and glassnet's
``accelerator``, ``activations``, ``layers`` and ``network``.
"""

from __future__ import annotations

import weakref

import numpy as np

from glassnet.accelerator import get_accelerator, twin
from glassnet.activations import Identity, ReLU, relu_zero
from glassnet.layers import Dense
from glassnet.network import Sequential

PLANS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # network -> (key, plan)


def add_bias(outputs: np.ndarray, bias: np.ndarray) -> None:
    """o <- z + b in place: outputs (batch, features), bias (features,)."""
    outputs += bias


def add_bias_relu(outputs: np.ndarray, bias: np.ndarray) -> None:
    """o <- max(z + b, 0) in place: Dense's bias, then ReLU's maximum (NaN stays NaN)."""
    outputs += bias
    np.maximum(outputs, relu_zero(outputs), out=outputs)


def bias_gradient(gradient: np.ndarray, bias_gradient: np.ndarray) -> None:
    """db = sum over the batch of G: gradient (batch, features) -> bias_gradient (features,)."""
    np.add.reduce(gradient, axis=0, out=bias_gradient)


def relu_bias_gradient(gradient: np.ndarray, outputs: np.ndarray,
                       bias_gradient: np.ndarray) -> None:
    """G <- G_up * (o > 0) in place (ReLU's derivative), then db = sum over the batch of G."""
    np.multiply(gradient, outputs > 0, out=gradient)
    np.add.reduce(gradient, axis=0, out=bias_gradient)


class FusedNetwork:
    """A Sequential network's layers as (Dense, activation) pairs; ``forward`` and
    ``backward`` as ``Sequential``'s in training, with ``input_gradient=False``."""

    def __init__(self, leading: list, pairs: list):
        self.leading = leading  # layers without parameters before the first Dense
        self.pairs = pairs  # (Dense, ReLU or Identity or None)

    def forward(self, inputs: np.ndarray, training: bool = True) -> np.ndarray:
        """The network's outputs in training mode, each pair's caches set for backward."""
        if not training:
            raise ValueError("FusedNetwork trains only: predict through the network itself")
        for layer in self.leading:
            inputs = layer.forward(inputs, training=training)
        for index in range(len(self.pairs)):
            inputs = self.forward_pair(inputs, index)
        return inputs

    def forward_pair(self, inputs: np.ndarray, index: int) -> np.ndarray:
        """Pair ``index``: o = activation(x @ W + b), caching x and o as its layers do."""
        dense, activation = self.pairs[index]
        dense.inputs = inputs
        outputs = inputs @ dense.params["weights"]
        if type(activation) is ReLU:
            twin(add_bias_relu)(outputs, dense.params["bias"])
            activation.outputs = outputs
        else:
            twin(add_bias)(outputs, dense.params["bias"])
        return outputs

    def backward(self, gradient: np.ndarray, input_gradient: bool = False) -> None:
        """Fill every Dense layer's ``grads`` from dL/d outputs. The inputs are data: no
        gradient for them."""
        if input_gradient:
            raise ValueError("FusedNetwork trains only: it never returns dL/d inputs")
        for index in reversed(range(len(self.pairs))):
            gradient = self.backward_pair(gradient, index)

    def backward_pair(self, gradient: np.ndarray, index: int) -> np.ndarray | None:
        """Pair ``index``: fill its Dense's ``grads`` from G_up = dL/d its outputs and return
        dL/d its inputs (None for the first pair). ``gradient`` is written over (a copy is
        taken of the loss's own array, which a custom loss may keep)."""
        dense, activation = self.pairs[index]
        bias = dense.gradient_buffer("bias", gradient.dtype)
        if type(activation) is ReLU:
            if index == len(self.pairs) - 1:
                gradient = gradient.copy()
            twin(relu_bias_gradient)(gradient, activation.outputs, bias)
        else:
            twin(bias_gradient)(gradient, bias)
        weights = dense.gradient_buffer("weights", np.result_type(dense.inputs, gradient))
        np.matmul(dense.inputs.T, gradient, out=weights)
        return gradient @ dense.params["weights"].T if index else None


def fused_network(network) -> FusedNetwork | None:
    """The network as a FusedNetwork when an accelerator is set and its layers fit (see the
    module docstring); else None, and fit takes the readable path. Kept per network while
    its layers stay the same objects."""
    if get_accelerator() is None:
        return None
    if type(network) is not Sequential:  # a subclass may step otherwise
        return None
    layers = network.layers
    key = tuple(map(id, layers))
    kept = PLANS.get(network)
    if kept is not None and kept[0] == key:
        return kept[1]
    plan = plan_of(layers)
    PLANS[network] = (key, plan)
    return plan


def plan_of(layers: list) -> FusedNetwork | None:
    """(leading layers, pairs) when the layers are parameterless ones, then Dense layers
    with bias, each followed by ReLU, Identity or nothing; else None."""
    start = next((index for index, layer in enumerate(layers) if layer.params), len(layers))
    leading, rest, pairs = layers[:start], layers[start:], []
    while rest:
        dense, *rest = rest
        if type(dense) is not Dense or "bias" not in dense.params:
            return None
        activation = rest.pop(0) if rest and type(rest[0]) in (ReLU, Identity) else None
        pairs.append((dense, activation))
    return FusedNetwork(leading, pairs) if pairs else None
