"""The Sequential network: layers applied in order, and the ``mlp`` builder.

``forward`` runs the layers; ``backward`` runs their backward passes in reverse; parameters
and gradients are gathered from the layers under stable names ``"layers.<i>.<name>"``, the
only thing an optimizer sees. What it checks of its layers is in ``network_checks``.
Imports ``chunk_threads``, ``layers``, ``network_checks``, ``registry`` and ``validation``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from glassnet import chunk_threads
from glassnet.layers import Dense, Dropout, Layer
from glassnet.network_checks import check_layer, check_widths, declared_with_forward
from glassnet.registry import resolve
from glassnet.validation import (
    as_float_array,
    as_rng,
    check_dtype,
    check_fraction,
    check_positive,
    printable,
)

# predict works through the rows in chunks whose widest activations take about this many
# bytes: small enough to stay in the processor's caches, large enough for BLAS to run at
# speed (measured on W4, one BLAS thread: 1 MiB chunks 5 % faster than 512 KiB, as fast
# as 2 MiB; 6 MiB ones 30 % slower).
CACHE_BYTES = 1 << 20


class Sequential:
    """A network that feeds each layer's output to the next one.

    Shapes: (batch, in_features of the first layer) -> (batch, out_features of the last).
    ``rng`` is the network's own generator, used by layers that draw at training time
    (Dropout).
    """

    def __init__(self, layers, rng=None):
        self.layers = list(layers)
        if not self.layers:
            raise ValueError("a Sequential network needs at least one layer, got none")
        for index, layer in enumerate(self.layers):
            check_layer(index, layer)
        check_widths(self.layers)
        self.rng = as_rng(rng)
        for layer in self.layers:  # layers that draw at training time share this one rng
            if layer.needs_rng and layer.rng is None:
                layer.rng = self.rng

    def forward(self, inputs: np.ndarray, training: bool = False) -> np.ndarray:
        """The outputs (batch, out_features) for ``inputs`` (batch, in_features), unchecked
        beyond one O(1) look at their type, dtype and width (``fit`` calls this per batch):
        anything else goes through ``forward_inputs``, which names what is wrong."""
        width = self.layers[0].in_features
        if width is None:  # an activation first: the first layer that fixes a width
            width = self.in_features
        if not (type(inputs) is np.ndarray and inputs.dtype.kind == "f" and inputs.ndim == 2
                and (width is None or inputs.shape[1] == width)):
            inputs = self.forward_inputs(inputs)
        for layer in self.layers:
            inputs = layer.forward(inputs, training=training)
        return inputs

    def backward(self, grad_output: np.ndarray, input_gradient: bool = True):
        """dL/d inputs from dL/d outputs; fills each layer's ``grads`` on the way.

        ``input_gradient=False`` (for training, where the inputs are data) returns None and
        stops at the first layer with parameters: layers before it (Standardize) have nothing
        to learn, and a first Dense layer is spared its G @ weights.T, the largest product of
        many networks.
        """
        layers = self.layers
        if not input_gradient:
            start = next((i for i, layer in enumerate(layers) if layer.params), 0)
            layers = layers[start:]
        for layer in reversed(layers[1:]):
            grad_output = layer.backward(grad_output)
        if input_gradient:
            return layers[0].backward(grad_output)
        return layers[0].backward(grad_output, input_gradient=False)

    __call__ = forward

    def parameters(self) -> dict[str, np.ndarray]:
        """Every parameter array by name (live references: changing them changes the net)."""
        return {f"layers.{i}.{name}": value
                for i, layer in enumerate(self.layers) for name, value in layer.params.items()}

    def gradients(self) -> dict[str, np.ndarray]:
        """Every gradient array from the last backward pass, keyed as ``parameters()``."""
        return {f"layers.{i}.{name}": value
                for i, layer in enumerate(self.layers) for name, value in layer.grads.items()}

    @property
    def n_parameters(self) -> int:
        return sum(value.size for value in self.parameters().values())

    def buffers(self) -> dict[str, np.ndarray]:
        """Every saved but untrained array (running statistics) by name, as ``parameters()``."""
        return {f"layers.{i}.{name}": value
                for i, layer in enumerate(self.layers) for name, value in layer.buffers.items()}

    @property
    def in_features(self) -> int | None:
        """The width of the inputs: the first layer that fixes one (None if none does)."""
        return next((layer.in_features for layer in self.layers
                     if layer.in_features is not None), None)

    @property
    def out_features(self) -> int | None:
        """The width of the outputs: the last layer that fixes one (None if none does)."""
        return next((layer.out_features for layer in reversed(self.layers)
                     if layer.out_features is not None), None)

    @property
    def dtype(self):
        first = next(iter(self.parameters().values()), None)
        return np.float64 if first is None else first.dtype.type

    def predict(self, inputs, batch_size: int | None = None) -> np.ndarray:
        """The network's outputs (samples, out_features) for ``inputs`` (samples, features).

        Checked and cast once (``check_inputs``), then run by ``forward_in_chunks``.
        """
        return self.forward_in_chunks(self.check_inputs(inputs), batch_size)

    def forward_in_chunks(self, inputs: np.ndarray, batch_size: int | None = None) -> np.ndarray:
        """``forward(inputs, training=False)`` for already checked inputs, ``batch_size`` rows
        at a time: by default as many as keep the widest layer's activations in the
        processor's cache (``chunk_rows``). Each chunk's outputs go straight into the one
        result array, so memory stays one output array plus a chunk's activations per thread.
        When every layer declares ``concurrent_forward``, the chunks run on a few threads with
        BLAS on one thread (``chunk_threads``): bit for bit the chunks in turn on one BLAS
        thread."""
        if batch_size is None:
            batch_size = self.chunk_rows(inputs.dtype)
        check_positive("batch_size", batch_size, integer=True)
        if batch_size >= len(inputs):
            return self.forward_reusing(inputs)
        chunks = [slice(start, start + batch_size)
                  for start in range(batch_size, len(inputs), batch_size)]
        concurrent = all(declared_with_forward(layer, "concurrent_forward")
                         and layer.concurrent_forward for layer in self.layers)
        threads = chunk_threads.threads_for(len(chunks)) if concurrent else 1
        with chunk_threads.hold_blas_to_one_thread(threads > 1):
            first = self.forward_reusing(inputs[:batch_size])
            outputs = np.empty((len(inputs), *first.shape[1:]), dtype=first.dtype)
            outputs[:batch_size] = first

            def forward_chunk(rows: slice) -> None:
                outputs[rows] = self.forward_reusing(inputs[rows])
            chunk_threads.for_each(forward_chunk, chunks, threads)
        return outputs

    def forward_reusing(self, inputs: np.ndarray) -> np.ndarray:
        """``forward(inputs, training=False)``, each layer writing over the array the layer
        before made where it can (``Layer.forward_in_place``): ReLU and Softmax after Dense
        make no array of their own. Never writes over ``inputs``; the same numbers."""
        made = False  # whether ``inputs`` is an array made here, free to overwrite
        for layer in self.layers:
            trusted = declared_with_forward(layer)
            outputs = (layer.forward_in_place(inputs) if made and trusted
                       else layer.forward(inputs, training=False))
            made = trusted and (layer.new_outputs or (made and outputs is inputs))
            inputs = outputs
        return inputs

    def chunk_rows(self, dtype) -> int:
        """Rows per chunk in ``predict``: CACHE_BYTES over the widest layer's row, >= 64."""
        widths = [width or 0 for layer in self.layers
                  for width in (layer.in_features, layer.out_features)]
        row_bytes = max(widths + [1]) * np.dtype(dtype).itemsize
        return max(64, CACHE_BYTES // row_bytes)

    def check_inputs(self, inputs, name: str = "inputs") -> np.ndarray:
        """Cast to the network's dtype; refuse non-finite values or the wrong feature count."""
        array = as_float_array(name, inputs, dtype=self.dtype)
        expected = self.in_features
        if expected is not None and array.shape[1] != expected:
            raise ValueError(f"{name} must have {expected} features (columns), got "
                             f"{array.shape[1]} (shape {array.shape})")
        return array

    def forward_inputs(self, inputs) -> np.ndarray:
        """``inputs`` for ``forward`` when they are not already a float array of the right
        width: bools and whole numbers cast to the network's dtype; text, complex numbers,
        objects, another number of dimensions or features refused, each named."""
        try:
            array = np.asarray(inputs)
        except ValueError as error:  # ragged nested lists
            raise ValueError(f"forward needs a rectangular array (samples, features): "
                             f"{error}") from None
        if array.dtype.kind not in "biuf":
            kind = "complex numbers" if array.dtype.kind == "c" else "not numbers"
            raise TypeError(f"forward needs an array of real numbers (samples, features), got "
                            f"dtype {array.dtype} ({kind}); convert it first, or call predict")
        if array.ndim != 2:
            raise ValueError(f"forward needs a 2-dimensional array (samples, features), got "
                             f"shape {array.shape}")
        expected = self.in_features
        if expected is not None and array.shape[1] != expected:
            raise ValueError(f"forward needs {expected} features (columns), got "
                             f"{array.shape[1]} (shape {array.shape})")
        return array if array.dtype.kind == "f" else array.astype(self.dtype)

    def summary(self, print_fn: Callable[[str], object] = print) -> None:
        """Print a table of the layers, output shapes and parameter counts (``summary``)."""
        from glassnet.summary import network_text
        print_fn(network_text(self))

    def _repr_html_(self) -> str:
        from glassnet.summary import network_html
        return network_html(self)

    def __repr__(self) -> str:
        inner = ",\n  ".join(repr(layer) for layer in self.layers)
        return f"Sequential([\n  {inner},\n])"


def activation_class(argument: str, value) -> type:
    """A registered name or a Layer class; an instance is refused (mlp makes one per layer)."""
    resolved = resolve("activation", value)
    if not (isinstance(resolved, type) and issubclass(resolved, Layer)):
        raise TypeError(f"{argument} must be a name such as 'relu' or a layer class such as "
                        f"ReLU (mlp makes one per layer), got {printable(repr(value))}")
    return resolved


def mlp(sizes, activation="relu", output_activation="identity", dropout: float = 0.0,
        preprocessing: Layer | None = None, bias: bool = True, initializer="glorot_uniform",
        rng=None, dtype=np.float64) -> Sequential:
    """A multi-layer perceptron: Dense layers of ``sizes`` with ``activation`` between them.

    ``mlp([3, 4, 1], activation="sigmoid")`` is 3 inputs -> Dense(3, 4) -> Sigmoid ->
    Dense(4, 1) -> ``output_activation``. Leave ``output_activation="identity"`` when the
    loss takes logits (SoftmaxCrossEntropy, BinaryCrossEntropy(from_logits=True)).
    ``dropout`` > 0 puts a Dropout(dropout) after every hidden activation; ``preprocessing``
    is a fitted layer placed first (``Standardize.fit(X)``), whose width must be sizes[0].
    Weights are drawn from ``rng`` layer by layer, first to last, so a seed gives one network.
    """
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least an input and an output size, got {sizes!r}")
    hidden = activation_class("activation", activation)
    output = activation_class("output_activation", output_activation)
    initializer = resolve("initializer", initializer)
    check_fraction("dropout", dropout)
    rng, dtype = as_rng(rng), check_dtype(dtype)
    layers = [] if preprocessing is None else [preprocessing]  # Sequential checks it
    for fan_in, fan_out in zip(sizes[:-2], sizes[1:-1], strict=True):
        layers += [Dense(fan_in, fan_out, bias, initializer, rng, dtype), hidden()]
        layers += [Dropout(dropout)] if dropout > 0 else []
    layers += [Dense(sizes[-2], sizes[-1], bias, initializer, rng, dtype), output()]
    return Sequential(layers, rng=rng)
