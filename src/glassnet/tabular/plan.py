"""The first pass over a table's chunks: ``learn(chunks, target, settings) -> Plan``.

One pass merges each chunk's ``TargetSummary`` and ``ColumnSummary``s, then makes the
decisions ``tabular.fit.prepare`` makes for a table in memory, from the same rules: the
task, each column's role, the encoder's fills, categories and rare groups, the
``Standardize`` layer's mean and scale and a regression's target scaling, all over the
training rows (those ``row_hash.held_out`` does not keep for validation). ``Plan.encode``
then turns any chunk into the network's inputs, targets and training mask. A ``Chunk`` is a
DataFrame and ``where(row)``, the words that name one of its rows in a message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from glassnet.cell_values import shown
from glassnet.column_encoding import missing_mask
from glassnet.network import Sequential, mlp
from glassnet.preprocessing import ColumnEncoder, Standardize
from glassnet.tabular.distinct import encode_frame
from glassnet.tabular.fit import Settings, check_kept, standardize_numbers
from glassnet.tabular.moments import Moments, two_rows
from glassnet.tabular.roles import Decision, TableError, check_overrides
from glassnet.tabular.row_hash import held_out, row_hashes
from glassnet.tabular.summaries import (
    ColumnSummary,
    column_of,
    decide_summary,
    encoded_moments,
)
from glassnet.tabular.target import Problem, target_values
from glassnet.tabular.target_summary import (
    TargetSummary,
    check_spread,
    problem_of,
    scaling_of,
    target_codes,
)


class Chunk(NamedTuple):
    """Some rows of a table: a pandas DataFrame, ``where(row)`` naming a row of it, and a
    ``key`` naming the same rows in every pass (a CSV piece's place), or None."""

    frame: object
    where: Callable[[int], str]
    key: object = None


@dataclass
class Plan:
    """What the first pass decided, as ``tabular.Prepared`` holds it for a table in memory,
    and the counts: ``rows`` read, ``kept`` (with a target), ``training_rows``."""

    target: str
    columns: list
    numeric: list
    problem: Problem
    decisions: list[Decision]
    encoder: ColumnEncoder
    standardize: Standardize
    scaling: dict | None
    settings: Settings
    rows: int = 0
    kept: int = 0
    training_rows: int = 0
    notes: list[str] = field(default_factory=list)
    splits: dict = field(default_factory=dict)  # chunk key -> packed training mask

    def network(self) -> Sequential:
        """The untrained network: the fitted Standardize layer, then the MLP."""
        sizes = [len(self.encoder.output_names), *self.settings.hidden, self.problem.outputs]
        layers = mlp(sizes, activation=self.settings.activation, rng=self.settings.seed).layers
        return Sequential([self.standardize, *layers], rng=self.settings.seed)

    def encode(self, chunk: Chunk, dtype=np.float64):
        """(inputs (kept, features), targets (kept,), training (kept,) bool) for the rows
        of ``chunk`` that have a target; targets are class codes or scaled values."""
        frame = checked_columns(chunk, self.columns)
        values = target_values(frame, self.target)
        kept = ~missing_mask(values, self.settings.missing)
        training = self.training_mask(chunk, frame)[kept]
        inputs = encode_frame(self.encoder, frame if kept.all() else frame[kept], dtype)
        targets = target_codes(self.problem, values[kept])
        if self.scaling is not None:
            targets = (targets - self.scaling["mean"]) / self.scaling["scale"]
        return inputs, targets, training

    def training_mask(self, chunk: Chunk, frame) -> np.ndarray:
        """``split`` of the chunk's rows, as the first pass found it for a chunk with a key
        (hashing the rows again costs more than the rest of the encoding)."""
        packed = self.splits.get(chunk.key) if chunk.key is not None else None
        if packed is None or len(packed) != -(-len(frame) // 8):
            return split(frame, self.numeric, self.settings.validation_split)
        return np.unpackbits(packed, count=len(frame)).astype(bool)


def split(frame, numeric, share: float) -> np.ndarray:
    """(rows,) True for the training rows of ``frame``."""
    if share == 0:
        return np.ones(len(frame), dtype=bool)
    return ~held_out(row_hashes(frame, numeric), share)


def checked_columns(chunk: Chunk, columns: list):
    """The chunk's frame, when it has exactly ``columns``; TableError naming the first new
    or missing column otherwise."""
    frame = chunk.frame
    if list(frame.columns) == columns:
        return frame
    new = [name for name in frame.columns if name not in columns]
    gone = [name for name in columns if name not in frame.columns]
    what = f"has the new column {shown(new[0])}" if new else \
        f"lacks the column {shown(gone[0])}" if gone else "has the columns in another order"
    raise TableError(f"{chunk.where(0)}: {what}; every chunk needs the columns of the first "
                     f"({shown(', '.join(map(str, columns)), 120)})")


def learn(chunks: Iterable[Chunk], target: str, settings: Settings) -> Plan:
    """The first pass: summaries of every chunk merged, then every decision from them."""
    columns = numeric = None
    target_summary, summaries, splits = TargetSummary(), {}, {}
    for chunk in chunks:
        if columns is None:
            columns, numeric = first_columns(chunk.frame, target, settings)
        frame = checked_columns(chunk, columns)
        values = target_values(frame, target)
        kept = ~missing_mask(values, settings.missing)
        training = split(frame, numeric, settings.validation_split)
        if chunk.key is not None:
            splits[chunk.key] = np.packbits(training)
        training = training[kept]
        target_summary.merge(TargetSummary.of(values, kept, training, chunk.where))
        for name in columns:
            if name != target:
                column = ColumnSummary.of(frame[name][kept], settings.missing,
                                          training)
                summaries[name] = summaries[name].merge(column) if name in summaries \
                    else column
    if columns is None or not target_summary.rows:
        raise TableError("no rows: the chunks are empty")
    plan = plan_of(target, columns, numeric, target_summary, summaries, settings)
    plan.splits = splits
    return plan


def first_columns(frame, target: str, settings: Settings) -> tuple[list, list]:
    """The first chunk's columns (checked against the target and the overrides) and those
    hashed as numbers (numeric dtypes, and the --numeric ones)."""
    target_values(frame, target)
    check_overrides(frame, target, {"drop": settings.drop, "categorical": settings.categorical,
                                    "numeric": settings.numeric})
    numeric = [name for name in frame.columns
               if frame[name].dtype.kind in "fiu" or name in settings.numeric]
    return list(frame.columns), numeric


def plan_of(target, columns, numeric, target_summary, summaries, settings) -> Plan:
    """The decisions from the merged summaries."""
    problem = problem_of(target_summary, target, settings.task)
    overrides = {**dict.fromkeys(settings.numeric, "numeric"),
                 **dict.fromkeys(settings.categorical, "categorical"),
                 **dict.fromkeys(settings.drop, "drop")}
    decisions = [decide_summary(name, summaries[name], position, overrides.get(name))
                 for position, name in enumerate(columns) if name != target]
    check_kept(decisions, target)
    kept = [decision for decision in decisions if decision.role != "dropped"]
    described = [column_of(decision, summaries[decision.name], settings.missing)
                 for decision in kept]
    encoder = ColumnEncoder(described, settings.missing, [
        {"name": item.name, "reason": item.reason} for item in decisions
        if item.role == "dropped"])
    moments = [encoded_moments(column, summaries[column["name"]]) for column in described]
    for column, item in zip(described, moments, strict=True):
        check_spread(column["name"], item)
    if problem.task == "regression":
        check_spread(target, target_summary.moments)
    mean = np.concatenate([np.atleast_1d(item.mean) for item in moments])
    deviation = np.concatenate([np.atleast_1d(Moments(item.count, item.mean, item.m2)
                                              .deviation) for item in moments])
    standardize = standardize_numbers(two_rows(mean, deviation), encoder)
    standardize.mean[:] = np.where(encoder.binary_outputs, 0.0, mean)  # exact means
    left_out = target_summary.rows - target_summary.kept
    notes = [f"left out {left_out} row(s) whose {target!r} is missing"] if left_out else []
    training_rows = int(target_summary.moments.count) if problem.task == "regression" else \
        summaries[kept[0].name].training_rows
    return Plan(target, columns, numeric, problem, decisions, encoder, standardize,
                scaling_of(problem, target_summary.moments), settings,
                target_summary.rows, target_summary.kept, training_rows, notes)
