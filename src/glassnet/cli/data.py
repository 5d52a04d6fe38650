"""Reading CSV files for the ``train``, ``predict``, ``evaluate`` and ``gradcheck`` commands.

pandas parses the file (every cell kept as text); before that, one pass of the standard
``csv`` reader checks the structure, so every problem gets a one-line message naming the
file, the line and the column: a missing file (exit 66), an empty file, a file that is
not UTF-8, a first line that looks like data instead of column names, rows with too few
or too many fields, missing values, a word in a number column (all exit 65). A UTF-8 byte
order mark is accepted. Imports pandas (the ``cli`` extra).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from glassnet.cli.errors import EXIT_DATA, EXIT_NO_INPUT, CommandError

MISSING = ("", "NA", "N/A", "NaN", "nan", "null", "NULL")


@dataclass
class Table:
    """A CSV file's cells as stripped strings (a pandas DataFrame) and each row's line."""

    path: str
    frame: object
    lines: list[int]

    @property
    def columns(self) -> list[str]:
        return list(self.frame.columns)

    def where(self, row: int, column: str | None = None) -> str:
        """'data.csv, line 7, column 'age'' for row 5 (0-based) of the frame."""
        place = f"{self.path}, line {self.lines[row]}"
        return place if column is None else f"{place}, column {column!r}"

    def __len__(self) -> int:
        return len(self.frame)


def import_pandas():
    try:
        import pandas
    except ImportError:
        raise CommandError('reading CSV files needs pandas: pip install "glassnet[cli]"',
                           1) from None
    return pandas


def read_table(path) -> Table:
    """Read and check a CSV file with a header line; CommandError for any problem."""
    pandas = import_pandas()
    path = str(path)
    text = read_text(path)
    header, lines = scan(path, text)
    frame = pandas.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                            skip_blank_lines=True)
    if list(frame.columns) != header or len(frame) != len(lines):
        raise CommandError(f"{path}: pandas and the csv reader disagree on its rows; check "
                           f"its quoting", EXIT_DATA)
    for column in frame.columns:
        frame[column] = frame[column].str.strip()
    return Table(path, frame, lines)


def read_text(path: str) -> str:
    """The file's text, from UTF-8 (with or without a byte order mark)."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file", EXIT_NO_INPUT) from None
    except IsADirectoryError:
        raise CommandError(f"{path}: is a folder, not a CSV file", EXIT_NO_INPUT) from None
    except OSError as error:
        raise CommandError(f"{path}: cannot be read ({error.strerror})", EXIT_NO_INPUT) \
            from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise CommandError(f"{path}, line {line}: not UTF-8 text (byte 0x"
                           f"{data[error.start]:02x}); save the file as UTF-8", EXIT_DATA) \
            from None
    if not text.strip():
        raise CommandError(f"{path}: the file is empty", EXIT_DATA)
    if "\x00" in text:
        raise CommandError(f"{path}: contains NUL bytes; not a CSV text file", EXIT_DATA)
    return text


def scan(path: str, text: str) -> tuple[list[str], list[int]]:
    """The header and the line number of every data row; checks names and field counts."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header, lines = None, []
    try:
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # a blank line, which pandas skips too
            if header is None:
                header = check_header(path, row)
            elif len(row) != len(header):
                raise CommandError(f"{path}, line {reader.line_num}: {len(row)} field(s), but "
                                   f"the header has {len(header)}", EXIT_DATA)
            else:
                lines.append(reader.line_num)
    except csv.Error as error:
        raise CommandError(f"{path}, line {reader.line_num}: {error}", EXIT_DATA) from None
    if not lines:
        raise CommandError(f"{path}: has column names but no data rows", EXIT_DATA)
    return header, lines


def check_header(path: str, row: list[str]) -> list[str]:
    names = [name.strip() for name in row]
    if any(is_number(name) for name in names):
        first = next(name for name in names if is_number(name))
        raise CommandError(f"{path}, line 1: looks like data ({first!r}), not column names; "
                           f"add a header line naming the columns", EXIT_DATA)
    for index, name in enumerate(names):
        if not name:
            raise CommandError(f"{path}, line 1: column {index + 1} has no name", EXIT_DATA)
        if names.index(name) != index:
            raise CommandError(f"{path}, line 1: column name {name!r} appears twice",
                               EXIT_DATA)
    return row


def is_number(text: str) -> bool:
    try:
        return bool(np.isfinite(float(text)))
    except ValueError:
        return False


def number_mask(values) -> np.ndarray:
    """True where a cell is a finite number."""
    pandas = import_pandas()
    numbers = pandas.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    return np.isfinite(numbers)


def check_missing(table: Table, columns) -> None:
    """Refuse the first empty or NA-like cell among ``columns``."""
    for column in columns:
        missing = table.frame[column].isin(MISSING).to_numpy()
        if missing.any():
            row = int(np.argmax(missing))
            value = table.frame[column].iloc[row]
            shown = "empty" if value == "" else repr(value)
            raise CommandError(f"{table.where(row, column)}: missing value ({shown}); fill "
                               f"it in or remove the row", EXIT_DATA)


def is_number_column(table: Table, column: str) -> bool:
    """True for numbers only; False for words. A column of mostly numbers with a few words
    is taken as a number column with a typo, and refused at the first word."""
    numeric = number_mask(table.frame[column])
    if numeric.all():
        return True
    if numeric.sum() * 2 > len(numeric):
        row = int(np.argmax(~numeric))
        raise CommandError(f"{table.where(row, column)}: {table.frame[column].iloc[row]!r} "
                           f"is not a number, though the column's other values are",
                           EXIT_DATA)
    return False
