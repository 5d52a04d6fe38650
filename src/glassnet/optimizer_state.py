"""An optimizer's state, per parameter name or as one vector: joined, and shown per name.

``update`` keeps a state per name (``state["layers.0.weights"]["m"]``); ``update_vector``
keeps one state for the flat vector whose per-name entries are views into it. These
functions recognise a flat vector (``flat_vectors``), join per-name states into one
(``join_states``) and show a vector state per name (``share``). Numpy only; imports
``flat``.
"""

from __future__ import annotations

import numpy as np

from glassnet.flat import tiled_vector

# State entries that are only workspace: kept with the state, not shown per name.
WORKSPACE = ("scratch", "step", "scaled_gradient")


def flat_vectors(params, grads) -> tuple[np.ndarray, np.ndarray] | None:
    """(parameter vector, gradient vector) when both tile one vector each, name by name with
    the same shapes; else None."""
    if params.keys() != grads.keys():
        return None
    vector = tiled_vector(params.values())
    gradient = None if vector is None else tiled_vector(grads.values())
    if gradient is None or gradient.shape != vector.shape or gradient.dtype != vector.dtype:
        return None
    if any(grads[name].shape != value.shape for name, value in params.items()):
        return None
    return vector, gradient


def join_states(states: list, params: dict) -> dict | None:
    """One vector state from per-name states: {} if none has any; arrays concatenated and
    counts shared when all have the same entries and equal counts; else None."""
    if all(not state for state in states):
        return {}
    if any(not state for state in states):
        return None
    keys = [key for key in states[0] if key not in WORKSPACE]
    joined = {}
    for key in keys:
        values = [state.get(key) for state in states]
        if isinstance(values[0], np.ndarray):
            if any(not isinstance(v, np.ndarray) or v.shape != p.shape
                   for v, p in zip(values, params.values(), strict=True)):
                return None
            joined[key] = np.concatenate([value.ravel() for value in values])
        elif any(value != values[0] for value in values):
            return None
        else:
            joined[key] = values[0]
    return joined


def share(state: dict, dicts: list, params: dict) -> None:
    """Show the vector state per name: array entries as views (made once), counts copied."""
    for key, value in state.items():
        if key in WORKSPACE:
            continue
        if not isinstance(value, np.ndarray):
            for shown in dicts:
                shown[key] = value
        elif key not in dicts[0]:
            start = 0
            for shown, parameter in zip(dicts, params.values(), strict=True):
                shown[key] = value[start:start + parameter.size].reshape(parameter.shape)
                start += parameter.size
