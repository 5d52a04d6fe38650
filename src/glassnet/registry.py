"""The one allow-list from names (CLI flags, model files, ``mlp(activation="relu")``) to
classes and functions, and ``register``, which adds a user's own class to it.

A name never reaches ``getattr``, ``eval`` or ``import``: it is looked up in these dicts and
an unknown name raises ValueError listing the known ones. Imports the numpy-only modules,
``layers`` and the callbacks and schedules (which import nothing above them); imported by
``network`` and everything above it.
"""

from __future__ import annotations

import re

from glassnet import (
    activations,
    callbacks,
    classification_metrics,
    initializers,
    layers,
    losses,
    metrics,
    optimizers,
    schedules,
)
from glassnet.diagnostics import Diagnostics
from glassnet.normalization import BatchNormalization
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
          "BatchNormalization": BatchNormalization,
          **{cls.__name__: cls for cls in ACTIVATIONS.values()}}

METRICS = {
    "accuracy": metrics.accuracy,
    "mean_squared_error": metrics.mean_squared_error,
    "mean_absolute_error": metrics.mean_absolute_error,
    "r2": metrics.r2_score,
    "log_loss": metrics.log_loss,
    "precision": classification_metrics.precision,
    "recall": classification_metrics.recall,
    "f1": classification_metrics.f1_score,
    "precision_macro": classification_metrics.precision_macro,
    "recall_macro": classification_metrics.recall_macro,
    "f1_macro": classification_metrics.f1_macro,
    "roc_auc": classification_metrics.roc_auc,
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


NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,99}")


def register(cls: type | None = None, *, name: str | None = None):
    """Add a user's class to the allow-list, so it is saved and loaded like a built-in.

    ``@glassnet.register`` above the class, or ``glassnet.register(MyLayer, name="my_layer")``
    (the name defaults to the class's own). The kind follows from the base class: an
    ``activations.Activation`` is an activation (``mlp(activation=name)``) and a layer, any
    other ``layers.Layer`` a layer, a ``losses.Loss`` a loss. A model file names the class;
    ``glassnet.load`` finds it here only (a file never makes glassnet import anything), so
    register it again in every program that loads the file. A name taken by a built-in or by
    another class is refused. Returns the class, unchanged.
    """
    if cls is None:
        return lambda decorated: register(decorated, name=name)
    tables = tables_for(cls)
    name = cls.__name__ if name is None else name
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise ValueError(f"name must be letters, digits, '_', '.' or '-' (at most 100, not "
                         f"starting with a digit), got {name!r:.120}")
    for table in tables:
        check_free(table, name, cls)
    for table in tables:
        table[name] = cls
    return cls


def tables_for(cls) -> list[dict]:
    """The dicts a class belongs in, from its base class."""
    if not isinstance(cls, type):
        raise TypeError(f"register takes a class, got {cls!r:.120}; pass type(obj) or "
                        f"decorate the class")
    if issubclass(cls, activations.Activation):
        return [ACTIVATIONS, LAYERS]
    if issubclass(cls, layers.Layer):
        return [LAYERS]
    if issubclass(cls, losses.Loss):
        return [LOSSES]
    raise TypeError(f"register takes a subclass of glassnet.layers.Layer, "
                    f"glassnet.activations.Activation or glassnet.losses.Loss, got "
                    f"{cls.__name__}")


def check_free(table: dict, name: str, cls: type) -> None:
    """Refuse a name another class holds (names are compared as ``resolve`` finds them,
    whatever the case) and a second name for a class already registered."""
    folded = name.lower()
    for key, entry in table.items():
        if key.lower() == folded and entry is not cls:
            owner = f"{entry.__module__}.{entry.__qualname__}"
            raise ValueError(f"cannot register {cls.__name__} as {name!r}: the name is taken "
                             f"by {owner}")
    names = [key for key, entry in table.items() if entry is cls]
    if names and folded not in {key.lower() for key in names}:
        raise ValueError(f"{cls.__name__} is already registered as {names[0]!r}; a class "
                         f"has one name")
