"""The model file's manifest: its format constants, ``ModelFileError``, and turning the
manifest's plain JSON back into checked objects (loss, preprocessing, History, Model), and
objects into plain JSON (``config_of``, ``json_safe``). Names from a file are only ever
looked up in the registry's dicts. Imports numpy, ``registry``, ``initializers``,
``model``, ``preprocessing`` and ``training``.
"""

from __future__ import annotations

import inspect

import numpy as np

from glassnet import registry
from glassnet.initializers import zeros
from glassnet.model import Model
from glassnet.preprocessing import ColumnEncoder
from glassnet.training import History

FORMAT_NAME = "glassnet-model"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 16 * 2**20
DIGEST_PREFIX = b"glassnet sha256 "
DIGEST_LENGTH = len(DIGEST_PREFIX) + 64
DTYPES = {"float32": np.dtype("<f4"), "float64": np.dtype("<f8")}
KEYS = {"format", "format_version", "glassnet_version", "dtype", "layers", "loss", "task",
        "class_labels", "feature_names", "preprocessing", "target_scaling", "training",
        "history"}


class ModelFileError(ValueError):
    """A model file that is truncated, damaged, tampered with, or not a glassnet model."""


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


def construct(layer_class, config: dict, where: str):
    """``layer_class(**config)`` after checking the keys against its signature."""
    parameters = inspect.signature(layer_class).parameters
    unknown = sorted(set(config) - set(parameters) | set(config) & {"rng", "initializer"})
    if unknown:
        raise ModelFileError(f"{where}: unknown config key(s) {unknown}")
    extra = {"initializer": zeros} if "initializer" in parameters else {}
    try:
        return layer_class(**config, **extra)
    except (TypeError, ValueError) as error:
        raise ModelFileError(f"{where}: bad config {short(config)}: {error}") from None


def build_model(network, manifest: dict) -> Model:
    """The Model described by a checked manifest around an already built network."""
    training = manifest["training"]
    if not isinstance(training, dict):
        raise ModelFileError(f"training must be a dict, got {short(training)}")
    labels = check_list("class_labels", manifest["class_labels"], (str, int, float, bool))
    names = check_list("feature_names", manifest["feature_names"], (str,))
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
    if model.task in ("classification", "multilabel") and \
            not hasattr(model.loss, "probabilities"):
        raise ModelFileError(f"a {model.task} model needs a loss that gives probabilities, "
                             f"got {model.loss!r}")


def check_list(name: str, values, types: tuple) -> list | None:
    if values is None:
        return None
    if not isinstance(values, list) or not all(isinstance(value, types) for value in values):
        raise ModelFileError(f"{name} must be a list of {'/'.join(t.__name__ for t in types)}, "
                             f"got {short(values)}")
    return values


def build_loss(entry):
    if entry is None:
        return None
    name, config = check_entry("loss", entry)
    loss_class = registry.LOSSES.get(name)
    if loss_class is None:
        raise ModelFileError(f"unknown loss {name!r}; known: {', '.join(sorted(registry.LOSSES))}")
    return construct(loss_class, config, f"loss ({name})")


def build_encoder(config) -> ColumnEncoder | None:
    if config is None:
        return None
    if not isinstance(config, dict) or set(config) != {"columns"} \
            or not isinstance(config["columns"], list):
        raise ModelFileError(f"preprocessing must be {{'columns': [...]}}, got {short(config)}")
    try:
        return ColumnEncoder(config["columns"])
    except ValueError as error:
        raise ModelFileError(f"preprocessing: {error}") from None


def build_history(entry) -> History:
    """History from ``{"records": [{str: number or null}], "stopped_early", "interrupted"}``."""
    if not isinstance(entry, dict) or set(entry) != {"records", "stopped_early", "interrupted"}:
        raise ModelFileError(f"history must have records, stopped_early and interrupted, got "
                             f"{short(entry)}")
    records = entry["records"]
    if not isinstance(records, list) or not all(
            isinstance(record, dict) and all(is_number_or_none(value) for value in record.values())
            for record in records):
        raise ModelFileError(f"history records must be dicts of numbers, got {short(records)}")
    if not isinstance(entry["stopped_early"], bool) or not isinstance(entry["interrupted"], bool):
        raise ModelFileError("history stopped_early and interrupted must be true or false")
    history = History()
    history.records = [{key: float("nan") if value is None else value
                        for key, value in record.items()} for record in records]
    history.stopped_early, history.interrupted = entry["stopped_early"], entry["interrupted"]
    return history


def is_number_or_none(value) -> bool:
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))



def config_of(item) -> dict:
    """A loss's constructor arguments: the attributes named like its constructor's
    parameters (layers give theirs through ``Layer.config()``)."""
    parameters = inspect.signature(type(item)).parameters
    return {name: getattr(item, name) for name in parameters
            if name not in ("rng", "initializer") and hasattr(item, name)}


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
    raise TypeError(f"cannot store {value!r} ({type(value).__name__}) in a model file")


def short(value, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."
