"""The layer protocol (``Layer``, written down once here) and the layers Dense and Dropout.

Every layer, built in or a user's, subclasses ``Layer``; the network, the model file and the
registry rely on what it declares instead of probing. Shapes are (batch, features)
everywhere. Imports numpy, ``initializers`` and ``validation`` only (``activations`` and
``preprocessing`` import ``Layer`` from here).
"""

from __future__ import annotations

import numpy as np

from glassnet.initializers import glorot_uniform, zeros
from glassnet.validation import as_rng, check_dtype, check_fraction, check_positive


class ForwardFirstError(RuntimeError, AttributeError):
    """``backward`` ran before ``forward`` had cached what it needs. A RuntimeError that says
    so; also an AttributeError, so ``getattr(layer, cache, default)`` still gives the default."""


class Layer:
    """The protocol every layer follows, with defaults for a layer without arrays.

    - ``params``: the trained arrays by name; ``grads``: dL/d each, same keys, filled by
      ``backward``; ``buffers``: arrays saved in the model file but not trained (running
      statistics), empty by default.
    - ``forward(inputs, training=False) -> outputs`` may cache what backward needs (the
      attribute names listed in ``caches``); ``training`` switches Dropout-like behaviour.
    - ``backward(grad_output, input_gradient=True) -> grad_input``: fills ``grads`` and
      returns dL/d inputs, or None when ``input_gradient`` is False (the inputs are data).
    - ``config() -> dict``: JSON-safe constructor arguments that rebuild the layer's shape.
    - ``array_shapes(config) -> {name: shape}`` (classmethod): the shapes of ``params`` and
      ``buffers`` a config implies, known before anything is built (the loader checks every
      array against them before reading its bytes).
    - ``in_features`` / ``out_features``: the widths it takes and gives, None when the layer
      neither fixes nor changes the width.
    - ``needs_rng``: True for a layer that draws at training time; a Sequential then hands it
      the network's ``rng`` unless it has its own.
    - ``forward_in_place(inputs) -> outputs``: ``forward(inputs, training=False)``, allowed to
      write over ``inputs``; ``predict`` calls it only with an array that the layer before
      made (``new_outputs``), never with the caller's data. By default plain ``forward``.
    - ``new_outputs``: True for a layer whose inference ``forward`` always returns a new array
      of its own (Dense, ReLU, Softmax), which the next layer may then overwrite.
    - ``concurrent_forward``: True for a layer whose inference ``forward`` (and
      ``forward_in_place``) may run on two chunks at once on two threads: it returns what it
      computed, never an attribute another call may have set meanwhile. ``predict`` then
      spreads its chunks over threads (``chunk_threads``); False by default.
    """

    needs_rng = False
    new_outputs = False
    concurrent_forward = False
    caches: tuple[str, ...] = ()
    in_features: int | None = None
    out_features: int | None = None

    def __init__(self):
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.buffers: dict[str, np.ndarray] = {}

    def forward(self, inputs: np.ndarray, training: bool = False) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad_output: np.ndarray, input_gradient: bool = True):
        raise NotImplementedError

    def forward_in_place(self, inputs: np.ndarray) -> np.ndarray:
        return self.forward(inputs, training=False)

    def config(self) -> dict:
        return {}

    @classmethod
    def array_shapes(cls, config: dict) -> dict[str, tuple[int, ...]]:
        return {}

    def __call__(self, inputs: np.ndarray) -> np.ndarray:
        return self.forward(inputs)

    def __getattr__(self, name: str):
        # Reached only when an attribute is missing: a cache read before forward wrote it.
        if name in type(self).caches:
            raise ForwardFirstError(f"{type(self).__name__}: backward called before forward (no "
                               f"cached {name}); run forward on a batch first")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Dense(Layer):
    """A fully connected layer: outputs = inputs @ weights + bias.

    Shapes: inputs (batch, in_features) -> outputs (batch, out_features);
    weights (in_features, out_features); bias (out_features,).
    Backward, for upstream gradient G = dL/d outputs (batch, out_features):
        dL/d weights = inputs.T @ G      dL/d bias = sum over the batch of G
        dL/d inputs  = G @ weights.T
    Caches ``inputs`` in forward for the weight gradient.
    """

    caches = ("inputs",)
    new_outputs = True  # inputs @ weights is a new array
    concurrent_forward = True

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        initializer=glorot_uniform,
        rng=None,
        dtype=np.float64,
    ):
        check_positive("in_features", in_features, integer=True)
        check_positive("out_features", out_features, integer=True)
        if not isinstance(bias, bool | np.bool_):  # "no" would be truthy: a bias nobody asked for
            raise TypeError(f"bias must be True or False, got {bias!r}")
        if not callable(initializer):
            raise TypeError(f"initializer must be a function (shape, rng, dtype), got "
                            f"{initializer!r}")
        super().__init__()
        self.in_features, self.out_features = int(in_features), int(out_features)
        self.dtype = check_dtype(dtype)
        self.initializer = initializer
        shape = (self.in_features, self.out_features)
        self.params = {"weights": initializer(shape, as_rng(rng), self.dtype)}
        if bias:
            self.params["bias"] = zeros((self.out_features,), dtype=self.dtype)
        self.grads = {name: np.zeros_like(value) for name, value in self.params.items()}

    @classmethod
    def array_shapes(cls, config: dict) -> dict[str, tuple[int, ...]]:
        """weights (in_features, out_features) and, unless ``bias`` is false, bias
        (out_features,); sizes must be whole numbers in [1, 2**31)."""
        sizes = [config.get(key) for key in ("in_features", "out_features")]
        if not all(isinstance(size, int) and not isinstance(size, bool) and 0 < size < 2**31
                   for size in sizes):
            raise ValueError(f"in_features and out_features must be whole numbers > 0, "
                             f"got {sizes}")
        shapes = {"weights": (sizes[0], sizes[1])}
        if config.get("bias", True) is not False:
            shapes["bias"] = (sizes[1],)
        return shapes

    @property
    def weights(self) -> np.ndarray:
        return self.params["weights"]

    @property
    def bias(self) -> np.ndarray | None:
        return self.params.get("bias")

    def forward(self, inputs: np.ndarray, training: bool = False) -> np.ndarray:
        self.inputs = inputs
        outputs = inputs @ self.params["weights"]
        if "bias" in self.params:
            outputs += self.params["bias"]
        return outputs

    def backward(self, grad_output: np.ndarray, input_gradient: bool = True):
        """Fill ``grads``; return dL/d inputs, or None with ``input_gradient=False`` (a first
        layer's inputs are data: skipping G @ weights.T saves a third of its backward work)."""
        weights_gradient = self.gradient_buffer("weights", np.result_type(self.inputs,
                                                                          grad_output))
        np.matmul(self.inputs.T, grad_output, out=weights_gradient)
        if "bias" in self.params:
            bias_gradient = self.gradient_buffer("bias", grad_output.dtype)
            np.add.reduce(grad_output, axis=0, out=bias_gradient)  # np.sum without its wrapper
        return grad_output @ self.params["weights"].T if input_gradient else None

    def gradient_buffer(self, name: str, dtype) -> np.ndarray:
        """grads[name], reused batch after batch while its shape and dtype fit (copy a
        gradient to keep it past the next backward), else a new array."""
        gradient, shape = self.grads.get(name), self.params[name].shape
        if gradient is None or gradient.shape != shape or gradient.dtype != dtype:
            gradient = self.grads[name] = np.empty(shape, dtype=dtype)
        return gradient

    def config(self) -> dict:
        """The constructor arguments that rebuild this layer's shape (not its values)."""
        return {
            "in_features": self.in_features,
            "out_features": self.out_features,
            "bias": "bias" in self.params,
            "dtype": np.dtype(self.dtype).name,
        }

    def __repr__(self) -> str:
        bias = "" if "bias" in self.params else ", bias=False"
        return f"Dense({self.in_features}, {self.out_features}{bias})"


class Dropout(Layer):
    """Inverted dropout: while training, each input is kept with probability 1 - rate.

        outputs = inputs * mask / (1 - rate),    mask_ij ~ Bernoulli(1 - rate)
        dL/d inputs = grad_output * mask / (1 - rate)

    The 1 / (1 - rate) keeps the expected activation unchanged, so at predict time
    (``training=False``) the layer is the identity. The mask is drawn from ``rng``; inside a
    ``Sequential`` the network hands the layer its own rng (``needs_rng``), so one seed fixes
    every mask. Shapes (batch, features) -> (batch, features). No parameters; caches the
    scaled mask (``None`` when inactive) for backward.
    """

    needs_rng = True
    caches = ("scaled_mask",)
    concurrent_forward = True  # the identity at inference

    def __init__(self, rate: float, rng=None):
        super().__init__()
        self.rate = check_fraction("rate", rate)
        self.rng = None if rng is None else as_rng(rng)

    def forward(self, inputs: np.ndarray, training: bool = False) -> np.ndarray:
        if not training or self.rate == 0:
            self.scaled_mask = None
            return inputs
        if self.rng is None:
            raise RuntimeError("Dropout has no rng to draw its mask: put it in a Sequential "
                               "(which hands it the network's rng) or pass rng=")
        keep = self.rng.random(inputs.shape) >= self.rate
        self.scaled_mask = keep.astype(inputs.dtype) / inputs.dtype.type(1 - self.rate)
        return inputs * self.scaled_mask

    def backward(self, grad_output: np.ndarray, input_gradient: bool = True):
        if not input_gradient:
            return None
        return grad_output if self.scaled_mask is None else grad_output * self.scaled_mask

    def config(self) -> dict:
        """The constructor arguments (the rng is the network's, not saved)."""
        return {"rate": self.rate}

    def __repr__(self) -> str:
        return f"Dropout({self.rate})"
