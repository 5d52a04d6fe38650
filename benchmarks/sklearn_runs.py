"""scikit-learn's side: ``MLPClassifier`` set to do exactly glassnet's work.

Settings written out: ReLU hidden layers, softmax output with log-loss (what MLPClassifier
uses for more than two classes), ``solver="adam"`` with learning rate 1e-3 and the default
betas and epsilon, ``alpha=0`` (no L2), the same batch size and epochs, ``shuffle=True``,
``early_stopping=False``, and ``tol=0`` with ``n_iter_no_change`` larger than the epochs so
that it runs every epoch. No tutorial run: MLPClassifier has no hidden-free squared-error
sigmoid neuron.
"""

from __future__ import annotations

import time
import warnings

import numpy as np

NAME = "scikit-learn"


def version() -> str:
    import sklearn

    return sklearn.__version__


def classifier(hidden, batch_size, epochs):
    from sklearn.neural_network import MLPClassifier

    return MLPClassifier(hidden_layer_sizes=hidden, activation="relu", solver="adam",
                         alpha=0.0, batch_size=batch_size, learning_rate_init=1e-3,
                         beta_1=0.9, beta_2=0.999, epsilon=1e-8, max_iter=epochs,
                         shuffle=True, tol=0.0, n_iter_no_change=epochs + 1,
                         early_stopping=False, random_state=0)


def train_classifier(data, hidden, batch_size, epochs, score: bool = True):
    from sklearn.exceptions import ConvergenceWarning

    inputs, labels = data
    model = classifier(hidden, batch_size, epochs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        started = time.perf_counter()
        model.fit(inputs, labels)
        seconds = time.perf_counter() - started
    if model.n_iter_ != epochs:
        raise RuntimeError(f"scikit-learn ran {model.n_iter_} epochs, not {epochs}")
    if not score:  # the memory workload measures fitting alone
        return seconds, None
    return seconds, float(np.mean(model.predict(inputs) == labels))


def run_tabular(data):
    return train_classifier(data, (100,), 200, 50)


def run_mnist(data, score: bool = True):
    return train_classifier(data, (256, 128), 128, 2, score=score)


def prediction_model(parameters):
    """An MLPClassifier fitted for one epoch on a few rows, then given the shared weights."""
    from sklearn.exceptions import ConvergenceWarning

    rng = np.random.default_rng(0)
    inputs = rng.standard_normal((200, 64)).astype(np.float32)
    model = classifier((100,), 200, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(inputs, np.arange(200) % 10)
    model.coefs_ = [parameters["weights_0"], parameters["weights_1"]]
    model.intercepts_ = [parameters["bias_0"], parameters["bias_1"]]
    return model


def run_prediction(data):
    inputs, parameters = data
    model = prediction_model(parameters)
    started = time.perf_counter()
    probabilities = model.predict_proba(inputs)
    seconds = time.perf_counter() - started
    return seconds, probabilities


RUNS = {"W2": run_tabular, "W3": run_mnist, "W4": run_prediction}
