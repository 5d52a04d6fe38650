"""Reading CSV files for the ``train``, ``predict``, ``evaluate`` and ``gradcheck`` commands.

One pass of the standard ``csv`` reader parses the file, so every problem gets a one-line
message naming the file, the line and the column: a missing file or a device such as
/dev/zero (exit 66), an empty file, a file that is not UTF-8, a first line that looks like
data instead of column names, rows with too few or too many fields (all exit 65).
Separators (comma, semicolon, tab, bar) and decimal commas are detected from the file, or
set with ``--sep`` and ``--decimal``; the ``notes`` say what was used. Column names and
cells are stripped of surrounding spaces; a line of only spaces is blank. An unnamed first
column (row names, as R writes them) is named ``(row names)``, an unnamed last one (a
separator ending every line) ``(column N)``. The cells become a pandas DataFrame of
strings (the ``cli`` extra).
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from glassnet.cell_values import shown, to_number
from glassnet.cli.errors import EXIT_DATA, EXIT_NO_INPUT, CommandError
from glassnet.files import kind_of
from glassnet.tabular.roles import ROW_NAMES_COLUMN

SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}
DECIMAL_COMMA = re.compile(r"^[+-]?\d*,\d+$")
DECIMAL_POINT = re.compile(r"^[+-]?\d*\.\d+$")


@dataclass
class Table:
    """A CSV file's cells as stripped strings (a pandas DataFrame), each row's line, and
    the separator and decimal mark it was read with."""

    path: str
    frame: object
    lines: list[int]
    notes: list[str] = field(default_factory=list)
    separator: str = ","
    decimal: str = "."

    @property
    def columns(self) -> list[str]:
        return list(self.frame.columns)

    def where(self, row: int, column: str | None = None) -> str:
        """'data.csv, line 7, column 'age'' for row 5 (0-based) of the frame."""
        place = f"{self.path}, line {self.lines[row]}"
        return place if column is None else f"{place}, column {shown(column)}"

    def __len__(self) -> int:
        return len(self.frame)


def import_pandas():
    try:
        import pandas
    except ImportError:
        raise CommandError('reading CSV files needs pandas: pip install "glassnet[cli]"',
                           1) from None
    return pandas


def read_table(path, separator: str | None = None, decimal: str | None = None) -> Table:
    """Read and check a CSV file with a header line; CommandError for any problem.
    ``separator`` and ``decimal`` (``"."`` or ``","``) are detected when None."""
    pandas = import_pandas()
    path = str(path)
    text = read_text(path)
    notes = []
    if separator is None:
        separator = detect_separator(text)
        if separator != ",":
            notes.append(f"{SEPARATORS[separator]}-separated (detected; --sep sets it)")
    header, rows, lines = scan(path, text, separator)
    if decimal is None and separator != "," and has_decimal_commas(rows):
        decimal = ","
        notes.append("decimal commas (detected; --decimal sets it)")
    if decimal == ",":
        rows = [[cell.replace(",", ".") if DECIMAL_COMMA.match(cell) else cell
                 for cell in row] for row in rows]
    frame = pandas.DataFrame(rows, columns=header, dtype=object)
    return Table(path, frame, lines, notes, separator, decimal or ".")


def check_not_device(path: str) -> None:
    """CommandError (exit 66) when ``path`` is a character or block device (/dev/zero, a
    terminal): reading one as a table would never end. Pipes and links to files pass."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return  # reading reports it
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        raise CommandError(f"{path}: is {kind_of(mode)}, not a CSV file", EXIT_NO_INPUT)


def read_text(path: str) -> str:
    """The file's text, from UTF-8 (with or without a byte order mark)."""
    check_not_device(path)
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


def detect_separator(text: str) -> str:
    """The separator that appears most often in the first non-blank line (the header),
    outside quotes; a comma when none does (a one-column file)."""
    first = next(line for line in text.splitlines() if line.strip())
    unquoted = re.sub(r'"[^"]*"', "", first)
    counts = {separator: unquoted.count(separator) for separator in SEPARATORS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def has_decimal_commas(rows: list[list[str]]) -> bool:
    """True when some cells read like 3,14 and none like 3.14."""
    cells = [cell for row in rows[:1000] for cell in row]
    return any(DECIMAL_COMMA.match(cell) for cell in cells) and \
        not any(DECIMAL_POINT.match(cell) for cell in cells)


def scan(path: str, text: str, separator: str):
    """(header, rows of stripped cells, the line number of each row); checks names and
    field counts. A line that is empty or holds only spaces is skipped."""
    header, rows, lines = None, [], []
    for line, row in records(path, text, separator):
        if header is None:
            header = check_header(path, row, line)
        elif len(row) != len(header):
            raise field_count_error(path, line, len(row), len(header))
        else:
            rows.append([cell.strip() for cell in row])
            lines.append(line)
    if not rows:
        raise CommandError(f"{path}: has column names but no data rows", EXIT_DATA)
    return header, rows, lines


def records(path: str, text: str, separator: str, first_line: int = 1):
    """(line, cells) of each record of ``text`` that is not blank, as the standard ``csv``
    reader reads it; a record's line is its first (a quoted cell may span more), counted
    from ``first_line``. CommandError for what the reader refuses."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    start = first_line
    try:
        for row in reader:
            line, start = start, first_line + reader.line_num
            if len(row) > 1 or any(cell.strip() for cell in row):
                yield line, row
    except csv.Error as error:
        raise CommandError(f"{path}, line {first_line + reader.line_num - 1}: {error}",
                           EXIT_DATA) from None


def field_count_error(path: str, line: int, fields: int, width: int) -> CommandError:
    return CommandError(f"{path}, line {line}: {fields} field(s), but the header has {width}",
                        EXIT_DATA)


def check_header(path: str, row: list[str], line: int) -> list[str]:
    """Stripped column names of the header ``row`` on line ``line`` (the file's first line
    that is not blank); refuses numbers, repeats and missing names. Two may be unnamed: the
    first column (it holds row names) and, after a named one, the last (a separator ending
    every line, as spreadsheets write), named ``(column N)``: empty, it is then dropped."""
    names = [name.strip() for name in row]
    if len(names) > 1 and not names[-1] and any(names[:-1]):
        names[-1] = f"(column {len(names)})"
    if names and not names[0] and len(names) > 1:
        names[0] = ROW_NAMES_COLUMN
    numbers = [name for name in names if is_number(name)]
    if numbers:
        raise CommandError(f"{path}, line {line}: looks like data ({shown(numbers[0])}), not "
                           f"column names; add a header line naming the columns", EXIT_DATA)
    for index, name in enumerate(names):
        if not name:
            raise CommandError(f"{path}, line {line}: column {index + 1} has no name", EXIT_DATA)
        if names.index(name) != index:
            raise CommandError(f"{path}, line {line}: column name {shown(name)} appears twice",
                               EXIT_DATA)
    return names


def is_number(text: str) -> bool:
    return to_number(text) == to_number(text)  # NaN for words
