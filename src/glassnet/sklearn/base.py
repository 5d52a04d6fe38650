"""The part both scikit-learn estimators share: input checks, the network, and training.

Training goes through glassnet's own ``training.fit`` (and ``solvers.fit_lbfgs``); this
module only translates scikit-learn's parameters into glassnet's objects and the returned
History into scikit-learn's fitted attributes. Imports scikit-learn, numpy and glassnet.
"""

from __future__ import annotations

import copy
import warnings

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from glassnet.layers import Dense
from glassnet.network import mlp
from glassnet.optimizer_state import WORKSPACE
from glassnet.safeguards import TrainingDiverged
from glassnet.sklearn.parameters import check_parameters, hidden_sizes
from glassnet.sklearn.training import fit_lbfgs_solver, fit_stochastic, make_optimizer
from glassnet.training_data import class_weights
from glassnet.validation import refuse_complex


def store_parameters(estimator, arguments: dict) -> None:
    """Set each constructor argument as an attribute, unchanged (scikit-learn's convention)."""
    for name, value in arguments.items():
        if name not in ("self", "__class__"):
            setattr(estimator, name, value)


def check_sample_weight(sample_weight, samples: int) -> np.ndarray | None:
    """``sample_weight`` as a fresh float array of shape (samples,), finite, >= 0, not all 0."""
    if sample_weight is None:
        return None
    try:
        weights = np.asarray(sample_weight)
        if weights.dtype.kind != "c":  # float() of a complex number drops its imaginary part
            weights = np.array(weights, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"sample_weight must be numbers, got {sample_weight!r}") from error
    refuse_complex("sample_weight", weights)
    if weights.ndim == 0:
        weights = np.full(samples, float(weights))
    if weights.shape != (samples,):
        raise ValueError(f"sample_weight must have shape ({samples},), got {weights.shape}")
    if not np.isfinite(weights).all():
        raise ValueError("sample_weight contains NaN or infinity")
    if (weights < 0).any():
        raise ValueError(f"sample_weight must be >= 0, got {weights.min()}")
    if not weights.any():
        raise ValueError("sample_weight must contain at least one non-zero weight, got all "
                         "zeros")
    return weights


class MultilayerPerceptron(BaseEstimator):
    """Base class of MLPClassifier and MLPRegressor (not for direct use).

    A subclass writes out ``__init__`` (scikit-learn reads the parameters from its
    signature) and says how targets are encoded (``_validate_input``), which loss and output
    activation go with them (``_choose_loss``) and how outputs become predictions.
    """

    def fit(self, X, y, sample_weight=None):
        """Train from scratch (or from the current weights with ``warm_start=True``).

        X (samples, features); y (samples,) or (samples, outputs); returns self.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    def _fit(self, X, y, sample_weight, incremental: bool):
        check_parameters(self)
        if self.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True")
        first = self._starts_afresh(incremental)
        dtype = (np.float64, np.float32) if first else self.network_.dtype
        X, targets = self._validate_input(X, y, incremental, reset=first, dtype=dtype)
        weights = check_sample_weight(sample_weight, len(targets))
        # None: a fresh unseeded generator (glassnet never draws from numpy's global state)
        rng = np.random.RandomState() if self.random_state is None else check_random_state(
            self.random_state)
        if first:
            self._initialize(X, targets, rng)
        self._train(X, targets, self._combined_weights(targets, weights), rng, incremental)
        if not all(np.isfinite(array).all() for array in self.network_.parameters().values()):
            raise ValueError("training produced non-finite weights; scale the inputs (for "
                             "example with StandardScaler) or lower learning_rate_init")
        return self

    def _train(self, X, targets, weights, rng, incremental: bool) -> None:
        """Run the solver, then record its History in the fitted attributes."""
        try:
            if self.solver == "lbfgs":
                history, samples = fit_lbfgs_solver(self, X, targets, weights)
            else:
                history, samples = fit_stochastic(
                    self, X, targets, weights, rng, incremental,
                    optimizer=self._optimizer(incremental),
                    stratify=self._stratify_validation(targets), score=self._score_outputs)
        except TrainingDiverged as error:  # scikit-learn's MLP raises ValueError here
            raise ValueError(f"{error} (here learning_rate_init="
                             f"{self.learning_rate_init})") from error
        self._finish(history, samples, incremental)
        self.history_ = history

    def _architecture(self) -> tuple:
        """What the network is built from: a change means new weights."""
        return (tuple(hidden_sizes(self.hidden_layer_sizes)), self.activation,
                float(self.dropout), self.dtype)

    def _starts_afresh(self, incremental: bool) -> bool:
        """True for a first fit, a fit without warm_start, or a warm_start whose hidden
        sizes, activation, dropout or dtype changed (scikit-learn refits then too);
        partial_fit with such a change is a ValueError."""
        if not hasattr(self, "network_") or not (self.warm_start or incremental):
            return True
        built = getattr(self, "_architecture_", self._architecture())
        if built == self._architecture():
            return False
        if incremental:
            raise ValueError(f"partial_fit cannot change the network: it was built with "
                             f"(hidden_layer_sizes, activation, dropout, dtype) = {built}, "
                             f"now {self._architecture()}; call fit to start afresh")
        return True

    def _optimizer(self, incremental: bool):
        """The optimizer to train with: partial_fit resumes the last one (its moments)."""
        optimizer = getattr(self, "optimizer_", None) if incremental else None
        if optimizer is None:
            optimizer = self.optimizer_ = make_optimizer(self)
        return optimizer

    def _combined_weights(self, targets, weights):
        """sample_weight times class_weight per row (glassnet's ``class_weights``), so that
        the L2 scale sees the same total weight either way; None when there are neither.
        ValueError naming class_weight when it leaves every sample a weight of 0."""
        class_weight = self._class_weight_indices()
        if class_weight is None:
            return weights
        per_row = class_weights(class_weight, self.loss_function_, targets)
        combined = per_row if weights is None else weights * per_row
        if not combined.any():
            raise ValueError(f"class_weight={self.class_weight!r} gives every sample a weight "
                             f"of 0 (with sample_weight): nothing would be learned")
        return combined

    def _class_weight_indices(self):
        """class_weight for glassnet's fit (labels 0..classes-1); None for regression."""
        return None

    def _stratify_validation(self, targets) -> bool:
        return False

    def _check_inputs(self, X, reset: bool, dtype):
        """Validate X (and, with ``y``, fit's pair) through scikit-learn; densify sparse."""
        X = validate_data(self, X, reset=reset, accept_sparse=["csr", "csc"], dtype=dtype)
        return X.toarray() if sparse.issparse(X) else X

    def _validate_pair(self, X, y, reset: bool, dtype, **checks):
        X, y = validate_data(self, X, y, reset=reset, accept_sparse=["csr", "csc"],
                             multi_output=True, dtype=dtype, **checks)
        return (X.toarray() if sparse.issparse(X) else X), y

    def _initialize(self, X, targets, rng) -> None:
        sizes = [X.shape[1], *hidden_sizes(self.hidden_layer_sizes), targets.shape[1]]
        dtype = X.dtype if self.dtype is None else self.dtype
        # the last Dense gives logits or values (identity output): the loss takes logits
        self.network_ = mlp(sizes, self.activation, dropout=self.dropout, rng=rng, dtype=dtype)
        self.loss_function_, self.out_activation_ = self._choose_loss(targets)
        self.n_layers_, self.n_outputs_ = len(sizes), targets.shape[1]
        self.n_iter_, self.t_ = 0, 0
        self.loss_curve_ = []
        self.best_loss_ = None if self.early_stopping else np.inf
        self.validation_scores_ = [] if self.early_stopping else None
        self.best_validation_score_ = -np.inf if self.early_stopping else None
        self.__dict__.pop("optimizer_", None)
        self._architecture_ = self._architecture()

    def _outputs(self, X) -> np.ndarray:
        """The network's outputs (logits or values) for X, after scikit-learn's checks."""
        check_is_fitted(self, "network_")
        X = self._check_inputs(X, reset=False, dtype=self.network_.dtype)
        return self.network_.predict(X)

    def _finish(self, history, samples: int, incremental: bool) -> None:
        """Copy what training recorded into scikit-learn's fitted attributes."""
        losses = history["loss"] if len(history) else []
        self.n_iter_ = len(history)
        self.t_ += samples * len(history)
        self.loss_curve_ += losses
        self.loss_ = losses[-1] if losses else np.nan
        if self.best_loss_ is not None and losses:
            self.best_loss_ = min(self.best_loss_, min(losses))
        if self.validation_scores_ is not None and "val_score" in history.keys()[:]:
            self.validation_scores_ += history["val_score"]
            self.best_validation_score_ = max(self.validation_scores_)
        if not incremental and not history.stopped_early and self.n_iter_ == self.max_iter:
            solver = "L-BFGS" if self.solver == "lbfgs" else "Stochastic Optimizer"
            warnings.warn(f"{solver}: Maximum iterations ({self.max_iter}) reached and the "
                          "optimization hasn't converged yet.", ConvergenceWarning,
                          stacklevel=5)

    @property
    def coefs_(self) -> list[np.ndarray]:
        """The weights of each Dense layer, (fan_in, fan_out): live views, not copies."""
        check_is_fitted(self, "network_")
        return [layer.weights for layer in self.network_.layers if isinstance(layer, Dense)]

    @property
    def intercepts_(self) -> list[np.ndarray]:
        """The bias of each Dense layer, (fan_out,): live views, not copies."""
        check_is_fitted(self, "network_")
        return [layer.bias for layer in self.network_.layers if isinstance(layer, Dense)]

    def to_model(self):
        """The fitted network as a ``glassnet.Model`` (what ``glassnet.save(estimator, path)``
        writes): the network, its loss, the task, class labels, feature names, a training
        summary (the estimator's parameters and fitted numbers) and the last History."""
        from glassnet.model import Model

        check_is_fitted(self, "network_")
        features = getattr(self, "feature_names_in_", None)
        task, labels = self._task()
        return Model(self.network_, loss=self.loss_function_, task=task, class_labels=labels,
                     feature_names=None if features is None else list(features),
                     training=self._training_summary(), history=self.history_)

    def _training_summary(self) -> dict:
        simple = (str, int, float, bool, type(None))
        parameters = {name: (value if isinstance(value, simple) else repr(value))
                      for name, value in self.get_params().items()}
        parameters["hidden_layer_sizes"] = hidden_sizes(self.hidden_layer_sizes)
        return {"estimator": f"glassnet.sklearn.{type(self).__name__}",
                "parameters": parameters, "n_iter": self.n_iter_, "t": self.t_,
                "loss": float(self.loss_), "best_loss": self.best_loss_,
                "best_validation_score": self.best_validation_score_}

    def __getstate__(self):
        """What a pickle holds: the weights, the settings, the fitted attributes and the
        optimizer state partial_fit resumes from; not the last batch's inputs, predictions
        and targets (cached by the layers and the loss) nor per-step scratch (gradients,
        optimizer buffers), which are rebuilt on use."""
        state = dict(super().__getstate__())  # a copy: the live estimator keeps its network
        if "network_" in state:
            network = copy.copy(state["network_"])
            network.layers = [strip_caches(layer) for layer in network.layers]
            state["network_"] = network
        if "loss_function_" in state:
            state["loss_function_"] = without_arrays(state["loss_function_"])
        if state.get("optimizer_") is not None:
            state["optimizer_"] = without_scratch(state["optimizer_"])
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        network = self.__dict__.get("network_")
        for layer in network.layers if network is not None else ():
            if hasattr(layer, "params"):
                layer.grads = {name: np.zeros_like(value) for name, value in
                               layer.params.items()}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


def without_arrays(thing):
    """A shallow copy of ``thing`` without what its last forward pass cached: the attributes
    its class lists in ``caches`` (the layer protocol) and any other bare array attribute
    (a loss's ``predictions`` and ``targets``). Layers and losses keep their trained arrays
    in ``params``/``buffers`` and their settings as plain numbers, never as bare arrays."""
    stripped = copy.copy(thing)
    cached = [name for name, value in vars(stripped).items() if isinstance(value, np.ndarray)]
    for name in [*getattr(type(stripped), "caches", ()), *cached]:
        vars(stripped).pop(name, None)
    return stripped


def strip_caches(layer):
    """``without_arrays(layer)``, and without its gradients (rebuilt on unpickling)."""
    stripped = without_arrays(layer)
    if hasattr(stripped, "grads"):
        stripped.grads = {}
    return stripped


def without_scratch(optimizer):
    """A shallow copy of ``optimizer`` whose state keeps only what resuming needs: every
    entry but the per-step workspace (``optimizer_state.WORKSPACE``, remade on the next step)."""
    stripped = copy.copy(optimizer)
    stripped.state = {name: {key: value for key, value in entry.items()
                             if key not in WORKSPACE}
                      for name, entry in optimizer.state.items()}
    return stripped
