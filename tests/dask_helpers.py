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
