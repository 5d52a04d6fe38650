"""Weight initializers: functions ``(shape, rng, dtype) -> array``.

Each draws only with ``rng.random(shape)`` or ``rng.standard_normal(shape)``, which both
``numpy.random.Generator`` and the legacy ``RandomState`` offer, so ``RandomState(1)``
reproduces the tutorial's starting weights exactly. ``shape`` is (fan_in, fan_out).
Numpy only; imports nothing from glassnet.
"""

from __future__ import annotations

import numpy as np


def uniform_symmetric(shape, rng, dtype=np.float64) -> np.ndarray:
    """w = 2 r - 1 with r ~ U[0, 1): uniform on [-1, 1), the tutorial's ``2 * random() - 1``."""
    return (2 * rng.random(shape) - 1).astype(dtype, copy=False)


def glorot_uniform(shape, rng, dtype=np.float64) -> np.ndarray:
    """w ~ U[-a, a) with a = sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio, 2010).

    Keeps the variance of activations and gradients roughly equal across tanh/sigmoid layers.
    """
    fan_in, fan_out = shape
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return (limit * (2 * rng.random(shape) - 1)).astype(dtype, copy=False)


def he_normal(shape, rng, dtype=np.float64) -> np.ndarray:
    """w ~ N(0, 2 / fan_in) (He et al., 2015): keeps the variance through ReLU layers."""
    fan_in, _ = shape
    return (np.sqrt(2.0 / fan_in) * rng.standard_normal(shape)).astype(dtype, copy=False)


def zeros(shape, rng=None, dtype=np.float64) -> np.ndarray:
    """w = 0. Fine for biases; for weights it leaves every unit in a layer identical."""
    return np.zeros(shape, dtype=dtype)
