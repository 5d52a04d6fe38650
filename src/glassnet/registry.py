"""The one allow-list from names (CLI flags, model files, ``mlp(activation="relu")``) to
classes and functions.

A name never reaches ``getattr``, ``eval`` or ``import``: it is looked up in these dicts and
an unknown name raises ValueError listing the known ones. Imports the numpy-only modules,
``layers`` and the callbacks and schedules (which import nothing above them); imported by
``network`` and everything above it.
"""

from __future__ import annotations

from glassnet import (
    activations,
    callbacks,
    initializers,
    layers,
    losses,
    metrics,
    optimizers,
    schedules,
)
from glassnet.diagnostics import Diagnostics
from glassnet.preprocessing import Standardize

ACTIVATIONS = {
    "sigmoid": activations.Sigmoid,
    "logistic": activations.Sigmoid,
    "tanh": activations.Tanh,
    "relu": activations.ReLU,
    "leaky_relu": activations.LeakyReLU,
    "identity": activations.Identity,
    "linear": activations.Identity,
    "softmax": activations.Softmax,
    "elu": activations.ELU,
    "softplus": activations.Softplus,
    "gelu": activations.GELU,
}

LOSSES = {
    "squared_error": losses.SquaredError,
    "binary_cross_entropy": losses.BinaryCrossEntropy,
    "softmax_cross_entropy": losses.SoftmaxCrossEntropy,
    "mean_absolute_error": losses.MeanAbsoluteError,
    "huber": losses.Huber,
}

INITIALIZERS = {
    "uniform_symmetric": initializers.uniform_symmetric,
    "glorot_uniform": initializers.glorot_uniform,
    "he_normal": initializers.he_normal,
    "zeros": initializers.zeros,
}

OPTIMIZERS = {
    "sgd": optimizers.SGD,
    "gradient_descent": optimizers.GradientDescent,
    "adam": optimizers.Adam,
}

LAYERS = {"Dense": layers.Dense, "Dropout": layers.Dropout, "Standardize": Standardize,
          **{cls.__name__: cls for cls in ACTIVATIONS.values()}}

METRICS = {
    "accuracy": metrics.accuracy,
    "mean_squared_error": metrics.mean_squared_error,
    "mean_absolute_error": metrics.mean_absolute_error,
}

SCHEDULES = {
    "constant": schedules.Constant,
    "step_decay": schedules.StepDecay,
    "exponential_decay": schedules.ExponentialDecay,
    "inverse_scaling": schedules.InverseScaling,
    "reduce_on_plateau": schedules.ReduceOnPlateau,
}

CALLBACKS = {
    "early_stopping": callbacks.EarlyStopping,
    "progress_bar": callbacks.ProgressBar,
    "diagnostics": Diagnostics,
    **SCHEDULES,
}

KINDS = {
    "activation": ACTIVATIONS,
    "loss": LOSSES,
    "initializer": INITIALIZERS,
    "optimizer": OPTIMIZERS,
    "layer": LAYERS,
    "metric": METRICS,
    "callback": CALLBACKS,
    "schedule": SCHEDULES,
}


def resolve(kind: str, name):
    """Return the class or function registered as ``name`` among ``kind``; objects pass through.

    >>> resolve("activation", "relu")
    <class 'glassnet.activations.ReLU'>
    """
    table = KINDS[kind]
    if not isinstance(name, str):
        return name
    folded = {key.lower(): key for key in table}  # "Dense", "dense" and "DENSE" alike
    key = folded.get(name.strip().lower())
    if key is None:
        known = ", ".join(sorted(table))
        raise ValueError(f"unknown {kind} {name!r}; known: {known}")
    return table[key]


def name_of(kind: str, value) -> str:
    """The registered name of a class, instance or function (the reverse of ``resolve``)."""
    for name, entry in KINDS[kind].items():
        if entry is value or entry is type(value):
            return name
    raise ValueError(f"{value!r} is not a registered {kind}")
