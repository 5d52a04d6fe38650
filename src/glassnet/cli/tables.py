"""The column handling of ``glassnet.tabular`` at the command line, shared by ``train``,
``predict``, ``evaluate`` and ``gradcheck``: the options that set it (``--drop``,
``--categorical``, ``--numeric``, ``--missing``, ``--sep``, ``--decimal``, ``--strict``),
the column decisions printed before training, the one-line warning for values training
never saw, and ``TableError``/``CategoryError`` turned into a message naming the line.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from glassnet.cell_values import shown
from glassnet.cli.data import read_table
from glassnet.cli.errors import EXIT_DATA, CommandError, UsageError
from glassnet.column_encoding import MISSING_SPELLINGS, kind_of
from glassnet.preprocessing import CategoryError, ColumnEncoder
from glassnet.tabular import Prepared, Settings, TableError, prepare

SEPARATOR_NAMES = {",": ",", ";": ";", "tab": "\t", "\\t": "\t", "\t": "\t", "|": "|"}


def separator(text: str) -> str:
    if text not in SEPARATOR_NAMES:
        raise argparse.ArgumentTypeError(f"expected one of , ; tab |, got {text!r}")
    return SEPARATOR_NAMES[text]


def spellings(text: str) -> tuple[str, ...]:
    """'NA,?,-' -> ('NA', '?', '-'); an empty entry means an empty cell."""
    return tuple(part.strip() for part in text.split(","))


def add_reading_arguments(parser) -> None:
    """--sep and --decimal, for every command that reads a CSV file."""
    parser.add_argument("--sep", type=separator, metavar="SEP",
                        help="field separator: , ; tab or | (default: detected)")
    parser.add_argument("--decimal", choices=(".", ","),
                        help="decimal mark (default: detected; a comma only in files not "
                             "separated by commas)")


def add_column_arguments(parser) -> None:
    """The options that decide columns, for ``train``."""
    add_reading_arguments(parser)
    for option, role in (("--drop", "leave out"), ("--categorical", "read as categories"),
                         ("--numeric", "read as numbers (words become missing)")):
        parser.add_argument(option, action="append", default=[], metavar="COLUMN",
                            help=f"{role} this column (repeat for more)")
    parser.add_argument("--missing", type=spellings, default=MISSING_SPELLINGS,
                        metavar="SPELLINGS",
                        help=f"comma-separated spellings of a missing value (default: empty, "
                             f"{', '.join(item for item in MISSING_SPELLINGS if item)})")


def read(arguments):
    return read_table(arguments.data, arguments.sep, arguments.decimal)


def prepare_table(table, target: str, settings: Settings) -> Prepared:
    """tabular.prepare on the file's rows; a TableError becomes one line naming the file."""
    if target not in table.columns:
        raise UsageError(f"{table.path}: no column {shown(target)} for --target; the columns "
                         f"are {shown_names(table.columns)}")
    try:
        return prepare(table.frame, target, settings)
    except TableError as error:
        where = table.path if error.row is None else table.where(error.row)
        raise CommandError(f"{where}: {error}", EXIT_DATA) from None


def describe_columns(table, prepared: Prepared) -> str:
    """The notes on reading and rows, then one line per column decision."""
    notes = [f"note: {table.path}: {note}" for note in [*table.notes, *prepared.notes]]
    lines = ["Columns:"] + [decision.line() for decision in prepared.decisions]
    return "\n".join(notes + lines)


def encode_rows(model, table, strict: bool = False, rows=None) -> np.ndarray:
    """The network's inputs for ``table`` (only ``rows``, if given): columns checked against
    the model's, unseen values counted in one warning line (or, ``strict``, refused)."""
    encoder = encoder_of(model)
    absent = [name for name in encoder.names if name not in table.columns]
    if absent:
        raise CommandError(f"{table.path}: lacks the column(s) {shown_names(absent)} that the "
                           f"model was trained on (it needs {shown_names(encoder.names)})",
                           EXIT_DATA)
    frame = table.frame if rows is None else table.frame.iloc[rows]
    lines = table.lines if rows is None else [table.lines[row] for row in rows]
    try:
        inputs, surprises = encoder.encode(frame, dtype=model.network.dtype, strict=strict)
    except CategoryError as error:
        message = str(error).replace(f"column {error.column!r} ", "")
        raise CommandError(f"{table.path}, line {lines[error.row]}, column "
                           f"{shown(error.column)}: {message.replace(f' (row {error.row})', '')}"
                           + ("; --strict refuses it" if strict else ""), EXIT_DATA) from None
    if surprises:
        print(surprise_line(table.path, surprises, lines), file=sys.stderr)
    return inputs


def surprise_line(path: str, surprises, lines) -> str:
    """One warning line: how many values training never saw, per column (at most 3 shown)
    with the first value and its line."""
    parts = [f"column {shown(item.column)} {item.count} (first {shown(item.value)} on line "
             f"{lines[item.row]})" for item in surprises[:3]]
    more = f"; and {len(surprises) - 3} more column(s)" if len(surprises) > 3 else ""
    return (f"warning: {path}: {sum(item.count for item in surprises)} value(s) training "
            f"never saw, read as unknown (all zeros, or the column's fill value; --strict "
            f"refuses them): {'; '.join(parts)}{more}")


def shown_names(names, limit: int = 10) -> str:
    """'a', 'b', ... exactly as named (quoted, so spaces show), at most ``limit`` of them."""
    names = list(names)
    more = f", ... ({len(names)} in all)" if len(names) > limit else ""
    return ", ".join(shown(name) for name in names[:limit]) + more


def encoder_of(model) -> ColumnEncoder:
    """The model's column encoder; a model saved from Python without one reads its
    feature_names (or x0, x1, ...) as number columns."""
    if model.preprocessing is not None:
        return model.preprocessing
    width = model.network.in_features or 0
    names = model.feature_names or [f"x{index}" for index in range(width)]
    return ColumnEncoder([{"name": name, "categories": None} for name in names])


def column_lines(encoder: ColumnEncoder) -> list[str]:
    """One line per column the model reads (its role, fill value, categories: at most 10
    named) and per column it dropped (and why)."""
    lines = []
    for column in encoder.columns:
        kind = kind_of(column)
        if kind == "category":
            categories = column["categories"]
            named = ", ".join(shown(item, 30) for item in categories[:10])
            more = f", ... ({len(categories)} in all)" if len(categories) > 10 else ""
            other = f"; {len(column['other'])} rare ones grouped as (other)" \
                if column.get("other") else ""
            role = f"category, one-hot of {named}{more}{other}"
        else:
            role = "number" if kind == "number" else "date: year, month, weekday, days"
            role += " written with thousands separators" if column.get("thousands") else ""
            if column.get("fill") is not None:
                role += f"; missing -> {column['fill']:.6g}"
                role += " and a was-missing column" if column.get("indicator") else ""
        lines.append(f"column {shown(column['name'])}: {role}")
    return lines + [f"column {shown(item['name'])}: dropped ({item['reason']})"
                    for item in encoder.dropped]
