"""End-of-epoch evaluation: metrics on the training data, loss and metrics on validation data.

Computed in evaluation mode (``training=False``, so without dropout) at the weights the epoch
ended with. ``val_loss`` is the (weighted) data loss without the L2 penalty. Metrics get
(targets as given to fit, predictions), where predictions are probabilities for losses that
take logits (``loss.probabilities``) and the network's outputs otherwise. Imports numpy and
``registry``.
"""

from __future__ import annotations

import numpy as np

from glassnet.registry import resolve

RESERVED = ("epoch", "loss", "learning_rate", "time")


def resolve_metrics(metrics) -> dict:
    """{name: function(targets, predictions) -> float} from names, functions or a dict."""
    if isinstance(metrics, str) or callable(metrics):
        metrics = [metrics]
    if not isinstance(metrics, list | tuple | dict):
        raise TypeError(f"metrics must be a list of names or functions, got {metrics!r:.80}")
    items = metrics.items() if isinstance(metrics, dict) else (
        (entry if isinstance(entry, str) else getattr(entry, "__name__", repr(entry)), entry)
        for entry in metrics)
    resolved = {}
    for name, entry in items:
        function = resolve("metric", entry) if isinstance(entry, str) else entry
        if not callable(function):
            raise TypeError(f"metrics must be names (such as 'accuracy') or functions "
                            f"(targets, predictions) -> float, got {entry!r}")
        if name in RESERVED or name.startswith("val_") or name in resolved:
            raise ValueError(f"metric name {name!r} is already taken; give metrics as a dict "
                             f"{{name: function}} to rename it")
        resolved[name] = function
    return resolved


def outputs_of(network, inputs: np.ndarray) -> np.ndarray:
    """The network's outputs in evaluation mode: ``network.predict`` (in chunks that bound
    the memory), or one ``forward`` for a network without ``predict``."""
    predict = getattr(network, "predict", None)
    return network.forward(inputs, training=False) if predict is None else predict(inputs)


class Evaluation:
    """Adds ``<metric>``, ``val_loss`` and ``val_<metric>`` to an epoch's logs."""

    def __init__(self, network, loss, metrics, training, validation=None):
        self.network, self.loss = network, loss
        self.metrics = resolve_metrics(metrics)
        self.training, self.validation = training, validation

    def __call__(self, logs: dict) -> dict:
        if self.metrics:
            outputs = outputs_of(self.network, self.training.inputs)
            self.add_metrics(logs, "", self.training.raw_targets, outputs)
        if self.validation is not None:
            data = self.validation
            outputs = outputs_of(self.network, data.inputs)
            logs["val_loss"] = float(self.loss.forward(outputs, data.targets, data.weights))
            self.add_metrics(logs, "val_", data.raw_targets, outputs)
        return logs

    def add_metrics(self, logs: dict, prefix: str, targets, outputs) -> None:
        probabilities = getattr(self.loss, "probabilities", None)
        predictions = outputs if probabilities is None else probabilities(outputs)
        for name, metric in self.metrics.items():
            value = metric(targets, predictions)
            try:
                logs[prefix + name] = float(value)
            except (TypeError, ValueError) as error:
                raise TypeError(f"metric {name!r} must return a number, got {value!r:.80}") \
                    from error
