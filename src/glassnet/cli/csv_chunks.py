"""CSV files read in chunks, for ``train``, ``predict`` and ``evaluate`` with ``--stream``.

``CsvChunks(spec, chunk_rows, ...)`` reads a file, a folder of ``.csv`` files or a glob, all
with the same header line. The first pass walks each file's bytes, cuts them into pieces of
``chunk_rows`` lines (never inside a quoted field), checks every unquoted line's field count
and remembers where each piece starts; later passes read the pieces in any order by seeking
to them, or, when asked (``cache=True``, for ``train``), from the binary copy of the parsed
pieces that the first pass wrote (``chunk_cache``); ``close`` removes it. Each piece is
parsed by pandas' C reader into a DataFrame: columns that look like numbers in the file's
first rows as numbers, the others as stripped text; the missing-value spellings become NaN.
The separator, decimal mark and header are checked as ``cli.data`` checks a whole file;
every problem is a one-line ``CommandError`` naming the file and line.
"""

from __future__ import annotations

import csv
import glob
import io
import os
import re

from glassnet.cell_values import shown
from glassnet.cli.chunk_cache import ChunkCache
from glassnet.cli.csv_lines import Piece, PieceLines, check_block, line_ends
from glassnet.cli.data import (
    DECIMAL_COMMA,
    SEPARATORS,
    Table,
    check_header,
    check_not_device,
    detect_separator,
    has_decimal_commas,
    import_pandas,
    scan,
)
from glassnet.cli.errors import EXIT_DATA, EXIT_NO_INPUT, CommandError
from glassnet.tabular.plan import Chunk

SNIFF_BYTES = 1 << 20  # the first MiB of the first file decides separator and column types
BLOCK_BYTES = 4 << 20
PANDAS_LINE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def input_paths(spec: str) -> list[str]:
    """The files a DATA argument names: itself, the .csv files of a folder, or a glob's
    matches (sorted); CommandError (exit 66) when there are none."""
    if os.path.isdir(spec):
        paths = sorted(glob.glob(os.path.join(glob.escape(spec), "*.csv")))
        if not paths:
            raise CommandError(f"{spec}: is a folder with no .csv file in it", EXIT_NO_INPUT)
        return paths
    if glob.has_magic(spec) and not os.path.exists(spec):
        paths = sorted(path for path in glob.glob(spec) if os.path.isfile(path))
        if not paths:
            raise CommandError(f"{spec}: matches no file", EXIT_NO_INPUT)
        return paths
    if not os.path.exists(spec):
        raise CommandError(f"{spec}: no such file", EXIT_NO_INPUT)
    check_not_device(spec)
    return [spec]


def header_of(path: str) -> tuple[list[str], int, int]:
    """(the header's raw cells, the byte offset after the header line, its line number);
    CommandError for an empty file, a header that is not UTF-8 or that ends in a lone \\r."""
    with open(path, "rb") as file:
        data = file.read(SNIFF_BYTES)
    skip = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    if not data[skip:].strip():
        raise CommandError(f"{path}: the file is empty", EXIT_DATA)
    offset = skip
    for number, raw in enumerate(data[skip:].split(b"\n")):
        if raw.strip():
            try:
                text = raw.decode("utf-8").rstrip("\r")
            except UnicodeDecodeError:
                raise CommandError(f"{path}, line {number + 1}: not UTF-8 text; save the "
                                   f"file as UTF-8", EXIT_DATA) from None
            if "\r" in text:  # the pieces are cut at \n: a lone \r would make one long line
                raise CommandError(f"{path}, line {number + 1}: lines end in a lone carriage "
                                   f"return (old Mac style); --stream reads \\n or \\r\\n line "
                                   f"ends: convert the file, or leave out --stream",
                                   EXIT_DATA)
            return text, min(offset + len(raw) + 1, len(data)), number + 1
        offset += len(raw) + 1
    raise CommandError(f"{path}: the file is empty", EXIT_DATA)  # pragma: no cover


def cells(text: str, separator: str) -> list[str]:
    """One line's cells, as the csv module reads them."""
    return next(csv.reader([text], delimiter=separator), [])


class CsvChunks:
    """The chunks of one or more CSV files (see the module docstring)."""

    def __init__(self, spec: str, chunk_rows: int, separator=None, decimal=None,
                 missing=(), text_columns=(), cache: bool = False):
        self.paths = input_paths(spec)
        self.spec, self.chunk_rows, self.missing = spec, chunk_rows, list(missing)
        header, self.start, line = header_of(self.paths[0])
        self.separator = separator or detect_separator(header)
        self.header = check_header(self.paths[0], cells(header, self.separator), line)
        sample = self.sample()
        self.decimal = decimal or (
            "," if self.separator != "," and has_decimal_commas(sample) else ".")
        self.notes = ([f"{SEPARATORS[self.separator]}-separated (detected; --sep sets it)"]
                      if separator is None and self.separator != "," else []) + \
            (["decimal commas (detected; --decimal sets it)"]
             if decimal is None and self.decimal == "," else [])
        self.text = self.text_columns(sample, set(text_columns))
        self.pieces: list[Piece] | None = None
        self.rows = 0
        self.cache = ChunkCache(sum(map(os.path.getsize, self.paths))) if cache else None

    def sample(self) -> list[list[str]]:
        """The first rows of the first file, as ``cli.data`` reads them (checked)."""
        with open(self.paths[0], "rb") as file:
            data = file.read(SNIFF_BYTES)
        cut = data.rfind(b"\n") + 1 if len(data) == SNIFF_BYTES else len(data)
        text = data[:cut].decode("utf-8-sig", errors="replace")
        try:
            return scan(self.paths[0], text, self.separator)[1]
        except CommandError as error:
            if "no data rows" in str(error) and len(self.paths) > 1:
                return []
            raise

    def text_columns(self, sample: list[list[str]], forced: set) -> list[str]:
        """The columns read as text: those named in ``forced`` and those that pandas does
        not read as numbers in the sampled rows (all of them if it cannot read those)."""
        pandas = import_pandas()
        if self.decimal == ",":
            sample = [[cell.replace(",", ".") if DECIMAL_COMMA.match(cell) else cell
                       for cell in row] for row in sample]
        text = io.StringIO()  # quoted as needed: commas, quotes and line breaks in cells
        csv.writer(text, lineterminator="\n").writerows(sample)
        try:
            frame = pandas.read_csv(io.StringIO(text.getvalue()), header=None, names=self.header,
                                    keep_default_na=False, na_values=self.missing,
                                    decimal=".", index_col=False)
        except ValueError:  # pandas' ParserError is a ValueError
            return list(self.header)
        return [name for name in self.header if name in forced or not len(sample)
                or frame[name].dtype.kind not in "fiu"]

    def chunks(self, rng=None):
        """Chunk(frame, where, key) for every piece, keyed by its place: on the first pass in
        file order (finding the pieces), later in a random order when ``rng`` is given."""
        if self.pieces is None:
            yield from self.first_pass()
            return
        order = rng.permutation(len(self.pieces)) if rng is not None else \
            range(len(self.pieces))
        for number in order:
            yield self.cached(int(number)) or self.chunk(self.pieces[number], key=int(number))

    def first_pass(self):
        pieces, rows = [], 0
        for path in self.paths:
            for piece, block in self.pieces_of(path):
                pieces.append(piece)
                chunk = self.chunk(piece, block, key=len(pieces) - 1)
                rows += len(chunk.frame)
                if self.cache is not None:
                    self.cache.add(chunk.key, chunk.frame)
                yield chunk
        if not rows:
            raise CommandError(f"{self.spec}: has column names but no data rows", EXIT_DATA)
        self.pieces, self.rows = pieces, rows
        if self.cache is not None:
            self.cache.finish()
            self.notes += [self.cache.note] if self.cache.note else []

    def cached(self, number: int) -> Chunk | None:
        """Piece ``number`` read from the binary copy of the first pass, if there is one
        (if it cannot be read, the copy is dropped and the CSV read instead)."""
        if self.cache is None:
            return None
        try:
            frame = self.cache.frame(number)
        except OSError as error:
            self.cache.give_up(error.strerror or str(error))
            return None
        piece = self.pieces[number]
        return None if frame is None else \
            Chunk(frame, Table(piece.path, frame, PieceLines(piece, len(frame))).where, number)

    def close(self) -> None:
        """Remove the binary copy of the chunks, if any."""
        if self.cache is not None:
            self.cache.close()

    def pieces_of(self, path: str):
        """(Piece, its bytes) for the file's pieces of ``chunk_rows`` lines, each checked
        (``check_block``)."""
        header, start, line = header_of(path)
        names = check_header(path, cells(header, self.separator), line)
        if names != self.header:
            new = [name for name in names if name not in self.header]
            what = f"the new column {shown(new[0])}" if new else \
                f"the columns {shown(', '.join(names), 120)}"
            raise CommandError(f"{path}, line {line}: has {what}, but {self.paths[0]} has "
                               f"{shown(', '.join(self.header), 120)}", EXIT_DATA)
        with open(path, "rb") as file:
            file.seek(start)
            pending, line = b"", line + 1
            while True:
                data = file.read(BLOCK_BYTES)
                buffer, used = pending + data, 0
                for end in line_ends(buffer, self.chunk_rows, final=not data):
                    piece = Piece(path, start + used, end - used, line)
                    block = buffer[used:end]
                    check_block(block, piece, self.separator, len(self.header))
                    if block.strip():  # a piece of blank lines only holds no rows
                        yield piece, block
                    line += block.count(b"\n")
                    used = end
                pending, start = buffer[used:], start + used
                if not data:
                    return

    def chunk(self, piece: Piece, block: bytes | None = None, key=None) -> Chunk:
        table = self.table(piece, block)
        return Chunk(table.frame, table.where, key)

    def tables(self):
        """A ``cli.data.Table`` per piece, in file order (the first pass, if not made)."""
        if self.pieces is None:
            for path in self.paths:
                for piece, block in self.pieces_of(path):
                    yield self.table(piece, block)
            return
        for piece in self.pieces:
            yield self.table(piece)

    def table(self, piece: Piece, block: bytes | None = None) -> Table:
        """The piece as a Table: its frame and the line of each row."""
        if block is None:
            with open(piece.path, "rb") as file:
                file.seek(piece.start)
                block = file.read(piece.length)
        frame = self.frame_of(piece, block)
        return Table(piece.path, frame, PieceLines(piece, len(frame)))

    def frame_of(self, piece: Piece, block: bytes):
        """The piece parsed by pandas: numbers, and stripped text (NaN where missing)."""
        pandas = import_pandas()
        try:
            frame = pandas.read_csv(
                io.BytesIO(block), header=None, names=self.header, sep=self.separator,
                decimal=self.decimal, dtype=dict.fromkeys(self.text, str),
                keep_default_na=False, na_values=self.missing, skipinitialspace=True,
                index_col=False, encoding="utf-8")
        except ValueError as error:  # pandas' ParserError is one
            raise CommandError(self.parser_message(piece, str(error)), EXIT_DATA) from None
        for name in self.text:
            frame[name] = frame[name].str.strip()
        return frame

    def parser_message(self, piece: Piece, message: str) -> str:
        found = PANDAS_LINE.search(message)
        if found is None:
            return f"{piece.path}, near line {piece.line}: {message.splitlines()[-1]}"
        fields, line, saw = (int(item) for item in found.groups())
        return (f"{piece.path}, line {piece.line + line - 1}: {saw} field(s), but the "
                f"header has {len(self.header)}")
