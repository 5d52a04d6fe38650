"""A LocalCluster of two worker processes on 127.0.0.1 for the Dask tests: its scratch folder
in pytest's temporary tree and its dashboard on a free loopback port (two clusters under
xdist would fight over 8787)."""

from __future__ import annotations

import contextlib


@contextlib.contextmanager
def local_client(tmp_path_factory, workers: int = 2):
    import dask
    import distributed

    scratch = str(tmp_path_factory.mktemp("dask-scratch"))
    with dask.config.set({"temporary-directory": scratch}), \
            distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                     host="127.0.0.1", dashboard_address="127.0.0.1:0",
                                     local_directory=scratch) as cluster, \
            distributed.Client(cluster, timeout=60) as client:
        yield client


def hold(name: str, started: str) -> None:
    """On a worker: say that its one thread is taken, then keep it until ``name`` is set."""
    import distributed

    distributed.Event(started).set()
    distributed.Event(name).wait(120)


@contextlib.contextmanager
def held_workers(client, name: str = "glassnet-test-held-workers"):
    """Every worker's one thread taken (known taken before this yields), so no task the
    client asks for inside the block is answered; released after it."""
    import distributed

    workers = sorted(client.scheduler_info()["workers"])
    held = [client.submit(hold, name, f"{name}-{index}", workers=[worker], pure=False)
            for index, worker in enumerate(workers)]
    try:
        for index in range(len(workers)):
            assert distributed.Event(f"{name}-{index}", client=client).wait(60)
        yield
    finally:
        distributed.Event(name, client=client).set()
        client.gather(held)
        distributed.Event(name, client=client).clear()
