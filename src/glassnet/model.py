"""``Model``: a trained network with everything needed to use it on raw data.

A Model bundles a ``Sequential`` network with its loss, its task (``"classification"``,
``"regression"`` or ``"multilabel"``), the class labels, the feature names, the fitted
preprocessing (a ``ColumnEncoder`` for raw columns; ``Standardize`` lives in the network),
the target scaling of a regression, a training summary and the History. It is what
``glassnet.save`` writes and ``glassnet.load`` returns. Turning network outputs into answers
(probabilities, labels, unscaled values) lives here once, for ``Model``, the command line
and the scikit-learn estimators (``class_probabilities``, ``class_indices``,
``label_indicators``, ``unscale``). Imports numpy, ``losses``,
``network``, ``preprocessing`` and ``training`` (for History) only.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

from glassnet.losses import BinaryCrossEntropy, SoftmaxCrossEntropy
from glassnet.network import Sequential
from glassnet.preprocessing import ColumnEncoder
from glassnet.training import History

TASKS = ("classification", "regression", "multilabel")


class Model:
    """A network plus what turns raw rows into its inputs and its outputs into answers.

    ``predict(inputs)`` -> class labels (samples,) for classification, values (samples,) or
    (samples, outputs) for regression, 0/1 rows for multilabel. ``predict_proba(inputs)`` ->
    class probabilities (samples, classes); a binary classifier with one logit output gives
    two columns [1 - p, p]. ``inputs`` is a mapping of column name -> values (a dict or a
    pandas DataFrame) when the model has a ``preprocessing`` encoder, else numbers
    (samples, features). For regression with ``target_scaling = {"mean": m, "scale": s}``
    the network learned (y - m) / s, and ``predict`` returns outputs * s + m.
    """

    def __init__(self, network: Sequential, loss=None, task: str | None = None,
                 class_labels=None, feature_names=None, preprocessing: ColumnEncoder | None = None,
                 target_scaling: dict | None = None, training: dict | None = None,
                 history: History | None = None):
        if not isinstance(network, Sequential):
            raise TypeError(f"network must be a Sequential network, got {network!r}")
        if task is not None and task not in TASKS:
            raise ValueError(f"task must be one of {', '.join(TASKS)} or None, got {task!r}")
        if preprocessing is not None and not isinstance(preprocessing, ColumnEncoder):
            raise TypeError(f"preprocessing must be a ColumnEncoder or None, got "
                            f"{preprocessing!r}")
        self.network, self.loss, self.task = network, loss, task
        self.class_labels = None if class_labels is None else list(class_labels)
        self.feature_names = None if feature_names is None else [str(name) for name in
                                                                 feature_names]
        self.preprocessing = preprocessing
        self.target_scaling = None if target_scaling is None else check_scaling(target_scaling)
        self.training = dict(training or {})
        self.history = history if history is not None else History()
        self.check_labels()
        check_loss(self.task, self.loss, self.outputs)

    def check_labels(self) -> None:
        """Class labels must be distinct and as many as the network can tell apart."""
        if self.task not in ("classification", "multilabel"):
            return
        labels, outputs = self.class_labels, self.outputs
        if labels is None or len(set(labels)) != len(labels):
            raise ValueError(f"class_labels must be distinct labels for a {self.task} model, "
                             f"got {labels!r}")
        allowed = {outputs, 2} if outputs == 1 and self.task == "classification" else {outputs}
        if len(labels) not in allowed or len(labels) < (2 if self.task != "multilabel" else 1):
            raise ValueError(f"class_labels has {len(labels)} labels but the network has "
                             f"{outputs} output(s)")

    @property
    def outputs(self) -> int:
        """Number of network outputs (the last layer that declares out_features)."""
        return self.network.out_features or 0

    def encode(self, inputs) -> np.ndarray:
        """Raw inputs -> the network's input matrix (samples, features)."""
        if self.preprocessing is None:
            return self.network.check_inputs(inputs)
        table = inputs
        if isinstance(inputs, np.ndarray | list):
            array = np.asarray(inputs, dtype=object)
            if array.ndim != 2 or array.shape[1] != len(self.preprocessing.names):
                raise ValueError(f"inputs must have {len(self.preprocessing.names)} columns "
                                 f"({', '.join(self.preprocessing.names)}), got shape "
                                 f"{array.shape}")
            table = dict(zip(self.preprocessing.names, array.T, strict=True))
        return self.preprocessing.transform(table, dtype=self.network.dtype)

    def logits(self, inputs) -> np.ndarray:
        """The network's raw outputs (samples, outputs) for raw ``inputs``: logits for a
        classifier, scaled values for a regression with ``target_scaling``."""
        return self.network.predict(self.encode(inputs))

    def decision(self, inputs) -> np.ndarray:
        """Deprecated name of ``logits``."""
        warnings.warn("Model.decision is deprecated; use Model.logits", DeprecationWarning,
                      stacklevel=2)
        return self.logits(inputs)

    def probabilities_from(self, outputs: np.ndarray) -> np.ndarray:
        """Class probabilities (samples, classes) from the network's ``outputs``."""
        if self.task not in ("classification", "multilabel"):
            raise ValueError(f"predict_proba needs a classification model; this one's task "
                             f"is {self.task!r}")
        return class_probabilities(self.loss, outputs, self.task)

    def answers_from(self, outputs: np.ndarray) -> np.ndarray:
        """What ``predict`` returns, from the network's ``outputs`` (samples, outputs)."""
        if self.task == "classification":
            labels = np.asarray(self.class_labels, dtype=object)
            return labels[class_indices(self.probabilities_from(outputs))]
        if self.task == "multilabel":
            return label_indicators(self.probabilities_from(outputs))
        outputs = unscale(outputs, self.target_scaling)
        return outputs[:, 0] if outputs.shape[1] == 1 and self.task == "regression" else outputs

    def predict_proba(self, inputs) -> np.ndarray:
        """Class probabilities (samples, classes), rows summing to 1 for classification."""
        return self.probabilities_from(self.logits(inputs))

    def predict(self, inputs) -> np.ndarray:
        """Class labels, 0/1 label rows (multilabel) or regression values; see the class."""
        return self.answers_from(self.logits(inputs))

    def to_model(self) -> Model:
        return self

    def summary(self, print_fn: Callable[[str], object] = print) -> None:
        """Print the network's table (``summary``) and what the Model adds to it."""
        from glassnet.summary import model_text
        print_fn(model_text(self))

    def _repr_html_(self) -> str:
        from glassnet.summary import model_html
        return model_html(self)

    def __repr__(self) -> str:
        return f"Model(task={self.task!r}, network={self.network!r})"


def check_loss(task: str | None, loss, outputs: int) -> None:
    """ValueError when ``loss`` contradicts ``task``: a regression trained with a loss that
    gives class probabilities; a multilabel model with softmax (its labels are independent,
    one sigmoid each); a classifier with binary cross-entropy over more than one output
    (its probabilities would not sum to 1: three or more classes take softmax)."""
    name = type(loss).__name__
    if task == "regression" and hasattr(loss, "probabilities"):
        raise ValueError(f"a regression model needs a loss for values (squared_error, huber, "
                         f"...), got {name}, a classification loss")
    if task == "multilabel" and isinstance(loss, SoftmaxCrossEntropy):
        raise ValueError("a multilabel model needs binary_cross_entropy (one probability per "
                         "label), got SoftmaxCrossEntropy")
    if task == "classification" and isinstance(loss, BinaryCrossEntropy) and outputs != 1:
        raise ValueError(f"a classification model with BinaryCrossEntropy has one output (two "
                         f"classes), got {outputs} outputs; more classes take "
                         f"softmax_cross_entropy")


def class_probabilities(loss, outputs: np.ndarray, task: str) -> np.ndarray:
    """``loss.probabilities(outputs)`` (samples, classes); for a classification with one
    logit output (two classes), the two columns [1 - p, p]."""
    probabilities = loss.probabilities(outputs)
    if task == "classification" and probabilities.shape[1] == 1:
        probabilities = np.hstack([1.0 - probabilities, probabilities])
    return probabilities


def class_indices(probabilities: np.ndarray) -> np.ndarray:
    """The most probable class of each row (samples,); a tie goes to the first class, so a
    binary p = 0.5 gives the first (negative) class, as ``label_indicators`` does."""
    return np.argmax(probabilities, axis=1)


def label_indicators(probabilities: np.ndarray) -> np.ndarray:
    """0/1 rows (samples, labels) of a multi-label model: 1 where p > 0.5 (0.5 gives 0)."""
    return (probabilities > 0.5).astype(np.int64)


def unscale(outputs: np.ndarray, target_scaling: dict | None) -> np.ndarray:
    """outputs * scale + mean: the regression targets the network learned scaled."""
    if target_scaling is None:
        return outputs
    return outputs * target_scaling["scale"] + target_scaling["mean"]


def check_scaling(scaling: dict) -> dict:
    """``{"mean": m, "scale": s}`` with finite numbers (or equal-length lists) and s > 0."""
    if not isinstance(scaling, dict) or set(scaling) != {"mean", "scale"}:
        raise ValueError(f"target_scaling must be a dict with keys mean and scale, got "
                         f"{scaling!r}")
    mean = np.asarray(scaling["mean"], dtype=np.float64)
    scale = np.asarray(scaling["scale"], dtype=np.float64)
    if mean.shape != scale.shape or mean.ndim > 1 or not np.isfinite(mean).all() \
            or not np.isfinite(scale).all() or np.any(scale <= 0):
        raise ValueError(f"target_scaling needs finite mean and scale > 0 of one shape, got "
                         f"{scaling!r}")
    return {"mean": mean.tolist(), "scale": scale.tolist()}
