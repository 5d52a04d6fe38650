"""What the ``glassnet`` commands write, in one place: the checks on output paths made before
any work, prediction CSVs (to a file or to standard output) and pictures.

Before any work, an output must have a name, must not be one of the command's inputs or
another of its outputs (same device and inode, through links: ``train d.csv -o d.csv`` is
refused), and must be a regular file or a new name in a writable folder (a FIFO, device,
symlink or folder is refused). Files are written by ``files.write_atomically``. Imports
``files`` and ``cli.errors`` (``plotting`` when a picture is asked for) only.
"""

from __future__ import annotations

import io
import os
import sys

from glassnet.cli.errors import EXIT_CANNOT_WRITE, CommandError, UsageError
from glassnet.files import NotRegularFileError, check_output_path, same_file, write_atomically

STANDARD_STREAM = "-"


def given(pairs: list[tuple[str, object]]) -> list[tuple[str, object]]:
    """The (label, path) pairs that name a file (not None, not ``-``)."""
    return [(label, path) for label, path in pairs
            if path is not None and os.fspath(path) != STANDARD_STREAM]


def check_distinct(inputs: list[tuple[str, object]], outputs: list[tuple[str, object]]) -> None:
    """UsageError when an output is the same file as an input or an earlier output
    (compared by device and inode through links, not by spelling)."""
    inputs, outputs = given(inputs), given(outputs)
    for index, (label, path) in enumerate(outputs):
        for other_label, other in [*inputs, *outputs[:index]]:
            if same_file(path, other):
                raise UsageError(f"{label} {os.fspath(path)} is the same file as {other_label} "
                                 f"{os.fspath(other)}; it would be overwritten: choose "
                                 f"another name")


def check_writable(option: str, path: str) -> None:
    """CommandError (exit 73) when ``path`` cannot become the output of ``option``: it is
    a folder, FIFO, device or symlink, or its folder is missing or read-only."""
    try:
        check_output_path(path)
    except NotRegularFileError as error:
        raise CommandError(f"{error} ({option})", EXIT_CANNOT_WRITE) from None
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
        raise CommandError(f"{path}: cannot write there (folder {folder} is missing or "
                           f"read-only)", EXIT_CANNOT_WRITE)


def check_outputs(inputs: list[tuple[str, object]], outputs: list[tuple[str, object]]) -> None:
    """Both checks above, for every output that names a file; an empty name is refused."""
    for label, path in given(outputs):
        if not os.fspath(path):
            raise UsageError(f"{label}: the file name is empty")
    check_distinct(inputs, outputs)
    for option, path in given(outputs):
        check_writable(option, path)


def write_file(path: str, data, what: str = "") -> None:
    """``files.write_atomically``, with a failure turned into exit 73 naming the path."""
    try:
        write_atomically(path, data)
    except OSError as error:
        raise CommandError(f"{path}: cannot write{what} ({error.strerror or error})",
                           EXIT_CANNOT_WRITE) from None


def write_csv(frame, path: str | None) -> None:
    """A table as CSV to ``path``, or to standard output when ``path`` is None or ``-``."""
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    if path is None or path == STANDARD_STREAM:
        sys.stdout.write(buffer.getvalue())
        sys.stdout.flush()
        return
    write_file(path, buffer.getvalue())


def check_picture_name(option: str, path: str) -> None:
    """UsageError unless the name ends in a format the plots can be written in."""
    from glassnet.plotting import figure_format

    try:
        figure_format(path)
    except ValueError as error:
        raise UsageError(f"{option}: {error}") from None


def draw(model, path: str, points=None, targets=None) -> None:
    """Write the model's picture to ``path`` (``points``/``targets`` as
    ``plotting.save_figure`` takes them)."""
    from glassnet.plotting import save_figure

    write_picture(path, lambda: save_figure(model, path, points, targets))


def write_picture(path: str, paint, what: str = "Picture") -> None:
    """Run ``paint()``, which writes ``path``; CommandError if matplotlib or the file fails."""
    try:
        paint()
    except ImportError as error:
        raise CommandError(str(error), 1) from None
    except OSError as error:
        raise CommandError(f"{path}: cannot write ({error.strerror or error})",
                           EXIT_CANNOT_WRITE) from None
    print(f"{what} saved to {path}")
