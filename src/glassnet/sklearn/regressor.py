"""MLPRegressor: single- and multi-output regression on glassnet's core.

The network ends in a Dense layer with no activation (out_activation_ "identity") and is
trained on ``SquaredError``: 1/2 of the mean over samples and outputs of the squared error,
scikit-learn's "squared_error". Imports scikit-learn, numpy and glassnet.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils import column_or_1d
from sklearn.utils.metaestimators import available_if

from glassnet.losses import SquaredError
from glassnet.sklearn.base import MultilayerPerceptron, store_parameters


class MLPRegressor(RegressorMixin, MultilayerPerceptron):
    """A multi-layer perceptron regressor with scikit-learn's interface, trained by glassnet.

    The parameters are those of ``sklearn.neural_network.MLPRegressor``, with the same
    names, order, meanings and defaults (see its documentation); ``loss`` accepts only
    "squared_error" (glassnet has no Poisson loss). glassnet's own parameters:

    dropout : float in [0, 1), default 0
        Inverted dropout after every hidden activation while training.
    dtype : None, "float32" or "float64", default None
        The network's float type; None follows X (float32 stays float32).

    Where glassnet differs from scikit-learn's MLP, see ``glassnet.sklearn`` (the package
    docstring). The loss, for rows of weight w_i in a batch B with K outputs, is
        L = sum_B w_i (1/2K) sum_k (prediction_ik - target_ik)^2 / sum_B w_i
            + alpha / (2 * batch_size * mean w) * sum ||W||^2,
    which is scikit-learn's "squared_error" with its alpha penalty.

    Fitted attributes: n_features_in_, feature_names_in_ (DataFrames), loss_, loss_curve_,
    validation_scores_, best_loss_, best_validation_score_, n_iter_, t_, coefs_ and
    intercepts_ (live views of the Dense weights (fan_in, fan_out) and biases (fan_out,)),
    n_layers_, n_outputs_, out_activation_, network_ and history_.
    """

    def __init__(self, loss="squared_error", hidden_layer_sizes=(100,), activation="relu", *,
                 solver="adam", alpha=0.0001, batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, verbose=False, warm_start=False, momentum=0.9,
                 nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, max_fun=15000,
                 dropout=0.0, dtype=None):
        store_parameters(self, locals())

    def _validate_input(self, X, y, incremental: bool, reset: bool, dtype):
        """Check X and y; return X and the targets as (samples, outputs) in X's dtype."""
        X, y = self._validate_pair(X, y, reset, dtype, y_numeric=True)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        targets = y.reshape(-1, 1) if y.ndim == 1 else y
        return X, np.asarray(targets, dtype=X.dtype)

    def _choose_loss(self, targets):
        return SquaredError(), "identity"  # check_parameters refused any other loss

    def _score_outputs(self, targets, outputs) -> float:
        """R^2 of the outputs (uniform average over outputs): the validation score."""
        return r2_score(targets, outputs)

    def _task(self):
        return "regression", None

    @available_if(lambda estimator: estimator.solver != "lbfgs")
    def partial_fit(self, X, y, sample_weight=None):
        """One epoch of training on (X, y). Only for the stochastic solvers."""
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X) -> np.ndarray:
        """Predicted values: (samples,) for one output, else (samples, outputs)."""
        outputs = self._outputs(X)
        return outputs[:, 0] if outputs.shape[1] == 1 else outputs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
