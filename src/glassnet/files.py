"""The one way glassnet writes a file (models, prediction CSVs, plots), and the check that an
output is not one of the inputs.

``write_atomically(path, data)`` never leaves a half-written file: the bytes go to a
temporary file with an unpredictable name, created exclusively (``O_CREAT | O_EXCL``, so a
symlink planted in advance is never followed) in the target's own folder; the file is
fsynced, renamed over the target (``os.replace``, atomic on POSIX) and the folder is fsynced.
An error, Ctrl-C or a full disk removes the temporary file and leaves the old file as it was.
Only a regular file is ever replaced: a symlink, FIFO, device or folder at ``path`` is
refused. A replaced file keeps its permission bits; a new one gets ``0o666 & ~umask``, as
``open(path, "w")`` would give it.

``same_file(a, b)`` compares real files (device and inode, through links and hard links),
not spellings of paths. Imports the standard library only.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from typing import BinaryIO

__all__ = ["NotRegularFileError", "check_output_path", "same_file", "write_atomically"]

Data = bytes | str | Callable[[BinaryIO], object]


class NotRegularFileError(OSError):
    """``path`` exists but is not a regular file (a symlink, FIFO, device or folder), so
    glassnet will not replace it."""


def kind_of(mode: int) -> str:
    """'a symlink', 'a FIFO', ... for a non-regular st_mode."""
    kinds = [(stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a folder"),
             (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")]
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def check_output_path(path) -> os.stat_result | None:
    """The lstat of ``path`` when it is a regular file, None when nothing is there;
    NotRegularFileError for anything else (symlinks are not followed)."""
    path = os.fspath(path)
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(status.st_mode):
        raise NotRegularFileError(f"{path}: is {kind_of(status.st_mode)}; glassnet writes "
                                  f"only to a regular file or a new name")
    return status


def new_file_mode() -> int:
    """0o666 minus the process umask: the mode ``open(path, "w")`` gives a new file."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomically(path, data: Data) -> None:
    """Replace (or create) the regular file ``path`` with ``data`` atomically.

    ``data`` is bytes, a str (written as UTF-8) or a callable given the open binary
    temporary file to write into. NotRegularFileError when ``path`` is a symlink, FIFO,
    device or folder; any OSError of the write (a full disk ...) propagates after the
    temporary file is removed.
    """
    path = os.fspath(path)
    mode = mode_for(check_output_path(path))
    folder = os.path.dirname(os.path.abspath(path))
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.",
                                             suffix=".tmp")
    except OSError as error:  # name the file asked for, not the temporary one
        raise type(error)(error.errno, f"{error.strerror} (cannot create a file in its "
                                       f"folder)", path) from None
    try:
        with os.fdopen(handle, "wb") as file:
            write_data(file, data)
            file.flush()
            os.fchmod(file.fileno(), mode)
            os.fsync(file.fileno())
        check_output_path(path)  # nothing but a regular file appeared meanwhile
        os.replace(temporary, path)
    except BaseException:
        remove_quietly(temporary)
        raise
    sync_folder(folder)


def mode_for(existing: os.stat_result | None) -> int:
    """The permission bits of the file replaced, or those of a new file."""
    return stat.S_IMODE(existing.st_mode) if existing is not None else new_file_mode()


def write_data(file: BinaryIO, data: Data) -> None:
    if isinstance(data, str):
        file.write(data.encode("utf-8"))
    elif isinstance(data, (bytes, bytearray, memoryview)):
        file.write(data)
    elif callable(data):
        data(file)
    else:
        raise TypeError(f"data must be bytes, str or a callable taking a binary file, "
                        f"got {type(data).__name__}")


def remove_quietly(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)


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


def identity(path) -> tuple:
    """What names a file: (device, inode) of what ``path`` leads to (through links), or
    for a name not yet there, its absolute spelling with the folder's links resolved."""
    path = os.fspath(path)
    try:
        status = os.stat(path)
    except OSError:
        return ("new", os.path.join(os.path.realpath(os.path.dirname(os.path.abspath(path))),
                                    os.path.basename(path)))
    return ("file", status.st_dev, status.st_ino)


def same_file(first, second) -> bool:
    """True when the two paths lead to the same file (or the same new name)."""
    return identity(first) == identity(second)
