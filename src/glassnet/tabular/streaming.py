"""Training on a table too large for memory, chunk by chunk: ``fit_chunks``.

``fit_chunks(chunks, target="y")`` takes DataFrame chunks (a list of them, any iterable that
starts afresh each time it is iterated, or a function returning a fresh iterable, such as
``lambda: pandas.read_csv(path, chunksize=50_000)``), makes a first pass that learns what
``fit_table`` learns in memory (``plan.learn``), then trains epoch after epoch on batches
shuffled within a buffer of chunks (``stream_batches``), validating on the rows a stable
hash of each row holds out, with early stopping that keeps the best epoch's weights. The
``Model`` it returns is saved, inspected and used like ``fit_table``'s. ``glassnet train
--stream`` calls ``train_plan`` with chunks of a CSV file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np

from glassnet import registry
from glassnet.callbacks import EarlyStopping
from glassnet.flat import flatten_if_possible
from glassnet.history import History
from glassnet.model import Model
from glassnet.regularization import weight_decay
from glassnet.safeguards import DivergenceGuard, Interruption
from glassnet.tabular.fit import Settings, settings_with
from glassnet.tabular.plan import Chunk, Plan, learn
from glassnet.tabular.stream_batches import HeldOut, StreamBatches, StreamEvaluation
from glassnet.training import TrainingState, run_interruptibly
from glassnet.training_arguments import training_objects
from glassnet.validation import as_rng

BUFFER_CHUNKS = 4
# The defaults when streaming (``fit_chunks``, ``glassnet train --stream``): an epoch over a
# file larger than memory is millions of rows, so batches of 512 still take thousands of
# steps, each costing about as much as one of 64 rows (Python's overhead, not arithmetic,
# sets a small step's time). The rate was chosen by measuring one epoch on the benchmark's
# 0.2 GB file (validation log loss): batch 64, rate 0.001: 0.2566; batch 512, rate 0.002:
# 0.2559; 0.0028: 0.2572; 0.004: 0.2602. benchmarks/results/streaming.md has the 2 GB run.
STREAM_BATCH_SIZE = 512
STREAM_LEARNING_RATE = 0.002


class FrameChunks:
    """Chunks from Python: ``chunks`` is a sequence of DataFrames (read in a new order each
    epoch), a re-iterable, or a function returning a fresh iterable of them."""

    def __init__(self, chunks):
        if not callable(chunks) and (not isinstance(chunks, Iterable) or
                                     iter(chunks) is chunks):
            raise TypeError("chunks must be a list of DataFrames or a function returning a "
                            "fresh iterable of them (lambda: pandas.read_csv(path, "
                            "chunksize=N)); an iterator is used up by the first of the passes, "
                            f"got {type(chunks).__name__}")
        self.source = chunks

    def chunks(self, rng=None):
        """Chunk(frame, where) in turn; in a random order when ``rng`` is given and the
        chunks are a sequence."""
        frames = self.source() if callable(self.source) else self.source
        numbers = range(len(frames)) if isinstance(frames, Sequence) else None
        if rng is not None and numbers is not None:
            numbers = rng.permutation(len(frames))
        items = ((int(number), frames[number]) for number in numbers) \
            if numbers is not None else enumerate(frames)
        for number, frame in items:
            if not hasattr(frame, "columns"):
                raise TypeError(f"chunk {number} must be a pandas DataFrame, got "
                                f"{type(frame).__name__}")
            yield Chunk(frame, lambda row, number=number: f"chunk {number}, row {row}")


def fit_chunks(chunks: Sequence | Callable[[], Iterable], target: str,
               settings: Settings | None = None, callbacks=(),
               buffer_chunks: int = BUFFER_CHUNKS, **options) -> Model:
    """Train a Model on DataFrame chunks to predict column ``target``; ``options``
    override ``Settings`` fields as in ``fit_table`` (without ``settings``, the batch size
    and learning rate are STREAM_BATCH_SIZE and STREAM_LEARNING_RATE unless given). Memory
    holds ``buffer_chunks`` chunks' rows, whatever the number of chunks."""
    if settings is None:
        options = {"batch_size": STREAM_BATCH_SIZE, "learning_rate": STREAM_LEARNING_RATE,
                   **options}
    settings = settings_with(settings, options)
    source = FrameChunks(chunks)
    plan = learn(source.chunks(), target, settings)
    return train_plan(source, plan, callbacks, buffer_chunks)


def train_plan(source, plan: Plan, callbacks=(), buffer_chunks: int = BUFFER_CHUNKS,
               on_held_out=None) -> Model:
    """Train the plan's network on the source's chunks: ``settings.epochs`` epochs at most,
    early stopping on the held-out rows as ``tabular.train`` does in memory.
    ``on_held_out(model, held_out)``, if given, sees the trained model and the validation
    rows before their temporary file is removed."""
    settings = plan.settings
    network = plan.network()
    loss = plan.problem.loss
    held_out = HeldOut(len(plan.encoder.output_names), plan.problem.outputs, network.dtype) \
        if settings.validation_split and plan.kept > plan.training_rows else None
    try:
        batches = StreamBatches(source, plan, network, loss, settings.batch_size,
                                buffer_chunks, held_out)
        history, stopping = run_epochs(network, batches, settings, list(callbacks), held_out)
        best = stopping.best_epoch if stopping is not None else None
        summary = {"target": plan.target, "best_epoch": best or len(history),
                   "streamed": True, "most_rows_held": batches.most_rows_held}
        model = Model(network, loss, plan.problem.task, plan.problem.labels,
                      plan.encoder.names, plan.encoder, plan.scaling, training=summary,
                      history=history)
        if on_held_out is not None and held_out is not None:
            on_held_out(model, held_out)
    finally:
        if held_out is not None:
            held_out.close()
    return model

def run_epochs(network, batches: StreamBatches, settings: Settings, callbacks: list,
               held_out) -> tuple[History, EarlyStopping | None]:
    """``training.fit``'s loop on streamed batches; returns the History and the early
    stopping callback (or None)."""
    stopping = None
    if held_out is not None and settings.patience:
        stopping = EarlyStopping(monitor="val_loss", patience=settings.patience)
        callbacks.append(stopping)
    optimizer = registry.resolve("optimizer", settings.optimizer)(settings.learning_rate)
    loss, optimizer, callbacks = training_objects(batches.loss, optimizer, callbacks, 0)
    metrics = ("accuracy",) if batches.plan.problem.task == "classification" else ()
    flatten_if_possible(network)
    state = TrainingState(network, loss, optimizer, History(), settings.epochs,
                          batches=len(batches))
    guard = DivergenceGuard(network.parameters())
    callbacks.on_train_begin(state)
    try:
        with Interruption() as interruption, np.errstate(over="ignore", invalid="ignore"):
            run_interruptibly(state, batches, rng=as_rng(settings.seed),
                              interruption=interruption,
                              penalty=weight_decay(settings.l2, network.parameters()),
                              evaluation=StreamEvaluation(network, loss, metrics, held_out),
                              guard=guard, callbacks=callbacks)
        guard.check_weights(state)
    finally:
        callbacks.on_train_end(state)
    return state.history, stopping
