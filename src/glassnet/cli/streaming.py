"""``--stream``: ``train``, ``predict`` and ``evaluate`` on CSV files larger than memory.

With ``--stream`` (or ``--chunk-rows``), for a folder or glob of CSV files, and by itself
for a file larger than ``STREAM_SHARE`` of the available memory (reading a CSV file whole
takes about ten times its size), a command reads its data in chunks (``csv_chunks``):
``train`` learns every decision in a first pass, which also writes a binary copy of the
parsed chunks for the epochs to read (``chunk_cache``), and trains with ``tabular.streaming``;
``predict`` writes the predictions chunk by chunk into a temporary file that replaces the
output only once all of it is written; ``evaluate`` adds up the scores chunk by chunk.
"""

from __future__ import annotations

import io
import os
import sys
import time

import numpy as np

from glassnet.cli.arenas import limit_arenas
from glassnet.cli.arguments import positive_int
from glassnet.cli.csv_chunks import CsvChunks, input_paths
from glassnet.cli.errors import EXIT_DATA, CommandError
from glassnet.tabular.streaming import BUFFER_CHUNKS

STREAM_SHARE = 0.05
CHUNK_ROWS = 10_000


def add_stream_arguments(parser) -> None:
    """--stream and --chunk-rows, for train, predict and evaluate."""
    parser.add_argument("--stream", action="store_true",
                        help=f"read DATA in chunks, for files larger than memory (on by "
                             f"itself for a folder or glob of CSV files, or a file larger "
                             f"than {STREAM_SHARE:.0%}% of the available memory)")  # %%: argparse
    parser.add_argument("--chunk-rows", type=positive_int, metavar="N",
                        help=f"rows per chunk when streaming (default {CHUNK_ROWS}; implies "
                             f"--stream)")


def available_memory() -> int | None:
    """Bytes of memory available to a new program (Linux's MemAvailable), or None."""
    try:
        with open("/proc/meminfo") as file:
            for line in file:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def streams(arguments) -> bool:
    """Whether the command reads DATA in chunks; says so when it decided by itself."""
    if arguments.stream or arguments.chunk_rows:
        return True
    paths = input_paths(arguments.data)
    if paths != [arguments.data]:
        return True
    size, available = os.path.getsize(paths[0]), available_memory()
    if available is None or size <= STREAM_SHARE * available:
        return False
    print(f"note: {arguments.data} is {size / 2**30:.1f} GiB, more than {STREAM_SHARE:.0%} of "
          f"the {available / 2**30:.1f} GiB of available memory: reading it in chunks of "
          f"{CHUNK_ROWS} rows (--chunk-rows sets the size)", file=sys.stderr)
    return True


def chunks_of(arguments, missing, text_columns=(), cache: bool = False) -> CsvChunks:
    """The CsvChunks DATA names, with the command's reading options (and, for ``train``,
    a binary copy of the parsed chunks for the epochs: ``chunk_cache``)."""
    return CsvChunks(arguments.data, arguments.chunk_rows or CHUNK_ROWS, arguments.sep,
                     arguments.decimal, missing, text_columns, cache)


class StreamedTable:
    """What ``cli.report`` asks of a table: its path and its number of rows."""

    def __init__(self, path: str, rows: int):
        self.path, self.rows = path, rows

    def __len__(self) -> int:
        return self.rows


def run_stream_train(arguments) -> int:
    """``glassnet train`` on chunks: first pass, description, training, model file; the
    binary copy of the chunks is removed however it ends."""
    from glassnet.cli.outputs import check_outputs
    from glassnet.cli.train import check_arguments, settings_of

    check_arguments(arguments)
    check_outputs([("DATA", path) for path in input_paths(arguments.data)],
                  [("-o", arguments.output), ("--plot", arguments.plot)])
    limit_arenas()
    settings = settings_of(arguments)
    source = chunks_of(arguments, settings.missing,
                       [*settings.categorical, *settings.drop], cache=True)
    try:
        return train_source(arguments, settings, source)
    finally:
        source.close()


def train_source(arguments, settings, source: CsvChunks) -> int:
    """The first pass, the description, training and the model file."""
    from glassnet.cli.report import describe_start, format_scores, report_training
    from glassnet.cli.train import save_outputs

    plan = learned(source, arguments.target, settings)
    table = StreamedTable(arguments.data, plan.rows)
    notes = [f"note: {arguments.data}: {note}" for note in [*source.notes, *plan.notes]]
    print("\n".join([*notes, "Columns:", *(item.line() for item in plan.decisions)]))
    print(describe_start(table, arguments, plan.problem, plan.encoder, plan.network(),
                         range(plan.kept - plan.training_rows)))
    started = time.perf_counter()
    scores = {}
    model = train_stream(source, plan, scores, arguments)
    seconds = time.perf_counter() - started
    empty = np.zeros((0, len(plan.encoder.output_names)))
    model.training = {**report_training(model, table, arguments, empty, np.zeros(0), seconds),
                      "streamed": True, "chunk_rows": source.chunk_rows,
                      "cache_bytes": source.cache.size if source.cache.usable else 0,
                      "most_rows_held": model.training["most_rows_held"]}
    if scores.get("rows"):
        model.training["validation_rows"] = scores.pop("rows")
        model.training["validation"] = scores
        print(f"Validation ({model.training['validation_rows']} rows): "
              f"{format_scores(scores)}")
    save_outputs(model, None, arguments)
    return 0


def train_stream(source: CsvChunks, plan, scores: dict, arguments):
    """``tabular.streaming.train_plan`` with a progress bar; the validation scores go into
    ``scores``; divergence is a one-line error."""
    from glassnet.callbacks import ProgressBar
    from glassnet.cli.stream_scores import held_out_scores
    from glassnet.tabular.streaming import train_plan
    from glassnet.training import TrainingDiverged

    progress = ProgressBar(stream=sys.stderr, delay=0.5, description="training")
    try:
        return train_plan(source, plan, [progress], BUFFER_CHUNKS,
                          on_held_out=lambda model, held_out: scores.update(
                              held_out_scores(model, held_out)))
    except TrainingDiverged as error:
        raise CommandError(f"training diverged ({error}); try a smaller --learning-rate; "
                           f"{arguments.output} was not written", EXIT_DATA) from None


def learned(source: CsvChunks, target: str, settings):
    """The first pass; a TableError becomes a one-line CommandError."""
    from glassnet.tabular.plan import learn
    from glassnet.tabular.prefetch import prefetched
    from glassnet.tabular.roles import TableError

    try:
        return learn(prefetched(source.chunks(), lambda chunk: chunk), target, settings)
    except TableError as error:
        where = "" if str(error).startswith(tuple(source.paths)) else f"{source.spec}: "
        raise CommandError(f"{where}{error}", EXIT_DATA) from None


def write_predictions(arguments, model, source: CsvChunks, columns_of) -> None:
    """Each chunk's prediction columns (``columns_of(table) -> DataFrame``) as CSV, to
    standard output as they come, or into a temporary file that replaces ``-o`` once all
    chunks are written (an error leaves any earlier file as it was)."""
    from glassnet.cli.outputs import STANDARD_STREAM, write_file

    def write(file) -> None:
        for number, table in enumerate(source.tables()):
            buffer = io.StringIO()
            columns_of(table).to_csv(buffer, index=False, header=number == 0,
                                     lineterminator="\n")
            file.write(buffer.getvalue().encode("utf-8"))

    if arguments.output in (None, STANDARD_STREAM):
        write(sys.stdout.buffer if hasattr(sys.stdout, "buffer") else TextSink(sys.stdout))
        sys.stdout.flush()
        return
    write_file(arguments.output, write)


class TextSink:
    """A text stream seen as a binary one (tests replace sys.stdout with a StringIO)."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, data: bytes) -> None:
        self.stream.write(data.decode("utf-8"))


def run_stream_predict(arguments) -> int:
    """``glassnet predict`` chunk by chunk (``--keep-columns`` reads every column as text,
    so the file's own cells are written back as they were)."""
    from glassnet.cli.outputs import check_outputs
    from glassnet.cli.predict import (
        model_inputs,
        open_model,
        prediction_columns,
        probabilities_of,
    )

    check_outputs([("DATA", path) for path in input_paths(arguments.data)],
                  [("-o", arguments.output)])
    model = open_model(arguments.model)
    text = CsvChunks(arguments.data, 1, arguments.sep).header if arguments.keep_columns \
        else ()
    source = chunks_of(arguments, missing_spellings(model), text)

    def columns_of(table):
        outputs = model.network.predict(model_inputs(model, table, arguments.strict))
        frame = table.frame.copy() if arguments.keep_columns else \
            table.frame.iloc[:, :0].copy()
        for name, values in prediction_columns(model, outputs, set(frame.columns)).items():
            frame[name] = values
        if arguments.proba:
            probabilities = probabilities_of(model, outputs)
            for index, label in enumerate(model.class_labels):
                frame[f"probability_{label}"] = probabilities[:, index]
        return frame

    write_predictions(arguments, model, source, columns_of)
    return 0


def run_stream_evaluate(arguments) -> int:
    """``glassnet evaluate`` with the scores added up chunk by chunk."""
    from glassnet.cli.errors import quoted
    from glassnet.cli.predict import (
        confusion_text,
        labelled_rows,
        model_inputs,
        open_model,
        target_column,
        true_targets,
    )
    from glassnet.cli.report import format_scores
    from glassnet.cli.stream_scores import ScoreSums
    from glassnet.validation import printable

    model = open_model(arguments.model)
    target = target_column(model, arguments)
    sums, rows = ScoreSums(model), 0
    for table in chunks_of(arguments, missing_spellings(model)).tables():
        rows += len(table)
        labelled = labelled_rows(model, table, target)
        if not len(labelled):
            continue  # no row of this chunk has a target
        truth = true_targets(model, table, target)[labelled]
        inputs = model_inputs(model, table, arguments.strict, labelled)
        sums.add(truth, model.network.predict(inputs))
    skipped = f" ({rows - sums.rows} without a {quoted(target)} left out)" \
        if sums.rows < rows else ""
    print(f"{sums.rows} rows of {arguments.data}{skipped}, target {quoted(target)}:")
    print(format_scores(sums.scores()))
    if sums.classes:
        print(confusion_text([printable(label, 30) for label in model.class_labels],
                             sums.confusion))
    return 0


def missing_spellings(model) -> list[str]:
    from glassnet.cli.predict import missing_of

    return missing_of(model)
