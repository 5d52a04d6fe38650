"""Reading a model file without trusting it: the checks behind ``serialization.load``.

Order of work, so that nothing is allocated or built before it is known to be sound: open
the zip directory; refuse compressed, encrypted, repeated or oversized members; parse
``manifest.json`` as strict JSON; look each layer name up in the registry's allow-list;
compute the shapes its config implies; only then read each array, after checking its
``.npy`` header (dtype, shape, byte count) against those shapes; refuse non-finite weights.
Every problem raises ``ModelFileError`` naming what is wrong. Imports numpy, the standard
library, ``registry``, ``layers``, ``network``, ``preprocessing``, ``model`` and
``training``.
"""

from __future__ import annotations

import hashlib
import json
import zipfile

import numpy as np

from glassnet import registry
from glassnet.manifest import (
    DIGEST_LENGTH,
    DIGEST_PREFIX,
    DTYPES,
    FORMAT_NAME,
    FORMAT_VERSION,
    KEYS,
    MANIFEST,
    MAX_MANIFEST_BYTES,
    ModelFileError,
    build_model,
    check_entry,
    construct,
    short,
)
from glassnet.model import Model
from glassnet.network import Sequential


def read_model(file) -> Model:
    """The Model in the open binary ``file``; ModelFileError for anything unsound."""
    size = file.seek(0, 2)
    check_digest(file, size)
    try:
        archive = zipfile.ZipFile(file)
    except zipfile.BadZipFile:
        raise ModelFileError("not a glassnet model file: not a zip archive (another kind of "
                             "file, or truncated)") from None
    with archive:
        members = check_members(archive, size)
        manifest = read_manifest(archive, members)
        dtype = DTYPES.get(manifest["dtype"]) if isinstance(manifest["dtype"], str) else None
        if dtype is None:
            raise ModelFileError(f"dtype must be float32 or float64, got {manifest['dtype']!r}")
        layers, used = build_layers(manifest["layers"], dtype, archive, members)
    unexpected = sorted(set(members) - used - {MANIFEST})
    if unexpected:
        raise ModelFileError(f"unexpected member(s) {unexpected}: not written by glassnet")
    try:
        network = Sequential(layers)
    except (TypeError, ValueError) as error:
        raise ModelFileError(str(error)) from None
    return build_model(network, manifest)


def check_digest(file, size: int) -> None:
    """The zip comment must be the SHA-256 digest of every byte before it."""
    body = size - DIGEST_LENGTH - 2
    file.seek(max(body, 0))
    tail = file.read()
    expected_tail = DIGEST_LENGTH.to_bytes(2, "little") + DIGEST_PREFIX
    if body < 0 or not tail.startswith(expected_tail):
        raise ModelFileError("not a glassnet model file, or truncated: it does not end with "
                             "glassnet's checksum")
    digest, file_digest = hashlib.sha256(), tail[len(expected_tail):]
    file.seek(0)
    while file.tell() < body:
        digest.update(file.read(min(2**20, body - file.tell())))
    if digest.hexdigest().encode("ascii") != file_digest:
        raise ModelFileError("checksum mismatch: the file was damaged or changed after it "
                             "was saved")


def check_members(archive: zipfile.ZipFile, size: int) -> dict[str, zipfile.ZipInfo]:
    """Name -> entry; every entry stored, unencrypted, unique, and inside the file."""
    members = {}
    for info in archive.infolist():
        where = f"member {info.filename!r}"
        if info.filename in members:
            raise ModelFileError(f"{where} appears twice")
        if info.flag_bits & 0x1:
            raise ModelFileError(f"{where} is encrypted")
        if info.compress_type != zipfile.ZIP_STORED or info.compress_size != info.file_size:
            raise ModelFileError(f"{where} is compressed; glassnet stores members as they are")
        if info.header_offset + info.file_size > size:
            raise ModelFileError(f"{where} claims {info.file_size} bytes, more than the "
                                 f"file's {size}")
        members[info.filename] = info
    if MANIFEST not in members:
        raise ModelFileError(f"no {MANIFEST}: not a glassnet model file")
    return members


def read_manifest(archive: zipfile.ZipFile, members: dict) -> dict:
    """The manifest as a dict, with the right format name, version and keys."""
    info = members[MANIFEST]
    if info.file_size > MAX_MANIFEST_BYTES:
        raise ModelFileError(f"{MANIFEST} is {info.file_size} bytes, over the "
                             f"{MAX_MANIFEST_BYTES} limit")
    try:
        manifest = json.loads(archive.read(info).decode("utf-8"), parse_constant=refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise ModelFileError(f"{MANIFEST} is not valid JSON ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise ModelFileError(f"not a glassnet model file ({MANIFEST} has no "
                             f"format {FORMAT_NAME!r})")
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ModelFileError(f"format_version must be a whole number >= 1, got {version!r}")
    if version > FORMAT_VERSION:
        raise ModelFileError(f"written in format version {version} by a newer glassnet "
                             f"({manifest.get('glassnet_version')!r}); this one reads up to "
                             f"{FORMAT_VERSION}")
    if set(manifest) != KEYS:
        raise ModelFileError(f"{MANIFEST} keys differ from format {FORMAT_VERSION}: missing "
                             f"{sorted(KEYS - set(manifest))}, unknown "
                             f"{sorted(set(manifest) - KEYS)}")
    return manifest


def refuse_constant(name: str):
    raise ValueError(f"{name} is not allowed in strict JSON")


def build_layers(entries, dtype: np.dtype, archive, members) -> tuple[list, set[str]]:
    """The layers, each checked and filled with its arrays; and the members used."""
    if not isinstance(entries, list) or not entries:
        raise ModelFileError(f"layers must be a non-empty list, got {short(entries)}")
    layers, used = [], set()
    for index, entry in enumerate(entries):
        where = f"layer {index}"
        name, config = check_entry(where, entry)
        layer_class = registry.LAYERS.get(name)
        if layer_class is None:
            raise ModelFileError(f"{where}: unknown layer type {name!r}; known: "
                                 f"{', '.join(sorted(registry.LAYERS))}")
        arrays = {}
        for parameter, shape in expected_shapes(layer_class, config, where).items():
            member = f"arrays/layers.{index}.{parameter}.npy"
            arrays[parameter] = read_array(archive, members, member, shape, dtype)
            used.add(member)
        layer = construct(layer_class, config, f"{where} ({name})")
        install(layer, arrays, f"{where} ({name})")
        layers.append(layer)
    return layers, used


def expected_shapes(layer_class, config: dict, where: str) -> dict[str, tuple[int, ...]]:
    """The array shapes a layer's config implies (``Layer.array_shapes``), before building."""
    try:
        return dict(layer_class.array_shapes(config))
    except (TypeError, ValueError) as error:
        raise ModelFileError(f"{where}: {error}") from None


def read_array(archive, members: dict, member: str, shape: tuple, dtype) -> np.ndarray:
    """One ``.npy`` member: header checked against ``shape``/``dtype`` before any data."""
    info = members.get(member)
    if info is None:
        raise ModelFileError(f"array {member} is missing")
    needed = int(np.prod(shape)) * dtype.itemsize
    with archive.open(info) as stream:
        try:
            version = np.lib.format.read_magic(stream)
            reader = {(1, 0): np.lib.format.read_array_header_1_0,
                      (2, 0): np.lib.format.read_array_header_2_0}[version]
            found_shape, fortran_order, found_dtype = reader(stream)
        except (ValueError, KeyError, SyntaxError, EOFError) as error:
            raise ModelFileError(f"{member} is not a valid .npy array ({error})") from None
        if found_dtype != dtype or tuple(found_shape) != shape:
            raise ModelFileError(f"{member} declares dtype {found_dtype} and shape "
                                 f"{tuple(found_shape)}; the architecture needs {dtype} "
                                 f"{shape}")
        if info.file_size - stream.tell() != needed:
            raise ModelFileError(f"{member} holds {info.file_size - stream.tell()} bytes of "
                                 f"data; shape {shape} needs {needed}")
        data = stream.read(needed + 1)  # reading to the end makes zipfile check the CRC-32
    order = "F" if fortran_order else "C"
    array = np.frombuffer(data, dtype=dtype).reshape(shape, order=order)
    array = array.astype(dtype.newbyteorder("="), order="C")
    if not np.isfinite(array).all():
        raise ModelFileError(f"{member} holds NaN or infinite weights")
    return array


def install(layer, arrays: dict, where: str) -> None:
    """Put the read arrays into the layer, which must have exactly those parameters."""
    params = getattr(layer, "params", {})
    if set(params) != set(arrays):
        raise ModelFileError(f"{where}: has parameters {sorted(params)}, the file gives "
                             f"{sorted(arrays)}")
    for name, array in arrays.items():
        if params[name].shape != array.shape or params[name].dtype != array.dtype:
            raise ModelFileError(f"{where}: parameter {name} is {params[name].dtype} "
                                 f"{params[name].shape}, the file gives {array.dtype} "
                                 f"{array.shape}")
        params[name] = array
