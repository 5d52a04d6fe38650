"""scikit-learn's MLP parameters turned into one call of glassnet's training.

``fit_stochastic`` builds the callbacks (glassnet's EarlyStopping, ReduceOnPlateau,
InverseScaling) from the estimator's public parameters and calls ``glassnet.training.fit``
once; ``fit_lbfgs_solver`` calls ``glassnet.solvers.fit_lbfgs``. Both read only the
estimator's parameters and its network and loss, take the rest (weights, optimizer,
validation score) as arguments and return the History: the estimator (``base``) turns it
into fitted attributes. No training loop lives here. Imports scikit-learn, numpy and
glassnet (never ``sklearn.base``).

L2: scikit-learn adds (alpha / (2 s)) * sum ||W||^2 to each batch's loss, s being the
batch's total sample weight (its size without weights); glassnet's ``l2`` is one number for
the whole fit, so it is set to alpha / (batch_size * mean weight): the same for full
batches and L-BFGS, and for minibatches except scikit-learn's shorter last batch. The weight
of a row is sample_weight * class_weight, so a class weight acts exactly as the same sample
weights (and integer weights as repeated rows).
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np
from sklearn.model_selection import train_test_split

from glassnet.callbacks import Callback, EarlyStopping, Monitor
from glassnet.optimizers import SGD, Adam
from glassnet.schedules import InverseScaling, ReduceOnPlateau
from glassnet.training import fit

RATE_FLOOR = 1e-6  # scikit-learn's "adaptive" stops at a plateau once the rate is this low


class RunningBest(Monitor):
    """scikit-learn's improvement rule: an epoch improves only if it beats the best so far by
    at least ``min_delta`` (``tol``), but the best follows every better value, however small
    the gain. (glassnet's Monitor moves the best only on an improvement by more than
    min_delta, so a slow steady decrease would never stall there.)"""

    def improved(self, value: float) -> bool:
        if math.isnan(value):
            return False
        if math.isnan(self.best):
            self.best = value
            return True
        gain = value - self.best if self.mode == "max" else self.best - value
        if gain > 0:
            self.best = value
        return gain >= self.min_delta


class RateFloor(Callback):
    """"adaptive": a plateau met when the rate is already <= 1e-6 ends training.

    Runs after ReduceOnPlateau: a rate lowered during this epoch means a plateau."""

    def on_epoch_begin(self, state):
        self.rate = state.optimizer.learning_rate

    def on_epoch_end(self, state):
        if state.optimizer.learning_rate < self.rate <= RATE_FLOOR:
            state.optimizer.learning_rate = self.rate  # stopping, not lowering, as scikit-learn
            state.stop_training = True


class PrintLosses(Callback):
    """``verbose=True``: print each epoch's loss, as scikit-learn's MLP does. The estimators
    are at the library's edge, where printing is allowed; the core never prints."""

    def on_epoch_end(self, state):
        print(f"Iteration {state.logs['epoch']}, loss = {state.logs['loss']:.8f}")
        if "val_score" in state.logs:
            print(f"Validation score: {state.logs['val_score']:f}")


def make_optimizer(estimator):
    """Adam or SGD (Nesterov momentum by default) with the estimator's settings."""
    if estimator.solver == "adam":
        return Adam(estimator.learning_rate_init, beta_1=estimator.beta_1,
                    beta_2=estimator.beta_2, epsilon=estimator.epsilon)
    nesterov = estimator.nesterovs_momentum and estimator.momentum > 0
    return SGD(estimator.learning_rate_init, momentum=estimator.momentum, nesterov=nesterov)


def callbacks_for(estimator, incremental: bool) -> list:
    """Stopping, best-weight keeping and schedules as scikit-learn's MLP would apply them."""
    callbacks = []
    key = "val_score" if estimator.early_stopping else "loss"
    if estimator.early_stopping:  # keep (and restore) the weights of the best val score
        callbacks.append(EarlyStopping(key, patience=estimator.max_iter + 1, mode="max"))
    sgd = estimator.solver == "sgd"
    if sgd and estimator.learning_rate == "invscaling":
        start = estimator.learning_rate_init / (estimator.t_ + 1) ** estimator.power_t
        callbacks.append(InverseScaling(estimator.power_t, initial_learning_rate=start))
    if not incremental and estimator.n_iter_no_change != np.inf:
        patience = int(estimator.n_iter_no_change) + 1  # scikit-learn: count > n_iter_no_change
        mode = "max" if estimator.early_stopping else "min"
        if sgd and estimator.learning_rate == "adaptive":
            plateau = ReduceOnPlateau(key, factor=0.2, patience=patience, min_delta=estimator.tol)
            plateau.tracker = RunningBest(key, mode, estimator.tol, owner="adaptive")
            callbacks += [plateau, RateFloor()]
        else:
            stopper = EarlyStopping(key, patience=patience, restore_best_weights=False)
            stopper.tracker = RunningBest(key, mode, estimator.tol, owner="n_iter_no_change")
            callbacks.append(stopper)
    return callbacks + ([PrintLosses()] if estimator.verbose else [])


def batch_size_for(estimator, samples: int) -> int:
    """scikit-learn's rule: 'auto' is min(200, samples); a larger int is clipped, with a
    warning."""
    if estimator.batch_size == "auto":
        return min(200, samples)
    if isinstance(estimator.batch_size, numbers.Integral) and estimator.batch_size > samples:
        warnings.warn(f"batch_size={estimator.batch_size} is larger than the {samples} "
                      "training samples; it is clipped", UserWarning, stacklevel=6)
    return int(min(estimator.batch_size, samples))


def split_for_validation(estimator, X, targets, weights, rng, stratify: bool):
    """scikit-learn's own split for early stopping (stratified for one-output classification
    when ``stratify``): ``train_test_split`` with the estimator's random state, so that the
    held-out rows are exactly those of scikit-learn's MLP (the tests compare the two from
    the same weights). Returns (X, targets, weights) for training and for validation."""
    arrays = (X, targets) if weights is None else (X, targets, weights)
    parts = train_test_split(*arrays, random_state=rng, test_size=estimator.validation_fraction,
                             stratify=targets[:, 0] if stratify else None)
    if len(parts[1]) < 2:
        raise ValueError(f"validation_fraction={estimator.validation_fraction} leaves "
                         f"{len(parts[1])} validation sample(s) of {len(X)}; early stopping "
                         "needs at least 2")
    training, validation = (*parts[0::2], None)[:3], (*parts[1::2], None)[:3]
    return training, validation


def l2_scale(alpha: float, total_weight: float) -> float:
    """alpha / total_weight, the total weight being batch_size * mean weight (minibatches)
    or the sum of the weights (L-BFGS), see the module docstring. ValueError naming
    sample_weight when the weights are so small that this overflows."""
    with np.errstate(over="ignore", divide="ignore"):
        scale = np.float64(alpha) / np.float64(total_weight)
    if not np.isfinite(scale):
        raise ValueError(f"sample_weight (times class_weight) is so small (a total of "
                         f"{total_weight:.3g} per batch) that alpha / total weight overflows; "
                         f"multiply the weights by a constant (only their ratios matter to "
                         f"the data term)")
    return float(scale)


def fit_stochastic(estimator, X, targets, weights, rng, incremental: bool, *, optimizer,
                   stratify: bool = False, score=None):
    """Minibatch training: ``max_iter`` epochs (one for partial_fit) through
    ``training.fit``, with ``optimizer`` (fresh or resumed); ``score(targets, outputs)`` is
    the validation score when early stopping. Returns (History, training rows)."""
    validation = None
    if estimator.early_stopping:
        (X, targets, weights), validation = split_for_validation(estimator, X, targets,
                                                                 weights, rng, stratify)
        validation = validation if validation[2] is not None else validation[:2]
    batch_size = batch_size_for(estimator, len(X))
    mean_weight = 1.0 if weights is None else float(np.mean(weights))
    history = fit(estimator.network_, X, targets, estimator.loss_function_, optimizer,
                  epochs=1 if incremental else estimator.max_iter, batch_size=batch_size,
                  shuffle=estimator.shuffle, rng=rng,
                  callbacks=callbacks_for(estimator, incremental),
                  validation_data=validation,
                  metrics={"score": score} if validation else (),
                  sample_weight=weights, l2=l2_scale(estimator.alpha, batch_size * mean_weight),
                  verbose=0)
    return history, len(X)


def fit_lbfgs_solver(estimator, X, targets, weights):
    """Full-batch L-BFGS through ``glassnet.solvers.fit_lbfgs``; l2 = alpha / total weight.
    Returns (History, training rows)."""
    from glassnet.solvers import fit_lbfgs

    total_weight = len(X) if weights is None else float(np.sum(weights))
    history = fit_lbfgs(estimator.network_, X, targets, estimator.loss_function_,
                        max_iterations=estimator.max_iter, tolerance=estimator.tol,
                        l2=l2_scale(estimator.alpha, total_weight),
                        sample_weight=weights,
                        callbacks=[PrintLosses()] if estimator.verbose else [],
                        max_evaluations=estimator.max_fun, verbose=0)
    return history, len(X)
