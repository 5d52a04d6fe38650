"""What ``Sequential`` checks of its layers: instances, widths that fit, forward variants.

A network's layers must be ``Layer`` instances (``check_layer``), each taking the width the
layer before it gives (``check_widths``); ``declared_with_forward`` says whether a layer's
faster variants (in place, on threads) belong to the ``forward`` it runs, so that a user's
subclass that changes ``forward`` alone is never run by an inherited variant. Imports
``layers`` and ``validation``.
"""

from __future__ import annotations

from glassnet.layers import Layer
from glassnet.validation import printable


def declared_with_forward(layer, *names: str) -> bool:
    """Whether ``names`` (by default ``forward_in_place`` and ``new_outputs``) come from the
    class that defines ``forward`` (or a subclass of it): a subclass that changes ``forward``
    alone (a user's ReLU, say) is run by its ``forward``, never by an inherited in-place
    variant, nor on threads that the parent's forward allowed."""
    order = type(layer).__mro__
    defining = [next(cls for cls in order if name in cls.__dict__)
                for name in ("forward", *(names or ("forward_in_place", "new_outputs")))]
    # Layer's own defaults (plain forward; no new outputs) are safe under any forward.
    return all(cls is Layer or order.index(cls) <= order.index(defining[0])
               for cls in defining[1:])


def check_layer(index: int, layer) -> None:
    """A layer instance, not its class (``ReLU`` for ``ReLU()``) nor anything else."""
    if isinstance(layer, type):
        hint = f": write {layer.__name__}()" if issubclass(layer, Layer) else ""
        raise TypeError(f"layer {index} is the class {layer.__name__}, not a layer instance"
                        f"{hint}")
    if not isinstance(layer, Layer):
        missing = "" if hasattr(layer, "forward") and hasattr(layer, "backward") \
            else " has no forward/backward methods:"
        raise TypeError(f"layer {index} ({printable(repr(layer))}){missing} a layer must be an "
                        f"instance of a glassnet.layers.Layer subclass")


def check_widths(layers: list) -> None:
    """Each layer that fixes its input width must take what the layer before it gives."""
    previous, width = None, None
    for index, layer in enumerate(layers):
        if layer.in_features is not None and width is not None and layer.in_features != width:
            raise ValueError(f"layer {index} ({printable(repr(layer))}) takes "
                             f"{layer.in_features} features but the layer before gives {width} "
                             f"(layer {previous[0]}, {printable(repr(previous[1]))})")
        if layer.out_features is not None:
            previous, width = (index, layer), layer.out_features
