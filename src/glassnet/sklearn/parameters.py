"""Checks of the estimators' constructor parameters, run at ``fit`` (never in ``__init__``, as
scikit-learn requires). Every message names the parameter and the bad value.

Imports numpy and glassnet's registry only; the estimators import this module.
"""

from __future__ import annotations

import numbers

import numpy as np

from glassnet.registry import ACTIVATIONS
from glassnet.validation import check_dtype

SOLVERS = ("adam", "sgd", "lbfgs")
LEARNING_RATES = ("constant", "invscaling", "adaptive")


def check_choice(name: str, value, choices) -> None:
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")


def check_number(name: str, value, low=None, high=None, *, low_open=False, high_open=False,
                 integer=False) -> None:
    """Raise unless ``value`` is a real (or integral) number inside the stated interval."""
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind) or np.isnan(value):
        raise TypeError(f"{name} must be {'an integer' if integer else 'a number'}, "
                        f"got {value!r}")
    too_low = low is not None and (value < low or (low_open and value == low))
    too_high = value == np.inf if high is None else \
        value > high or (high_open and value == high)  # [low, inf) holds no infinity
    if too_low or too_high:
        left = "(" if low_open else "["
        right = ")" if high_open or high is None else "]"
        interval = f"{left}{low if low is not None else '-inf'}, " \
                   f"{high if high is not None else 'inf'}{right}"
        raise ValueError(f"{name} must be in {interval}, got {value!r}")


def check_flag(name: str, value) -> None:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {value!r}")


def hidden_sizes(value) -> list[int]:
    """``hidden_layer_sizes`` as a list of positive ints (an int means one hidden layer)."""
    sizes = [value] if isinstance(value, numbers.Integral) else value
    try:
        sizes = list(sizes)
    except TypeError:
        raise TypeError(f"hidden_layer_sizes must be an int or a sequence of ints, got "
                        f"{value!r}") from None
    for size in sizes:
        if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 1:
            raise ValueError(f"hidden_layer_sizes must hold integers >= 1, got {value!r}")
    return [int(size) for size in sizes]


def check_parameters(estimator) -> None:
    """Check every constructor parameter of an MLP estimator; raise on the first bad one."""
    hidden_sizes(estimator.hidden_layer_sizes)
    activations = [name for name in ACTIVATIONS if name != "softmax"]
    check_choice("activation", estimator.activation, activations)
    check_choice("solver", estimator.solver, SOLVERS)
    check_choice("learning_rate", estimator.learning_rate, LEARNING_RATES)
    if estimator.batch_size != "auto":
        check_number("batch_size (an int or 'auto')", estimator.batch_size, 1, integer=True)
    for name in ("alpha", "power_t", "tol"):
        check_number(name, getattr(estimator, name), 0)
    for name in ("learning_rate_init", "epsilon"):
        check_number(name, getattr(estimator, name), 0, low_open=True)
    for name in ("max_iter", "max_fun"):
        check_number(name, getattr(estimator, name), 1, integer=True)
    check_number("momentum", estimator.momentum, 0, 1)
    for name in ("validation_fraction", "beta_1", "beta_2", "dropout"):
        check_number(name, getattr(estimator, name), 0, 1, high_open=True)
    if estimator.n_iter_no_change != np.inf:
        check_number("n_iter_no_change (an int or numpy.inf)", estimator.n_iter_no_change, 1,
                     integer=True)
    for name in ("shuffle", "warm_start", "nesterovs_momentum", "early_stopping"):
        check_flag(name, getattr(estimator, name))
    if not isinstance(estimator.verbose, numbers.Integral):
        raise TypeError(f"verbose must be True, False or an int, got {estimator.verbose!r}")
    if estimator.dtype is not None:
        check_dtype(estimator.dtype)
    if estimator.solver == "lbfgs" and estimator.dropout > 0:
        raise ValueError(f"dropout={estimator.dropout} needs solver 'adam' or 'sgd': L-BFGS "
                         f"needs a deterministic objective, got solver='lbfgs'")
    parameters = estimator.get_params()
    if "loss" in parameters:
        check_choice("loss", estimator.loss, ("squared_error",))
    class_weight = parameters.get("class_weight")
    if not (class_weight is None or class_weight == "balanced" or isinstance(class_weight, dict)):
        raise ValueError(f"class_weight must be a dict, 'balanced' or None, got {class_weight!r}")
