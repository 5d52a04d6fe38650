"""``glassnet train DATA.csv --target Y --dask-scheduler ADDRESS`` (a running Dask cluster) or
``--dask-workers N`` (a cluster of N local worker processes on 127.0.0.1, started for the run
and stopped after): the same command, one model trained on rows that stay on the workers.

The column decisions are those ``glassnet train`` makes in memory (``cluster_data.plan``),
the file is read as a dask DataFrame whose partitions are encoded where they lie, and
``glassnet.dask`` trains: ``--solver minibatch`` (the default) takes synchronous steps of
``--optimizer``, each step's gradient summed over one ``--batch-size`` batch of every
partition (``glassnet.dask.fit``); ``--solver lbfgs`` runs full-batch L-BFGS for at most
``--epochs`` iterations (``glassnet.dask.fit_lbfgs``). Early stopping on the validation
rows (also on the workers) and the summary are as without Dask; the model file is written
by the one atomic writer once training has ended, never when a worker failure stopped it.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import tempfile
import time

import numpy as np

from glassnet import registry
from glassnet.callbacks import EarlyStopping, ProgressBar
from glassnet.cli import cluster_data
from glassnet.cli import train as command
from glassnet.cli.arguments import positive_float, positive_int
from glassnet.cli.cluster_data import EXIT_UNAVAILABLE
from glassnet.cli.errors import EXIT_DATA, CommandError, UsageError
from glassnet.cli.outputs import draw
from glassnet.cli.report import report_training
from glassnet.dask_parts import WorkerError
from glassnet.model import Model
from glassnet.training import TrainingDiverged

MAX_LOCAL_WORKERS = 256
SOLVERS = ("minibatch", "lbfgs")


def add_arguments(parser) -> None:
    """The cluster options of ``glassnet train``."""
    group = parser.add_argument_group('on a Dask cluster (pip install "glassnet[dask]")')
    where = group.add_mutually_exclusive_group()
    where.add_argument("--dask-scheduler", metavar="ADDRESS",
                       help="train on the running Dask cluster whose scheduler is at ADDRESS "
                            "(tcp://host:8786); its workers read DATA.csv, so the path must "
                            "be valid for them")
    where.add_argument("--dask-workers", type=lambda text: positive_int(text, MAX_LOCAL_WORKERS),
                       metavar="N", help="start N local worker processes on 127.0.0.1 for "
                                         "this run and stop them after")
    group.add_argument("--solver", choices=SOLVERS, default="minibatch",
                       help="with a cluster: minibatch (default) = synchronous steps of "
                            "--optimizer, each summing one --batch-size batch of every "
                            "partition (glassnet.dask.fit); lbfgs = full-batch L-BFGS, at most "
                            "--epochs iterations (glassnet.dask.fit_lbfgs)")
    group.add_argument("--dask-partitions", type=positive_int, metavar="N",
                       help="read DATA.csv in N partitions or more (default: one per 64 "
                            "MiB, at least one per worker)")
    group.add_argument("--dask-timeout", type=positive_float, default=600.0, metavar="SECONDS",
                       help="give up when the cluster does not answer a step (or the "
                            "connection) within this time (default 600)")


def requested(arguments) -> bool:
    """True when the options ask for a cluster; --solver lbfgs without one, and a cluster
    with --stream, are refused."""
    wanted = arguments.dask_scheduler is not None or arguments.dask_workers is not None
    if not wanted and arguments.solver != "minibatch":
        raise UsageError(f"--solver {arguments.solver} needs --dask-scheduler or "
                         f"--dask-workers (without a cluster, train takes minibatch steps)")
    if wanted and (getattr(arguments, "stream", False) or getattr(arguments, "chunk_rows", None)):
        raise UsageError("--stream/--chunk-rows and --dask-scheduler/--dask-workers do not go "
                         "together: on a cluster the partitions are the chunks")
    return wanted


def run_train(arguments) -> int:
    """``glassnet train`` on a cluster: plan, spread, train, report, then save."""
    command.check_arguments(arguments)
    settings = command.settings_of(arguments)
    with connected(arguments) as client:
        plan = cluster_data.plan(client, arguments, settings, arguments.dask_timeout)
        print(plan.columns_text)
        print(plan.start_text)
        data = cluster_data.spread(client, plan, settings, arguments.dask_partitions,
                                   arguments.dask_timeout)
        workers = len(client.scheduler_info()["workers"])
        print(f"Cluster: {workers} worker(s), {data.partitions} partition(s), solver "
              f"{arguments.solver}; the rows stay on the workers")
        started = time.perf_counter()
        model = train_spread(client, plan, data, settings, arguments)
        seconds = time.perf_counter() - started
        reported, outputs = validation_outputs(data, model.network)
    model.training = report_training(model, Described(plan.path, plan.rows), arguments, None,
                                     reported, seconds, outputs)
    model.training["cluster"] = {"workers": workers, "partitions": data.partitions,
                                 "solver": arguments.solver}
    command.save_model(model, arguments.output)
    print(f"Model saved to {arguments.output}")
    if arguments.plot:
        draw(model, arguments.plot, None, None)
    return 0


def validation_outputs(data, network) -> tuple:
    """(the validation rows' targets as the report scores them, the network's outputs for
    them), computed on the workers: one number per row and output comes to the client."""
    if data.validation_inputs is None:
        return [], None
    outputs = data.validation_inputs.map_blocks(
        network.predict, dtype=np.float64,
        chunks=(data.validation_inputs.chunks[0], (network.out_features,)))
    return data.reported.compute(), outputs.compute()


class Described:
    """What the summary needs of a table it never held: its path and row count."""

    def __init__(self, path: str, rows: int):
        self.path, self.rows = path, rows

    def __len__(self) -> int:
        return self.rows


@contextlib.contextmanager
def connected(arguments):
    """A ``distributed.Client`` of the scheduler named, or of a LocalCluster on 127.0.0.1
    (its scratch folder a temporary one, removed after)."""
    try:
        import dask
        import distributed
    except ImportError:
        raise CommandError('--dask-scheduler and --dask-workers need Dask: pip install '
                           '"glassnet[dask]"', 1) from None
    if arguments.dask_scheduler is not None:
        with connect(distributed, arguments.dask_scheduler, arguments.dask_timeout) as client:
            yield client
        return
    with tempfile.TemporaryDirectory(prefix="glassnet-dask-") as scratch, \
            dask.config.set({"temporary-directory": scratch}), \
            distributed.LocalCluster(n_workers=arguments.dask_workers, threads_per_worker=1,
                                     processes=True, host="127.0.0.1",
                                     dashboard_address="127.0.0.1:0",
                                     local_directory=scratch,
                                     silence_logs=logging.ERROR) as cluster, \
            distributed.Client(cluster, timeout=arguments.dask_timeout) as client:
        yield client


def connect(distributed, address: str, timeout: float):
    """The Client of ``address``; one line naming it when no scheduler answers."""
    try:
        return distributed.Client(address, timeout=timeout)
    except (OSError, TimeoutError, ValueError, TypeError) as error:
        reason = str(error).splitlines()[0][:160] if str(error) else type(error).__name__
        raise CommandError(f"--dask-scheduler {address[:200]!r}: no Dask scheduler answered "
                           f"({reason})", EXIT_UNAVAILABLE) from None


def train_spread(client, plan, data, settings, arguments) -> Model:
    """Train the plan's network on the spread rows; early stopping keeps the best epoch.
    Divergence and a failure on the cluster are one line each; nothing is saved."""
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            history = run_solver(client, plan, data, settings, arguments)
    except TrainingDiverged as error:
        raise CommandError(f"training diverged ({error}); try a smaller --learning-rate; "
                           f"{arguments.output} was not written", EXIT_DATA) from None
    except WorkerError as error:
        raise CommandError(f"{error}; {arguments.output} was not written",
                           EXIT_UNAVAILABLE) from None
    problem = plan.problem
    return Model(plan.network, problem.loss, problem.task, problem.labels, plan.encoder.names,
                 plan.encoder, plan.scaling, training={"target": plan.target}, history=history)


def run_solver(client, plan, data, settings, arguments):
    """``glassnet.dask.fit_lbfgs`` or ``fit`` as ``--solver`` asks; returns the History."""
    import glassnet.dask as spread_training

    callbacks = [ProgressBar(stream=sys.stderr, delay=0.5, description="training")]
    validation = None if data.validation_inputs is None else (data.validation_inputs,
                                                              data.validation_targets)
    if validation is not None and settings.patience:
        callbacks.append(EarlyStopping(monitor="val_loss", patience=settings.patience))
    common = {"client": client, "l2": settings.l2, "callbacks": callbacks,
              "validation_data": validation, "timeout": arguments.dask_timeout}
    if arguments.solver == "lbfgs":
        return spread_training.fit_lbfgs(plan.network, data.inputs, data.targets,
                                         plan.problem.loss, max_iterations=settings.epochs,
                                         **common)
    optimizer = registry.resolve("optimizer", settings.optimizer)(settings.learning_rate)
    return spread_training.fit(plan.network, data.inputs, data.targets, plan.problem.loss,
                               optimizer, settings.epochs, batch_size=settings.batch_size,
                               rng=settings.seed, **common)
