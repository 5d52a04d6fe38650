"""The ONNX form of a ColumnEncoder's columns, for ``onnx_export``: each column one graph
input of shape (batch, 1), encoded into its block of the network's input matrix.

- number column: the value in the network's dtype; with a ``fill``, NaN (a missing value)
  becomes the fill, and with an ``indicator`` a 0/1 "was missing" column follows;
- category column: an ONNX string, one-hot encoded by ``ai.onnx.ml.OneHotEncoder`` over the
  categories, the rare ones grouped as ``other`` (summed into one last column) and, when
  the model learned a ``(missing)`` category, the usual spellings of a missing value
  (empty, NA, NaN, ...) sent to it. A category training never saw is an error in a model
  from before missing values were filled (as glassnet refuses it there) and a row of zeros
  in a newer one (as its encoder gives);
- date column: refused by name (no ONNX form here yet).
Imports numpy and ``onnx_layers`` (the Graph).
"""

from __future__ import annotations

import numpy as np

from glassnet.onnx_layers import Graph

MISSING_CATEGORY = "(missing)"
MISSING_SPELLINGS = ("", "NA", "NaN", "nan", "?", "None", "#N/A", "N/A", "null", "NULL")


def kind_of(column: dict) -> str:
    return column.get("kind") or ("number" if column["categories"] is None else "category")


def check_column(column: dict) -> None:
    """ValueError naming a column whose encoding has no ONNX form (dates)."""
    kind = kind_of(column)
    if kind not in ("number", "category"):
        raise ValueError(f"cannot export column {column['name']!r} to ONNX: a {kind} column "
                         f"has no ONNX form here yet; exportable: number and category columns")


def column_block(graph: Graph, column: dict) -> str:
    """The column's graph input, encoded: its value name (batch, width)."""
    check_column(column)
    if kind_of(column) == "number":
        return number_column(graph, column)
    strings = graph.input(column["name"], np.dtype(object), [None, 1])
    if "kind" not in column:  # a model from before missing values were filled: strict
        return graph.one_hot(strings, column["categories"])
    return category_column(graph, column, strings)


def number_column(graph: Graph, column: dict) -> str:
    """x, NaN replaced by ``fill``; then the 0/1 missing column when ``indicator``."""
    value = graph.input(column["name"], graph.dtype, [None, 1])
    if column.get("fill") is None:
        return value
    missing = graph.node("IsNaN", [value])
    filled = graph.node("Where", [missing, graph.constant(column["fill"]), value])
    if not column.get("indicator"):
        return filled
    flag = graph.node("Cast", [missing], to=graph.onnx.helper.np_dtype_to_tensor_dtype(
        graph.dtype))
    return graph.node("Concat", [filled, flag], axis=1)


def category_column(graph: Graph, column: dict, strings: str) -> str:
    """One-hot over every string the column knows, then (one-hot @ mapping) to the block:
    mapping[k, j] = 1 when known string k lands in output column j."""
    texts, targets = category_targets(column)
    encoded = graph.node("OneHotEncoder", [strings], domain="ai.onnx.ml", cats_strings=texts,
                         zeros=1)  # (batch, 1, texts); an unknown string: all zeros
    flat = graph.node("Reshape", [encoded, graph.constant([-1, len(texts)], dtype=np.int64)])
    one_hot = graph.node("Cast", [flat], to=graph.onnx.helper.np_dtype_to_tensor_dtype(
        graph.dtype))
    width = len(column["categories"]) + (1 if column.get("other") else 0)
    mapping = np.zeros((len(texts), width))
    mapping[np.arange(len(texts)), targets] = 1.0
    return graph.node("MatMul", [one_hot, graph.constant(mapping)])


def category_targets(column: dict) -> tuple[list[str], list[int]]:
    """Every known string and the output column it lands in."""
    categories = list(column["categories"])
    targets = dict(zip(categories, range(len(categories)), strict=True))
    for text in column.get("other") or ():
        targets.setdefault(text, len(categories))
    if MISSING_CATEGORY in targets:
        for spelling in MISSING_SPELLINGS:
            targets.setdefault(spelling, targets[MISSING_CATEGORY])
    return list(targets), list(targets.values())
