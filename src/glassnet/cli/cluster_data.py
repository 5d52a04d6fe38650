"""The data side of ``glassnet train --dask-scheduler/--dask-workers``: the column decisions
made on one worker, then the CSV file read as a dask DataFrame whose partitions are encoded
where they were read.

``plan``: one worker reads the file with the command's own reader and runs ``tabular.prepare``,
the very code ``glassnet train`` runs without Dask, so the rows kept, the task, the column
roles, the fill values, the categories, the scaling and the validation rows are the same
decisions; only those decisions (and the lines that describe them) come back. That pass needs
the file to fit in one worker's memory.

``spread``: ``dask.dataframe.read_csv`` reads the file as partitions on the workers; each
partition's cells are stripped as the reader strips them, its rows with a target kept, split
into training and validation rows by their position among all kept rows (the one splitter's
choice, made on the client from the row count only), encoded by the plan's encoder and left
on its worker. The client learns only row counts.
"""

from __future__ import annotations

import math
import operator
import os
import warnings
from dataclasses import dataclass, replace

import numpy as np

from glassnet.cell_values import category_text, to_numbers
from glassnet.cli.data import DECIMAL_COMMA, read_table
from glassnet.cli.errors import EXIT_DATA, CommandError
from glassnet.cli.report import describe_start
from glassnet.cli.tables import describe_columns, prepare_table
from glassnet.column_encoding import missing_mask
from glassnet.tabular.fit import split_rows
from glassnet.tabular.target import target_values

BLOCK_BYTES = 64 * 2**20  # dask's own default partition size
EXIT_UNAVAILABLE = 69  # sysexits EX_UNAVAILABLE: the cluster cannot be reached or failed


@dataclass
class Plan:
    """The decisions of ``tabular.prepare`` without the rows: what the partitions need."""

    path: str
    target: str
    header: list[str]
    separator: str
    decimal: str
    rows: int
    kept: int
    problem: object  # tabular.Problem with its targets left out
    encoder: object
    network: object
    scaling: dict | None
    columns_text: str
    start_text: str


@dataclass
class Failure:
    """A CommandError caught on a worker, returned as a value so its exit code survives."""

    message: str
    exit_code: int


def plan_on_worker(arguments, settings) -> Plan | Failure:
    """On a worker: read and prepare the table as ``glassnet train`` does in memory."""
    try:
        table = read_table(arguments.data, arguments.sep, arguments.decimal)
        # rows held out, never a small table's folds: validation_rows picks the same ones
        prepared = prepare_table(table, arguments.target,
                                 replace(settings, cross_validate_below=0))
    except CommandError as error:
        return Failure(str(error), error.exit_code)
    return Plan(table.path, arguments.target, table.columns, table.separator, table.decimal,
                len(table), len(prepared.rows), replace(prepared.problem, targets=np.empty(0)),
                prepared.encoder, prepared.network, prepared.scaling,
                describe_columns(table, prepared),
                describe_start(table, arguments, prepared.problem, prepared.encoder,
                               prepared.network, prepared.validation_rows))


def plan(client, arguments, settings, timeout: float) -> Plan:
    """``plan_on_worker`` run on the cluster; a Failure there becomes a CommandError here."""
    future = client.submit(plan_on_worker, arguments, settings, pure=False)
    try:
        answer = future.result(timeout=timeout)
    except TimeoutError:
        raise CommandError(f"no answer from the workers within {timeout} s while reading "
                           f"{arguments.data}", EXIT_UNAVAILABLE) from None
    if isinstance(answer, Failure):
        raise CommandError(answer.message, answer.exit_code)
    return answer


def read_partitions(plan: Plan, partitions: int | None, workers: int):
    """The file as a dask DataFrame of text cells, in at least ``partitions`` parts (default:
    one per 64 MiB, at least one per worker)."""
    import dask.dataframe as dd

    size = max(os.path.getsize(plan.path), 1)
    count = partitions or max(workers, math.ceil(size / BLOCK_BYTES))
    frame = dd.read_csv(plan.path, sep=plan.separator, header=0, names=plan.header,
                        dtype=object, keep_default_na=False, na_filter=False,
                        encoding="utf-8-sig", blocksize=math.ceil(size / count))
    # dask may cut fewer blocks than asked for a small file; splitting keeps the row order
    return frame if frame.npartitions >= count else frame.repartition(npartitions=count)


def cells(part, decimal: str):
    """A partition's cells as ``read_table`` leaves them: stripped, decimal commas as points."""
    part = part.reset_index(drop=True).map(lambda cell: str(cell).strip())
    if decimal == ",":
        part = part.map(lambda cell: cell.replace(",", ".") if DECIMAL_COMMA.match(cell)
                        else cell)
    return part


def kept_mask(part, plan: Plan, missing) -> np.ndarray:
    """Which rows of a partition (cells as ``cells`` gives them) have a target."""
    return ~missing_mask(target_values(part, plan.target), missing)


def count_part(part, plan: Plan, missing) -> tuple[int, int]:
    """On a worker: (rows, rows with a target) of a partition."""
    part = cells(part, plan.decimal)
    return len(part), int(kept_mask(part, plan, missing).sum())


def encode_part(part, plan: Plan, missing, validation: np.ndarray) -> dict[str, np.ndarray]:
    """On a worker: a partition's training and validation rows, encoded. ``validation``
    (sorted) lists which of its kept rows are held out, counted within the partition."""
    part = cells(part, plan.decimal)
    kept = part[kept_mask(part, plan, missing)].reset_index(drop=True)
    with warnings.catch_warnings():  # validation rows may hold categories training lacks
        warnings.simplefilter("ignore")
        inputs = plan.encoder.transform(kept)
    targets, reported = encode_targets(target_values(kept, plan.target), plan)
    held_out = np.zeros(len(kept), dtype=bool)
    held_out[validation] = True
    return {"inputs": inputs[~held_out], "targets": targets[~held_out],
            "validation_inputs": inputs[held_out], "validation_targets": targets[held_out],
            "reported": reported[held_out]}


def encode_targets(values: np.ndarray, plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    """(the network's targets, the targets the report scores against) of target values, as
    ``tabular.choose_task`` and ``Prepared.targets`` make them: class codes into the plan's
    labels, or (y - mean) / scale and y."""
    problem = plan.problem
    # numbers with thousands separators are numbers, as ``tabular.target_codes`` reads them
    if problem.task == "regression":
        numbers = to_numbers(values, thousands=True)
        return (numbers - plan.scaling["mean"]) / plan.scaling["scale"], numbers
    if all(isinstance(label, int) for label in problem.labels):
        labels_of = [int(number) for number in to_numbers(values, thousands=True)]
    else:
        labels_of = [category_text(value) for value in values]
    codes = np.searchsorted(np.array(problem.labels), np.array(labels_of))
    return codes, codes


def held_out_rows(kept: int, settings) -> np.ndarray:
    """The validation rows among all kept rows: the splitter ``tabular.prepare`` calls."""
    return split_rows(kept, settings)[1]


def check_rows(plan: Plan, counts: list[tuple[int, int]]) -> None:
    rows, kept = sum(count for count, _ in counts), sum(count for _, count in counts)
    if (rows, kept) != (plan.rows, plan.kept):
        raise CommandError(f"{plan.path}: dask read {rows} rows ({kept} with a target) where "
                           f"the reader found {plan.rows} ({plan.kept}); a quoted line break "
                           f"or a line of only spaces reads differently: train without Dask",
                           EXIT_DATA)


@dataclass
class Spread:
    """The encoded rows on the workers: dask arrays of training and validation inputs
    and targets, and the validation targets the report scores against."""

    inputs: object
    targets: object
    validation_inputs: object
    validation_targets: object
    reported: object
    partitions: int


def spread(client, plan: Plan, settings, partitions: int | None,
           timeout: float = 600.0) -> Spread:
    """Read the file as partitions on the workers and encode each where it lies."""
    from dask import delayed

    frame = read_partitions(plan, partitions, len(client.scheduler_info()["workers"]))
    parts = frame.to_delayed()
    counts = gathered(client, [delayed(count_part)(part, plan, settings.missing)
                               for part in parts], timeout, f"reading {plan.path}")
    check_rows(plan, counts)
    validation = held_out_rows(plan.kept, settings)
    starts = np.cumsum([0] + [kept for _, kept in counts])
    encoded, sizes = [], []
    for part, start, (_, kept) in zip(parts, starts, counts, strict=False):
        chosen = validation[np.searchsorted(validation, start):
                            np.searchsorted(validation, start + kept)] - start
        encoded.append(client.compute(delayed(encode_part)(part, plan, settings.missing,
                                                           chosen)))
        sizes.append((kept - len(chosen), len(chosen)))
    return Spread(*(stacked(encoded, sizes, key, plan) for key in
                    ("inputs", "targets", "validation_inputs", "validation_targets",
                     "reported")), partitions=len(parts))


def gathered(client, tasks: list, timeout: float, doing: str) -> list:
    """The results of delayed ``tasks``; no answer within ``timeout`` s is one line."""
    from distributed import wait

    futures = client.compute(tasks)
    try:
        wait(futures, timeout=timeout)
    except TimeoutError:
        raise CommandError(f"no answer from the workers within {timeout} s while {doing}",
                           EXIT_UNAVAILABLE) from None
    return client.gather(futures)


def stacked(encoded: list, sizes: list[tuple[int, int]], key: str, plan: Plan):
    """One dask array of ``key`` over the partitions that have such rows, or None."""
    import dask.array as da
    from dask import delayed

    width = len(plan.encoder.output_names)
    which = 1 if key.startswith("validation") or key == "reported" else 0
    kind = np.float64 if key.endswith("inputs") or plan.problem.task == "regression" \
        else np.int64
    blocks = [da.from_delayed(delayed(operator.getitem)(future, key),
                              shape=(size[which], width) if key.endswith("inputs")
                              else (size[which],), dtype=kind)
              for future, size in zip(encoded, sizes, strict=True) if size[which]]
    return da.concatenate(blocks) if blocks else None
