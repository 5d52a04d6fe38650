"""glassnet's side of each workload: build the network, time the training or prediction.

Each ``run_*`` function takes the workload's data and returns ``(seconds, accuracy)``;
only the training (or prediction) call is timed, never building the model or the data.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
from report import ACCELERATED  # noqa: F401 (run.py names the contestant by it)
from workloads import TUTORIAL_INPUTS, TUTORIAL_OUTPUTS, tutorial_loop

from glassnet import Adam, NeuralNetwork, SoftmaxCrossEntropy, fit, mlp

NAME = "glassnet"


def version() -> str:
    import glassnet

    return glassnet.__version__


def run_tutorial(data=None):
    """W1 with ``NeuralNetwork.train``: 15,000 full-batch iterations."""
    network = NeuralNetwork()
    started = time.perf_counter()
    network.train(TUTORIAL_INPUTS, TUTORIAL_OUTPUTS, 15000)
    seconds = time.perf_counter() - started
    answer = float(network.think([1, 0, 0])[0])
    return seconds, answer


def run_tutorial_loop(data=None):
    """W1's reference: the tutorial's own bare numpy loop."""
    started = time.perf_counter()
    weights = tutorial_loop(15000)
    seconds = time.perf_counter() - started
    answer = float(1 / (1 + np.exp(-np.dot([1.0, 0.0, 0.0], weights)))[0])
    return seconds, answer


def train_classifier(data, hidden, batch_size, epochs, dtype, score: bool = True):
    """Adam 1e-3, ReLU hidden layers, softmax cross-entropy on logits, shuffling on."""
    inputs, labels = data
    sizes = [inputs.shape[1], *hidden, int(labels.max()) + 1]
    network = mlp(sizes, activation="relu", rng=0, dtype=dtype)
    loss = SoftmaxCrossEntropy()
    started = time.perf_counter()
    fit(network, inputs, labels, loss=loss, optimizer=Adam(1e-3), epochs=epochs,
        batch_size=batch_size, shuffle=True, rng=0, verbose=0)
    seconds = time.perf_counter() - started
    if not score:  # the memory workload measures fitting alone
        return seconds, None
    predicted = np.argmax(network.predict(inputs), axis=1)
    return seconds, float(np.mean(predicted == labels))


def run_tabular(data):
    """W2: 2,000 x 64 float64, (100,), batch 200, 50 epochs."""
    return train_classifier(data, (100,), 200, 50, np.float64)


def run_mnist(data, score: bool = True):
    """W3: 60,000 x 784 float32, (256, 128), batch 128, 2 epochs."""
    return train_classifier(data, (256, 128), 128, 2, np.float32, score=score)


def prediction_network(parameters):
    """64 -> Dense 100 -> ReLU -> Dense 10 -> Softmax, holding the given float32 weights."""
    network = mlp([64, 100, 10], activation="relu", output_activation="softmax",
                  rng=0, dtype=np.float32)
    dense = [layer for layer in network.layers if hasattr(layer, "params") and layer.params]
    for index, layer in enumerate(dense):
        layer.params["weights"][...] = parameters[f"weights_{index}"]
        layer.params["bias"][...] = parameters[f"bias_{index}"]
    return network


def run_prediction(data):
    """W4: class probabilities for 1,000,000 rows."""
    inputs, parameters = data
    network = prediction_network(parameters)
    started = time.perf_counter()
    probabilities = network.predict(inputs)
    seconds = time.perf_counter() - started
    return seconds, probabilities


RUNS = {"W1": run_tutorial, "W2": run_tabular, "W3": run_mnist, "W4": run_prediction}

THREADED = "glassnet, 2 elementwise threads"


def accelerated(run):
    """``run`` with ``glassnet.set_accelerator("numba")``, numpy again after it (the loops
    are compiled, or read from numba's cache, when the accelerator is set: not timed)."""
    def run_accelerated(data):
        from glassnet import set_accelerator

        set_accelerator("numba")
        try:
            return run(data)
        finally:
            set_accelerator(None)
    return run_accelerated


def numba_installed() -> bool:
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


ACCELERATED_RUNS = {"W2": accelerated(run_tabular), "W3": accelerated(run_mnist)}


def run_mnist_threaded(data):
    """W3 with the optimizer's flat step split over two threads (``elementwise``): the
    measurement that decides whether glassnet's default of one thread should change."""
    from glassnet import elementwise

    previous = elementwise.get_threads()
    elementwise.set_threads(2)
    try:
        return run_mnist(data)
    finally:
        elementwise.set_threads(previous)


def train_estimator(data, hidden, batch_size, epochs, dtype, score: bool = True):
    """The same training through ``glassnet.sklearn.MLPClassifier`` (scikit-learn's settings
    as in ``sklearn_runs.py``): what the estimator adds over the core ``fit``."""
    from glassnet.sklearn import MLPClassifier

    inputs, labels = data
    model = MLPClassifier(hidden_layer_sizes=hidden, activation="relu", solver="adam",
                          alpha=0.0, batch_size=batch_size, learning_rate_init=1e-3,
                          max_iter=epochs, shuffle=True, tol=0.0, n_iter_no_change=epochs + 1,
                          early_stopping=False, random_state=0, dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the ConvergenceWarning of a fixed epoch count
        started = time.perf_counter()
        model.fit(inputs, labels)
        seconds = time.perf_counter() - started
    if model.n_iter_ != epochs:
        raise RuntimeError(f"glassnet.sklearn ran {model.n_iter_} epochs, not {epochs}")
    if not score:
        return seconds, None
    return seconds, float(np.mean(model.predict(inputs) == labels))


def run_estimator_tabular(data):
    """W2 through the scikit-learn estimator."""
    return train_estimator(data, (100,), 200, 50, np.float64)


def run_estimator_mnist(data):
    """W3 through the scikit-learn estimator."""
    return train_estimator(data, (256, 128), 128, 2, np.float32)


ESTIMATOR_RUNS = {"W2": run_estimator_tabular, "W3": run_estimator_mnist}
