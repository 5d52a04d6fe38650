"""The model file's container, both directions side by side: the format constants, ``pack``
(manifest + arrays -> bytes) and the checked reading of a zip archive (``open_archive``,
``read_manifest``, ``read_array``).

The file is a zip archive of stored (uncompressed) members, ``manifest.json`` and one
``arrays/<name>.npy`` per array, whose comment is a SHA-256 digest of every byte before it.
Reading trusts nothing: the digest is checked first; every member must be stored,
unencrypted, unique, and its bytes (local header and data) must lie inside the archive
without overlapping another member's, so that no member can make the loader read or allocate
more than the file holds; an array's ``.npy`` header is checked against the shape the
architecture needs before its bytes are read. What the manifest means is ``manifest.py``'s
business. Every problem raises ``ModelFileError``: one line, bounded length, text from the
file escaped. Imports numpy, the standard library and ``validation``.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import struct
import zipfile

import numpy as np

from glassnet.validation import printable

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
MAX_MEMBERS = 10_000  # 1 manifest + every array: far beyond any real network
MESSAGE_LIMIT = 600  # characters of a refusal: one line, however many members a file has
LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature ... file name length, extra length
LOCAL_SIGNATURE = b"PK\x03\x04"
END_RECORD = struct.Struct("<4s6xH10x")  # signature ... total number of entries ...
END_SIGNATURE = b"PK\x05\x06"


class ModelFileError(ValueError):
    """A model file that is truncated, damaged, tampered with, or not a glassnet model.

    The message is made one line of at most MESSAGE_LIMIT characters with every control
    character escaped (``validation.printable``), whatever the file put into it.
    """

    def __init__(self, message: str):
        super().__init__(printable(message, MESSAGE_LIMIT))


def listing(names, limit: int = 5) -> str:
    """``'a', 'b', 'c' and 99997 more``: a list for a message, never longer than ``limit``
    items of 40 characters each."""
    names = list(names)
    shown = ", ".join(printable(repr(name), 40) for name in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


# Writing ---------------------------------------------------------------------------------

def pack(manifest: dict, arrays: dict[str, np.ndarray]) -> bytes:
    """The file's bytes: ``manifest.json`` and ``arrays/<name>.npy`` (little-endian, no pickle)."""
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


# Reading ---------------------------------------------------------------------------------

def open_archive(file) -> tuple[zipfile.ZipFile, dict[str, zipfile.ZipInfo]]:
    """The zip archive in the open binary ``file`` and its checked members by name."""
    size = file.seek(0, 2)
    check_digest(file, size)
    check_member_count(file, size)
    try:
        archive = zipfile.ZipFile(file)
    except zipfile.BadZipFile:
        raise ModelFileError("not a glassnet model file: not a zip archive (another kind of "
                             "file, or truncated)") from None
    try:
        members = check_members(archive)
        check_layout(file, members.values(), archive.start_dir)
    except BaseException:
        archive.close()
        raise
    return archive, members


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


def check_member_count(file, size: int) -> None:
    """At most MAX_MEMBERS members, read from the end record before zipfile parses the
    directory (65535 means a zip64 archive: more than glassnet ever writes)."""
    start = size - DIGEST_LENGTH - END_RECORD.size
    file.seek(max(start, 0))
    record = file.read(END_RECORD.size)
    signature, count = END_RECORD.unpack(record) if start >= 0 else (b"", 0)
    if signature != END_SIGNATURE:
        raise ModelFileError("not a glassnet model file: no zip end record before the checksum")
    if count > MAX_MEMBERS:
        shown = "65535 or more" if count == 0xFFFF else str(count)
        raise ModelFileError(f"the archive holds {shown} members, more than the {MAX_MEMBERS} "
                             f"a glassnet model file can have")


def check_members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """Name -> entry; every entry stored, unencrypted, without data descriptor, unique."""
    members = {}
    for info in archive.infolist():
        where = f"member {info.filename!r}"
        if info.filename in members:
            raise ModelFileError(f"{where} appears twice")
        if info.flag_bits & 0x1:
            raise ModelFileError(f"{where} is encrypted")
        if info.compress_type != zipfile.ZIP_STORED or info.compress_size != info.file_size:
            raise ModelFileError(f"{where} is compressed; glassnet stores members as they are")
        if info.flag_bits & 0x8:
            raise ModelFileError(f"{where} uses a data descriptor; glassnet never writes one")
        members[info.filename] = info
    if MANIFEST not in members:
        raise ModelFileError(f"no {MANIFEST}: not a glassnet model file")
    return members


def check_layout(file, members, end: int) -> None:
    """Every member's local header and data lie in [0, end) (before the central directory),
    and no two members share a byte: the archive's members then hold at most the file's size
    in total, so no crafted directory makes the loader read a byte range twice or beyond."""
    ranges = sorted((info.header_offset, member_end(file, info, end), info.filename)
                    for info in members)
    previous_end, previous_name = 0, None
    for start, stop, name in ranges:
        if start < previous_end:
            raise ModelFileError(f"member {name!r} overlaps member {previous_name!r}: "
                                 f"not written by glassnet")
        previous_end, previous_name = stop, name


def member_end(file, info: zipfile.ZipInfo, end: int) -> int:
    """The offset just past a member's data, from its local header; refused beyond ``end``."""
    where = f"member {info.filename!r}"
    if not 0 <= info.header_offset <= end - LOCAL_HEADER.size:
        raise ModelFileError(f"{where} starts at byte {info.header_offset}, outside the "
                             f"archive's {end} bytes")
    file.seek(info.header_offset)
    signature, name_length, extra_length = LOCAL_HEADER.unpack(file.read(LOCAL_HEADER.size))
    if signature != LOCAL_SIGNATURE:
        raise ModelFileError(f"{where} has no local header at byte {info.header_offset}")
    stop = info.header_offset + LOCAL_HEADER.size + name_length + extra_length \
        + info.compress_size
    if stop > end:
        raise ModelFileError(f"{where} claims {info.compress_size} bytes, reaching byte "
                             f"{stop}, beyond the archive's {end}")
    return stop


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
        raise ModelFileError(f"format_version must be a whole number >= 1, got {version!r:.40}")
    if version > FORMAT_VERSION:
        raise ModelFileError(f"written in format version {version} by a newer glassnet "
                             f"({manifest.get('glassnet_version')!r:.40}); this one reads up to "
                             f"{FORMAT_VERSION}")
    if set(manifest) != KEYS:
        raise ModelFileError(f"{MANIFEST} keys differ from format {FORMAT_VERSION}: missing "
                             f"[{listing(sorted(KEYS - set(manifest)))}], unknown "
                             f"[{listing(sorted(set(manifest) - KEYS, key=str))}]")
    return manifest


def refuse_constant(name: str):
    raise ValueError(f"{name} is not allowed in strict JSON")


def read_array(archive, members: dict, name: str, shape: tuple, dtype) -> np.ndarray:
    """The member ``arrays/<name>.npy``: its header checked against ``shape`` and ``dtype``
    before any data is read; the array finite, native byte order, C order."""
    member = f"arrays/{name}.npy"
    info = members.get(member)
    if info is None:
        raise ModelFileError(f"array {member} is missing")
    needed = math.prod(shape) * dtype.itemsize
    with archive.open(info) as stream:
        fortran_order = check_array_header(stream, member, shape, dtype)
        if info.file_size - stream.tell() != needed:
            raise ModelFileError(f"{member} holds {info.file_size - stream.tell()} bytes of "
                                 f"data; shape {shape} needs {needed}")
        data = stream.read(needed + 1)  # reading to the end makes zipfile check the CRC-32
    array = np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran_order else "C")
    array = array.astype(dtype.newbyteorder("="), order="C")
    if not np.isfinite(array).all():
        raise ModelFileError(f"{member} holds NaN or infinite weights")
    return array


def check_array_header(stream, member: str, shape: tuple, dtype) -> bool:
    """Read a ``.npy`` header; refuse another dtype or shape. Returns its fortran_order."""
    try:
        version = np.lib.format.read_magic(stream)
        reader = {(1, 0): np.lib.format.read_array_header_1_0,
                  (2, 0): np.lib.format.read_array_header_2_0}[version]
        found_shape, fortran_order, found_dtype = reader(stream)
    except (ValueError, KeyError, SyntaxError, EOFError) as error:
        raise ModelFileError(f"{member} is not a valid .npy array ({error})") from None
    if found_dtype != dtype or tuple(found_shape) != shape:
        raise ModelFileError(f"{member} declares dtype {found_dtype} and shape "
                             f"{tuple(found_shape)}; the architecture needs {dtype} {shape}")
    return fortran_order
