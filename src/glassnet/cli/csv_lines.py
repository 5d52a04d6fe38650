"""The lines of a CSV file's bytes, for ``csv_chunks``: where to cut a piece of whole lines
(never inside a quoted field), the line number of each row, and the checks made on every
piece before pandas reads it (NUL bytes, UTF-8, the field count of each record, as
``cli.data`` counts them). Each works on a whole piece at once with numpy, not line by line;
a piece with a quote that the csv reader takes as text (``1, "a,b"``: after a space) is
checked by that reader instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from glassnet.cli.data import field_count_error, records
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
    """CommandError for NUL bytes, text that is not UTF-8, or a record whose field count
    differs from the header's, as ``cli.data`` reads a whole file."""
    if b"\x00" in block:
        raise CommandError(f"{piece.path}: contains NUL bytes; not a CSV text file", EXIT_DATA)
    try:
        text = block.decode("utf-8")
    except UnicodeDecodeError as error:
        line = piece.line + block[:error.start].count(b"\n")
        raise CommandError(f"{piece.path}, line {line}: not UTF-8 text (byte 0x"
                           f"{block[error.start]:02x}); save the file as UTF-8", EXIT_DATA) \
            from None
    array, starts, _ = lines_of(block)
    quotes = np.flatnonzero(array == 34)
    if not plain_quotes(array, quotes, separator):  # a quote the csv reader takes as text
        check_records(piece, text, separator, width)
        return
    first_lines, fields = record_fields(array, starts, quotes, separator)
    bounds = np.append(starts[first_lines], len(block))
    for index in np.flatnonzero(fields != width).tolist():  # records() skips blank lines
        record = block[int(bounds[index]):int(bounds[index + 1])]
        check_records(piece, record.decode("utf-8"), separator, width,
                      piece.line + int(first_lines[index]))


def check_records(piece: Piece, text: str, separator: str, width: int,
                  first_line: int | None = None) -> None:
    """The readable check: every record of ``text`` read by ``cli.data.records``."""
    for line, row in records(piece.path, text, separator, first_line or piece.line):
        if len(row) != width:
            raise field_count_error(piece.path, line, len(row), width)


def plain_quotes(array: np.ndarray, quotes: np.ndarray, separator: str) -> bool:
    """True when every quote (at byte positions ``quotes``) opens a field, closes one, or
    doubles a quote inside one: then a quote count tells what is inside a quoted field."""
    if len(quotes) % 2:
        return False
    opening, closing = quotes[0::2], quotes[1::2]
    before = array[np.maximum(opening - 1, 0)]
    after = array[np.minimum(closing + 1, len(array) - 1)]
    code = ord(separator)
    opens = (opening == 0) | (before == code) | (before == 10) | (before == 34)
    closes = (closing == len(array) - 1) | (after == code) | (after == 10) | (after == 13) | \
        (after == 34)
    return bool(opens.all() and closes.all())


def record_fields(array: np.ndarray, starts: np.ndarray, quotes: np.ndarray,
                  separator: str) -> tuple[np.ndarray, np.ndarray]:
    """(the index of each record's first line, its field count): lines that start after an
    even number of quotes start a record, separators after an even number count."""
    counted = array == ord(separator)
    first_lines = np.arange(len(starts))
    if len(quotes):
        inside = np.bitwise_xor.accumulate((array == 34).view(np.uint8))  # odd quotes so far
        counted &= inside == 0
        first_lines = first_lines[(starts == 0) | (inside[starts - 1] == 0)]
    before = np.searchsorted(np.flatnonzero(counted), starts[first_lines])
    return first_lines, np.diff(before, append=np.count_nonzero(counted)) + 1
