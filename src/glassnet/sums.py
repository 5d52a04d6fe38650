"""A batch's summed loss and summed gradient at a given parameter vector: what data-parallel
training exchanges.

``fit`` minimises the mean L = sum_i w_i l_i / W (W = sum_i w_i, the row count without
weights) plus a penalty. Split the rows into parts p (one per worker) and the mean is the
ratio of sums, and so is its gradient:

    L(theta)      = sum_p S_p(theta) / sum_p W_p + penalty(theta)
    dL/dtheta     = sum_p G_p(theta) / sum_p W_p + dpenalty/dtheta

with S_p = sum_{i in p} w_i l_i, G_p = dS_p/dtheta and W_p = sum_{i in p} w_i.
``batch_sums`` returns (S_p, G_p, W_p) for one part, with no penalty: the penalty is added
once, where the sums meet (``glassnet.dask``). theta is the flat vector of
``flat.parameters_to_vector``. Imports numpy and the core modules only.
"""

from __future__ import annotations

import copy

import numpy as np

from glassnet.flat import flatten, vector_to_parameters
from glassnet.losses import Loss
from glassnet.training import training_step


def summing(loss: Loss) -> Loss:
    """A shallow copy of ``loss`` with ``reduction="sum"`` (L = sum_i w_i l_i)."""
    if not isinstance(loss, Loss):
        raise TypeError(f"batch_sums needs a glassnet Loss (with a reduction), got "
                        f"{type(loss).__name__}")
    summed = copy.copy(loss)
    summed.reduction = "sum"
    return summed


def batch_sums(network, loss: Loss, inputs: np.ndarray, targets: np.ndarray,
               weights: np.ndarray | None, vector: np.ndarray) -> tuple[float, np.ndarray, float]:
    """(S, G, W) of one batch at the parameters ``vector``, without any penalty.

    S = sum_i w_i l_i (a float), G = dS/dtheta (n_parameters,) float64 in the layout of
    ``parameters_to_vector``, W = sum_i w_i (the row count when ``weights`` is None).
    inputs (rows, features); targets as ``loss`` takes them (labels or (rows, outputs));
    weights (rows,) or None. ``vector`` is copied into ``network`` first (the network keeps
    it); a batch of 0 rows gives (0.0, zeros, 0.0). A full batch's mean loss and gradient,
    as ``fit`` computes them, are S / W and G / W for a loss with ``reduction="mean"``.
    """
    vector_to_parameters(vector, network)
    if len(inputs) == 0:
        return 0.0, np.zeros(len(vector), dtype=np.float64), 0.0
    value = training_step(network, summing(loss), inputs, targets, weights)
    total = float(len(inputs)) if weights is None else float(np.sum(weights, dtype=np.float64))
    return float(value), flatten(network).gradient.astype(np.float64, copy=True), total
