"""The lines of a CSV file's bytes, for ``csv_chunks``: where to cut a piece of whole lines
(never inside a quoted field), the line number of each row, and the checks made on every
piece before pandas reads it (NUL bytes, UTF-8, field counts of unquoted lines). Each works
on a whole piece at once with numpy, not line by line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from glassnet.cli.errors import EXIT_DATA, CommandError


@dataclass
class Piece:
    """Some whole lines of one file: ``length`` bytes from ``start``, the first being line
    ``line`` of the file."""

    path: str
    start: int
    length: int
    line: int


class PieceLines:
    """The line number of each of a piece's ``rows`` rows, as ``row_lines`` finds them, found
    (from the piece's bytes, read again) only when a message first names a row: most
    chunks never do."""

    def __init__(self, piece: Piece, rows: int):
        self.piece, self.rows, self.lines = piece, rows, None

    def __len__(self) -> int:
        return self.rows

    def __getitem__(self, row):
        if self.lines is None:
            with open(self.piece.path, "rb") as file:
                file.seek(self.piece.start)
                block = file.read(self.piece.length)
            self.lines = row_lines(block, self.piece.line, self.rows)
        return self.lines[row]


def row_lines(block: bytes, first: int, rows: int) -> list[int]:
    """The line number of each of ``rows`` rows in ``block`` (whose first line is line
    ``first``): the lines that are not blank and do not start inside a quoted field."""
    array, starts, ends = lines_of(block)
    whitespace = per_line(np.flatnonzero(array <= 32), starts, ends)
    quotes = per_line(np.flatnonzero(array == 34), starts, ends)
    inside = (np.cumsum(quotes) - quotes) % 2 == 1
    lines = (np.flatnonzero((ends - starts > whitespace) & ~inside) + first).tolist()[:rows]
    return lines + [lines[-1] if lines else first] * (rows - len(lines))


def lines_of(block: bytes):
    """(the bytes as uint8, start and end (exclusive, before the newline) of each line)."""
    array = np.frombuffer(block, dtype=np.uint8)
    newlines = np.flatnonzero(array == 10)
    starts = np.concatenate([[0], newlines + 1])
    starts = starts[starts < len(array)]
    return array, starts, np.append(newlines, len(array))[:len(starts)]


def per_line(positions: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """How many of the sorted byte ``positions`` fall in each line."""
    return np.searchsorted(positions, ends) - np.searchsorted(positions, starts)


def line_ends(buffer: bytes, rows: int, final: bool) -> list[int]:
    """Where to cut ``buffer`` (which starts at a line start): after every ``rows``-th
    newline outside quotes, and, when ``final``, at its end."""
    array = np.frombuffer(buffer, dtype=np.uint8)
    ends = np.flatnonzero(array == 10) + 1
    if b'"' in buffer:  # a newline inside a quoted field does not end a line
        quotes = np.flatnonzero(array == 34)
        ends = ends[np.searchsorted(quotes, ends - 1) % 2 == 0]
    cuts = [int(end) for end in ends[rows - 1::rows]]
    last = cuts[-1] if cuts else 0
    if final and buffer[last:].strip():
        cuts.append(len(buffer))
    return cuts


def check_block(block: bytes, piece: Piece, separator: str, width: int) -> None:
    """CommandError for NUL bytes, text that is not UTF-8, or an unquoted line whose
    field count differs from the header's."""
    if b"\x00" in block:
        raise CommandError(f"{piece.path}: contains NUL bytes; not a CSV text file", EXIT_DATA)
    try:
        block.decode("utf-8")
    except UnicodeDecodeError as error:
        line = piece.line + block[:error.start].count(b"\n")
        raise CommandError(f"{piece.path}, line {line}: not UTF-8 text (byte 0x"
                           f"{block[error.start]:02x}); save the file as UTF-8", EXIT_DATA) \
            from None
    array, starts, ends = lines_of(block)
    separators = per_line(np.flatnonzero(array == ord(separator)), starts, ends)
    quotes = per_line(np.flatnonzero(array == 34), starts, ends)
    inside = (np.cumsum(quotes) - quotes) % 2 == 1
    bad = (quotes == 0) & ~inside & (separators != width - 1)
    for first in np.flatnonzero(bad).tolist():
        if not block[starts[first]:ends[first]].strip():
            continue  # a blank line
        raise CommandError(f"{piece.path}, line {piece.line + first}: {separators[first] + 1} "
                           f"field(s), but the header has {width}", EXIT_DATA)
