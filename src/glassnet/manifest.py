"""The model file's manifest, both directions side by side: ``describe_model`` turns a Model's
loss, task, labels, names, preprocessing, target scaling, training summary and History into
plain JSON; ``build_model`` turns a checked manifest back into them around an already built
network, refusing values that parse but make no sense (labels that collide once written as
text, a target scaling that does not fit the outputs), each with the field named. Names from
a file are only ever looked up in the registry's dicts. The layers' part of the manifest is
``serialization``'s, the container's ``modelfile``'s. Imports numpy, ``registry``,
``initializers``, ``history``, ``model``, ``preprocessing``, ``version`` and ``modelfile``.
"""

from __future__ import annotations

import inspect
import math

import numpy as np

from glassnet import registry
from glassnet.history import History
from glassnet.initializers import zeros
from glassnet.model import Model
from glassnet.modelfile import DTYPES, FORMAT_NAME, FORMAT_VERSION, ModelFileError, listing
from glassnet.preprocessing import ColumnEncoder
from glassnet.validation import printable
from glassnet.version import __version__

# Writing ---------------------------------------------------------------------------------

def describe_model(model: Model, layers: list[dict]) -> dict:
    """The JSON-safe manifest of ``model`` whose layers are already described."""
    loss = None if model.loss is None else {"name": registry.name_of("loss", model.loss),
                                            "config": config_of(model.loss)}
    manifest = {
        "format": FORMAT_NAME, "format_version": FORMAT_VERSION,
        "glassnet_version": __version__, "dtype": np.dtype(model.network.dtype).name,
        "layers": layers, "loss": loss, "task": model.task,
        "class_labels": model.class_labels, "feature_names": model.feature_names,
        "preprocessing": None if model.preprocessing is None else model.preprocessing.config(),
        "target_scaling": model.target_scaling, "training": model.training,
        "history": model.history.to_dict(),
    }
    return json_safe(manifest)


def config_of(loss) -> dict:
    """A loss's constructor arguments: the attributes named like its constructor's
    parameters (layers give theirs through ``Layer.config()``)."""
    parameters = inspect.signature(type(loss)).parameters
    return {name: getattr(loss, name) for name in parameters
            if name not in ("rng", "initializer") and hasattr(loss, name)}


def json_safe(value):
    """Plain JSON data from dicts, lists, numpy values; NaN and infinity become None."""
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [json_safe(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot store {short(value)} ({type(value).__name__}) in a model file")


# Reading ---------------------------------------------------------------------------------

def dtype_of(manifest: dict) -> np.dtype:
    dtype = DTYPES.get(manifest["dtype"]) if isinstance(manifest["dtype"], str) else None
    if dtype is None:
        raise ModelFileError(f"dtype must be float32 or float64, got {short(manifest['dtype'])}")
    return dtype


def check_entry(where: str, entry) -> tuple[str, dict]:
    """``{"name": str, "config": {str: JSON value}}`` -> (name, config)."""
    if not isinstance(entry, dict) or set(entry) != {"name", "config"}:
        raise ModelFileError(f"{where} must be a dict with keys name and config, got "
                             f"{short(entry)}")
    name, config = entry["name"], entry["config"]
    if not isinstance(name, str) or not isinstance(config, dict):
        raise ModelFileError(f"{where} needs a string name and a dict config, got "
                             f"{short(entry)}")
    return name, config


def construct(cls, config: dict, where: str):
    """``cls(**config)`` after checking the keys against its signature."""
    parameters = inspect.signature(cls).parameters
    unknown = sorted(set(config) - set(parameters) | set(config) & {"rng", "initializer"})
    if unknown:
        raise ModelFileError(f"{where}: unknown config key(s) [{listing(unknown)}]")
    for key, value in config.items():
        check_config_type(f"{where}: config {key}", parameters[key].default, value)
    extra = {"initializer": zeros} if "initializer" in parameters else {}
    try:
        return cls(**config, **extra)
    except (TypeError, ValueError) as error:
        raise ModelFileError(f"{where}: bad config {short(config)}: {error}") from None


def check_config_type(where: str, default, value) -> None:
    """A config value of the kind its constructor's default is: true or false for a flag,
    a number for a number, text for text. A file's ``"bias": "yes"`` would otherwise pass
    as true; a parameter without such a default is left to the constructor's own checks."""
    if isinstance(default, bool):
        expected, fits = "true or false", isinstance(value, bool)
    elif isinstance(default, int | float):
        expected = "a number"
        fits = isinstance(value, int | float) and not isinstance(value, bool)
    elif isinstance(default, str):
        expected, fits = "a string", isinstance(value, str)
    else:
        return
    if not fits:
        raise ModelFileError(f"{where} must be {expected}, got {short(value)}")


def build_model(network, manifest: dict) -> Model:
    """The Model described by a checked manifest around an already built network."""
    training = manifest["training"]
    if not isinstance(training, dict):
        raise ModelFileError(f"training must be a dict, got {short(training)}")
    if not isinstance(training.get("target", ""), str | None):  # commands look the column up
        raise ModelFileError(f"training target must be a column name, got "
                             f"{short(training['target'])}")
    labels = check_labels(manifest["class_labels"])
    names = check_list("feature_names", manifest["feature_names"], (str,))
    check_scaling(manifest["target_scaling"], manifest["task"], network.out_features)
    try:
        model = Model(network, build_loss(manifest["loss"]), manifest["task"], labels, names,
                      build_encoder(manifest["preprocessing"]), manifest["target_scaling"],
                      training, build_history(manifest["history"]))
    except (TypeError, ValueError) as error:
        if isinstance(error, ModelFileError):
            raise
        raise ModelFileError(f"inconsistent model: {error}") from None
    check_features(model)
    return model


def check_features(model: Model) -> None:
    """Encoder width, feature names and loss must fit the network."""
    width = model.network.in_features
    if model.preprocessing is not None and width is not None \
            and len(model.preprocessing.output_names) != width:
        raise ModelFileError(f"preprocessing gives {len(model.preprocessing.output_names)} "
                             f"features but the network takes {width}")
    expected = width if model.preprocessing is None else len(model.preprocessing.names)
    if model.feature_names is not None and expected is not None \
            and len(model.feature_names) != expected:
        raise ModelFileError(f"{len(model.feature_names)} feature names for {expected} "
                             f"input columns")
    if model.task == "regression" and model.class_labels is not None:
        raise ModelFileError(f"a regression model has no class_labels, got "
                             f"{short(model.class_labels)}")
    if model.task in ("classification", "multilabel") and \
            not hasattr(model.loss, "probabilities"):
        raise ModelFileError(f"a {model.task} model needs a loss that gives probabilities, "
                             f"got {short(model.loss)}")


def check_list(name: str, values, types: tuple) -> list | None:
    if values is None:
        return None
    if not isinstance(values, list) or not all(isinstance(value, types) for value in values):
        raise ModelFileError(f"{name} must be a list of {'/'.join(t.__name__ for t in types)}, "
                             f"got {short(values)}")
    return values


def check_labels(values) -> list | None:
    """Class labels: strings, whole or finite numbers, true/false, and no two of them the same
    label once compared (1, 1.0 and true are equal in Python) or written as text (1, "1")."""
    labels = check_list("class_labels", values, (str, int, float, bool))
    by_value, by_text = {}, {}
    for label in labels or []:
        if isinstance(label, float) and not math.isfinite(label):
            raise ModelFileError(f"class_labels holds the non-finite number {label}")
        for seen, key in ((by_value, label), (by_text, str(label))):
            if key in seen:
                raise ModelFileError(f"class_labels holds {short(seen[key])} and "
                                     f"{short(label)}, the same label once compared or "
                                     f"written as text")
            seen[key] = label
    return labels


def check_scaling(scaling, task, outputs: int | None) -> None:
    """A target scaling belongs to a regression, with one value or one per output."""
    if scaling is None:
        return
    if task not in ("regression", None):
        raise ModelFileError(f"target_scaling is given for a {short(task)} model; only a "
                             f"regression has one")
    means = scaling.get("mean") if isinstance(scaling, dict) else None
    if isinstance(means, list) and outputs is not None and len(means) != outputs:
        raise ModelFileError(f"target_scaling has {len(means)} means but the network has "
                             f"{outputs} output(s)")


def build_loss(entry):
    if entry is None:
        return None
    name, config = check_entry("loss", entry)
    loss_class = registry.LOSSES.get(name)
    if loss_class is None:
        raise ModelFileError(f"unknown loss {short(name)}; known: "
                             f"{listing(sorted(registry.LOSSES), 20)}")
    return construct(loss_class, config, f"loss ({short(name)})")


ENCODER_KEYS = {"columns", "missing", "dropped"}


def build_encoder(config) -> ColumnEncoder | None:
    if config is None:
        return None
    if not isinstance(config, dict) or not {"columns"} <= set(config) <= ENCODER_KEYS \
            or not isinstance(config["columns"], list):
        raise ModelFileError(f"preprocessing must be {{'columns': [...]}} (and optionally "
                             f"missing, dropped), got {short(config)}")
    if not isinstance(config.get("missing", []), list) or \
            not isinstance(config.get("dropped", []), list):
        raise ModelFileError(f"preprocessing missing and dropped must be lists, got "
                             f"{short(config)}")
    try:
        return ColumnEncoder(**config)
    except ValueError as error:
        raise ModelFileError(f"preprocessing: {error}") from None


def build_history(entry) -> History:
    """History through ``History.from_dict`` (non-finite values are "nan", "inf", "-inf";
    files written before that wrote null, read as NaN)."""
    if not isinstance(entry, dict) or set(entry) != {"records", "stopped_early", "interrupted"}:
        raise ModelFileError(f"history must have records, stopped_early and interrupted, got "
                             f"{short(entry)}")
    if not isinstance(entry["stopped_early"], bool) or not isinstance(entry["interrupted"], bool):
        raise ModelFileError("history stopped_early and interrupted must be true or false")
    try:
        return History.from_dict(entry)
    except ValueError as error:
        raise ModelFileError(f"history records: {error}") from None


def short(value, limit: int = 120) -> str:
    """``repr(value)`` for a message: control characters escaped, at most ``limit`` long."""
    return printable(repr(value), limit)
