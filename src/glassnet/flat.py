"""One flat vector for all of a network's parameters, one for their gradients.

After ``flatten(network)`` each layer's parameter arrays are views into one contiguous 1-D
``vector`` (in the order of ``network.parameters()``), and its gradient arrays views into a
``gradient`` vector at the same offsets:

    vector   = [layers.0.weights.ravel(), layers.0.bias.ravel(), layers.2.weights.ravel(), ...]
    gradient = [dL/d layers.0.weights, ...]                      (same offsets and length)

So an optimizer step over the whole network is a few whole-vector operations (``Optimizer``
finds out with ``tiled_vector`` and steps the vector), and the vector is the one thing that
L-BFGS or distributed training exchanges: ``parameters_to_vector(network)`` and
``vector_to_parameters(vector, network)``, named as in PyTorch. Code that puts a new array
into ``layer.params`` (the model-file loader does) ends the views of that array; ``flatten``
again (``fit`` does at its start) rebuilds them, keeping every value. Numpy only.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass

import numpy as np


@dataclass
class FlatParameters:
    """The network's flat ``vector`` (n_parameters,) and ``gradient`` (n_parameters,), and
    where each named array lies in them: ``offsets[name]`` = (start, stop), ``shapes[name]``."""

    vector: np.ndarray
    gradient: np.ndarray
    offsets: dict[str, tuple[int, int]]
    shapes: dict[str, tuple[int, ...]]

    def views(self, flat: np.ndarray) -> dict[str, np.ndarray]:
        """Each named array's view into ``flat`` (a vector laid out as ``vector``)."""
        return {name: flat[start:stop].reshape(self.shapes[name])
                for name, (start, stop) in self.offsets.items()}


def tiled_vector(arrays) -> np.ndarray | None:
    """The 1-D array that ``arrays`` tile exactly, back to back and in order, or None.

    True for the views ``flatten`` makes, as long as no one replaced one of them; a check of
    base, dtype, contiguity and address per array, without touching the data. Arrays whose
    base is not an array (unpickled from a buffer, as Dask sends them) tile none.
    """
    arrays = list(arrays)
    base = arrays[0].base if arrays else None
    if not isinstance(base, np.ndarray) or base.ndim != 1 or not base.flags.c_contiguous:
        return None
    start = address = base.__array_interface__["data"][0]
    for array in arrays:
        if (array.base is not base or array.dtype != base.dtype
                or not array.flags.c_contiguous
                or array.__array_interface__["data"][0] != address):
            return None
        address += array.nbytes
    return base if address == start + base.nbytes else None


def same_objects(objects, kept) -> bool:
    """Whether ``objects`` are ``kept``, one by one and as many (identity, not equality): how
    the optimizer and the divergence guard recognise last step's arrays, and so their
    ``tiled_vector``, without looking at the data."""
    objects = tuple(objects)
    return len(objects) == len(kept) and all(map(operator.is_, objects, kept))


def layers_of(network) -> list:
    """The layers holding ``params`` and ``grads`` dicts, in ``network.parameters()`` order."""
    layers = getattr(network, "layers", None)
    if layers is None:
        raise TypeError(f"flatten needs a network with .layers (such as Sequential), got "
                        f"{type(network).__name__}")
    return [layer for layer in layers if getattr(layer, "params", None)]


def flatten(network) -> FlatParameters:
    """Make every parameter and gradient array of ``network`` a view into one flat vector
    each (values kept; nothing is copied when they already are) and return the vectors."""
    named = [(layer, name) for layer in layers_of(network) for name in layer.params]
    if not named:
        raise ValueError("the network has no parameters to flatten")
    parameters = [layer.params[name] for layer, name in named]
    dtypes = {array.dtype for array in parameters}
    if len(dtypes) != 1:
        raise ValueError(f"flatten needs one dtype for every parameter, got "
                         f"{sorted(map(str, dtypes))}")
    keys = list(network.parameters())
    sizes = np.cumsum([0] + [array.size for array in parameters])
    flat = FlatParameters(
        np.empty(0), np.empty(0),
        {key: (int(sizes[i]), int(sizes[i + 1])) for i, key in enumerate(keys)},
        {key: array.shape for key, array in zip(keys, parameters, strict=True)})
    flat.vector = join([layer.params for layer, _ in named], named, parameters)
    gradients = [layer.grads.get(name) for layer, name in named]
    if any(g is None or g.shape != p.shape for g, p in zip(gradients, parameters, strict=True)):
        gradients = [np.zeros_like(array) for array in parameters]
    flat.gradient = join([layer.grads for layer, _ in named], named,
                         [g.astype(flat.vector.dtype, copy=False) for g in gradients])
    return flat


def flatten_if_possible(network) -> FlatParameters | None:
    """``flatten(network)`` where it applies (layers holding parameters of one dtype), else
    None: ``fit`` calls it, and any other network has its arrays stepped one by one."""
    try:
        return flatten(network)
    except (TypeError, ValueError):
        return None


def join(dicts, named, arrays) -> np.ndarray:
    """The vector ``arrays`` tile; if they tile none, a new one holding their values, with
    each ``dicts[i][name]`` replaced by its view into it."""
    vector = tiled_vector(arrays)
    if vector is not None:
        return vector
    vector = np.concatenate([array.ravel() for array in arrays])
    start = 0
    for target, (_, name), array in zip(dicts, named, arrays, strict=True):
        target[name] = vector[start:start + array.size].reshape(array.shape)
        start += array.size
    return vector


def parameters_to_vector(network) -> np.ndarray:
    """A copy of every parameter of ``network`` as one vector (n_parameters,), in the order
    of ``network.parameters()``, each array raveled in C order."""
    return flatten(network).vector.copy()


def vector_to_parameters(vector, network) -> None:
    """Copy ``vector`` (n_parameters,) into the network's parameters, the inverse of
    ``parameters_to_vector``; cast to the network's dtype; a vector of the wrong length or
    with non-finite values is refused and nothing changes."""
    flat = flatten(network)
    values = np.asarray(vector)
    if values.ndim != 1 or len(values) != len(flat.vector):
        raise ValueError(f"vector must have shape ({len(flat.vector)},), got {values.shape}")
    if values.dtype.kind not in "biuf" or not np.isfinite(values).all():
        raise ValueError("vector must hold finite numbers")
    np.copyto(flat.vector, values, casting="same_kind" if values.dtype.kind == "f"
              else "unsafe")
