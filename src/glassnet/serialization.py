"""``save(model, path)`` and ``load(path) -> Model``: the safe model file.

The file is a zip archive of uncompressed members: ``manifest.json`` (format version,
glassnet version, dtype, layers as registry names + config, loss, task, class labels,
feature names, preprocessing, target scaling, training summary, History) and one
``arrays/<name>.npy`` per weight array (numpy's own format, the same container as
``numpy.savez``). Why this container: it stores no code (JSON and raw numbers only; the
loader never unpickles), every member carries a CRC-32 that catches damage, and because
members are stored uncompressed, an array's bytes must physically be in the file, so a
header cannot make the loader allocate more than the file's own size. The zip comment holds
a SHA-256 digest of all the bytes before it: any changed or missing byte is noticed first.

Loading trusts nothing: layer and loss names go through the registry's allow-list (never
``import``, ``eval`` or ``getattr``), every array's shape and dtype is checked against the
architecture before its bytes are read, weights must be finite, and any problem raises
``ModelFileError`` saying what is wrong. Saving writes a temporary file in the same folder,
fsyncs it and renames it over the target, so a crash mid-save leaves the old file intact.
Imports numpy, the standard library, ``registry``, ``network``, ``model``, ``manifest``
and ``modelfile`` only.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile

import numpy as np

from glassnet import registry
from glassnet.manifest import (
    DIGEST_PREFIX,
    FORMAT_NAME,
    FORMAT_VERSION,
    MANIFEST,
    ModelFileError,
    config_of,
    json_safe,
)
from glassnet.model import Model
from glassnet.modelfile import read_model
from glassnet.network import Sequential

__all__ = ["ModelFileError", "load", "save"]


def save(model, path) -> None:
    """Write ``model`` (a Model, a Sequential network, or anything with ``to_model()``) to
    ``path`` atomically: temporary file, fsync, rename. Refuses non-finite weights."""
    model = as_model(model)
    manifest, arrays = describe(model)
    payload = pack(manifest, arrays)
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.",
                                         suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(payload)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
    sync_folder(folder)


def load(path) -> Model:
    """Read a model file written by ``save``; ModelFileError when it is anything else.

    A missing or unreadable path raises the usual OSError (FileNotFoundError ...).
    """
    with open(path, "rb") as file:
        try:
            return read_model(file)
        except ModelFileError as error:
            raise ModelFileError(f"{os.fspath(path)}: {error}") from None
        except Exception as error:  # whatever a damaged file provokes, it is a bad file
            raise ModelFileError(f"{os.fspath(path)}: damaged model file "
                                 f"({type(error).__name__}: {error})") from error


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
                    f"to_model() method returning a Model, got {model!r}")


def describe(model: Model) -> tuple[dict, dict[str, np.ndarray]]:
    """The manifest (JSON-safe dict) and the named weight arrays of ``model``."""
    network = model.network
    arrays = network.parameters()
    for name, array in arrays.items():
        if not np.isfinite(array).all():
            raise ValueError(f"cannot save: parameter {name} holds NaN or infinity")
    layers = [{"name": registry.name_of("layer", layer), "config": layer.config()}
              for layer in network.layers]
    loss = None if model.loss is None else {"name": registry.name_of("loss", model.loss),
                                            "config": config_of(model.loss)}
    history = model.history
    manifest = {
        "format": FORMAT_NAME, "format_version": FORMAT_VERSION,
        "glassnet_version": library_version(), "dtype": np.dtype(network.dtype).name,
        "layers": layers, "loss": loss, "task": model.task,
        "class_labels": model.class_labels, "feature_names": model.feature_names,
        "preprocessing": None if model.preprocessing is None else model.preprocessing.config(),
        "target_scaling": model.target_scaling, "training": model.training,
        "history": {"records": history.records, "stopped_early": bool(history.stopped_early),
                    "interrupted": bool(history.interrupted)},
    }
    return json_safe(manifest), arrays


def pack(manifest: dict, arrays: dict[str, np.ndarray]) -> bytes:
    """The file's bytes: manifest.json and arrays/<name>.npy, see ``pack_members``."""
    members = {MANIFEST: json.dumps(manifest, indent=1, allow_nan=False).encode("utf-8")}
    for name, array in arrays.items():
        little_endian = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))
        member = io.BytesIO()
        np.lib.format.write_array(member, little_endian, allow_pickle=False)
        members[f"arrays/{name}.npy"] = member.getvalue()
    return pack_members(members)


def pack_members(members: dict[str, bytes]) -> bytes:
    """A zip archive of stored (uncompressed) members whose comment is a SHA-256 digest of
    every byte before it, so that any changed byte is noticed when the file is read."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    body = buffer.getvalue()[:-2]  # the archive minus its comment length (0)
    comment = DIGEST_PREFIX + hashlib.sha256(body).hexdigest().encode("ascii")
    return body + len(comment).to_bytes(2, "little") + comment


def sync_folder(folder: str) -> None:
    """fsync the folder so the rename itself survives a power cut (where the OS allows)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def library_version() -> str:
    import glassnet  # at call time: glassnet/__init__ imports this module

    return glassnet.__version__
