"""``save(model, path)`` and ``load(path) -> Model``: the safe model file, and the network's
part of it (layers as registry names + config, their arrays).

The file is a zip archive of uncompressed members: ``manifest.json`` (format version,
glassnet version, dtype, layers, loss, task, class labels, feature names, preprocessing,
target scaling, training summary, History) and one ``arrays/layers.<i>.<name>.npy`` per
parameter or buffer of layer i (numpy's own format, the container of ``numpy.savez``).
It stores no code (JSON and raw numbers only; the loader never unpickles), every member
carries a CRC-32, the zip comment a SHA-256 digest of all the bytes before it
(``modelfile`` holds the container both ways, ``manifest`` the manifest's fields both ways).

Loading trusts nothing: only a regular file is read; layer and loss names are looked up in
the registry (never ``import``, ``eval`` or ``getattr``; a user's class must be registered
with ``glassnet.register`` first); every array's shape comes from its layer class
(``Layer.array_shapes``) and is checked before its bytes are read; any problem raises
``ModelFileError``, one line. Saving goes through ``files.write_atomically``: a crash
mid-save leaves the old file intact. Imports numpy, the standard library, ``files``,
``registry``, ``network``, ``model``, ``manifest`` and ``modelfile``.
"""

from __future__ import annotations

import os
import stat
from functools import partial
from typing import NamedTuple

import numpy as np

from glassnet import registry
from glassnet.files import kind_of, write_atomically
from glassnet.layers import Layer
from glassnet.manifest import (
    build_model,
    check_entry,
    construct,
    describe_model,
    dtype_of,
    short,
)
from glassnet.model import Model
from glassnet.modelfile import (
    MANIFEST,
    ModelFileError,
    listing,
    open_archive,
    pack,
    pack_members,
    read_array,
    read_manifest,
)
from glassnet.network import Sequential
from glassnet.validation import printable

__all__ = ["ModelFileError", "describe", "load", "pack", "pack_members", "save"]


def save(model, path) -> None:
    """Write ``model`` (a Model, a Sequential network, or anything with ``to_model()``) to
    ``path`` atomically (``files.write_atomically``). Refuses non-finite arrays, layers
    whose class is not registered, and a ``path`` that is not a regular file."""
    manifest, arrays = describe(as_model(model))
    write_atomically(path, pack(manifest, arrays))


def load(path) -> Model:
    """Read a model file written by ``save``; ModelFileError when it is anything else.

    A missing or unreadable path raises the usual OSError (FileNotFoundError ...); a FIFO,
    device or folder is refused before anything is read from it.
    """
    shown = printable(os.fspath(path), 200)
    with open_regular(path, shown) as file:
        try:
            return read_model(file)
        except ModelFileError as error:
            raise ModelFileError(f"{shown}: {error}") from None
        except Exception as error:  # whatever a damaged file provokes, it is a bad file
            raise ModelFileError(f"{shown}: damaged model file ({type(error).__name__}: "
                                 f"{error})") from error


def open_regular(path, shown: str):
    """``path`` opened for binary reading if it is a regular file; a FIFO, device or folder
    is refused before anything is read (opened non-blocking: a FIFO without writer would
    otherwise wait for ever in ``open``)."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise ModelFileError(f"{shown}: is {kind_of(mode)}, not a model file (a regular "
                                 f"file)")
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def as_model(model) -> Model:
    if isinstance(model, Model):
        return model
    if isinstance(model, Sequential):
        return Model(model)
    to_model = getattr(model, "to_model", None)
    if callable(to_model):
        converted = to_model()
        if isinstance(converted, Model):
            return converted
    raise TypeError(f"model must be a glassnet Model, a Sequential network or have a "
                    f"to_model() method returning a Model, got {model!r:.200}")


def describe(model: Model) -> tuple[dict, dict[str, np.ndarray]]:
    """The manifest (JSON-safe dict) and the named arrays (parameters and buffers)."""
    network = model.network
    arrays = {**network.parameters(), **network.buffers()}
    for name, array in arrays.items():
        if not np.isfinite(array).all():
            raise ValueError(f"cannot save: parameter {name} holds NaN or infinity")
    return describe_model(model, [describe_layer(layer) for layer in network.layers]), arrays


def describe_layer(layer) -> dict:
    """``{"name": registered name, "config": layer.config()}``, once the class's
    ``array_shapes`` of that config are known to match the layer's arrays."""
    try:
        name = registry.name_of("layer", layer)
    except ValueError:
        raise ValueError(f"cannot save {type(layer).__name__}: it is not registered; call "
                         f"glassnet.register({type(layer).__name__}) once, before saving "
                         f"and before loading") from None
    config = layer.config()
    declared = {key: tuple(shape) for key, shape in type(layer).array_shapes(config).items()}
    held = {key: value.shape for key, value in {**layer.params, **layer.buffers}.items()}
    if declared != held:  # the file could not be loaded again: refuse to write it
        raise ValueError(f"cannot save {type(layer).__name__}: its array_shapes(config()) "
                         f"gives {declared} but it holds arrays {held}")
    return {"name": name, "config": config}


def read_model(file) -> Model:
    """The Model in the open binary ``file``; ModelFileError for anything unsound."""
    archive, members = open_archive(file)
    with archive:
        manifest = read_manifest(archive, members)
        plans = plan_layers(manifest["layers"])
        expected = {MANIFEST} | {f"arrays/{member_name(plan, array)}.npy"
                                 for plan in plans for array in plan.shapes}
        unexpected = sorted(set(members) - expected)
        if unexpected:
            raise ModelFileError(f"{len(unexpected)} unexpected member(s) "
                                 f"[{listing(unexpected)}]: not written by glassnet")
        read = partial(read_array, archive, members, dtype=dtype_of(manifest))
        layers = [build_layer(plan, read) for plan in plans]
    try:
        network = Sequential(layers)
    except (TypeError, ValueError) as error:
        raise ModelFileError(str(error)) from None
    return build_model(network, manifest)


class Plan(NamedTuple):
    """A layer as the manifest describes it, before anything is built or read."""

    index: int
    where: str
    layer_class: type
    config: dict
    shapes: dict[str, tuple[int, ...]]


def member_name(plan: Plan, array: str) -> str:
    return f"layers.{plan.index}.{array}"


def plan_layers(entries) -> list[Plan]:
    """A Plan per layer, known before any array is read: the class from the registry, the
    shapes of its params and buffers from the class (``array_shapes``)."""
    if not isinstance(entries, list) or not entries:
        raise ModelFileError(f"layers must be a non-empty list, got {short(entries)}")
    plans = []
    for index, entry in enumerate(entries):
        name, config = check_entry(f"layer {index}", entry)
        where = f"layer {index} ({printable(name, 60)})"
        layer_class = registry.LAYERS.get(name)
        if layer_class is None:
            suggested = name if registry.NAME.fullmatch(name) else "YourClass"
            raise ModelFileError(f"layer {index}: unknown layer type {short(name, 60)}; if it "
                                 f"is your own class, call glassnet.register({suggested}) "
                                 f"before glassnet.load; known: "
                                 f"{listing(sorted(registry.LAYERS), 30)}")
        plans.append(Plan(index, where, layer_class, config,
                          array_shapes(layer_class, config, where)))
    return plans


def array_shapes(layer_class, config: dict, where: str) -> dict[str, tuple[int, ...]]:
    """``layer_class.array_shapes(config)``, checked: names are identifiers, shapes tuples of
    whole numbers in [0, 2**31)."""
    try:
        shapes = dict(layer_class.array_shapes(config))
    except (TypeError, ValueError, KeyError, IndexError) as error:
        raise ModelFileError(f"{where}: {error}") from None
    for name, shape in shapes.items():
        if not (isinstance(name, str) and name.isidentifier() and isinstance(shape, tuple)
                and all(isinstance(size, int) and 0 <= size < 2**31 for size in shape)):
            raise ModelFileError(f"{where}: array {short(name, 60)} has shape {short(shape)}; "
                                 f"array_shapes must give identifiers and tuples of sizes")
    return shapes


def build_layer(plan: Plan, read) -> Layer:
    """The layer built from its config, its arrays read and put in place."""
    arrays = {name: read(member_name(plan, name), shape) for name, shape in plan.shapes.items()}
    layer = construct(plan.layer_class, plan.config, plan.where)
    slots = {**{name: layer.params for name in layer.params},
             **{name: layer.buffers for name in layer.buffers}}
    where = plan.where
    if set(slots) != set(arrays):
        raise ModelFileError(f"{where}: has arrays [{listing(sorted(slots))}], its class "
                             f"declares [{listing(sorted(arrays))}]")
    for name, slot in slots.items():
        array = arrays[name]
        if slot[name].shape != array.shape or slot[name].dtype != array.dtype:
            raise ModelFileError(f"{where}: array {name} is {slot[name].dtype} "
                                 f"{slot[name].shape}, the file gives {array.dtype} "
                                 f"{array.shape}")
        slot[name] = array
    return layer
