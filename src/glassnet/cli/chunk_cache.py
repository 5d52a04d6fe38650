"""A binary copy of a CSV file's parsed chunks, for the epochs of ``train --stream``:
``ChunkCache``.

Parsing text is most of the work of reading a CSV file. The first pass parses every chunk
(pandas' C reader) and ``add`` appends the chunk's columns to a temporary file: numbers and
true/false columns as their own bytes (int64, float64, bool: exact), word columns as 4-byte
codes into a dictionary of the column's distinct words kept in memory (0 where missing).
``frame`` reads a chunk back by seeking to it: the same DataFrame, value for value and dtype
for dtype, without parsing text again. The file is read, never mapped (mapped pages count as
the process's resident memory), and removed by ``close`` (or at exit).

On disk it costs 8 bytes per number cell and 4 per word cell (each column padded to 8 bytes):
about the CSV file's own size for numbers written with 6 to 8 characters. The cache gives up,
and the epochs read the CSV again, when it cannot write (disk full, folder not writable), when
the free space is less than twice the files' size, or when the word columns hold more than
``WORDS_LIMIT`` distinct words in all (their dictionary would no longer be small); ``note``
says why.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref

import numpy as np

from glassnet.cli.data import import_pandas

WORDS_LIMIT = 100_000
NUMBERS, WORDS = "numbers", "words"  # a column stored as its bytes, or as codes


def remove(path: str) -> None:
    if os.path.exists(path):
        os.remove(path)


class ChunkCache:
    """Chunks' frames written by ``add(key, frame)`` and read back by ``frame(key)``;
    ``usable`` once ``finish`` has closed a complete file."""

    def __init__(self, input_bytes: int, folder: str | None = None):
        self.entries: dict = {}  # key -> (offset, rows, layout)
        self.layouts: dict = {}  # each distinct layout ((name, kind, dtype), ...), kept once
        self.codes: dict = {}  # column -> {word: code}
        self.words: dict = {}  # column -> [word, ...] in code order
        self.lookup: dict = {}  # (column, dtype) -> its words as a pandas array
        self.path = self.writer = self.note = None
        self.size, self.usable = 0, False
        folder = folder or tempfile.gettempdir()
        try:
            free = shutil.disk_usage(folder).free
            if free < 2 * input_bytes:
                self.note = (f"no binary copy of the chunks ({free / 2**30:.1f} GiB free in "
                             f"{folder}, less than twice the data)")
                return
            handle, self.path = tempfile.mkstemp(prefix="glassnet-chunks-", suffix=".bin",
                                                 dir=folder)
        except OSError as error:
            self.note = f"no binary copy of the chunks ({error.strerror or error})"
            return
        self.writer = os.fdopen(handle, "wb")
        self.cleanup = weakref.finalize(self, remove, self.path)

    def add(self, key, frame) -> None:
        """Append ``frame``'s columns (nothing once the cache has given up)."""
        if self.writer is None:
            return
        try:
            columns = [self.column_bytes(name, frame[name]) for name in frame.columns]
        except ValueError as error:
            return self.give_up(str(error))
        if not isinstance(frame.index, import_pandas().RangeIndex) or frame.index.start != 0:
            return self.give_up("a chunk's rows are not numbered from 0")
        try:
            for _, _, _, data in columns:
                self.writer.write(data)
        except OSError as error:
            return self.give_up(error.strerror or str(error))
        layout = tuple(column[:3] for column in columns)
        self.entries[key] = (self.size, len(frame), self.layouts.setdefault(layout, layout))
        self.size += sum(len(data) for *_, data in columns)

    def column_bytes(self, name, values) -> tuple:
        """(name, kind, dtype, bytes padded to 8) of one column; ValueError for a column
        that cannot be stored exactly."""
        dtype = values.dtype
        if isinstance(dtype, np.dtype) and dtype.kind in "biuf":
            return name, NUMBERS, dtype, padded(values.to_numpy().tobytes())
        codes, distinct = import_pandas().factorize(values, use_na_sentinel=True)
        if not all(isinstance(word, str) for word in distinct):
            raise ValueError(f"column {name!r} holds values that are neither numbers nor text")
        known, words = self.codes.setdefault(name, {}), self.words.setdefault(name, [])
        for word in distinct:
            if word not in known:
                known[word] = len(words)
                words.append(word)
        if sum(len(column) for column in self.words.values()) > WORDS_LIMIT:
            raise ValueError(f"more than {WORDS_LIMIT} distinct words")
        mapping = np.array([known[word] + 1 for word in distinct] + [0], dtype=np.int32)
        return name, WORDS, dtype, padded(mapping[codes].tobytes())  # missing (-1): 0

    def give_up(self, reason: str) -> None:
        self.note = f"no binary copy of the chunks ({reason}); each epoch parses the CSV again"
        self.close()

    def finish(self) -> None:
        """Close the file after the first pass; the epochs may read it."""
        if self.writer is not None:
            self.writer.close()
            self.codes, self.usable = {}, True

    def frame(self, key):
        """The frame added under ``key``, read back; None when there is none."""
        if not self.usable or key not in self.entries:
            return None
        offset, rows, layout = self.entries[key]
        lengths = [stored_bytes(kind, dtype, rows) for _, kind, dtype in layout]
        data = np.empty(sum(lengths), dtype=np.uint8)
        with open(self.path, "rb") as file:
            file.seek(offset)
            if file.readinto(data) != len(data):
                raise OSError(f"{self.path}: shorter than written")
        frame, start = {}, 0
        for (name, kind, dtype), length in zip(layout, lengths, strict=True):
            part = data[start:start + length]
            start += length
            frame[name] = self.words_of(name, dtype).take(part.view(np.int32)[:rows]) \
                if kind == WORDS else part.view(dtype)[:rows]
        pandas = import_pandas()
        return pandas.DataFrame(frame, index=pandas.RangeIndex(rows), copy=False)

    def words_of(self, name, dtype):
        """Missing, then the column's words in code order, as a pandas array of ``dtype``
        (code c + 1 is word c)."""
        key = (name, str(dtype))
        if key not in self.lookup:
            self.lookup[key] = import_pandas().array([np.nan, *self.words.get(name, [])],
                                                     dtype=dtype)
        return self.lookup[key]

    def close(self) -> None:
        """Close and remove the file; the cache is no longer usable."""
        if self.writer is not None and not self.writer.closed:
            self.writer.close()
        self.writer, self.usable = None, False
        self.codes, self.words, self.lookup, self.entries, self.layouts = {}, {}, {}, {}, {}
        if self.path is not None:
            self.cleanup()


def stored_bytes(kind: str, dtype, rows: int) -> int:
    """The bytes a column of ``rows`` rows takes in the file (padded to 8)."""
    size = rows * (4 if kind == WORDS else dtype.itemsize)
    return size + -size % 8


def padded(data: bytes) -> bytes:
    """``data`` with zero bytes up to a multiple of 8 (each column starts aligned)."""
    return data + bytes(-len(data) % 8)
