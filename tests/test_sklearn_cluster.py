"""glassnet's scikit-learn estimators in the distributed tools: GridSearchCV on joblib's Dask
backend (a LocalCluster of two worker processes on 127.0.0.1) gives the local search's
results, dask-ml's Incremental trains them with partial_fit block by block as a loop would,
a fitted estimator pickles small and without its data, and Ray's joblib backend (where Ray is
installed) gives the local results too, run in a network namespace of its own."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import pytest
from dask_helpers import local_client

from glassnet.sklearn import MLPClassifier, MLPRegressor

pytest.importorskip("distributed")
da = pytest.importorskip("dask.array")
joblib = pytest.importorskip("joblib")
model_selection = pytest.importorskip("sklearn.model_selection")
wrappers = pytest.importorskip("dask_ml.wrappers")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with local_client(tmp_path_factory) as connected:
        yield connected


def problem(rows: int = 90, seed: int = 0):
    rng = np.random.default_rng(seed)
    inputs = rng.standard_normal((rows, 4))
    return inputs, (inputs[:, 0] + inputs[:, 1] > 0).astype(int), inputs @ [1.0, -1, 0.5, 0]


def search(estimator, grid):
    return model_selection.GridSearchCV(estimator, grid, cv=3)


@pytest.mark.parametrize("estimator, column", [
    (MLPClassifier(max_iter=20, batch_size=16, random_state=0), 1),
    (MLPRegressor(max_iter=20, batch_size=16, random_state=0), 2)])
def test_grid_search_on_the_dask_backend_gives_the_local_results(client, estimator, column):
    data = problem()
    X, y = data[0], data[column]
    grid = {"alpha": [1e-4, 1e-2], "hidden_layer_sizes": [(4,), (8,)]}
    local = search(estimator, grid).fit(X, y)
    with joblib.parallel_backend("dask"):
        remote = search(estimator, grid).fit(X, y)
    for key in ("mean_test_score", "std_test_score", "rank_test_score"):
        np.testing.assert_array_equal(remote.cv_results_[key], local.cv_results_[key])
    assert remote.best_params_ == local.best_params_
    for ours, theirs in zip(remote.best_estimator_.coefs_, local.best_estimator_.coefs_,
                            strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_incremental_trains_block_by_block_as_a_partial_fit_loop(client):
    X, y, _ = problem(120)
    blocks = da.from_array(X, chunks=(40, 4)), da.from_array(y, chunks=40)
    model = MLPClassifier(hidden_layer_sizes=(6,), batch_size=10, random_state=0)
    wrapped = wrappers.Incremental(model, scoring="accuracy", shuffle_blocks=False)
    wrapped.fit(*blocks, classes=[0, 1])
    loop = MLPClassifier(hidden_layer_sizes=(6,), batch_size=10, random_state=0)
    for start in range(0, 120, 40):
        loop.partial_fit(X[start:start + 40], y[start:start + 40], classes=[0, 1])
    for ours, theirs in zip(wrapped.estimator_.coefs_, loop.coefs_, strict=True):
        np.testing.assert_array_equal(ours, theirs)
    assert wrapped.score(*blocks) == loop.score(X, y)


def test_incremental_regression_scores_with_negative_mean_squared_error(client):
    # dask-ml's Incremental(scoring="r2") fails on dask arrays (dask-ml issue 1012).
    X, _, target = problem(120, seed=1)
    blocks = da.from_array(X, chunks=(60, 4)), da.from_array(target, chunks=60)
    wrapped = wrappers.Incremental(MLPRegressor(hidden_layer_sizes=(6,), random_state=0),
                                   scoring="neg_mean_squared_error", shuffle_blocks=False)
    before = wrapped.fit(*blocks).score(*blocks)
    for _ in range(10):
        wrapped.partial_fit(*blocks)
    assert wrapped.score(*blocks) > before


def test_an_estimator_from_the_cluster_pickles_small_and_without_its_data(client):
    X, y, _ = problem(300)
    with joblib.parallel_backend("dask"):
        fitted = search(MLPClassifier(max_iter=5, random_state=0),
                        {"alpha": [1e-4, 1e-2]}).fit(X, y).best_estimator_
    shipped = pickle.dumps(fitted)
    parameters = sum(array.size for array in fitted.network_.parameters().values())
    # the weights and Adam's two moments in float64, and a few kilobytes of settings
    assert len(shipped) < 3 * 8 * parameters + 8192
    assert not any(row.tobytes() in shipped for row in X)
    assert y.tobytes() not in shipped


RAY_SEARCH = """
import json, sys
import numpy as np
import ray
from joblib import parallel_backend
from ray.util.joblib import register_ray
from sklearn.model_selection import GridSearchCV
from glassnet.sklearn import MLPClassifier

rng = np.random.default_rng(0)
X = rng.standard_normal((90, 4))
y = (X[:, 0] + X[:, 1] > 0).astype(int)
grid = {"alpha": [1e-4, 1e-2], "hidden_layer_sizes": [(4,), (8,)]}
def search():
    return GridSearchCV(MLPClassifier(max_iter=10, batch_size=16, random_state=0), grid, cv=3)
local = search().fit(X, y)
ray.init(num_cpus=2, include_dashboard=False, _temp_dir=sys.argv[1],
         _node_ip_address="127.0.0.1", log_to_driver=False, configure_logging=False)
register_ray()
with parallel_backend("ray", n_jobs=2):
    remote = search().fit(X, y)
ray.shutdown()
print(json.dumps({"local": local.cv_results_["mean_test_score"].tolist(),
                  "ray": remote.cv_results_["mean_test_score"].tolist()}))
"""


def isolated() -> bool:
    """Whether this process may run a command in a network namespace of its own."""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0


def test_grid_search_on_ray_gives_the_local_results_on_the_loopback_only():
    pytest.importorskip("ray")
    if not isolated():
        pytest.skip("Ray runs only inside `unshare -n` (it has listened on every interface "
                    "when told 127.0.0.1); this machine does not allow a network namespace")
    # A short folder: Ray's socket paths must stay under 108 characters. HOME is set to it
    # too, since Ray writes ~/.ray.
    with tempfile.TemporaryDirectory(prefix="glassnet-ray-") as folder:
        script = os.path.join(folder, "search.py")
        with open(script, "w", encoding="utf-8") as file:
            file.write(RAY_SEARCH)
        answer = subprocess.run(
            ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$0" "$@"', sys.executable,
             script, os.path.join(folder, "r")], capture_output=True, text=True, timeout=600,
            env={**os.environ, "HOME": folder, "RAY_USAGE_STATS_ENABLED": "0"}, cwd=folder)
    assert answer.returncode == 0, answer.stderr[-2000:]
    scores = json.loads(answer.stdout.strip().splitlines()[-1])
    assert scores["ray"] == scores["local"]
